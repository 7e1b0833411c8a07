"""A session page shows up to five related sessions, a document page its related documents:
those sharing the most speakers, resolutions and themes, in one query each."""

import re

import pytest

from sessions.models import Session
from sessions.views import SessionDetailView
from tests.factories import add_speaker, make_document, make_programme, make_session
from topics.models import Document

pytestmark = pytest.mark.django_db


def related_titles(response, heading_id: str) -> list[str]:
    page = response.content.decode()
    section = re.search(rf'aria-labelledby="{heading_id}".*?</section>', page, re.S)
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section[0]) if section else []


def test_a_shared_speaker_ranks_above_a_shared_theme(client):
    kb = make_programme()
    same_speaker = make_session(meeting=kb.meeting, title="Talk by the same speaker")
    add_speaker(same_speaker, kb.speaker)
    unrelated = make_session(meeting=kb.meeting, title="Nothing in common")
    titles = related_titles(client.get(kb.panel.get_absolute_url()), "related-sessions")
    assert titles[0] == same_speaker.title
    assert set(titles[1:]) == {kb.parallel_a.title, kb.parallel_b.title}
    assert unrelated.title not in titles
    assert kb.panel.title not in titles


def test_at_most_five_related_sessions_in_one_query(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    kb = make_programme()
    for number in range(8):
        make_session(meeting=kb.meeting, title=f"Session {number} on the theme", tags=[kb.theme])
    panel = SessionDetailView.queryset.get(pk=kb.panel.pk)  # as its page loads it
    with django_assert_num_queries(1):
        related = list(Session.objects.related_to(panel))
    assert len(related) == 5
    with django_assert_max_num_queries(19):
        titles = related_titles(client.get(kb.panel.get_absolute_url()), "related-sessions")
    assert len(titles) == 5


def test_documents_cited_together_are_related(client):
    kb = make_programme()
    companion = make_document(symbol="A/RES/900/8", kind=Document.Kind.RESOLUTION)
    kb.panel.documents.add(companion)
    make_document(symbol="A/RES/900/9", kind=Document.Kind.RESOLUTION)
    titles = related_titles(client.get(kb.resolution.get_absolute_url()), "related-documents")
    assert titles == ["A/RES/900/8"]
