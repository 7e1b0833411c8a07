"""Meetings know their time zone: an IANA name checked against the zone database, given in the
fixtures (marked inferred where the source does not state the place), corrected by editors in
the admin, and shown with every time ("16:40 Vienna time (UTC+2)"). Sessions know when they last
changed, for feeds and calendars."""

import datetime
import importlib
import json
import shutil
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from sessions.models import Annotation, Meeting, Session
from tests.factories import make_meeting, make_session
from tests.test_admin import form_data
from topics.models import FixtureLoad, LoadedRecord, TaggedItem

pytestmark = pytest.mark.django_db

NOTES = "000-ccpcj-31-observer-notes.json"


@pytest.fixture
def fixture_copy(tmp_path, fixtures_dir):
    target = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir, target)
    return target


def load(directory):
    out = StringIO()
    call_command("load_kb", directory=str(directory), stdout=out)
    return out.getvalue()


def edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name", ["Europe/Viena", "Vienna", "../../etc/passwd", "localtime"])
def test_a_time_zone_must_be_one_the_zone_database_knows(name):
    meeting = Meeting(slug="test-zone", name="Test", kind="other", time_zone=name)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "is not a time zone" in error.value.message_dict["time_zone"][0]


@pytest.mark.parametrize("name", ["Europe/Vienna", "Asia/Tokyo", "America/New_York", "UTC", ""])
def test_iana_names_or_nothing_are_accepted(name):
    Meeting(slug="test-zone", name="Test", kind="other", time_zone=name).full_clean()


def test_the_shipped_meetings_are_on_their_clocks():
    """The Commission and the bodies meeting beside it at the Vienna International Centre are
    on Vienna time, inferred (the sources do not name the place); the Fourteenth Congress,
    convened in Kyoto as its paper states, is on Japan's."""
    zones = dict(Meeting.objects.values_list("slug", "time_zone"))
    for slug in [
        "ccpcj-31",
        "ccpcj-30",
        "working-group-trafficking-in-persons-12",
        "constructive-dialogue-trafficking-in-persons-1",
        "constructive-dialogue-trafficking-in-persons-2",
    ]:
        assert zones[slug] == "Europe/Vienna"
        assert "time_zone" in Meeting.objects.get(slug=slug).inferred
    congress = Meeting.objects.get(slug="crime-congress-14")
    assert congress.time_zone == "Asia/Tokyo"
    assert "time_zone" not in congress.inferred
    for meeting in Meeting.objects.exclude(time_zone=""):
        meeting.full_clean()


def test_a_session_page_gives_its_times_on_the_meetings_clock(client):
    page = client.get("/sessions/ccpcj-31-femicide/").content.decode()
    assert "Tuesday 17 May 2022</time>, 16:40\N{EN DASH}17:30 Vienna time (UTC+2)" in page
    assert "(time zone inferred: the source implies it but does not say so)" in page
    assert 'datetime="2022-05-17T14:40:00+00:00"' in page


def test_a_meeting_page_states_its_time_zone(client):
    congress = client.get("/meetings/crime-congress-14/").content.decode()
    assert "<dt>Time zone</dt><dd>Kyoto time (Asia/Tokyo, UTC+9)</dd>" in congress
    commission = client.get("/meetings/ccpcj-31/").content.decode()
    assert 'Vienna time (Europe/Vienna, UTC+2) <span class="inferred">(time zone inferred' in (
        commission
    )
    assert "Times are Vienna time." in commission
    assert "12:30\N{EN DASH}13:20 Vienna time (UTC+2)" in commission


def test_winter_and_summer_times_carry_their_own_offsets(client):
    meeting = make_meeting(time_zone="Europe/Vienna", start_date=datetime.date(2031, 3, 28))
    winter = make_session(meeting=meeting, date=datetime.date(2031, 3, 29), start_time="10:00")
    summer = make_session(meeting=meeting, date=datetime.date(2031, 3, 31), start_time="10:00")
    winter.refresh_from_db()
    summer.refresh_from_db()
    assert winter.local_times == "10:00 Vienna time (UTC+1)"
    assert summer.local_times == "10:00 Vienna time (UTC+2)"


