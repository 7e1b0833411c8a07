"""The loader and the export: fixtures load, reloading never discards work done in the site,
conflicts are reported, the database goes back into the fixture files, and bad fixtures change
nothing."""

import json
import shutil
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from sessions.models import Appearance, Meeting, Session, Speaker
from topics.models import (
    Citation,
    Country,
    Document,
    LoadedRecord,
    Membership,
    Organisation,
    Programme,
    SourceDocument,
    Tag,
    TaggedItem,
)
from topics.services import merge_tags

NOTES = "000-ccpcj-31-observer-notes.json"
MODELS = [
    SourceDocument,
    Country,
    Organisation,
    Tag,
    Document,
    Speaker,
    Meeting,
    Session,
    Appearance,
    TaggedItem,
    Citation,
]


def snapshot():
    """Everything the loader writes, primary keys included."""
    return {
        model.__name__: serializers.serialize("json", model.objects.order_by("pk"))
        for model in MODELS
    }


@pytest.fixture
def fixture_copy(tmp_path, fixtures_dir):
    """A writable copy of the shipped fixtures, as last loaded into the test database."""
    target = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir, target)
    return target


def edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def reformat(directory):
    """Change the fixture files' bytes but not what they say, so the loader merges again."""
    path = directory / "themes.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=4), encoding="utf-8")


def load(directory, *options):
    out = StringIO()
    call_command("load_kb", *options, directory=str(directory), stdout=out)
    return out.getvalue()


def export(directory):
    out = StringIO()
    call_command("export_kb", directory=str(directory), stdout=out)
    return out.getvalue()


def session_in(data, slug):
    return next(s for s in data["sessions"] if s["slug"] == slug)


def tag_slugs(record):
    return set(record.tags.values_list("slug", flat=True))


@pytest.mark.django_db
def test_shipped_fixtures_load_every_kind_of_record():
    assert SourceDocument.objects.count() == 5
    for model in (Country, Organisation, Tag, Document, Speaker, Meeting, Session, Appearance):
        assert model.objects.exists(), model.__name__
    uncited = [
        str(obj)
        for model in (Country, Organisation, Document, Speaker, Meeting, Session)
        for obj in model.objects.filter(citations__isnull=True)
    ]
    assert uncited == []


@pytest.mark.django_db
def test_reloading_unchanged_fixtures_does_nothing_and_says_so(fixtures_dir):
    before = snapshot()
    assert "have not changed since the last load" in load(fixtures_dir)
    assert snapshot() == before


@pytest.mark.django_db
def test_merging_fixtures_that_say_the_same_writes_nothing(fixture_copy):
    before = snapshot()
    reformat(fixture_copy)
    output = load(fixture_copy)
    assert "0 added, 0 updated, 0 edits made in the site kept, 0 conflicts" in output
    assert snapshot() == before


def _edit_session_text(ctx):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    session.title = "Femicide: a corrected title"
    session.notes = "Corrected notes."
    session.save()
    return lambda: Session.objects.filter(
        slug="ccpcj-31-femicide", title="Femicide: a corrected title", notes="Corrected notes."
    ).exists()


def _edit_meeting_name(ctx):
    meeting = Meeting.objects.get(slug="ccpcj-31")
    meeting.name = "CCPCJ, thirty-first session"
    meeting.save()
    return lambda: Meeting.objects.get(slug="ccpcj-31").name == "CCPCJ, thirty-first session"


def _edit_theme_description(ctx):
    Tag.objects.filter(slug="femicide").update(description="An editor's description.")
    return lambda: Tag.objects.get(slug="femicide").description == "An editor's description."


def _edit_document_title(ctx):
    document = Document.objects.matching_symbol("A/RES/70/176").get()
    document.title = "An editor's title"
    document.save()
    return lambda: (
        Document.objects.matching_symbol("A/RES/70/176").get().title == ("An editor's title")
    )


def _edit_citation_location(ctx):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    session.citations.update(location="Day two, as corrected")
    return lambda: (
        list(session.citations.values_list("location", flat=True)) == ["Day two, as corrected"]
    )


