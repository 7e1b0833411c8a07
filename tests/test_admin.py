"""The admin as editors use it: every page answers, search finds what they type, tags are
chosen rather than typed, a new record cites its source, and pages fit a 1280 px screen
(tests/browser/test_admin_layout.py measures them in a browser)."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator

from sessions.admin import SHORT_MEETING_NAME
from sessions.models import Appearance, Meeting, Session, Speaker
from tests.factories import (
    add_speaker,
    cite,
    make_document,
    make_meeting,
    make_session,
    make_source,
    make_speaker,
    make_tag,
    make_theme,
)
from topics.models import Document, TaggedItem
from topics.services import tag_record

TAGS = "topics-taggeditem-content_type-object_id"
CITATIONS = "topics-citation-content_type-object_id"

# django-axes' own admin pages are read-only by design (no add page), and so are the taggings
# audit (tests/topics/test_tag_rules.py covers it) and the passages of source documents
# (tests/topics/test_passage_admin.py); ours are all editable.
REGISTERED = [
    pytest.param(model, id=model._meta.label)
    for model in admin.site._registry
    if model._meta.app_label in {"kb_sessions", "topics", "auth"}
    and model._meta.label not in {"topics.TaggingEvent", "topics.Passage"}
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED)
def test_changelist_add_and_change_pages_answer(admin_client, model):
    """Every list, search, add and change page of an editable model answers."""
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(f"{changelist}?q=a").status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert admin_client.get(add).status_code == 200
    instance = model.objects.order_by("pk").first()
    if instance is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert admin_client.get(change).status_code == 200


@pytest.mark.django_db
def test_every_kind_of_record_is_in_the_admin():
    """Editors find every kind of record in the admin."""
    labels = {model._meta.label for model in admin.site._registry}
    assert {
        "kb_sessions.Meeting",
        "kb_sessions.Session",
        "kb_sessions.Speaker",
        "kb_sessions.Appearance",
        "kb_sessions.Annotation",
        "topics.Organisation",
        "topics.Document",
        "topics.Tag",
        "topics.TaggedItem",
        "topics.Country",
        "topics.SourceDocument",
    } <= labels


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def changelist_results(client, model, query):
    response = client.get(admin_url(model, "changelist"), {"q": query})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def form_data(response) -> dict:
    """What a browser sends back from the admin form on ``response`` when nothing is changed:
    the record's fields and every inline's rows, with their management forms."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = "on" if value is True else str(value)
    return data


def add_row(data, prefix, **fields):
    """Fill in one more row of the inline ``prefix``, as "Add another" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": str(value) for name, value in fields.items()})


def error_text(response) -> str:
    """The admin's error messages on a refused form, as plain text."""
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.django_db
class TestSearch:
    def test_speaker_by_surname(self, editor_client):
        """A surname finds that speaker only."""
        speaker = make_speaker(name="Ottoline Quaresmavieux")
        make_speaker(name="Ottoline Other")
        assert changelist_results(editor_client, Speaker, "Quaresmavieux") == [speaker]

    @pytest.mark.parametrize(
        "written", ["A/RES/900/7", "A/Res/900/7", "a/res/900/7", "resolution 900/7", "900/7"]
    )
    def test_resolution_by_any_written_form(self, editor_client, written):
        """Any written form of a symbol finds the resolution."""
        resolution = make_document(symbol="A/RES/900/7", kind=Document.Kind.RESOLUTION)
        assert changelist_results(editor_client, Document, written) == [resolution]

    def test_session_by_speaker_name(self, editor_client):
        """A speaker's name finds the sessions they spoke at."""
        session = make_session()
        add_speaker(session, make_speaker(name="Ottoline Quaresmavieux"))
        make_session()
        assert changelist_results(editor_client, Session, "Quaresmavieux") == [session]


