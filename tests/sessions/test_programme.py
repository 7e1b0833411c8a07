"""A meeting's programme: days, parallel sessions and a session's neighbours.

The rules in sessions/programme.py are tested on sessions built in memory (no database, no
HTTP); the pages that show them are tested below on records the factories make."""

import datetime
import itertools
import re

import pytest

from sessions.models import Session
from sessions.programme import mark_parallel, neighbours, overlaps, programme_days
from tests.factories import make_meeting, make_session

DAY_ONE = datetime.date(2022, 5, 17)
DAY_TWO = datetime.date(2022, 5, 18)
_ids = itertools.count(1)


def session(start=None, end=None, *, date=DAY_ONE, meeting_id=1, title="A session"):
    """An unsaved session: enough for the programme rules, which never query."""
    return Session(
        pk=next(_ids),
        meeting_id=meeting_id,
        title=title,
        date=date,
        start_time=datetime.time.fromisoformat(start) if start else None,
        end_time=datetime.time.fromisoformat(end) if end else None,
    )


class TestOverlaps:
    def test_sessions_starting_together_overlap(self):
        """Two sessions starting at the same time overlap, even when neither gives an end."""
        assert overlaps(session("12:30"), session("12:30"))

    def test_a_session_inside_another_overlaps(self):
        """A side event held within a longer plenary's hours overlaps it."""
        assert overlaps(session("10:00", "13:00"), session("11:00", "11:30"))

    def test_back_to_back_sessions_do_not_overlap(self):
        """One ending as the next begins runs one after the other."""
        assert not overlaps(session("10:00", "11:00"), session("11:00", "12:00"))

    def test_a_session_without_a_time_never_overlaps(self):
        """Without a start time nothing says when it ran."""
        assert not overlaps(session(None), session("10:00", "11:00"))


class TestProgrammeDays:
    def test_days_in_order_each_with_its_anchor(self):
        """Sessions group by day; each day's anchor is its ISO date, undated ones last."""
        days = programme_days(
            [
                session("09:00", date=DAY_ONE),
                session("09:00", date=DAY_TWO),
                session(None, date=None),
            ]
        )
        assert [day.date for day in days] == [DAY_ONE, DAY_TWO, None]
        assert [day.anchor for day in days] == ["2022-05-17", "2022-05-18", "date-not-given"]

    def test_overlapping_sessions_share_a_slot_and_are_marked_parallel(self):
        """Two side events at 12:30 sit side by side; the morning plenary stays alone."""
        plenary = session("10:00", "12:00")
        first, second = session("12:30", "13:30"), session("12:30", "13:15")
        (day,) = programme_days([plenary, first, second])
        assert day.slots == [[plenary], [first, second]]
        assert (plenary.is_parallel, first.is_parallel, second.is_parallel) == (
            False,
            True,
            True,
        )

    def test_undated_sessions_are_never_parallel(self):
        """Two undated sessions at the same hour may be on different days: not parallel."""
        (day,) = programme_days([session("10:00", date=None), session("10:00", date=None)])
        assert len(day.slots) == 2
        assert not any(s.is_parallel for slot in day.slots for s in slot)


class TestNeighbours:
    def test_previous_next_and_parallel_sessions(self):
        """A session's neighbours follow programme order; parallel ones share its hours."""
        morning = session("09:00", "10:00")
        noon, also_noon = session("12:30", "13:30"), session("12:30", "13:00")
        next_day = session("12:30", "13:30", date=DAY_TWO)
        around = neighbours(noon, [morning, noon, also_noon, next_day])
        assert around.previous is morning
        assert around.next is also_noon
        assert around.parallel == [also_noon]

    def test_first_and_last_sessions_have_one_neighbour(self):
        """The programme's first session has no previous one, its last no next one."""
        first, last = session("09:00"), session("11:00")
        assert neighbours(first, [first, last]).previous is None
        assert neighbours(last, [first, last]).next is None


def test_mark_parallel_only_counts_the_same_meeting():
    """A session at the same hour of another meeting is not a parallel session."""
    listed = session("12:30", "13:30", meeting_id=1)
    same_meeting = session("12:45", "13:00", meeting_id=1)
    other_meeting = session("12:30", "13:30", meeting_id=2)
    alone = session("15:00", "16:00", meeting_id=1)
    mark_parallel([listed, alone], [listed, other_meeting, alone])
    assert (listed.is_parallel, alone.is_parallel) == (False, False)
    mark_parallel([listed], [listed, same_meeting])
    assert listed.is_parallel


