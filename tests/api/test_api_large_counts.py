"""An API list of a million sessions is not counted on every request: past the exact limit
its count says it is not exact, and its pages still lead on."""

import pytest

from sessions.models import Session
from topics.paging import LargeListPaginator

pytestmark = pytest.mark.django_db


def test_a_small_list_is_counted_exactly(client):
    listed = client.get("/api/v1/sessions/").json()
    assert listed["count"] == Session.objects.count()
    assert listed["count_exact"] is True


def test_past_the_exact_limit_the_count_says_it_is_not_exact(client, monkeypatch):
    monkeypatch.setattr(LargeListPaginator, "EXACT_UP_TO", 3)
    first = client.get("/api/v1/sessions/?page_size=2").json()
    assert first["count_exact"] is False
    assert first["count"] >= 4
    second = client.get(first["next"]).json()
    assert {s["slug"] for s in first["results"]}.isdisjoint(s["slug"] for s in second["results"])
    assert second["previous"]
