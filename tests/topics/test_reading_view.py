"""A source document's page reads as the document (/sources/<slug>/): its headings, numbered
paragraphs, lists and footnotes, each at its own address with a link to it, the records
citing each passage beside it; and every record's Sources section links to the passages its
citation names.

The documents here are made with the factories; the shipped sources' passages are checked in
tests/test_shipped_data.py."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    cite,
    cite_passages,
    make_country,
    make_document,
    make_heading,
    make_meeting,
    make_organisation,
    make_passage,
    make_session,
    make_source,
    make_speaker,
    make_theme,
)
from topics.models import Passage, SourceDocument

pytestmark = pytest.mark.django_db

LIST_ITEM, FOOTNOTE = Passage.Kind.LIST_ITEM, Passage.Kind.FOOTNOTE


@pytest.fixture
def paper():
    """A working paper: its title as a heading, a numbered section with two paragraphs (the
    first with a footnote marker), a lettered list, and the footnote."""
    source = make_source(
        title="Test working paper on integrated approaches",
        author="Test Secretariat",
        date="2031-02-01",
        kind=SourceDocument.Kind.WORKING_PAPER,
        description="Background to agenda item 4.",
    )
    make_heading(source, "Test working paper")
    make_heading(source, "II. Integrated approaches", level=2)
    make_passage(source, label="13", text="Violence against women persists.5")
    make_passage(source, label="14", text="States were encouraged to act.")
    make_passage(source, kind=LIST_ITEM, label="(a)", text="Prevention;", anchor="para-14-a")
    make_passage(source, kind=LIST_ITEM, label="(b)", text="Protection.", anchor="para-14-b")
    make_passage(source, kind=FOOTNOTE, label="fn. 5", text="See resolution 70/176.")
    return source


def page_of(client, source) -> str:
    response = client.get(source.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def passage_html(page: str, anchor: str) -> str:
    """The markup of the passage at ``anchor``, up to the next passage."""
    start = page.index(f'id="{anchor}"')
    end = page.find('<div class="passage', start)
    return page[start : end if end != -1 else len(page)]


def test_the_title_block_names_the_document(client, paper):
    """Title, author, date, kind and description open the page."""
    page = page_of(client, paper)
    assert "<h1>Test working paper on integrated approaches</h1>" in page
    assert "<dt>Author</dt><dd>Test Secretariat</dd>" in page
    assert "<dt>Dated</dt><dd>1 February 2031</dd>" in page
    assert "<dt>Kind</dt><dd>Working paper</dd>" in page
    assert "Background to agenda item 4." in page


def test_every_passage_has_its_anchor_and_a_link_to_it(client, paper):
    """Each passage sits at its own address (#para-13, #fn-5) with a visible link icon whose
    name says what it links to."""
    page = page_of(client, paper)
    expected = {
        "h-test-working-paper": "section “Test working paper”",
        "h-ii-integrated-approaches": "section “II. Integrated approaches”",
        "para-13": "paragraph 13",
        "para-14": "paragraph 14",
        "para-14-a": "list item (a)",
        "para-14-b": "list item (b)",
        "fn-5": "footnote 5",
    }
    for anchor, name in expected.items():
        assert page.count(f'id="{anchor}"') == 1
        assert f'<a class="permalink" href="#{anchor}" aria-label="Link to {name}"><svg' in page


def test_the_document_reads_in_order_with_numbers_lists_and_notes_last(client, paper):
    """Headings nest below the page's title, paragraphs show their numbers, the lettered
    items form one list, and the footnote comes in a Notes section at the end."""
    page = page_of(client, paper)
    assert '<h2 class="passage-text">Test working paper</h2>' in page
    assert '<h3 class="passage-text">II. Integrated approaches</h3>' in page
    assert (
        '<p class="passage-text"><span class="passage-label">13.</span> '
        "Violence against women persists.5</p>" in page
    )
    assert page.count('<ul class="passage-list">') == 2  # the lettered items, then the notes
    items = page.split('<ul class="passage-list">')[1].split("</ul>\n")[0]
    assert 'id="para-14-a"' in items
    assert 'id="para-14-b"' in items
    notes = page.split('<h2 id="notes-heading">Notes</h2>')[1]
    assert '<span class="passage-label">5.</span> See resolution 70/176.' in notes
    assert page.index('id="para-14-b"') < page.index("notes-heading") < page.index('id="fn-5"')


def test_a_long_document_opens_with_its_headings_nested_by_level(client):
    """More than a handful of headings and the page has a table of contents, each heading
    nested under the one above it of a higher level."""
    source = make_source()
    make_heading(source, "Summary")
    make_heading(source, "I. Introduction")
    make_heading(source, "A. Background", level=2)
    make_heading(source, "1. Mandate", level=3)
    make_heading(source, "B. Scope", level=2)
    make_heading(source, "II. Findings")
    page = page_of(client, source)
    contents = page.split('<h2 id="contents-heading">Contents</h2>')[1].split("</nav>")[0]
    link = '<a href="#h-{}">{}</a>'.format
    assert re.sub(r">\s+<", "><", contents.strip()) == (
        f"<ol><li>{link('summary', 'Summary')}</li>"
        f"<li>{link('i-introduction', 'I. Introduction')}"
        f"<ol><li>{link('a-background', 'A. Background')}"
        f"<ol><li>{link('1-mandate', '1. Mandate')}</li></ol></li>"
        f"<li>{link('b-scope', 'B. Scope')}</li></ol></li>"
        f"<li>{link('ii-findings', 'II. Findings')}</li></ol>"
    )
    assert '<h3 class="passage-text">A. Background</h3>' in page
    assert '<h4 class="passage-text">1. Mandate</h4>' in page


def test_a_short_document_has_no_table_of_contents(client, paper):
    """Two headings are read at a glance: no table of contents."""
    assert "contents-heading" not in page_of(client, paper)


def test_the_records_citing_a_passage_are_listed_beside_it(client, paper):
    """A session and a country cited at paragraph 13 appear beside paragraph 13, named with
    their kind; paragraph 14, which nobody cites, lists nothing."""
    para_13, para_14 = paper.passages.get(anchor="para-13"), paper.passages.get(anchor="para-14")
    session = make_session(title="Test side event on femicide")
    country = make_country(name="Test Republic of Paragraphs")
    cite_passages(session, para_13, location="para. 13")
    cite_passages(country, para_13, para_14, location="paras. 13 and 14")
    page = page_of(client, paper)
    beside = passage_html(page, "para-13")
    assert "Cited by" in beside
    assert (
        f'<span class="muted">Session:</span> <a href="{session.get_absolute_url()}">'
        "Test side event on femicide</a>" in beside
    )
    assert (
        f'<span class="muted">Country:</span> <a href="{country.get_absolute_url()}">'
        "Test Republic of Paragraphs</a>" in beside
    )
    assert session.get_absolute_url() not in passage_html(page, "para-14")
    assert country.get_absolute_url() in passage_html(page, "para-14")
    assert "Cited by" not in passage_html(page, "h-ii-integrated-approaches")


def test_a_passage_cited_by_many_records_lists_them_folded(client, paper):
    """Beyond eight citing records, the list is folded under their count, so a short
    passage is not followed by a long gap; fewer are listed open."""
    para_13, para_14 = paper.passages.get(anchor="para-13"), paper.passages.get(anchor="para-14")
    for number in range(9):
        cite_passages(make_country(name=f"Test Member State {number}"), para_13)
    cite_passages(make_session(), para_14)
    page = page_of(client, paper)
    folded = passage_html(page, "para-13")
    summary = '<summary><span class="cited-by-label">Cited by</span> 9 countries</summary>'
    assert f'<details class="cited-by">{summary}' in folded
    assert all(f"Test Member State {number}</a>" in folded for number in range(9))
    assert "<details" not in passage_html(page, "para-14")
    assert '<div class="cited-by">' in passage_html(page, "para-14")


def test_records_citing_no_passage_are_listed_after_the_document(client, paper):
    """A record citing the paper without naming a passage is still found on its page."""
    meeting = make_meeting(name="Test meeting citing the whole paper")
    cite(meeting, source=paper)
    page = page_of(client, paper)
    rest = page.split("Records citing the whole document")[1]
    assert f'<a href="{meeting.get_absolute_url()}">Test meeting citing the whole paper</a>' in rest


def test_notes_without_passages_list_their_sessions_in_programme_order(client):
    """An observer's notes have no passages: the page lists the sessions they hold, earliest
    first, whatever order they were cited in."""
    notes = make_source(title="Test observer's notes", kind=SourceDocument.Kind.OBSERVER_NOTES)
    meeting = make_meeting()
    later = make_session(meeting=meeting, title="Test later", date="2031-05-18")
    earlier = make_session(meeting=meeting, title="Test earlier", date="2031-05-17")
    cite(later, source=notes, location="Day two")
    cite(earlier, source=notes, location="Day one")
    page = page_of(client, notes)
    assert "Records distilled from it" in page
    assert "passage-list" not in page
    assert page.index("Test earlier") < page.index("Test later")
    assert "(Day one)" in page


def test_passage_text_is_shown_as_text_never_as_markup(client):
    """A passage quoting markup shows the characters; nothing in it runs or renders."""
    source = make_source()
    make_passage(source, label="1", text='Quoted: <script>alert("x")</script> & <b>bold</b>')
    page = page_of(client, source)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>" not in page
    assert "<b>bold</b>" not in page


def test_a_record_page_links_its_source_to_the_cited_paragraph(client, paper):
    """A session cited at paragraph 13 links its source straight to #para-13; a citation
    naming several passages lists a link to each."""
    para_13, para_14 = paper.passages.get(anchor="para-13"), paper.passages.get(anchor="para-14")
    session = make_session()
    cite_passages(session, para_13, location="para. 13")
    page = client.get(session.get_absolute_url()).content.decode()
    sources = page.split('id="sources-heading"')[1]
    assert (
        f'<a href="{paper.get_absolute_url()}#para-13">{paper.title}</a> '
        '<span class="muted">(para. 13)</span>' in sources
    )

    country = make_country()
    cite_passages(country, para_14, para_13, location="paras. 13 and 14")
    page = client.get(country.get_absolute_url()).content.decode()
    sources = page.split('id="sources-heading"')[1]
    assert f'<a href="{paper.get_absolute_url()}#para-13">{paper.title}</a>' in sources
    assert re.findall(r'<a href="[^"]*#(para-\d+)">(paragraph \d+)</a>', sources) == [
        ("para-13", "paragraph 13"),
        ("para-14", "paragraph 14"),
    ]


def test_a_citation_naming_no_passage_links_to_the_source_page(client, paper):
    """Without passages, the citation links to the source's page, as before."""
    organisation = make_organisation()
    cite(organisation, source=paper, location="Annex")
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert f'<a href="{paper.get_absolute_url()}">{paper.title}</a>' in page


def test_the_reading_view_stays_constant_query(client, django_assert_max_num_queries):
    """Guards against N+1 queries: fifty passages, each cited by records of every kind, take
    one query for the document, one for its passages, one for its citations, one for the
    passages they name and one per kind of record."""
    source = make_source()
    meeting = make_meeting()
    passages = [
        make_heading(source, f"Section {number}")
        if number % 10 == 0
        else make_passage(source, label=str(number))
        for number in range(50)
    ]
    makers = [
        lambda n: make_session(meeting=meeting, title=f"Test session {n}"),
        lambda n: make_speaker(),
        lambda n: make_organisation(),
        lambda n: make_country(),
        lambda n: make_document(),
        lambda n: make_theme(),
        lambda n: make_meeting(),
    ]
    for number, passage in enumerate(passages):
        for make in makers:
            cite_passages(make(number), passage, passages[(number + 1) % 50])
    with django_assert_max_num_queries(4 + len(makers)):
        page = page_of(client, source)
    # Each passage is cited by its own records and the previous passage's: two of each kind.
    assert page.count('<span class="muted">Sessions:</span>') == 50
    assert page.count("2 countries, 2 documents, 2 meetings, 2 organisations") == 50


def test_a_record_page_stays_constant_query_however_many_passages_it_cites(client):
    """Guards against N+1 queries: the Sources section of a session costs the same queries
    whether its citations name one passage or twenty, in one source or three."""

    def queries_for_session_citing(passage_count: int, source_count: int) -> int:
        session = make_session()
        for _ in range(source_count):
            source = make_source()
            passages = [make_passage(source, label=str(n)) for n in range(passage_count)]
            cite_passages(session, *passages)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(session.get_absolute_url()).status_code == 200
        return len(queries)

    assert queries_for_session_citing(1, 1) == queries_for_session_citing(20, 3)
