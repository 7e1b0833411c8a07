"""Atom feeds of every list of sessions: each parses cleanly, holds what its page lists, keeps
its entry ids, says when an entry changed, and every page showing sessions points to its feed."""

import re
from urllib.parse import urlencode

import feedparser
import pytest
from django.urls import reverse

from sessions.models import Meeting, Session
from tests.factories import make_programme, make_session, make_speaker, make_tag
from topics.models import Programme

pytestmark = pytest.mark.django_db

ATOM = "application/atom+xml"


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(ATOM)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return feed


def entry_links(feed) -> list[str]:
    return [entry.link.removeprefix("http://testserver") for entry in feed.entries]


def listed_on_page(client, url) -> set[str]:
    """The sessions a session list page links to, as paths."""
    page = client.get(url).content.decode()
    return set(re.findall(r'<h[234]><a href="(/sessions/[^"]+/)">', page))


@pytest.fixture
def kb():
    return make_programme()


@pytest.fixture
def programme_record(kb):
    programme = Programme.objects.create(slug="test-programme", name="Test programme", kind="fund")
    programme.sessions.add(kb.panel, kb.plenary)
    return programme


def feeds_of(kb, programme_record):
    """Every kind of feed, for the test programme's records, with the sessions each lists."""
    panel, plenary = kb.panel.get_absolute_url(), kb.plenary.get_absolute_url()
    alpha, beta = kb.parallel_a.get_absolute_url(), kb.parallel_b.get_absolute_url()
    return {
        "/feed/": None,
        f"/sessions/feed/?tag={kb.theme.slug}": {alpha, panel},
        f"/sessions/feed/?tag={kb.theme.slug}&tag={kb.other_theme.slug}": {panel},
        f"/sessions/feed/?meeting={kb.meeting.slug}&kind=side-event": {alpha, beta},
        f"/themes/{kb.other_theme.slug}/feed/": {beta, panel},
        f"/speakers/{kb.speaker.slug}/feed/": {panel},
        f"/organisations/{kb.organisation.slug}/feed/": {panel},
        f"/countries/{kb.country.slug}/feed/": {panel},
        f"/meetings/{kb.meeting.slug}/feed/": {alpha, beta, panel, plenary},
        "/documents/A/RES/900/7/feed/": {panel},
        f"/programmes/{programme_record.slug}/feed/": {panel, plenary},
        f"/search/feed/?q=restorative+circles&meeting={kb.meeting.slug}": {alpha, panel},
    }


def test_every_kind_of_feed_parses_and_lists_its_sessions(client, kb, programme_record):
    """Each feed is well-formed Atom (feedparser reports no error) whose entries are the
    sessions of its list, each with a title, a permalink, an id and when it last changed."""
    for url, expected in feeds_of(kb, programme_record).items():
        feed = parsed(client, url)
        assert feed.feed.title.endswith("· CCPCJ knowledge base")
        assert feed.feed.links[0].href.startswith("http://testserver/")
        links = entry_links(feed)
        if expected is not None:
            assert set(links) == expected, url
        for entry in feed.entries:
            assert entry.title
            assert entry.id.startswith("tag:testserver,2022:session:")
            assert entry.updated_parsed


def test_the_site_feed_lists_the_fifty_most_recent_sessions_first(client, kb):
    """/feed/ starts with the latest session of all (the test programme's second day) and
    stops at fifty."""
    meeting = Meeting.objects.get(slug="ccpcj-31")
    for _ in range(50 - Session.objects.count() + 1):
        make_session(meeting=meeting)
    feed = parsed(client, "/feed/")
    assert entry_links(feed)[0] == kb.plenary.get_absolute_url()
    assert len(feed.entries) == 50


@pytest.mark.parametrize(
    "query",
    [
        "tag=femicide",
        "meeting=ccpcj-31&from=2022-05-17&to=2022-05-18",
        "speaker=lara-dimitrijevic",
        "organisation=unodc",
        "country=malta",
        "kind=side-event&notes=yes",
        "tag=trafficking&sort=-date",
        "utm_campaign=newsletter&tag=femicide",
    ],
)
def test_a_filtered_feed_lists_what_its_page_lists(client, query):
    """The same query string means the same sessions in the feed and on the page."""
    feed = parsed(client, f"/sessions/feed/?{query}")
    assert set(entry_links(feed)) == listed_on_page(client, f"/sessions/?{query}")
    assert feed.entries


