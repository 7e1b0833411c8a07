"""Passages in the admin: editors read a source's passages and see which passages each
citation names, but nobody adds, edits or deletes a source's words there."""

import pytest
from django.urls import reverse

from tests.factories import cite_passages, make_heading, make_passage, make_session, make_source
from topics.models import Passage

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:topics_passage_changelist")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def paper():
    source = make_source(title="Test paper read in the admin")
    make_heading(source, "Test introduction")
    make_passage(source, label="1", text="The first test paragraph, about prisons.")
    make_passage(source, label="2", text="The second test paragraph, about courts.")
    return source


def test_editors_find_passages_by_their_words_and_source(editor_client, paper):
    """Searching the text finds the passage; the list filters by source and kind."""
    response = editor_client.get(CHANGELIST, {"q": "about prisons"})
    assert [str(p) for p in response.context["cl"].result_list] == [
        "Test paper read in the admin, 1"
    ]
    response = editor_client.get(CHANGELIST, {"source__id__exact": paper.pk, "kind": "paragraph"})
    assert [p.label for p in response.context["cl"].result_list] == ["1", "2"]


def test_passages_are_read_only_in_the_admin(editor_client, paper):
    """An editor opens a passage to read it, with no Save or Delete; adding is refused."""
    passage = paper.passages.get(label="1")
    page = editor_client.get(reverse("admin:topics_passage_change", args=[passage.pk]))
    assert page.status_code == 200
    assert "The first test paragraph, about prisons." in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert editor_client.get(reverse("admin:topics_passage_add")).status_code == 403
    delete = reverse("admin:topics_passage_delete", args=[passage.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Passage.objects.filter(pk=passage.pk).exists()


def test_a_records_citations_show_their_passages_as_links(editor_client, paper):
    """On a session's admin page, each citation lists the passages it names, linked to the
    reading view; they are not a field to edit."""
    session = make_session()
    cite_passages(session, *paper.passages.filter(label__in=["1", "2"]), location="paras. 1-2")
    page = editor_client.get(reverse("admin:kb_sessions_session_change", args=[session.pk]))
    html = page.content.decode()
    url = paper.get_absolute_url()
    assert f'<a href="{url}#para-1">paragraph 1</a>, <a href="{url}#para-2">paragraph 2</a>' in html
    assert "-passages" not in html  # no form field for them
