"""Every UN symbol links to its official text (undocs.org) and to a UN Digital Library search
for it, marked as leading to another site; documents without a symbol link to neither."""

import re

import pytest

from tests.factories import make_document, make_organisation, make_programme
from topics.models import Document

pytestmark = pytest.mark.django_db

SYMBOL = "A/RES/900/7"
OFFICIAL = "https://undocs.org/A/RES/900/7"
LIBRARY = "https://digitallibrary.un.org/search?p=A%2FRES%2F900%2F7"


def external_links(html: str) -> list[str]:
    """The addresses of links marked external: rel="external noopener" and a visible mark."""
    return re.findall(
        r'<a class="external" href="([^"]+)" rel="external noopener">[^<]*<span class='
        r'"visually-hidden">[^<]*</span><span class="external-mark" aria-hidden="true">↗</span>',
        html,
    )


def test_a_document_links_to_its_official_text_and_the_digital_library():
    document = make_document(symbol="E/CN.15/2022/L.3/Rev.1")
    assert document.official_text_url == "https://undocs.org/E/CN.15/2022/L.3/REV.1"
    assert document.library_search_url == (
        "https://digitallibrary.un.org/search?p=E%2FCN.15%2F2022%2FL.3%2FREV.1"
    )
    assert make_document(title="A handbook").official_text_url is None


def test_the_document_page_links_its_symbol_to_the_official_texts(client):
    kb = make_programme()
    html = client.get(kb.resolution.get_absolute_url()).content.decode()
    assert external_links(html) == [OFFICIAL, LIBRARY]


# Not named "page": that is the browser tests' fixture, and overriding it reorders the run.
@pytest.mark.parametrize("shown_on", ["session", "meeting", "theme", "list", "organisation"])
def test_lists_of_documents_link_each_symbol_to_the_official_texts(client, shown_on):
    kb = make_programme()
    kb.resolution.issued_by.set([kb.organisation])
    kb.meeting.documents.add(kb.resolution)
    kb.resolution.tags.add(kb.theme)
    url = {
        "session": kb.panel.get_absolute_url(),
        "meeting": kb.meeting.get_absolute_url(),
        "theme": kb.theme.get_absolute_url(),
        "list": f"/documents/?page={list(Document.objects.all()).index(kb.resolution) // 50 + 1}",
        "organisation": kb.organisation.get_absolute_url(),
    }[shown_on]
    html = client.get(url).content.decode()
    links = external_links(html)
    assert OFFICIAL in links and LIBRARY in links


def test_a_document_without_a_symbol_links_to_no_official_text(client):
    publisher = make_organisation(name="Test publisher")
    handbook = make_document(title="Test handbook", kind="handbook", issued_by=publisher)
    assert external_links(client.get(handbook.get_absolute_url()).content.decode()) == []
    assert external_links(client.get(publisher.get_absolute_url()).content.decode()) == []