@pytest.mark.django_db
def test_editors_see_who_tagged_what_and_when(editor_client, ngo_staff):
    """The taggings list, filtered by a person, shows what they tagged."""
    session = make_session()
    tag_record(record=session, name="Test data gaps", user=ngo_staff)
    response = editor_client.get(
        admin_url(TaggedItem, "changelist"), {"added_by__id__exact": ngo_staff.pk}
    )
    taggings = list(response.context["cl"].result_list)
    assert [(t.tag.name, t.content_object, t.added_by) for t in taggings] == [
        ("Test data gaps", session, ngo_staff)
    ]
    assert session.title in response.content.decode()


@pytest.mark.django_db
def test_every_record_has_its_change_history(editor_client):
    """A record's History page answers."""
    session = make_session()
    assert editor_client.get(admin_url(Session, "history", session.pk)).status_code == 200


TAGGED_KINDS = [
    pytest.param(make_session, id="session"),
    pytest.param(make_meeting, id="meeting"),
    pytest.param(make_document, id="document"),
]


@pytest.mark.django_db
class TestTagsInTheAdmin:
    @pytest.mark.parametrize("make_record", TAGGED_KINDS)
    def test_tags_are_chosen_with_an_autocomplete_not_typed_as_a_list(
        self, editor_client, make_record
    ):
        """A record's form has no quoted, comma-separated tags box: each tag is a row whose
        tag is looked up as the editor types."""
        record = make_record()
        response = editor_client.get(admin_url(type(record), "change", record.pk))
        page = response.content.decode()
        assert "tags" not in response.context["adminform"].form.fields
        assert "comma-separated list of tags" not in page
        assert f'<select name="{TAGS}-__prefix__-tag" id="id_{TAGS}-__prefix__-tag" ' in page
        assert f'id="id_{TAGS}-__prefix__-tag" class="admin-autocomplete"' in page

    def test_typing_part_of_a_tag_suggests_it(self, editor_client):
        """The tag box suggests the tags matching what is typed."""
        tag = make_tag(name="Test restorative circles")
        response = editor_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "topics",
                "model_name": "taggeditem",
                "field_name": "tag",
                "term": "circl",
            },
        )
        assert {"id": str(tag.pk), "text": tag.name} in response.json()["results"]

    @pytest.mark.parametrize("make_record", TAGGED_KINDS)
    def test_tags_added_here_name_the_editor_who_added_them(
        self, editor_client, editor, make_record
    ):
        """Adding a tag row and deleting another saves both; the new tagging records who
        added it, and the one removed is gone."""
        record = make_record()
        removed, added = make_theme(), make_tag()
        record.tags.add(removed)
        url = admin_url(type(record), "change", record.pk)
        data = form_data(editor_client.get(url))
        data[f"{TAGS}-0-DELETE"] = "on"
        add_row(data, TAGS, tag=added.pk)
        response = editor_client.post(url, data)
        assert response.status_code == 302, error_text(response)
        taggings = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )
        assert [(t.tag, t.added_by) for t in taggings] == [(added, editor)]

    def test_a_tag_given_twice_is_refused_with_a_message(self, editor_client):
        """The same tag in two rows is a form error naming it, not a server error."""
        session = make_session()
        tag = make_tag(name="Test twice")
        url = admin_url(Session, "change", session.pk)
        data = form_data(editor_client.get(url))
        add_row(data, TAGS, tag=tag.pk)
        add_row(data, TAGS, tag=tag.pk)
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert "“Test twice” is listed twice: give each tag once." in error_text(response)
        assert not session.tagged_items.exists()