@pytest.mark.parametrize(
    "query",
    [
        "tag=no-such-theme",
        "meeting=no-such-meeting",
        "resolution=A/RES/999/999",
        "from=17-05-2022",
        "from=2022-05-18&to=2022-05-17",
        "kind=banquet",
        "meeting=ccpcj-31&meeting=crime-congress-14",
        "sort=popular",
    ],
)
def test_a_filter_the_page_refuses_the_feed_refuses_alike(client, query):
    """A bad query string gets the same 4xx, and the same explanation, from the feed."""
    page = client.get(f"/sessions/?{query}")
    feed = client.get(f"/sessions/feed/?{query}")
    assert 400 <= page.status_code < 500
    assert feed.status_code == page.status_code
    message = re.search(r"<h1>.*?</h1>\s*<p>(.*?)</p>", page.content.decode(), re.S)[1]
    assert message in feed.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/themes/no-such-theme/feed/",
        "/speakers/no-such-speaker/feed/",
        "/organisations/no-such-organisation/feed/",
        "/countries/no-such-country/feed/",
        "/meetings/no-such-meeting/feed/",
        "/programmes/no-such-programme/feed/",
        "/documents/A/RES/999/999/feed/",
        "/documents/no-such-document/feed/",
    ],
)
def test_the_feed_of_an_unknown_record_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_search_feed_needs_something_to_search_for(client):
    """An empty or malformed search is a 400 that says what to do, as on the search page."""
    response = client.get("/search/feed/?q=")
    assert response.status_code == 400
    assert "Say what to search for" in response.content.decode()
    assert client.get("/search/feed/?q=femicide&from=yesterday").status_code == 400


def test_a_search_feed_holds_the_sessions_the_search_finds(client):
    """The sessions of /search/?q=…&kind=session, in the same order."""
    page = client.get("/search/?q=trafficking&kind=session").content.decode()
    found = re.findall(r'<li><a href="(/sessions/[^"]+/)">', page)
    feed = parsed(client, "/search/feed/?q=trafficking")
    assert found
    assert entry_links(feed) == found


def test_a_document_feed_lives_at_its_normalised_symbol(client, kb):
    """Any written form of the symbol redirects to the feed at the symbol's normal form."""
    response = client.get("/documents/a/res/900/7/feed/")
    assert response.status_code == 301
    assert response["Location"] == "/documents/A/RES/900/7/feed/"


def test_the_feed_of_a_renamed_record_moves_with_it(client, kb):
    """An old address of a speaker redirects to the feed at the new one."""
    old = kb.speaker.slug
    kb.speaker.slug = "ottoline-quaresmavieux-renamed"
    kb.speaker.save()
    response = client.get(f"/speakers/{old}/feed/")
    assert response.status_code == 301
    assert response["Location"] == "/speakers/ottoline-quaresmavieux-renamed/feed/"


def test_an_entry_keeps_its_id_when_the_session_is_renamed(client, kb):
    """Readers see the same entry, at its new permalink, not a new one."""
    url = f"/meetings/{kb.meeting.slug}/feed/"

    def panel_entry():
        return next(e for e in parsed(client, url).entries if e.title == kb.panel.title)

    before = panel_entry()
    assert panel_entry().id == before.id
    kb.panel.slug = "panel-on-restorative-justice-renamed"
    kb.panel.save()
    after = panel_entry()
    assert after.id == before.id
    assert after.link == "http://testserver/sessions/panel-on-restorative-justice-renamed/"


def test_an_entry_is_updated_when_its_session_or_its_tags_change(client, kb, ngo_staff):
    """Editing a session, or staff tagging it, moves its entry's ``updated``; the others stay."""
    url = f"/meetings/{kb.meeting.slug}/feed/"

    def updated():
        return {entry.title: entry.updated for entry in parsed(client, url).entries}

    before = updated()
    kb.panel.notes = "The panel opened late."
    kb.panel.save()
    after_edit = updated()
    assert after_edit[kb.panel.title] > before[kb.panel.title]
    assert after_edit[kb.plenary.title] == before[kb.plenary.title]
    client.force_login(ngo_staff)
    client.post(reverse("sessions:add-tag", args=[kb.plenary.slug]), {"name": "Closing words"})
    client.logout()
    after_tag = updated()
    assert after_tag[kb.plenary.title] > after_edit[kb.plenary.title]
    assert after_tag[kb.panel.title] == after_edit[kb.panel.title]


def test_an_entry_says_when_where_and_what_in_plain_text(client, kb):
    """The summary gives the day, the times on the meeting's clock, the kind and the meeting,
    then the notes with their markup gone (a "<" in the notes stays a "<")."""
    kb.meeting.time_zone = "Europe/Vienna"
    kb.meeting.save()
    kb.panel.notes = "**Bold claim**: <em>half</em> of cases, where 3 < 4.\n\nSecond paragraph."
    kb.panel.save()
    feed = parsed(client, f"/themes/{kb.theme.slug}/feed/")
    entry = next(e for e in feed.entries if e.title == kb.panel.title)
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary.startswith(
        "Monday 10 March 2031, 16:00\N{EN DASH}17:30 Vienna time (UTC+1) · Panel · "
        "Test meeting on justice"
    )
    assert "Bold claim: half of cases, where 3 < 4. Second paragraph." in entry.summary
    assert "<em>" not in entry.summary
    programme = parsed(client, f"/meetings/{kb.meeting.slug}/feed/")
    plenary = next(e for e in programme.entries if e.title == kb.plenary.title)
    assert "No notes were taken at this session." in plenary.summary


