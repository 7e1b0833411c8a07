"""Suggested citations: plain text in the style of UN documents' references, BibTeX that
reference managers read back to the same values, and CSL-JSON of standard fields that a
citation processor renders. They state only what the sources give, never an invented author."""

import datetime
import json
import re
import warnings
from pathlib import Path

import bibtexparser
import citeproc
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from tests.factories import make_document, make_organisation, make_session, make_source
from topics.citing import cite_document, cite_passage, cite_session, cite_source
from topics.models import Passage

pytestmark = pytest.mark.django_db

ACCESSED = datetime.date(2026, 3, 3)
URL = "https://kb.example.org/page/"
# The CSL schema and a style, as citeproc-py ships them.
CITEPROC_DATA = Path(citeproc.__file__).parent / "data"
CSL_SCHEMA = CITEPROC_DATA / "schema" / "schemas" / "styles"
CSL_STYLE = next((CITEPROC_DATA / "styles").glob("*.csl"))


def rnc_names(file_name: str) -> set[str]:
    """Every quoted name in one of the CSL schema's RELAX NG files."""
    return set(re.findall(r'"([A-Za-z][A-Za-z_-]*)"', (CSL_SCHEMA / file_name).read_text()))


CSL_VARIABLES = rnc_names("csl-variables.rnc")
CSL_TYPES = rnc_names("csl-types.rnc")


def femicide_panel():
    return make_session(
        title="Combating femicide",
        kind="side-event",
        date=datetime.date(2022, 5, 17),
        start_time=datetime.time(16, 40),
        end_time=datetime.time(17, 30),
        note_taker="Nabanita Shome",
        meeting=make_session().meeting,
    )


def working_paper():
    source = make_source(
        title="Integrated approaches to challenges",
        kind="working-paper",
        author="Secretariat",
        date=datetime.date(2020, 1, 23),
    )
    Passage.objects.create(
        source=source, position=0, anchor="para-13", label="13", kind="paragraph", text="…"
    )
    return source


def test_a_session_is_cited_by_its_note_taker_meeting_date_and_times():
    session = femicide_panel()
    citation = cite_session(session, url=URL, accessed=ACCESSED)
    assert citation.text == (
        f"Nabanita Shome, “Combating femicide”, side event, {session.meeting.name}, "
        "17 May 2022, 16:40\u201317:30. CCPCJ session-notes knowledge base. "
        f"Available at {URL} (accessed on 3 March 2026)."
    )
    assert citation.heading == "Cite this session"


def test_a_session_nobody_took_notes_of_names_no_author():
    session = make_session(title="Opening", note_taker="")
    citation = cite_session(session, url=URL, accessed=ACCESSED)
    assert citation.text.startswith("“Opening”")
    assert "author" not in citation.csl
    assert "author" not in citation.bibtex


def test_a_resolution_is_cited_by_its_adopting_body_symbol_and_year():
    assembly = make_organisation(name="General Assembly", kind="un-body")
    resolution = make_document(
        symbol="A/RES/900/1",
        kind="resolution",
        title="Taking action",
        year=2015,
        issued_by=assembly,
    )
    citation = cite_document(resolution, url=URL, accessed=ACCESSED)
    assert citation.text.startswith("General Assembly, “Taking action”, A/RES/900/1 (2015). ")
    assert citation.csl["author"] == [{"literal": "General Assembly"}]
    assert citation.csl["number"] == "A/RES/900/1"
    assert citation.csl["issued"] == {"date-parts": [[2015]]}
    assert "publisher" not in citation.csl


def test_a_handbook_names_its_issuer_as_publisher_and_no_year_it_lacks():
    unodc = make_organisation(name="UNODC")
    handbook = make_document(kind="handbook", title="Handbook on children", issued_by=unodc)
    citation = cite_document(handbook, url=URL, accessed=ACCESSED)
    assert citation.text.startswith("“Handbook on children” (UNODC). ")
    assert citation.csl["publisher"] == "UNODC"
    assert "author" not in citation.csl
    assert "issued" not in citation.csl
    assert citation.csl["type"] == "book"


