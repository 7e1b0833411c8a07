"""Calendars: a meeting's programme, any filtered session list and each session download as
iCalendar files that round-trip through the icalendar library, keep each session's time on its
meeting's clock (16:40 in Vienna stays 16:40 Europe/Vienna), and give every session the same
event UID in every download."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from sessions.models import Session
from tests.factories import make_meeting, make_programme, make_session

pytestmark = pytest.mark.django_db

VIENNA = ZoneInfo("Europe/Vienna")


def download(client, url) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    calendar = Calendar.from_ical(response.content)
    assert calendar.to_ical() == response.content, "the file does not round-trip"
    assert not calendar.get_missing_tzids(), "a zone used by an event has no VTIMEZONE"
    return calendar


def events(calendar: Calendar) -> dict[str, object]:
    """The calendar's events by their URL path (the session's permalink)."""
    return {
        str(event.url).removeprefix("http://testserver"): event for event in calendar.walk("VEVENT")
    }


def test_a_session_in_vienna_stays_at_its_vienna_time(client):
    """The femicide side event, 16:40-17:30 on 17 May 2022 at the Commission in Vienna."""
    calendar = download(client, "/sessions/ccpcj-31-femicide/calendar.ics")
    (event,) = calendar.walk("VEVENT")
    assert event.start == datetime.datetime(2022, 5, 17, 16, 40, tzinfo=VIENNA)
    assert event.end == datetime.datetime(2022, 5, 17, 17, 30, tzinfo=VIENNA)
    assert event.start.tzinfo.key == "Europe/Vienna"
    assert event["DTSTART"].params["TZID"] == "Europe/Vienna"
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Vienna"]
    assert event.start.utcoffset() == datetime.timedelta(hours=2)
    assert str(event["SUMMARY"]) == (
        "Combating and criminalizing gender-based violence, including femicide"
    )
    assert str(event["URL"]) == "http://testserver/sessions/ccpcj-31-femicide/"
    assert str(event["LOCATION"])
    assert event.stamp.tzinfo is not None
    assert event.categories == ["Data and measurement", "Femicide", "Violence against women"]
    assert "16:40\N{EN DASH}17:30 Vienna time (UTC+2)" in str(event["DESCRIPTION"])


def test_a_meetings_programme_holds_each_dated_session(client):
    """The 31st session's ten sessions, every one with UID, DTSTAMP, LOCATION and URL."""
    calendar = download(client, "/meetings/ccpcj-31/calendar.ics")
    found = events(calendar)
    assert set(found) == {
        session.get_absolute_url() for session in Session.objects.filter(meeting__slug="ccpcj-31")
    }
    for event in found.values():
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "LOCATION", "URL", "SUMMARY"):
            assert event.get(name), name
        assert event.start.tzinfo.key == "Europe/Vienna"
    assert str(calendar["X-WR-CALNAME"]).startswith("Programme: 31st session")


def test_uids_are_the_same_in_every_download(client):
    """A session is one event whichever calendar it comes in and however often it is fetched,
    so re-importing updates it instead of adding a copy; downloads are byte-identical."""
    first = client.get("/meetings/ccpcj-31/calendar.ics").content
    assert client.get("/meetings/ccpcj-31/calendar.ics").content == first
    programme = {
        path: str(event["UID"]) for path, event in events(Calendar.from_ical(first)).items()
    }
    filtered = events(download(client, "/sessions/calendar.ics?tag=femicide"))
    single = events(download(client, "/sessions/ccpcj-31-femicide/calendar.ics"))
    for path, event in [*filtered.items(), *single.items()]:
        assert str(event["UID"]) == programme[path]
    assert len(set(programme.values())) == len(programme)


def test_a_uid_survives_renaming_the_session(client):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    before = download(client, "/sessions/ccpcj-31-femicide/calendar.ics").walk("VEVENT")[0]
    session.slug = "ccpcj-31-femicide-renamed"
    session.save()
    response = client.get("/sessions/ccpcj-31-femicide/calendar.ics")
    assert response.status_code == 301
    assert response["Location"] == "/sessions/ccpcj-31-femicide-renamed/calendar.ics"
    after = download(client, response["Location"]).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]


def test_a_date_without_a_time_is_an_all_day_event_and_no_date_no_event(client):
    """The first constructive dialogue (1 July 2022, no time given) fills its day; the Congress
    agenda items, undated, are left out."""
    dialogue = events(
        download(client, "/meetings/constructive-dialogue-trafficking-in-persons-1/calendar.ics")
    )
    (event,) = dialogue.values()
    assert event.start == datetime.date(2022, 7, 1)
    assert event.end == datetime.date(2022, 7, 2)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    congress = download(client, "/meetings/crime-congress-14/calendar.ics")
    assert congress.walk("VEVENT") == []
    undated = Session.objects.filter(meeting__slug="crime-congress-14").first()
    assert client.get(f"/sessions/{undated.slug}/calendar.ics").status_code == 404


