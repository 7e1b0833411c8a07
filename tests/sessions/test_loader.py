"""The loader: shipped fixtures load, reload idempotently, and bad fixtures change nothing."""

import json
import shutil
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from sessions.models import Appearance, Meeting, Session, Speaker
from topics.models import Citation, Country, Document, Organisation, SourceDocument, Tag, TaggedItem

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
    """A writable copy of the shipped fixtures, to break on purpose."""
    target = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir, target)
    return target


def edit(path, change):
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def load(directory):
    out = StringIO()
    call_command("load_kb", directory=str(directory), stdout=out)
    return out.getvalue()


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
def test_loading_twice_changes_nothing(fixtures_dir):
    before = snapshot()
    output = load(fixtures_dir)
    assert "Loaded" in output
    assert snapshot() == before


@pytest.mark.django_db
def test_reloading_keeps_tags_added_in_the_admin(fixtures_dir):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    session.tags.add("Editor's pick")
    load(fixtures_dir)
    assert "editors-pick" in set(session.tags.values_list("slug", flat=True))


@pytest.mark.django_db
def test_reloading_removes_a_theme_taken_out_of_the_fixtures(fixture_copy):
    def drop_theme(data):
        session = next(s for s in data["sessions"] if s["slug"] == "ccpcj-31-femicide")
        session["themes"].remove("data-and-measurement")

    edit(fixture_copy / "000-ccpcj-31-observer-notes.json", drop_theme)
    load(fixture_copy)
    slugs = set(Session.objects.get(slug="ccpcj-31-femicide").tags.values_list("slug", flat=True))
    assert "data-and-measurement" not in slugs
    assert "femicide" in slugs


@pytest.mark.django_db
def test_reloading_keeps_tags_people_added(fixtures_dir, django_user_model):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    staff = django_user_model.objects.create_user("staff")
    tag = Tag.objects.create(name="data gaps", slug="data-gaps")
    session.tags.add(tag, through_defaults={"added_by": staff})
    load(fixtures_dir)
    assert "data-gaps" in set(session.tags.values_list("slug", flat=True))


def first_session(data):
    return data["sessions"][0]


BAD_FIXTURES = [
    pytest.param(
        lambda data: first_session(data)["themes"].append("no-such-theme"),
        "field 'themes': unknown theme 'no-such-theme'",
        id="unknown-theme",
    ),
    pytest.param(
        lambda data: (
            first_session(data)
            .setdefault("speakers", [])
            .append({"speaker": "nobody-at-all", "role": "", "affiliation": ""})
        ),
        "field 'speakers': unknown speaker 'nobody-at-all'",
        id="unknown-speaker",
    ),
    pytest.param(
        lambda data: first_session(data).update(date="2022-02-30"),
        "field 'date': '2022-02-30' is not a valid date",
        id="impossible-date",
    ),
    pytest.param(
        lambda data: first_session(data).update(start_time="25:61"),
        "field 'start_time': '25:61' is not a valid time",
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
        "field 'kind': 'banquet' is not one of",
        id="unknown-kind",
    ),
    pytest.param(
        lambda data: first_session(data).update(colour="blue"),
        "unknown field(s) colour",
        id="unknown-field",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("breakage", "message"), BAD_FIXTURES)
def test_bad_fixture_names_file_record_and_field_and_changes_nothing(
    fixture_copy, breakage, message
):
    notes = fixture_copy / "000-ccpcj-31-observer-notes.json"
    # A valid change earlier in the same load must be rolled back too.
    edit(notes, lambda data: first_session(data).update(title="Renamed plenary"))
    edit(notes, breakage)
    before = snapshot()

    with pytest.raises(CommandError) as error:
        load(fixture_copy)

    assert "Nothing was loaded" in str(error.value)
    assert "000-ccpcj-31-observer-notes.json: sessions[0]" in str(error.value) or (
        "000-ccpcj-31-observer-notes.json: documents[" in str(error.value)
    )
    assert message in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_failure_late_in_the_write_rolls_back_earlier_writes(fixture_copy, monkeypatch):
    """Validation passes but the database refuses a record: nothing stays written."""
    edit(
        fixture_copy / "000-ccpcj-31-observer-notes.json",
        lambda data: first_session(data).update(title="Renamed plenary"),
    )
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
    assert "000-ccpcj-31-observer-notes.json" in str(error.value)


@pytest.mark.django_db
def test_empty_fixture_folder_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no fixture files"):
        load(tmp_path)
