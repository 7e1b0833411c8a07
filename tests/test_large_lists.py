"""Lists that may hold a million rows are not counted in full on every request: past a limit
the count is PostgreSQL's estimate, shown as "about N", or on SQLite "more than N"; paging on
still works to the last row."""

import re

import pytest
from django.db import connection
from django.db.models import Count

from sessions import views
from sessions.models import Appearance, Session, Speaker
from tests.factories import (
    make_country,
    make_meeting,
    make_organisation,
    make_session,
    make_theme,
)
from topics import views as topics_views
from topics.models import Tag
from topics.paging import LargeListPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(monkeypatch):
    """The shipped 14 sessions stand in for a million: counted exactly up to 5 only, and
    listed 4 a page."""
    monkeypatch.setattr(LargeListPaginator, "EXACT_UP_TO", 5)
    monkeypatch.setattr(views, "SESSIONS_PER_PAGE", 4)


def test_a_short_list_is_counted_exactly(client):
    page = client.get("/sessions/").content.decode()
    assert f"<strong>{Session.objects.count()}</strong> sessions" in page


def test_a_long_list_says_its_count_is_an_estimate(client, small_limit):
    if connection.vendor == "postgresql":
        # The estimate comes from the table's statistics: up to date, whatever ran before.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Session._meta.db_table}")
    page = client.get("/sessions/").content.decode()
    if connection.vendor == "postgresql":
        assert re.search(r"<strong>about \d+</strong> sessions", page)
    else:
        assert "<strong>more than 5</strong> sessions" in page
    assert re.search(r"Page 1 of (about|more than) \d+", page)


def test_every_row_is_reached_by_following_next(client, small_limit):
    total = Session.objects.count()
    listed, url = 0, "/sessions/"
    for _ in range(total):
        response = client.get(url)
        listed += len(response.context["sessions"])
        following = re.search(r'href="\?page=(\d+)" rel="next"', response.content.decode())
        if not following:
            break
        url = f"/sessions/?page={following.group(1)}"
    assert listed == total


def test_an_organisation_in_many_sessions_lists_each_once_in_order(client, monkeypatch):
    """Past the count limit its pages are read another way (each session checked in the
    order listed): the same sessions, in the same order, named or noted for it."""
    monkeypatch.setattr(LargeListPaginator, "EXACT_UP_TO", 5)
    monkeypatch.setattr(topics_views, "SESSIONS_PER_PAGE", 4)
    organisation = make_organisation()
    for year in (2031, 2033, 2032):
        meeting = make_meeting(start_date=f"{year}-03-01")
        for day, noted in ((2, False), (1, True), (3, False)):
            session = make_session(meeting=meeting, date=f"{year}-03-0{day}")
            if noted:
                session.note_taker_organisation = organisation
                session.save()
            else:
                session.organisations.add(organisation)
    make_session(meeting=meeting, date="2032-03-04")  # not the organisation's
    expected = list(
        Session.objects.involving(organisation)
        .by_meeting_newest_first()
        .values_list("slug", flat=True)
    )
    assert len(expected) == 9

    listed, url = [], f"/organisations/{organisation.slug}/"
    for _ in range(len(expected)):
        response = client.get(url)
        listed += [session.slug for session in response.context["sessions"]]
        following = re.search(r'href="\?page=(\d+)" rel="next"', response.content.decode())
        if not following:
            break
        url = f"/organisations/{organisation.slug}/?page={following.group(1)}"
    assert listed == expected
    assert listed[:3] == list(
        Session.objects.filter(date__year=2033, meeting__start_date__year=2033)
        .order_by("date")
        .values_list("slug", flat=True)
    )


def test_a_page_past_the_end_is_a_404_naming_the_pages(client, small_limit):
    response = client.get("/sessions/", {"page": 500})
    assert response.status_code == 404


def test_past_a_limit_the_filters_count_the_newest_sessions_and_say_so(client, monkeypatch):
    monkeypatch.setattr(views, "FACET_SESSIONS", 5)
    response = client.get("/sessions/")
    assert "how many of the 5 newest of these sessions" in response.content.decode()
    kinds = next(facet for facet in response.context["facets"] if facet.name == "kind")
    assert sum(option.count for option in kinds.options) == 5


