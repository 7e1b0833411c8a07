"""Search over a million sessions ranks the newest matches only, and says so."""

import re

import pytest

from ccpcj_kb.pagecache import invalidate
from tests.factories import make_session, make_speaker
from topics.search import engine
from topics.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def test_past_the_limit_the_newest_sessions_are_ranked_and_the_count_says_more(client, monkeypatch):
    monkeypatch.setattr(engine, "RANKED_PER_KIND", 3)
    for year in range(2031, 2036):
        make_session(title=f"Quokka review {year}", date=f"{year}-01-01")
    page = client.get("/search/", {"q": "quokka", "kind": "session"}).content.decode()
    assert 'Sessions <span class="muted">(more than 3)</span>' in page
    assert "review 2035" in page
    assert "review 2031" not in page

    monkeypatch.setattr(engine, "RANKED_PER_KIND", 10)
    invalidate()
    page = client.get("/search/", {"q": "quokka", "kind": "session"}).content.decode()
    assert 'Sessions <span class="muted">(5)</span>' in page
    assert "review 2031" in page


@pytest.mark.parametrize(
    ("window", "matching"),
    [
        (4, range(2031, 2037)),  # the newest four sessions hold more matches than are ranked
        (2, range(2031, 2034)),  # the newest two hold none: every session is looked at
    ],
)
def test_the_newest_sessions_looked_at_first_change_nothing_found(
    client, monkeypatch, window, matching
):
    """Sessions are looked for first among the newest few; whether enough of those match or
    not, the newest matches of all are the ones ranked."""
    monkeypatch.setattr(engine, "RANKED_PER_KIND", 3)
    monkeypatch.setattr(engine, "NEWEST_LOOKED_AT_FIRST", window)
    for year in range(2031, 2037):
        title = f"Quokka review {year}" if year in matching else f"Wallaby review {year}"
        make_session(title=title, date=f"{year}-01-01")
    page = client.get("/search/", {"q": "quokka", "kind": "session"}).content.decode()
    newest = sorted(matching, reverse=True)
    for year in newest[:3]:
        assert f"review {year}" in page
    for year in newest[3:]:
        assert f"review {year}" not in page


@pytest.mark.parametrize(
    ("window", "matching"),
    [
        (4, range(6)),  # the newest four speakers hold more matches than are ranked
        (2, range(4)),  # the newest two hold none: every speaker is looked at
        (3, (0, 1, 2, 3, 5)),  # the newest three hold too few: every speaker is looked at
    ],
)
def test_the_newest_speakers_looked_at_first_change_nothing_found(
    client, monkeypatch, window, matching
):
    """Speakers have no date: the newest are the last added, looked for first as sessions
    are, and the newest matches of all are the ones ranked."""
    monkeypatch.setattr(engine, "RANKED_PER_KIND", 3)
    monkeypatch.setattr(engine, "NEWEST_LOOKED_AT_FIRST", window)
    given_names = ["Ash", "Birch", "Cedar", "Elm", "Fir", "Oak"]
    for number, given_name in enumerate(given_names):
        make_speaker(name=f"{given_name} {'Quokka' if number in matching else 'Wallaby'}")
    page = client.get("/search/", {"q": "quokka", "kind": "speaker"}).content.decode()
    newest = [given_names[number] for number in sorted(matching, reverse=True)]
    for given_name in newest[:3]:
        assert f"{given_name} <mark>Quokka</mark>" in page
    for given_name in newest[3:]:
        assert f"{given_name} <mark>Quokka</mark>" not in page


def test_records_without_a_date_are_looked_at_after_the_dated_ones(client, monkeypatch):
    """Where the newest few reach past the dated sessions (here, there are none at first),
    the dated ones are still among them; one dated by a write is found on the very next
    search."""
    monkeypatch.setattr(engine, "RANKED_PER_KIND", 2)
    monkeypatch.setattr(engine, "NEWEST_LOOKED_AT_FIRST", 3)
    SearchEntry.objects.filter(kind=SearchEntry.Kind.SESSION).update(date=None)
    for number in range(1, 5):
        make_session(title=f"Quokka review undated {number}")

    def found():
        page = client.get("/search/", {"q": "quokka", "kind": "session"}).content.decode()
        return set(re.findall(r"review (dated|undated \d)", page))

    assert found() == {"undated 4", "undated 3"}
    make_session(title="Quokka review dated", date="2031-01-01")
    assert found() == {"dated", "undated 4"}


def test_without_the_shared_cache_search_still_answers(client, monkeypatch):
    """Where the newest sessions start is kept in the shared cache; when that cannot be read,
    every session is looked at and the results are the same."""

    def unreachable(*args, **kwargs):
        raise ConnectionError("the cache server does not answer")

    monkeypatch.setattr(engine.cache, "get_or_set", unreachable)
    make_session(title="Quokka review 2031", date="2031-01-01")
    response = client.get("/search/", {"q": "quokka", "kind": "session"})
    assert response.status_code == 200
    assert "review 2031" in response.content.decode()