def test_without_a_time_zone_the_times_stand_alone(client):
    meeting = make_meeting(start_date=datetime.date(2031, 3, 28))
    session = make_session(
        meeting=meeting, date=datetime.date(2031, 3, 28), start_time="10:00", end_time="11:00"
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Not given: times are local to where it was held" in page
    assert "10:00\N{EN DASH}11:00" in page
    session.refresh_from_db()
    assert session.local_times == "10:00\N{EN DASH}11:00"


def test_annotation_times_say_which_zone_they_are_in(client, ngo_staff):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    annotation = Annotation.objects.create(session=session, author=ngo_staff, body="Seen.")
    client.force_login(ngo_staff)
    page = client.get(session.get_absolute_url()).content.decode()
    assert f"{timezone.localtime(annotation.created_at):%-d %B %Y %H:%M} UTC</time>" in page


def test_an_unknown_zone_in_the_fixtures_is_refused_by_name(fixture_copy):
    edit(fixture_copy / NOTES, lambda d: d["meetings"][0].update(time_zone="Europe/Viena"))
    with pytest.raises(CommandError) as error:
        load(fixture_copy)
    assert (
        f"{NOTES}: meetings[0] 'ccpcj-31', field 'time_zone': “Europe/Viena” is not a time zone"
    ) in str(error.value)


def test_a_database_loaded_before_time_zones_takes_them_from_the_fixtures(fixture_copy):
    """Meetings loaded before the field existed get the fixtures' zones on the next load, as
    values the loader applies, not as conflicts with the empty ones the migration left."""
    Meeting.objects.update(time_zone="")
    for row in LoadedRecord.objects.filter(kind="meetings"):
        row.values.pop("time_zone")
        row.save()
    FixtureLoad.objects.all().delete()
    output = load(fixture_copy)
    assert "0 conflicts" in output
    assert Meeting.objects.get(slug="ccpcj-31").time_zone == "Europe/Vienna"
    assert Meeting.objects.get(slug="crime-congress-14").time_zone == "Asia/Tokyo"


def test_an_editor_corrects_a_zone_in_the_admin_and_the_export_keeps_it(
    client, editor, fixture_copy
):
    """The zone is chosen from the zone database; the correction goes back into the fixture
    file as that one line."""
    client.force_login(editor)
    meeting = Meeting.objects.get(slug="ccpcj-31")
    url = reverse("admin:kb_sessions_meeting_change", args=[meeting.pk])
    data = form_data(client.get(url))
    assert data["time_zone"] == "Europe/Vienna"
    refused = client.post(url, {**data, "time_zone": "Europe/Viena"})
    assert refused.status_code == 200
    assert "Europe/Viena is not one of the available choices" in refused.content.decode()
    assert client.post(url, {**data, "time_zone": "Europe/Berlin"}).status_code == 302
    assert Meeting.objects.get(slug="ccpcj-31").time_zone == "Europe/Berlin"

    before = (fixture_copy / NOTES).read_text(encoding="utf-8")
    call_command("export_kb", directory=str(fixture_copy), stdout=StringIO())
    after = (fixture_copy / NOTES).read_text(encoding="utf-8")
    changed = [
        (old, new)
        for old, new in zip(before.split("\n"), after.split("\n"), strict=True)
        if old != new
    ]
    assert changed == [
        ('      "time_zone": "Europe/Vienna",', '      "time_zone": "Europe/Berlin",')
    ]


def test_a_reload_that_changes_a_sessions_themes_marks_it_modified(fixture_copy):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    edit(
        fixture_copy / NOTES,
        lambda d: next(s for s in d["sessions"] if s["slug"] == session.slug)["themes"].remove(
            "data-and-measurement"
        ),
    )
    load(fixture_copy)
    reloaded = Session.objects.get(pk=session.pk)
    assert "data-and-measurement" not in reloaded.tags.values_list("slug", flat=True)
    assert reloaded.updated_at > session.updated_at
    untouched = Session.objects.get(slug="ccpcj-31-agents-of-change")
    assert untouched.updated_at < reloaded.updated_at


def test_the_migration_dates_each_session_by_its_last_known_change(editor):
    """An admin edit or a tagging after the last load dates the session; otherwise the last
    load does."""
    migration = importlib.import_module("sessions.migrations.0009_time_zones_and_modified")
    last_load = timezone.now() - datetime.timedelta(days=30)
    FixtureLoad.objects.update(finished_at=last_load - datetime.timedelta(days=1))
    FixtureLoad.objects.create(fingerprint="test")
    FixtureLoad.objects.filter(fingerprint="test").update(finished_at=last_load)
    edited, tagged, untouched = Session.objects.filter(meeting__slug="ccpcj-31")[:3]
    session_type = ContentType.objects.get_for_model(Session)
    edited_at = last_load + datetime.timedelta(days=2)
    LogEntry.objects.create(
        content_type=session_type,
        object_id=str(edited.pk),
        object_repr=str(edited),
        action_flag=CHANGE,
        action_time=edited_at,
        user=editor,
    )
    tagged_at = last_load + datetime.timedelta(days=3)
    TaggedItem.objects.filter(content_type=session_type, object_id=tagged.pk).update(
        added_at=tagged_at
    )
    TaggedItem.objects.filter(content_type=session_type).exclude(object_id=tagged.pk).update(
        added_at=last_load - datetime.timedelta(days=5)
    )

    migration.date_sessions_by_their_last_known_change(apps, None)

    assert Session.objects.get(pk=edited.pk).updated_at == edited_at
    assert Session.objects.get(pk=tagged.pk).updated_at == tagged_at
    assert Session.objects.get(pk=untouched.pk).updated_at == last_load
