"""Visitors' pages come whole from the shared cache until anything is written; signed-in users
never read or fill it; browsers revalidate and get a 304 while a page is unchanged.

These tests run in one process; tests/test_page_cache_processes.py shows the same across
processes."""

import pytest
from django.urls import reverse

from ccpcj_kb import pagecache
from ccpcj_kb.pagecache import bulk_writes, invalidate
from sessions.models import Session
from topics.services import tag_record

pytestmark = pytest.mark.django_db

SESSION_SLUG = "ccpcj-31-femicide"
SESSION_URL = f"/sessions/{SESSION_SLUG}/"


def retitle_unseen(title):
    """Change the session behind the cache's back: QuerySet.update() sends no signal, so a
    page that then still shows the old title came from the cache."""
    Session.objects.filter(slug=SESSION_SLUG).update(title=title)


def test_a_visitor_reads_the_stored_page_until_a_write(client):
    """The second visit is served from the cache; saving the session replaces it at once."""
    assert "Unseen title" not in client.get(SESSION_URL).content.decode()
    retitle_unseen("Unseen title")
    assert "Unseen title" not in client.get(SESSION_URL).content.decode()

    session = Session.objects.get(slug=SESSION_SLUG)
    session.title = "Saved title"
    session.save()
    assert "Saved title" in client.get(SESSION_URL).content.decode()


@pytest.mark.parametrize(
    "url", ["/meetings/ccpcj-31/", "/sessions/", "/themes/femicide/", "/search/?q=femicide"]
)
def test_tagging_a_session_refreshes_every_stored_page(client, ngo_staff, url):
    """A write invalidates every page, not only the written record's."""
    client.get(url)
    session = Session.objects.get(slug=SESSION_SLUG)
    retitle_unseen("Retitled before tagging")
    tag_record(record=session, name="Data gaps", user=ngo_staff)
    assert "Retitled before tagging" in client.get(url).content.decode()


def test_bulk_writes_refresh_the_pages_when_they_end(client):
    with bulk_writes():
        client.get(SESSION_URL)
        Session.objects.get(slug=SESSION_SLUG).save()
        retitle_unseen("Written in bulk")
    assert "Written in bulk" in client.get(SESSION_URL).content.decode()


def test_a_page_stored_before_a_write_commits_is_not_served_after(
    client, django_capture_on_commit_callbacks
):
    """Another process may store the page between the write and its commit, still showing
    the database as it was: the commit makes that page out of date too."""
    with django_capture_on_commit_callbacks(execute=True):
        Session.objects.get(slug=SESSION_SLUG).save()
        client.get(SESSION_URL)  # stored while the write is not yet committed
        retitle_unseen("Committed title")
    assert "Committed title" in client.get(SESSION_URL).content.decode()


def test_signed_in_users_neither_read_nor_fill_the_shared_cache(client, ngo_staff):
    anonymous_page = client.get(SESSION_URL).content.decode()
    assert "Add a tag" not in anonymous_page

    client.force_login(ngo_staff)
    retitle_unseen("Seen when signed in")
    staff_page = client.get(SESSION_URL).content.decode()
    assert "Add a tag" in staff_page
    assert "Seen when signed in" in staff_page

    client.logout()
    assert "Add a tag" not in client.get(SESSION_URL).content.decode()


def test_pages_that_set_a_cookie_are_never_stored(client):
    """The sign-in form carries each visitor's own CSRF token."""
    login = reverse("login")
    first = client.get(login)
    client.cookies.clear()
    second = client.get(login)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_stored_pages_vary_on_cookies_and_are_revalidated(client):
    for response in (client.get(SESSION_URL), client.get(SESSION_URL)):
        assert response.status_code == 200
        assert "Cookie" in response["Vary"]
        assert "no-cache" in response["Cache-Control"]
        assert response["ETag"]
        assert response["Last-Modified"]


