"""Cite this: session, document, source and passage pages suggest a citation (plain text,
BibTeX and CSL-JSON) with the page's permanent address and today's date as the date
accessed; a passage is cited at its own address."""

import datetime
import json
import re
from html import unescape

import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from tests.factories import make_programme, make_working_paper

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def cite_box(client, url) -> dict:
    """The citation box of a page: its heading, plain text, BibTeX and CSL-JSON."""
    before = timezone.localdate()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    box = re.search(r'<section class="cite-this" id="cite".*?</section>', html, re.S).group()
    codes = [unescape(code) for code in re.findall(r"<code>(.*?)</code>", box, re.S)]
    return {
        "heading": unescape(re.search(r"<h2[^>]*>(.*?)</h2>", box).group(1)),
        "text": unescape(re.search(r'<p class="citation-text">(.*?)</p>', box, re.S).group(1)),
        "bibtex": codes[0],
        "csl": json.loads(codes[1]),
        # The day the page was asked for (either side of midnight).
        "days": {before, timezone.localdate()},
    }


def assert_cites(box, url):
    accessed = {f"(accessed on {format_date(day, 'j F Y')})." for day in box["days"]}
    assert any(box["text"].endswith(f"Available at {url} {when}") for when in accessed)
    assert f"url = {{{url}}}" in box["bibtex"]
    (item,) = box["csl"]
    assert item["URL"] == url
    assert item["accessed"]["date-parts"][0] in [[d.year, d.month, d.day] for d in box["days"]]


def test_a_session_page_suggests_its_citation(client):
    kb = make_programme()
    box = cite_box(client, f"{kb.panel.get_absolute_url()}?utm_source=newsletter")
    assert box["heading"] == "Cite this session"
    assert f"“{kb.panel.title}”, panel, {kb.meeting.name}" in box["text"]
    assert_cites(box, HOST + kb.panel.get_absolute_url())


def test_a_document_page_suggests_its_citation(client):
    kb = make_programme()
    box = cite_box(client, kb.resolution.get_absolute_url())
    assert box["heading"] == "Cite this document"
    assert box["text"].startswith("“Test resolution”, A/RES/900/7. ")
    assert_cites(box, HOST + kb.resolution.get_absolute_url())


def test_a_source_page_suggests_its_citation(client):
    paper = make_working_paper()
    box = cite_box(client, paper.get_absolute_url())
    assert box["text"].startswith(
        f"Test Secretariat, “{paper.title}”, working paper (1 February 2031). "
    )
    assert_cites(box, HOST + paper.get_absolute_url())


def test_each_passage_offers_its_own_citation_at_its_address(client):
    paper = make_working_paper()
    html = client.get(paper.get_absolute_url()).content.decode()
    assert (
        '<a class="cite-link" href="?cite=para-1#cite">Cite'
        '<span class="visually-hidden"> paragraph 1</span></a>'
    ) in html
    box = cite_box(client, f"{paper.get_absolute_url()}?cite=para-1")
    assert box["heading"] == "Cite paragraph 1"
    assert ", working paper (1 February 2031), para. 1. " in box["text"]
    assert_cites(box, f"{HOST}{paper.get_absolute_url()}#para-1")
    footnote = cite_box(client, f"{paper.get_absolute_url()}?cite=fn-2")
    assert ", footnote 2. " in footnote["text"]


def test_citing_a_passage_the_document_does_not_have_is_not_found(client):
    paper = make_working_paper()
    response = client.get(f"{paper.get_absolute_url()}?cite=para-999")
    assert response.status_code == 404
    assert "no passage “para-999”" in response.content.decode()


def test_a_page_kept_overnight_gives_the_new_day_as_the_date_accessed(client, monkeypatch):
    """Pages are served from the page cache: the next day's visitor still reads that day's
    date, not the date the page was stored on."""
    kb = make_programme()
    url = kb.panel.get_absolute_url()
    assert_cites(cite_box(client, url), HOST + url)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda: tomorrow)
    box = cite_box(client, url)
    assert box["text"].endswith(f"(accessed on {format_date(tomorrow, 'j F Y')}).")