def _add_organisation_to_session(ctx):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    session.organisations.add(Organisation.objects.get(slug="un-women"))
    return lambda: session.organisations.filter(slug="un-women").exists()


def _add_speaker_to_session(ctx):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    speaker = Speaker.objects.exclude(appearances__session=session).first()
    Appearance.objects.create(session=session, speaker=speaker, role="Moderator", order=9)
    return lambda: session.appearances.filter(speaker=speaker, role="Moderator").exists()


def _remove_theme_from_session(ctx):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    session.tags.remove(Tag.objects.get(slug="data-and-measurement"))
    return lambda: "data-and-measurement" not in tag_slugs(session)


def _delete_country(ctx):
    Country.objects.get(slug="malta").delete()
    return lambda: not Country.objects.filter(slug="malta").exists()


def _merge_themes(ctx):
    keep = Tag.objects.get(slug="femicide")
    merge_tags(keep=keep, merged=[keep, Tag.objects.get(slug="data-and-measurement")])
    session = Session.objects.get(slug="ccpcj-31-femicide")
    return lambda: (
        not Tag.objects.filter(slug="data-and-measurement").exists()
        and "femicide" in tag_slugs(session)
    )


def _rename_speaker_slug(ctx):
    speaker = Speaker.objects.get(slug="abubakar-balarabe-mahmoud")
    speaker.slug = "abubakar-mahmoud"
    speaker.save()
    return lambda: (
        not Speaker.objects.filter(slug="abubakar-balarabe-mahmoud").exists()
        and Speaker.objects.get(slug="abubakar-mahmoud").appearances.exists()
    )