@pytest.mark.django_db
class TestNewSession:
    def test_a_new_session_opens_with_one_empty_speaker_row(self, editor_client):
        """The add form has one speaker row ready; an existing session's form adds none."""
        add_page = editor_client.get(admin_url(Session, "add"))
        speakers = add_page.context["inline_admin_formsets"][0].formset
        assert speakers.prefix == "appearances"
        assert [form.initial for form in speakers.forms] == [{}]
        change_page = editor_client.get(admin_url(Session, "change", make_session().pk))
        assert change_page.context["inline_admin_formsets"][0].formset.forms == []

    def test_saving_a_new_session_with_its_speaker_and_source(self, editor_client, editor):
        """Filling in the ready speaker row and the source makes the session, its speaker's
        appearance and its citation; a tag added at the same time is the editor's."""
        meeting, speaker, source = make_meeting(), make_speaker(), make_source()
        theme = make_theme()
        data = form_data(editor_client.get(admin_url(Session, "add")))
        data.update(
            {
                "meeting": meeting.pk,
                "title": "Test side event",
                "slug": "test-side-event",
                "kind": Session.Kind.SIDE_EVENT,
                "appearances-0-speaker": speaker.pk,
                "appearances-0-role": "Moderator",
                f"{CITATIONS}-0-source": source.pk,
                f"{CITATIONS}-0-location": "Day one",
            }
        )
        add_row(data, TAGS, tag=theme.pk)
        response = editor_client.post(admin_url(Session, "add"), data)
        assert response.status_code == 302, error_text(response)
        session = Session.objects.get(slug="test-side-event")
        assert [(a.speaker, a.role) for a in session.appearances.all()] == [(speaker, "Moderator")]
        assert [(c.source, c.location) for c in session.citations.all()] == [(source, "Day one")]
        assert [(t.tag, t.added_by) for t in session.tagged_items.all()] == [(theme, editor)]


NEW_RECORDS = [
    pytest.param(
        Session,
        lambda: {
            "meeting": make_meeting().pk,
            "title": "Test session",
            "slug": "test-new-record",
            "kind": Session.Kind.PANEL,
        },
        id="session",
    ),
    pytest.param(
        Speaker, lambda: {"name": "Test Speaker", "slug": "test-new-record"}, id="speaker"
    ),
    pytest.param(
        Document,
        lambda: {"slug": "test-new-record", "kind": Document.Kind.HANDBOOK, "title": "Test"},
        id="document",
    ),
]


@pytest.mark.django_db
class TestNewRecordsCiteTheirSource:
    @pytest.mark.parametrize(("model", "fields"), NEW_RECORDS)
    def test_a_new_record_without_a_source_is_refused(self, editor_client, model, fields):
        """The add form opens with a citation row; leaving it empty refuses the record and
        says why."""
        add = admin_url(model, "add")
        data = {**form_data(editor_client.get(add)), **fields()}
        assert data[f"{CITATIONS}-TOTAL_FORMS"] == "1"
        response = editor_client.post(add, data)
        assert response.status_code == 200
        assert "Cite the source this record comes from" in error_text(response)
        assert not model.objects.filter(slug="test-new-record").exists()

    @pytest.mark.parametrize(("model", "fields"), NEW_RECORDS)
    def test_a_new_record_citing_its_source_is_saved(self, editor_client, model, fields):
        """With its source filled in, the new record is saved with that citation."""
        source = make_source()
        add = admin_url(model, "add")
        data = {**form_data(editor_client.get(add)), **fields()}
        data.update({f"{CITATIONS}-0-source": source.pk, f"{CITATIONS}-0-location": "p. 3"})
        response = editor_client.post(add, data)
        assert response.status_code == 302, error_text(response)
        record = model.objects.get(slug="test-new-record")
        assert [(c.source, c.location) for c in record.citations.all()] == [(source, "p. 3")]

    @pytest.mark.parametrize("make_record", [make_session, make_speaker, make_document])
    def test_records_made_before_the_rule_can_still_be_edited(self, editor_client, make_record):
        """A record without a citation, made before the rule, still saves when edited."""
        record = make_record()
        url = admin_url(type(record), "change", record.pk)
        response = editor_client.post(url, form_data(editor_client.get(url)))
        assert response.status_code == 302, error_text(response)

    def test_the_last_citation_of_a_record_can_be_changed(self, editor_client):
        """Editing a record that cites its source keeps its one citation row as it is."""
        session = make_session()
        citation = cite(session, location="Day one")
        url = admin_url(Session, "change", session.pk)
        data = form_data(editor_client.get(url))
        data[f"{CITATIONS}-0-location"] = "Day two"
        assert editor_client.post(url, data).status_code == 302
        citation.refresh_from_db()
        assert citation.location == "Day two"


