"""A briefing pack gathers a selection of sessions (a theme, a country, an organisation or any
filtered session list) into one printable document: a cover with the contents, a summary,
each session's notes with speakers and themes, the source paragraphs, the reader's
annotations and how to cite each item."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType

from sessions import views
from sessions.models import Annotation, Session
from sessions.views import MOST_BRIEFED_PASSAGES, MOST_BRIEFED_SESSIONS
from tests.factories import make_programme, make_session
from topics.models import Document, Mention, Passage

pytestmark = pytest.mark.django_db


def headings(page: str, level: int) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", "", text).split())
        for text in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", page, re.S)
    ]


def test_the_femicide_pack(client):
    page = client.get("/briefing/?tag=femicide").content.decode()
    assert headings(page, 1) == ["Theme: Femicide"]
    assert headings(page, 2) == ["Contents", "Summary", "Sessions", "Source paragraphs"]
    sessions = Session.objects.filter(tagged_items__tag__slug="femicide")
    for session in sessions:
        assert f'id="briefed-{session.slug}"' in page
        assert f"http://testserver{session.get_absolute_url()}" in page
    assert "Lara Dimitrijevic</a>, Speaker 1 (Malta)" in page
    assert "</a> shared her experience in the context of her country" in page
    assert 'href="/documents/A/RES/70/176/"' in page
    assert page.count('class="briefed-passage"') >= 1
    assert '<svg class="timeline-chart"' in page


def test_theme_country_organisation_and_session_list_link_to_their_pack(client):
    for address, pack in [
        ("/themes/femicide/", "/briefing/?tag=femicide"),
        ("/countries/malta/", "/briefing/?country=malta"),
        ("/organisations/unodc/", "/briefing/?organisation=unodc"),
        (
            "/sessions/?tag=femicide&amp;meeting=ccpcj-31".replace("&amp;", "&"),
            "/briefing/?tag=femicide&amp;meeting=ccpcj-31",
        ),
    ]:
        assert f'href="{pack}"' in client.get(address).content.decode(), address
        assert client.get(pack.replace("&amp;", "&")).status_code == 200


def test_annotations_appear_for_those_who_may_read_them(client, ngo_staff, other_staff):
    kb = make_programme()
    Annotation.objects.create(session=kb.panel, author=ngo_staff, body="Shared follow-up.")
    Annotation.objects.create(
        session=kb.panel, author=other_staff, body="Bruno's own.", visibility="private"
    )
    address = f"/briefing/?tag={kb.theme.slug}&meeting={kb.meeting.slug}"
    assert "Shared follow-up." not in client.get(address).content.decode()
    client.force_login(ngo_staff)
    page = client.get(address).content.decode()
    assert "Shared follow-up." in page
    assert "Bruno" not in page


def test_a_large_selection_is_summarised_whole_and_printed_in_part(
    client, django_assert_max_num_queries
):
    kb = make_programme()
    for number in range(MOST_BRIEFED_SESSIONS + 5):
        make_session(meeting=kb.meeting, title=f"Extra session {number}", tags=[kb.theme])
    with django_assert_max_num_queries(22):
        page = client.get(f"/briefing/?tag={kb.theme.slug}").content.decode()
    total = MOST_BRIEFED_SESSIONS + 7  # with the programme's panel and side event
    assert f"{total} sessions from 1 meeting" in page
    assert page.count('class="briefed-session"') == MOST_BRIEFED_SESSIONS


def test_an_unknown_theme_is_a_helpful_not_found(client):
    response = client.get("/briefing/?tag=no-such-theme")
    assert response.status_code == 404
    assert "no-such-theme" in response.content.decode()


def test_the_source_paragraphs_are_those_cited_and_those_naming_the_key_documents(client):
    """The paragraphs the briefed sessions were distilled from, and those naming any of the
    pack's key documents; headings are not paragraphs."""
    response = client.get("/briefing/")
    sessions, documents = response.context["sessions"], response.context["documents"]
    cited = {
        passage
        for session in sessions
        for citation in session.citations.all()
        for passage in citation.passages.all()
    }
    named = {
        mention.passage
        for mention in Mention.objects.filter(
            content_type=ContentType.objects.get_for_model(Document),
            object_id__in=[document.pk for document in documents],
            passage__isnull=False,
        )
    }
    cited, named = (
        {passage.pk for passage in passages if passage.kind != Passage.Kind.HEADING}
        for passages in (cited, named)
    )
    assert cited - named and named - cited
    expected = cited | named
    assert len(expected) <= MOST_BRIEFED_PASSAGES
    assert {passage.pk for passage in response.context["passages"]} == expected


def test_past_the_counted_sessions_the_summary_counts_the_newest_and_says_so(client, monkeypatch):
    """A selection of more sessions than are counted keeps its whole total; its meetings,
    speakers and countries are those of the newest sessions counted."""
    monkeypatch.setattr(views, "COUNTED_SESSIONS", 2)
    monkeypatch.setattr(views, "counted_sessions_label", lambda: "2")
    newest = list(Session.objects.most_recent()[:2])
    speakers = {a.speaker for session in newest for a in session.appearances.all()}
    meetings = {session.meeting for session in newest}
    page = client.get("/briefing/").content.decode()
    total = Session.objects.count()
    lede = f"{total} sessions; the summary counts the newest 2, from {len(meetings)} meeting"
    assert lede in page
    assert f"counted among the newest 2 of the {total} sessions." in page
    assert f"<dt>Speakers</dt><dd>{len(speakers)}</dd>" in page