def test_a_session_in_kyoto_is_on_tokyo_time(client):
    """A meeting convened in Kyoto keeps its sessions on Asia/Tokyo, with its VTIMEZONE."""
    meeting = make_meeting(city="Kyoto", time_zone="Asia/Tokyo")
    make_session(meeting=meeting, date=datetime.date(2031, 4, 21), start_time="10:00")
    calendar = download(client, f"/meetings/{meeting.slug}/calendar.ics")
    (event,) = calendar.walk("VEVENT")
    assert event.start == datetime.datetime(2031, 4, 21, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert "DTEND" not in event
    assert [zone.tz_name for zone in calendar.timezones] == ["Asia/Tokyo"]


def test_without_a_time_zone_times_float(client):
    """Where a meeting's zone is not given, a session's time is a floating local time (no
    TZID) and the calendar needs no VTIMEZONE."""
    kb = make_programme()
    calendar = download(client, f"/meetings/{kb.meeting.slug}/calendar.ics")
    event = events(calendar)[kb.panel.get_absolute_url()]
    assert event.start == datetime.datetime(2031, 3, 10, 16, 0)
    assert "TZID" not in event["DTSTART"].params
    assert calendar.timezones == []


def test_a_filtered_calendar_holds_the_dated_sessions_its_page_lists(client):
    query = "tag=trafficking&from=2022-05-17"
    page = client.get(f"/sessions/?{query}").content.decode()
    listed = set(re.findall(r'<h2><a href="(/sessions/[^"]+/)">', page))
    calendar = download(client, f"/sessions/calendar.ics?{query}")
    assert listed
    assert set(events(calendar)) == listed
    assert (
        str(calendar["X-WR-CALNAME"])
        == "Sessions (Theme: Trafficking in persons; From 17 May 2022)"
    )


@pytest.mark.parametrize(
    "query", ["tag=no-such-theme", "from=yesterday", "meeting=a&meeting=b", "kind=banquet"]
)
def test_a_filter_the_page_refuses_the_calendar_refuses_alike(client, query):
    page = client.get(f"/sessions/?{query}")
    assert 400 <= page.status_code < 500
    assert client.get(f"/sessions/calendar.ics?{query}").status_code == page.status_code


@pytest.mark.parametrize(
    "url", ["/meetings/no-such-meeting/calendar.ics", "/sessions/no-such-session/calendar.ics"]
)
def test_the_calendar_of_an_unknown_record_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_session_page_offers_add_to_calendar_only_with_a_date(client):
    page = client.get("/sessions/ccpcj-31-femicide/").content.decode()
    assert 'href="/sessions/ccpcj-31-femicide/calendar.ics"' in page
    assert "Add to calendar" in page
    undated = Session.objects.filter(meeting__slug="crime-congress-14").first()
    assert "Add to calendar" not in client.get(undated.get_absolute_url()).content.decode()


def test_the_meeting_page_and_the_session_list_link_their_calendars(client):
    meeting = client.get("/meetings/ccpcj-31/").content.decode()
    assert 'href="/meetings/ccpcj-31/calendar.ics"' in meeting
    sessions = client.get("/sessions/?tag=femicide").content.decode()
    assert 'href="/sessions/calendar.ics?tag=femicide"' in sessions


@pytest.fixture
def ten_programmes():
    first = make_programme()
    for _ in range(9):
        make_programme(shared=first)
    return first


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/sessions/calendar.ics", 2),
        ("/sessions/calendar.ics?tag={theme}&speaker={speaker}", 4),
        ("/meetings/{meeting}/calendar.ics", 3),
        ("/sessions/{panel}/calendar.ics", 2),
    ],
)
def test_calendars_stay_constant_query_with_ten_times_the_sessions(
    client, ten_programmes, django_assert_max_num_queries, url, limit
):
    """Guards against N+1 queries: events load their meeting and themes in fixed queries."""
    kb = ten_programmes
    kb.meeting.time_zone = "Europe/Vienna"
    kb.meeting.save()
    url = url.format(
        theme=kb.theme.slug, speaker=kb.speaker.slug, meeting=kb.meeting.slug, panel=kb.panel.slug
    )
    with django_assert_max_num_queries(limit):
        calendar = download(client, url)
    assert calendar.walk("VEVENT")