@pytest.fixture
def two_day_meeting(db):
    """A meeting over two days, with two parallel side events on the first."""
    meeting = make_meeting(name="Test week", start_date=DAY_ONE, end_date=DAY_TWO, slug="test-week")
    at = datetime.time.fromisoformat
    make_session(meeting=meeting, title="Opening", date=DAY_ONE, start_time=at("09:00"))
    make_session(
        meeting=meeting,
        title="East room",
        date=DAY_ONE,
        start_time=at("12:30"),
        end_time=at("13:30"),
    )
    make_session(
        meeting=meeting,
        title="West room",
        kind="panel",
        date=DAY_ONE,
        start_time=at("12:45"),
        end_time=at("13:15"),
    )
    make_session(meeting=meeting, title="Closing", date=DAY_TWO, start_time=at("16:00"))
    return meeting


def test_programme_page_has_an_anchor_and_a_jump_link_per_day(client, two_day_meeting):
    """Each day can be linked to (#2022-05-17) and is one click away from the list of days."""
    page = client.get(two_day_meeting.get_absolute_url()).content.decode()
    assert 'id="2022-05-17"' in page and 'id="2022-05-18"' in page
    jumps = re.search(r'<nav class="day-jumps".*?</nav>', page, re.S).group(0)
    assert re.findall(r'href="#([\d-]+)"', jumps) == ["2022-05-17", "2022-05-18"]


def test_programme_cards_do_not_repeat_their_day(client, two_day_meeting):
    """Under "Tuesday 17 May 2022" the cards give times only."""
    page = client.get(two_day_meeting.get_absolute_url()).content.decode()
    assert page.count("Tuesday 17 May 2022") == 1  # the day's heading
    assert page.count("Wednesday 18 May 2022") == 1
    assert re.search(r'<p class="meta">\s*12:30\N{EN DASH}13:30\s*· Side event', page)


def test_date_filtered_session_list_marks_parallel_sessions(client, two_day_meeting):
    """The session list of one day marks the sessions running side by side, as the
    programme does, even when the other one is filtered out."""
    response = client.get(
        "/sessions/",
        {"meeting": two_day_meeting.slug, "from": "2022-05-17", "to": "2022-05-17"},
    )
    marked = {s.title: s.is_parallel for s in response.context["sessions"]}
    assert marked == {"Opening": False, "East room": True, "West room": True}
    assert response.content.decode().count("Parallel session") == 2

    # The West room's panel is filtered out; the East room still ran beside it.
    side_events = client.get(
        "/sessions/", {"meeting": two_day_meeting.slug, "to": "2022-05-17", "kind": "side-event"}
    )
    marked = {s.title: s.is_parallel for s in side_events.context["sessions"]}
    assert marked == {"Opening": False, "East room": True}


def test_session_page_names_its_parallel_session_and_neighbours(client, two_day_meeting):
    """A session's page links the one held at the same time, and the ones before and after."""
    east = two_day_meeting.sessions.get(title="East room")
    response = client.get(east.get_absolute_url())
    assert [s.title for s in response.context["parallel_sessions"]] == ["West room"]
    assert response.context["previous_session"].title == "Opening"
    assert response.context["next_session"].title == "West room"


def test_meetings_only_mentioned_are_listed_apart(client, two_day_meeting):
    """A meeting without sessions or dates is listed under "Mentioned in the sources",
    not as an empty meeting among the others."""
    mentioned = make_meeting(name="Working group, thirteenth meeting")
    dated = make_meeting(name="A hearing", start_date=DAY_ONE)
    response = client.get("/meetings/")
    assert mentioned not in response.context["meeting_list"]
    assert {two_day_meeting, dated} <= set(response.context["meeting_list"])
    assert mentioned in response.context["mentioned_meetings"]
    page = response.content.decode()
    listed_apart = page.split("Mentioned in the sources", 1)[1]
    assert mentioned.name in listed_apart and dated.name not in listed_apart
    own_page = client.get(mentioned.get_absolute_url()).content.decode()
    assert "The sources mention this meeting but record neither its dates nor its sessions." in (
        own_page
    )