def test_a_stored_page_keeps_the_security_headers_it_was_rendered_with(client):
    """The headers of the policies are stored with the page, not made again for each copy."""
    rendered = client.get(SESSION_URL)
    retitle_unseen("Unseen title")
    stored = client.get(SESSION_URL)
    assert "Unseen title" not in stored.content.decode()
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"):
        assert stored[header] == rendered[header], header
    assert "default-src 'none'" in stored["Content-Security-Policy"]


API_LIST_URL = "/api/v1/sessions/"


def test_the_api_is_answered_from_the_cache_until_a_write(client, django_assert_num_queries):
    assert "Unseen title" not in client.get(API_LIST_URL).content.decode()
    retitle_unseen("Unseen title")
    with django_assert_num_queries(0):
        stored = client.get(API_LIST_URL)
    assert stored.status_code == 200
    assert "Unseen title" not in stored.content.decode()
    assert client.get(API_LIST_URL, HTTP_IF_NONE_MATCH=stored["ETag"]).status_code == 304
    # A client that accepts no JSON is told so, as it would be without the cache.
    assert client.get(API_LIST_URL, HTTP_ACCEPT="text/html").status_code == 406

    session = Session.objects.get(slug=SESSION_SLUG)
    session.title = "Saved title"
    session.save()
    assert "Saved title" in client.get(API_LIST_URL).content.decode()


def test_api_answers_from_the_cache_count_against_the_rate_limit(
    client, settings, django_assert_num_queries
):
    """A client cannot get round the limit by asking for what someone else asked for first."""
    settings.API_THROTTLE_RATE = "3/minute"
    assert client.get(API_LIST_URL, REMOTE_ADDR="198.51.100.1").status_code == 200
    for _ in range(2):
        with django_assert_num_queries(0):
            assert client.get(API_LIST_URL, REMOTE_ADDR="198.51.100.1").status_code == 200
    throttled = client.get(API_LIST_URL, REMOTE_ADDR="198.51.100.1")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 61  # a minute, and a slice of it (throttling)
    assert "throttled" in throttled.json()["detail"]
    with django_assert_num_queries(0):
        assert client.get(API_LIST_URL, REMOTE_ADDR="198.51.100.2").status_code == 200
    assert client.get(API_LIST_URL, REMOTE_ADDR="198.51.100.1").status_code == 429


class Clock:
    """The page cache's time, moved on by hand: dates in HTTP have whole seconds."""

    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(1_800_000_000.2)
    monkeypatch.setattr(pagecache, "time", clock)
    return clock


def test_an_unchanged_page_is_a_304_until_a_write(client, clock):
    invalidate()
    clock.now += 2
    page = client.get(SESSION_URL)
    etag, modified = page["ETag"], page["Last-Modified"]

    assert client.get(SESSION_URL, headers={"if-none-match": etag}).status_code == 304
    assert client.get(SESSION_URL, headers={"if-modified-since": modified}).status_code == 304

    clock.now += 1
    session = Session.objects.get(slug=SESSION_SLUG)
    session.title = "A new title"
    session.save()
    for condition in ({"if-none-match": etag}, {"if-modified-since": modified}):
        changed = client.get(SESSION_URL, headers=condition)
        assert changed.status_code == 200
        assert changed["ETag"] != etag
        assert "A new title" in changed.content.decode()


def test_a_copy_dated_the_second_of_a_write_is_sent_again(client, clock):
    """Its date cannot tell whether it was rendered before the write or after."""
    invalidate()
    clock.now += 0.5
    modified = client.get(SESSION_URL)["Last-Modified"]
    assert client.get(SESSION_URL, headers={"if-modified-since": modified}).status_code == 200
    clock.now += 1
    resent = client.get(SESSION_URL, headers={"if-modified-since": modified})
    assert resent.status_code == 200
    later = {"if-modified-since": resent["Last-Modified"]}
    assert client.get(SESSION_URL, headers=later).status_code == 304


def test_the_page_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(SESSION_URL)
    retitle_unseen("Seen at once")
    assert "Seen at once" in client.get(SESSION_URL).content.decode()