LONG_NAME = (
    "Test Thirty-third session of the Commission on Crime Prevention and Criminal Justice, "
    "reconvened, with a thematic discussion on the rule of law"
)


@pytest.mark.django_db
class TestLongMeetingNames:
    def test_the_session_list_shortens_them_and_keeps_the_whole_name_as_a_tooltip(
        self, editor_client
    ):
        """The meeting column shows the first 40 characters; the whole name is its tooltip."""
        session = make_session(meeting=make_meeting(name=LONG_NAME))
        response = editor_client.get(admin_url(Session, "changelist"))
        page = response.content.decode()
        short = Truncator(LONG_NAME).chars(SHORT_MEETING_NAME)
        assert len(short) <= SHORT_MEETING_NAME < len(LONG_NAME)
        assert f'<span title="{LONG_NAME}">{short}</span>' in page
        assert page.count(LONG_NAME) == 1
        assert session.title in page

    def test_the_session_list_filter_shortens_them(self, editor_client):
        """The meeting filter of the session list names meetings shortly."""
        meeting = make_meeting(name=LONG_NAME)
        make_session(meeting=meeting)
        response = editor_client.get(admin_url(Session, "changelist"))
        spec = next(s for s in response.context["cl"].filter_specs if s.title == "meeting")
        assert (meeting.pk, Truncator(LONG_NAME).chars(SHORT_MEETING_NAME)) in (spec.lookup_choices)

    def test_the_appearance_list_filter_shortens_them(self, editor_client):
        """The meeting filter of the appearance list names meetings shortly."""
        add_speaker(make_session(meeting=make_meeting(name=LONG_NAME)))
        add_speaker(make_session())
        page = editor_client.get(admin_url(Appearance, "changelist")).content.decode()
        assert Truncator(LONG_NAME).chars(SHORT_MEETING_NAME) in page
        assert LONG_NAME not in page


@pytest.mark.django_db
def test_the_admin_lists_tags_once(admin_client):
    """Only the project's Tags appear, for the superuser too: django-taggit's own, unused Tag
    model is not in the admin."""
    response = admin_client.get(reverse("admin:index"))
    names = [model["name"] for app in response.context["app_list"] for model in app["models"]]
    assert names.count("Tags") == 1
    with pytest.raises(NoReverseMatch):
        reverse("admin:taggit_tag_changelist")


@pytest.mark.django_db
def test_taggings_filter_by_the_kinds_of_record_that_can_be_tagged(editor_client, editor):
    """The kind filter offers sessions, meetings and documents, and nothing else; choosing
    one lists only its taggings."""
    tag = make_tag()
    session, meeting = make_session(), make_meeting()
    session.tags.add(tag)
    meeting.tags.add(tag)
    url = admin_url(TaggedItem, "changelist")
    response = editor_client.get(url)
    spec = next(s for s in response.context["cl"].filter_specs if s.title == "kind of record")
    assert [label for _, label in spec.lookup_choices] == ["Document", "Meeting", "Session"]

    meeting_kind = ContentType.objects.get_for_model(Meeting)
    response = editor_client.get(url, {"content_type__id__exact": meeting_kind.pk, "q": tag.name})
    assert [t.content_object for t in response.context["cl"].result_list] == [meeting]


@pytest.mark.django_db
def test_the_sign_in_page_states_the_real_failure_limit(client):
    """The sign-in page names AXES_FAILURE_LIMIT, not a number written into the page."""
    page = client.get(reverse("login")).content.decode()
    assert f"After {settings.AXES_FAILURE_LIMIT} failed attempts" in page
    assert "five" not in page