def test_each_filter_counts_the_newest_of_its_own_sessions(client, monkeypatch):
    """With a kind chosen, the kind's choices count the newest of all sessions, and the notes
    choices the newest of that kind's: each filter's sessions are its own."""
    monkeypatch.setattr(views, "FACET_SESSIONS", 2)
    kind = Session.objects.values("kind").annotate(n=Count("pk")).order_by("-n")[0]["kind"]
    assert Session.objects.filter(kind=kind).count() > 2
    response = client.get("/sessions/", {"kind": kind})
    facets = {facet.name: facet for facet in response.context["facets"]}
    newest_of_kind = Session.objects.filter(kind=kind).most_recent()[:2]
    with_notes = sum(session.has_notes for session in newest_of_kind)
    notes = {option.value: option.count for option in facets["notes"].options}
    assert notes == {"yes": with_notes, "no": 2 - with_notes}
    assert sum(option.count for option in facets["kind"].options) == 2


def test_the_home_page_counts_exactly_what_is_small(client):
    page = client.get("/").content.decode()
    assert f"<strong>{Session.objects.count()}</strong> sessions" in page
    assert "more than" not in page and "about" not in page.split('class="counts"')[1][:600]


def test_the_home_page_does_not_count_a_large_table_or_theme_in_full(client, small_limit):
    """Past the limit a table's total is PostgreSQL's estimate, shown as "about N" (SQLite
    counts), and a theme's count stops, shown as "more than N"."""
    themes = Tag.objects.themes().annotate(uses=Count("tagged_items")).order_by("-uses")
    busiest = themes.first()
    assert busiest.uses > 5
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE kb_sessions_session")
    page = client.get("/").content.decode()
    if connection.vendor == "postgresql":
        assert f"<strong>about {Session.objects.count()}</strong> sessions" in page
    else:
        assert f"<strong>{Session.objects.count()}</strong> sessions" in page
    assert re.search(rf"{busiest.name} <span class=\"count\">\(more than 5\)</span>", page)


def test_deep_pages_list_the_same_speakers_in_order_each_with_its_sessions(client, monkeypatch):
    """Deep in a list a page is read by its records' ids first: every speaker still comes
    once, in name order, with the count of sessions it spoke at."""
    monkeypatch.setattr(LargeListPaginator, "IDS_FIRST_PAST", 2)
    monkeypatch.setattr(views.SpeakerListView, "paginate_by", 3)
    last = Speaker.objects.order_by("name").last()
    for session in Session.objects.exclude(appearances__speaker=last)[:2]:
        Appearance.objects.create(session=session, speaker=last, role="Moderator")
    expected = [
        (speaker.slug, speaker.session_count)
        for speaker in Speaker.objects.annotate(
            session_count=Count("appearances__session", distinct=True)
        ).order_by("name", "pk")
    ]
    assert len(expected) > 6 and any(count > 1 for _slug, count in expected)

    listed = []
    for number in range(1, len(expected)):
        response = client.get("/speakers/", {"page": number})
        if response.status_code == 404:
            break
        listed += [
            (speaker.slug, speaker.session_count) for speaker in response.context["page_obj"]
        ]
    assert listed == expected


def themed(sessions, name):
    theme = make_theme(name=name)
    for session in sessions:
        session.tags.add(theme)
    return theme


def naming_a_country(sessions, name):
    country = make_country(name=name)
    for session in sessions:
        session.countries.add(country)
    return country


@pytest.mark.parametrize(
    ("address", "attach"), [("/themes/", themed), ("/countries/", naming_a_country)]
)
def test_the_theme_and_country_lists_stop_counting_past_the_limit_and_exports_do_not(
    client, small_limit, address, attach
):
    """Past the limit a theme's or country's count stops, shown as "more than N"; a record
    under it keeps its own count, and the download counts every session."""
    sessions = [make_session() for _ in range(7)]
    busiest = attach(sessions, "Zzyzx busiest")
    attach(sessions[:1], "Zzyzx quieter")

    page = client.get(address).content.decode()
    shown = dict(re.findall(r">(Zzyzx \w+)</a>[^(]*\((?:[^,()]+, )?([^()]*sessions?)\)", page))
    assert shown == {"Zzyzx busiest": "more than 5 sessions", "Zzyzx quieter": "1 session"}

    download = client.get(f"{address}export.json").json()
    rows = {row["slug"]: row["sessions"] for row in download["records"]}
    assert rows[busiest.slug] == 7
