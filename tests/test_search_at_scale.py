"""Search over a million sessions ranks the newest matches only, and says so."""

import pytest

from ccpcj_kb.pagecache import invalidate
from tests.factories import make_session
from topics.search import engine

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