def test_themes_and_tags_are_the_entries_categories(client, kb):
    """Each category names the theme (term: its slug; label: its name) under the site's
    themes."""
    feed = parsed(client, f"/speakers/{kb.speaker.slug}/feed/")
    (entry,) = feed.entries
    assert {(tag.term, tag.label) for tag in entry.tags} == {
        (kb.theme.slug, kb.theme.name),
        (kb.other_theme.slug, kb.other_theme.name),
    }
    assert {tag.scheme for tag in entry.tags} == {"http://testserver/themes/"}


def test_a_session_tagged_by_staff_carries_the_tag_into_the_tags_feed(client, kb):
    """A tag's feed exists as soon as a session carries it."""
    tag = make_tag(name="Test tag: hearings")
    kb.plenary.tags.add(tag)
    feed = parsed(client, f"/themes/{tag.slug}/feed/")
    assert feed.feed.title == f"Sessions tagged “{tag.name}” · CCPCJ knowledge base"
    assert entry_links(feed) == [kb.plenary.get_absolute_url()]


def follow_pages(kb, programme_record):
    """Every page showing a list of sessions, and the feed it points to."""
    return {
        "/": "/feed/",
        "/sessions/": "/sessions/feed/",
        f"/sessions/?tag={kb.theme.slug}&sort=-date&page=1": (
            f"/sessions/feed/?{urlencode({'tag': kb.theme.slug, 'sort': '-date'})}"
        ),
        kb.theme.get_absolute_url(): f"/themes/{kb.theme.slug}/feed/",
        kb.speaker.get_absolute_url(): f"/speakers/{kb.speaker.slug}/feed/",
        kb.organisation.get_absolute_url(): f"/organisations/{kb.organisation.slug}/feed/",
        kb.country.get_absolute_url(): f"/countries/{kb.country.slug}/feed/",
        kb.meeting.get_absolute_url(): f"/meetings/{kb.meeting.slug}/feed/",
        kb.resolution.get_absolute_url(): "/documents/A/RES/900/7/feed/",
        programme_record.get_absolute_url(): f"/programmes/{programme_record.slug}/feed/",
        "/search/?q=restorative&meeting=" + kb.meeting.slug: (
            f"/search/feed/?{urlencode({'q': 'restorative', 'meeting': kb.meeting.slug})}"
        ),
    }


def test_every_page_listing_sessions_advertises_and_links_its_feed(client, kb, programme_record):
    """In the head for feed readers, and as a visible link for people; the feed answers."""
    for page_url, feed_url in follow_pages(kb, programme_record).items():
        page = client.get(page_url).content.decode()
        head, body = page.split("</head>")
        escaped = feed_url.replace("&", "&amp;")
        assert f'<link rel="alternate" type="{ATOM}"' in head, page_url
        assert f'href="{escaped}"' in head, page_url
        assert f'<a href="{escaped}" type="{ATOM}">Atom feed</a>' in body, page_url
        parsed(client, feed_url)


@pytest.fixture
def ten_programmes():
    """Ten programmes sharing themes, a speaker, an organisation, a country and a resolution:
    every feed below lists ten times what one programme gives."""
    first = make_programme()
    for _ in range(9):
        make_programme(shared=first)
    programme = Programme.objects.create(slug="test-programme", name="Test programme", kind="fund")
    programme.sessions.set(Session.objects.filter(meeting__slug__startswith="test-"))
    first.programme = programme
    return first


# The most queries each feed may run, however many sessions it lists.
FEED_QUERY_LIMITS = {
    "/feed/": 2,
    "/sessions/feed/?tag={theme}&tag={other_theme}&speaker={speaker}": 4,
    "/sessions/feed/?organisation={organisation}&country={country}&sort=-date": 4,
    "/themes/{theme}/feed/": 3,
    "/speakers/{speaker}/feed/": 3,
    "/organisations/{organisation}/feed/": 3,
    "/countries/{country}/feed/": 3,
    "/meetings/{meeting}/feed/": 3,
    "/documents/A/RES/900/7/feed/": 3,
    "/programmes/test-programme/feed/": 3,
    "/search/feed/?q=restorative": 11,  # two (hourly): where the newest sessions and speakers start
}


@pytest.mark.parametrize(("url", "limit"), FEED_QUERY_LIMITS.items())
def test_feeds_stay_constant_query_with_ten_times_the_sessions(
    client, ten_programmes, django_assert_max_num_queries, url, limit
):
    """Guards against N+1 queries: entries load their meeting and themes in fixed queries."""
    kb = ten_programmes
    url = url.format(
        theme=kb.theme.slug,
        other_theme=kb.other_theme.slug,
        speaker=kb.speaker.slug,
        organisation=kb.organisation.slug,
        country=kb.country.slug,
        meeting=kb.meeting.slug,
    )
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    assert feedparser.parse(response.content).entries


def test_a_speaker_without_sessions_has_an_empty_feed(client):
    speaker = make_speaker()
    feed = parsed(client, f"/speakers/{speaker.slug}/feed/")
    assert feed.entries == []