def test_a_document_without_a_title_is_named_by_its_symbol():
    document = make_document(symbol="E/CN.15/2099/1", title="", kind="report")
    citation = cite_document(document, url=URL, accessed=ACCESSED)
    assert citation.text.startswith("“E/CN.15/2099/1”. ")
    assert "number" not in citation.csl


def test_a_source_is_cited_with_its_author_and_full_date():
    citation = cite_source(working_paper(), url=URL, accessed=ACCESSED)
    assert citation.text.startswith(
        "Secretariat, “Integrated approaches to challenges”, working paper (23 January 2020). "
    )
    assert citation.csl["issued"] == {"date-parts": [[2020, 1, 23]]}
    assert "date = {2020-01-23}" in citation.bibtex


def test_a_paragraph_is_cited_within_its_source_at_its_own_address():
    source = working_paper()
    paragraph = source.passages.get(anchor="para-13")
    url = f"{URL}#para-13"
    citation = cite_passage(paragraph, url=url, accessed=ACCESSED)
    assert citation.heading == "Cite paragraph 13"
    assert ", working paper (23 January 2020), para. 13. " in citation.text
    assert f"Available at {url} " in citation.text
    assert citation.csl["section"] == "para. 13"
    assert citation.csl["URL"] == url
    assert citation.csl["id"] == f"{source.slug}-para-13"


def all_citations():
    source = working_paper()
    unodc = make_organisation(name="UNODC & partners")
    return [
        cite_session(femicide_panel(), url=URL, accessed=ACCESSED),
        cite_document(
            make_document(symbol="A/RES/900/2", kind="resolution", year=2016, issued_by=unodc),
            url=URL,
            accessed=ACCESSED,
        ),
        cite_document(
            make_document(kind="publication", issued_by=unodc), url=URL, accessed=ACCESSED
        ),
        cite_source(source, url=URL, accessed=ACCESSED),
        cite_passage(source.passages.get(), url=f"{URL}#para-13", accessed=ACCESSED),
    ]


def test_csl_json_is_valid_json_of_standard_csl_fields():
    for citation in all_citations():
        items = json.loads(citation.csl_json)
        assert len(items) == 1
        item = items[0]
        assert item["type"] in CSL_TYPES
        assert set(item) - {"id", "type"} <= CSL_VARIABLES, item
        assert item["title"] and item["URL"]
        assert item["accessed"] == {"date-parts": [[2026, 3, 3]]}


def test_a_citation_processor_renders_the_csl_json():
    for citation in all_citations():
        item = citation.csl
        with warnings.catch_warnings():
            # citeproc-py predates CSL 1.0.2's event-title; it renders the rest.
            warnings.filterwarnings("ignore", message=".*unsupported: event_title")
            source = CiteProcJSON([item])
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(str(CSL_STYLE), validate=False), source, formatter.plain
        )
        bibliography.register(Citation([CitationItem(item["id"])]))
        rendered = str(bibliography.bibliography()[0])
        assert item["title"] in rendered


def test_bibtex_reads_back_to_the_same_values_whatever_the_characters():
    source = make_source(
        title="Costs & benefits: 100% of {cases} #1 $x_y ~ \\ \u2013 café",
        author="R&D Unit",
        kind="working-paper",
    )
    citation = cite_source(
        source, url="https://kb.example.org/sources/x/#para_1", accessed=ACCESSED
    )
    library = bibtexparser.parse_string(
        citation.bibtex, append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == source.slug
    assert entry["title"] == source.title
    assert entry["author"] == "R&D Unit"
    assert entry["url"] == "https://kb.example.org/sources/x/#para_1"
    assert entry["urldate"] == "2026-03-03"