EDITS = [
    pytest.param(_edit_session_text, id="session-title-and-notes"),
    pytest.param(_edit_meeting_name, id="meeting-name"),
    pytest.param(_edit_theme_description, id="theme-description"),
    pytest.param(_edit_document_title, id="document-title"),
    pytest.param(_edit_citation_location, id="citation-location"),
    pytest.param(_add_organisation_to_session, id="organisation-added-to-session"),
    pytest.param(_add_speaker_to_session, id="speaker-added-to-session"),
    pytest.param(_remove_theme_from_session, id="theme-removed-from-session"),
    pytest.param(_delete_country, id="record-deleted"),
    pytest.param(_merge_themes, id="themes-merged"),
    pytest.param(_rename_speaker_slug, id="slug-changed"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("make_edit", EDITS)
def test_an_edit_made_in_the_site_survives_a_reload(fixture_copy, make_edit):
    edit_is_there = make_edit(None)
    counts = {model: model.objects.count() for model in MODELS}
    reformat(fixture_copy)

    output = load(fixture_copy)

    assert edit_is_there()
    assert "0 conflicts" in output
    assert "0 added" in output
    assert {model: model.objects.count() for model in MODELS} == counts


@pytest.mark.django_db
def test_a_fixture_change_applies_where_the_site_did_not_edit(fixture_copy):
    edit(fixture_copy / NOTES, lambda d: session_in(d, "ccpcj-31-femicide").update(title="New"))
    output = load(fixture_copy)
    assert Session.objects.get(slug="ccpcj-31-femicide").title == "New"
    assert "1 updated" in output


@pytest.mark.django_db
def test_a_theme_taken_out_of_the_fixtures_leaves_the_session(fixture_copy):
    edit(
        fixture_copy / NOTES,
        lambda d: session_in(d, "ccpcj-31-femicide")["themes"].remove("data-and-measurement"),
    )
    load(fixture_copy)
    slugs = tag_slugs(Session.objects.get(slug="ccpcj-31-femicide"))
    assert "data-and-measurement" not in slugs
    assert "femicide" in slugs


@pytest.mark.django_db
def test_reloading_keeps_tags_people_added(fixture_copy):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    staff = User.objects.create_user("staff")
    tag = Tag.objects.create(name="data gaps", slug="data-gaps")
    session.tags.add(tag, through_defaults={"added_by": staff})
    reformat(fixture_copy)
    load(fixture_copy)
    assert "data-gaps" in tag_slugs(session)


@pytest.mark.django_db
def test_a_fixture_naming_a_merged_theme_lands_on_the_kept_tag(fixture_copy):
    keep = Tag.objects.get(slug="femicide")
    merge_tags(keep=keep, merged=[keep, Tag.objects.get(slug="data-and-measurement")])
    plenary = Session.objects.get(slug="ccpcj-31-plenary-1")
    assert "femicide" not in tag_slugs(plenary)
    edit(
        fixture_copy / NOTES,
        lambda d: session_in(d, "ccpcj-31-plenary-1")["themes"].append("data-and-measurement"),
    )

    load(fixture_copy)

    assert not Tag.objects.filter(slug="data-and-measurement").exists()
    assert "femicide" in tag_slugs(plenary)


@pytest.mark.django_db
def test_both_changed_is_a_conflict_reported_with_both_values(fixture_copy):
    Session.objects.filter(slug="ccpcj-31-femicide").update(title="The site's title")
    edit(
        fixture_copy / NOTES,
        lambda d: session_in(d, "ccpcj-31-femicide").update(title="The fixtures' title"),
    )

    output = load(fixture_copy)

    assert (
        f"{NOTES}: sessions[4] 'ccpcj-31-femicide', field 'title': the fixtures say "
        '"The fixtures\' title", the database says "The site\'s title"'
    ) in output
    assert "1 conflicts" in output
    assert Session.objects.get(slug="ccpcj-31-femicide").title == "The site's title"

    before = snapshot()
    again = load(fixture_copy)
    assert "1 conflicts" in again, "an unresolved conflict is reported at every load"
    assert "0 updated" in again
    assert snapshot() == before


@pytest.mark.django_db
def test_prefer_fixtures_overwrites_the_conflict_and_says_what(fixture_copy):
    Meeting.objects.filter(slug="ccpcj-31").update(name="The site's name")
    edit(fixture_copy / NOTES, lambda d: d["meetings"][0].update(name="The fixtures' name"))

    output = load(fixture_copy, "--prefer-fixtures")

    assert "Overwrote: " in output
    assert 'the database says "The site\'s name"' in output
    assert Meeting.objects.get(slug="ccpcj-31").name == "The fixtures' name"
    assert "0 conflicts" in load(fixture_copy)


@pytest.mark.django_db
def test_a_record_deleted_in_the_site_but_changed_in_the_fixtures_is_a_conflict(fixture_copy):
    Country.objects.get(slug="malta").delete()
    edit(fixture_copy / NOTES, lambda d: d["countries"][7].update(name="Republic of Malta"))
    output = load(fixture_copy)
    assert "countries[7] 'malta': deleted in the site, but the fixtures changed 'name'" in output
    assert not Country.objects.filter(slug="malta").exists()


@pytest.mark.django_db
def test_load_then_export_reproduces_the_shipped_files_byte_for_byte(fixture_copy, fixtures_dir):
    assert "already hold the database" in export(fixture_copy)
    for path in fixtures_dir.glob("*.json"):
        assert (fixture_copy / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.django_db
def test_export_writes_edits_into_the_fixtures_and_loading_them_is_a_no_op(fixture_copy):
    _edit_session_text(None)
    _remove_theme_from_session(None)
    _add_organisation_to_session(None)
    _delete_country(None)

    assert NOTES in export(fixture_copy)

    data = json.loads((fixture_copy / NOTES).read_text(encoding="utf-8"))
    session = session_in(data, "ccpcj-31-femicide")
    assert session["title"] == "Femicide: a corrected title"
    assert "data-and-measurement" not in session["themes"]
    assert "un-women" in session["organisations"]
    assert "malta" not in json.dumps(data)
    before = snapshot()
    output = load(fixture_copy)
    assert "0 added, 0 updated" in output
    assert "0 conflicts" in output
    assert snapshot() == before


@pytest.mark.django_db
def test_export_refuses_fixtures_changed_since_the_last_load(fixture_copy):
    edit(fixture_copy / NOTES, lambda d: d["meetings"][0].update(name="Not loaded yet"))
    with pytest.raises(CommandError, match="changed since they were last loaded"):
        export(fixture_copy)


@pytest.mark.django_db
def test_the_loader_remembers_every_record_it_loaded():
    remembered = set(LoadedRecord.objects.values_list("kind", "key"))
    assert ("sessions", "ccpcj-31-femicide") in remembered
    assert ("documents", "A/RES/70/176") in remembered
    assert len(remembered) == sum(
        model.objects.count()
        for model in (SourceDocument, Country, Membership, Organisation, Document)
    ) + Tag.objects.themes().count() + Speaker.objects.count() + Meeting.objects.count() + (
        Session.objects.count() + Programme.objects.count()
    )


def first_session(data):
    return data["sessions"][0]


BAD_FIXTURES = [
    pytest.param(
        lambda data: first_session(data)["themes"].append("no-such-theme"),
        "sessions[0] 'ccpcj-31-plenary-1', field 'themes': unknown theme 'no-such-theme'",
        id="unknown-theme",
    ),
    pytest.param(
        lambda data: (
            first_session(data)
            .setdefault("speakers", [])
            .append({"speaker": "nobody-at-all", "role": "", "affiliation": ""})
        ),
        "sessions[0] 'ccpcj-31-plenary-1', field 'speakers': unknown speaker 'nobody-at-all'",
        id="unknown-speaker",
    ),
    pytest.param(
        lambda data: first_session(data).update(date="2022-02-30"),
        "sessions[0] 'ccpcj-31-plenary-1', field 'date': '2022-02-30' is not a valid date",
        id="impossible-date",
    ),
    pytest.param(
        lambda data: first_session(data).update(start_time="25:61"),
        "sessions[0] 'ccpcj-31-plenary-1', field 'start_time': '25:61' is not a valid time",
        id="impossible-time",
    ),
    pytest.param(
        lambda data: data.setdefault("documents", []).append(
            {"symbol": "not a symbol!", "kind": "resolution"}
        ),
        "field 'symbol': 'not a symbol!' is not a UN document symbol",
        id="malformed-symbol",
    ),
    pytest.param(
        lambda data: first_session(data).update(kind="banquet"),
        "sessions[0] 'ccpcj-31-plenary-1', field 'kind': Value 'banquet' is not a valid choice",
        id="unknown-kind",
    ),
    pytest.param(
        lambda data: first_session(data).update(colour="blue"),
        "sessions[0] 'ccpcj-31-plenary-1': unknown field(s) colour",
        id="unknown-field",
    ),
    pytest.param(
        lambda data: data["speakers"][0].update(slug="s" * 120),
        f"speakers[0] '{'s' * 120}', field 'slug': Ensure this value has at most 100 characters",
        id="slug-longer-than-the-model-allows",
    ),
    pytest.param(
        lambda data: first_session(data).update(title="t" * 401),
        "sessions[0] 'ccpcj-31-plenary-1', field 'title': Ensure this value has at most 400",
        id="title-longer-than-the-model-allows",
    ),
    pytest.param(
        lambda data: data["documents"].append({"slug": "nameless", "kind": "other"}),
        "'nameless': A document needs a symbol or a title",
        id="document-without-a-name",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("breakage", "message"), BAD_FIXTURES)
def test_bad_fixture_names_file_record_and_field_and_changes_nothing(
    fixture_copy, breakage, message
):
    notes = fixture_copy / NOTES
    # A valid change in the same load must not be written either.
    edit(notes, lambda data: first_session(data).update(title="Renamed plenary"))
    edit(notes, breakage)
    before = snapshot()

    with pytest.raises(CommandError) as error:
        load(fixture_copy)

    assert str(error.value).startswith(f"Nothing was loaded. {NOTES}: ")
    assert message in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_failure_late_in_the_write_rolls_back_earlier_writes(fixture_copy, monkeypatch):
    """Validation passes but the database refuses a record: nothing stays written."""
    edit(fixture_copy / NOTES, lambda data: first_session(data).update(title="Renamed plenary"))
    edit(fixture_copy / NOTES, lambda data: data["meetings"][0].update(name="Renamed meeting"))
    before = snapshot()
    original_save = Session.save

    def failing_save(self, *args, **kwargs):
        if self.title == "Renamed plenary":
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", failing_save)
    with pytest.raises(RuntimeError):
        load(fixture_copy)
    assert snapshot() == before


@pytest.mark.django_db
def test_invalid_json_names_the_file(fixture_copy):
    (fixture_copy / "zz-broken.json").write_text("{ not json")
    with pytest.raises(CommandError, match=r"zz-broken\.json: not valid JSON"):
        load(fixture_copy)


@pytest.mark.django_db
def test_contradicting_files_name_both(fixture_copy):
    (fixture_copy / "zz-other.json").write_text(
        json.dumps({"countries": [{"slug": "india", "name": "Bharat"}]})
    )
    with pytest.raises(CommandError) as error:
        load(fixture_copy)
    assert "zz-other.json: countries[0] 'india', field 'name'" in str(error.value)
    assert NOTES in str(error.value)


@pytest.mark.django_db
def test_empty_fixture_folder_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no fixture files"):
        load(tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", [SourceDocument, Tag, Country, Organisation, Document, Speaker, Meeting, Session]
)
def test_records_serialised_by_natural_key_load_back_onto_themselves(model):
    """``dumpdata --natural-primary`` output names records by slug; loading it finds them."""
    originals = list(model.objects.order_by("pk")[:3])
    data = serializers.serialize(
        "json", originals, use_natural_primary_keys=True, use_natural_foreign_keys=True
    )
    assert '"pk"' not in data
    loaded = [item.object.pk for item in serializers.deserialize("json", data)]
    assert loaded == [original.pk for original in originals]


EXTRA_SOURCE = {
    "source": {
        "slug": "test-working-paper",
        "file": "test-working-paper.txt",
        "title": "A test working paper",
        "kind": "working-paper",
    },
    "passages": [
        {
            "anchor": "h-intro",
            "label": "",
            "kind": "heading",
            "level": 1,
            "heading": None,
            "text": "I. Introduction",
        },
        {
            "anchor": "para-1",
            "label": "1",
            "kind": "paragraph",
            "level": None,
            "heading": "h-intro",
            "text": "The first paragraph.",
        },
        {
            "anchor": "para-2",
            "label": "2",
            "kind": "paragraph",
            "level": None,
            "heading": "h-intro",
            "text": "The second paragraph.5",
        },
        {
            "anchor": "fn-5",
            "label": "fn. 5",
            "kind": "footnote",
            "level": None,
            "heading": None,
            "text": "A footnote.",
        },
    ],
    "countries": [{"slug": "test-ruritania", "name": "Ruritania", "cited_at": "paras. 1 and 2"}],
}


def add_extra_source(directory, change=None):
    data = json.loads(json.dumps(EXTRA_SOURCE))
    if change:
        change(data)
    path = directory / "zz-test-working-paper.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def passages_of(slug):
    return list(
        SourceDocument.objects.get(slug=slug)
        .passages.order_by("position")
        .values_list("anchor", "label", "kind", "heading__anchor", "text")
    )


@pytest.mark.django_db
def test_a_sources_passages_load_in_order_with_their_headings(fixture_copy):
    add_extra_source(fixture_copy)
    load(fixture_copy)
    assert passages_of("test-working-paper") == [
        ("h-intro", "", "heading", None, "I. Introduction"),
        ("para-1", "1", "paragraph", "h-intro", "The first paragraph."),
        ("para-2", "2", "paragraph", "h-intro", "The second paragraph.5"),
        ("fn-5", "fn. 5", "footnote", None, "A footnote."),
    ]


@pytest.mark.django_db
def test_a_citation_links_to_the_passages_its_location_names(fixture_copy):
    add_extra_source(fixture_copy)
    load(fixture_copy)
    citation = Country.objects.get(slug="test-ruritania").citations.get()
    assert [p.get_absolute_url() for p in citation.passages.order_by("position")] == [
        "/sources/test-working-paper/#para-1",
        "/sources/test-working-paper/#para-2",
    ]


@pytest.mark.django_db
def test_a_location_edited_in_the_admin_finds_its_passages_again(fixture_copy):
    add_extra_source(fixture_copy)
    load(fixture_copy)
    citation = Country.objects.get(slug="test-ruritania").citations.get()
    citation.location = "fn. 5"
    citation.save()
    assert list(citation.passages.values_list("anchor", flat=True)) == ["fn-5"]


@pytest.mark.django_db
def test_changed_passages_replace_the_old_ones_on_reload(fixture_copy):
    add_extra_source(fixture_copy)
    load(fixture_copy)

    def reorder(data):
        passages = data["passages"]
        passages[1], passages[2] = passages[2], passages[1]
        passages[1]["text"] = "The second paragraph, corrected."
        del passages[3]

    add_extra_source(fixture_copy, reorder)
    load(fixture_copy)
    assert [row[0] for row in passages_of("test-working-paper")] == ["h-intro", "para-2", "para-1"]
    assert passages_of("test-working-paper")[1][4] == "The second paragraph, corrected."
    citation = Country.objects.get(slug="test-ruritania").citations.get()
    assert set(citation.passages.values_list("anchor", flat=True)) == {"para-1", "para-2"}


BAD_PASSAGES = [
    pytest.param(
        lambda d: d["passages"][1].update(heading="h-nowhere"),
        "passages[1] 'para-1', field 'heading': 'h-nowhere' is not a heading before it",
        id="unknown-heading",
    ),
    pytest.param(
        lambda d: d["passages"][2].update(anchor="para-1"),
        "passage anchor(s) used twice: para-1",
        id="anchor-twice",
    ),
    pytest.param(
        lambda d: d["passages"][1].update(level=2),
        "passages[1] 'para-1', field 'level': only headings have a level",
        id="level-on-a-paragraph",
    ),
    pytest.param(
        lambda d: d["passages"][1].update(kind="poem"),
        "passages[1] 'para-1', field 'kind': Value 'poem' is not a valid choice",
        id="unknown-kind",
    ),
    pytest.param(
        lambda d: d["passages"][1].update(anchor="Para 1"),
        "passages[1] 'Para 1', field 'anchor':",
        id="anchor-not-a-slug",
    ),
    pytest.param(
        lambda d: d["countries"][0].update(cited_at="para. 1; para. 3"),
        "countries[0] 'test-ruritania', field 'cited_at': 'para. 3' names no passage",
        id="citation-naming-no-passage",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("breakage", "message"), BAD_PASSAGES)
def test_bad_passages_and_unresolved_citations_are_refused(fixture_copy, breakage, message):
    add_extra_source(fixture_copy, breakage)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        load(fixture_copy)
    assert "zz-test-working-paper.json: " in str(error.value)
    assert message in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_value_marked_inferred_is_kept_and_shown_as_inferred(fixture_copy, client):
    edit(
        fixture_copy / NOTES, lambda d: session_in(d, "ccpcj-31-femicide").update(inferred=["kind"])
    )
    load(fixture_copy)
    session = Session.objects.get(slug="ccpcj-31-femicide")
    assert session.inferred == ["kind"]
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'Side event <span class="inferred">(inferred' in page


@pytest.mark.django_db
def test_inferred_must_name_the_records_own_fields(fixture_copy):
    edit(fixture_copy / NOTES, lambda d: first_session(d).update(inferred=["colour"]))
    with pytest.raises(CommandError, match="field 'inferred': expected a list of this record's"):
        load(fixture_copy)
