"""Suggested citations of the site's pages: plain text in the style of United Nations
documents, BibTeX and CSL-JSON, each with the page's permanent address and the day it was read.

A citation states only what the sources give: a session's note-taker is its author, a
document's adopting body or publisher its author or publisher, a source document's stated
author its author; where a source names nobody, the citation names nobody either.
"""

import datetime
import json
import re
from dataclasses import dataclass, replace

from django.utils.dateformat import format as format_date

SITE_NAME = "CCPCJ session-notes knowledge base"
# How the citations write a day: "17 May 2022", as UN documents do.
DAY_FORMAT = "j F Y"
EN_DASH = "\u2013"

# Kinds of UN document and publication, as CSL names them; the rest are plain documents.
DOCUMENT_TYPES = {
    "report": "report",
    "convention": "treaty",
    "protocol": "treaty",
    "publication": "book",
    "handbook": "book",
}
# The kinds of document whose issuer is its publisher; other documents are their issuer's own
# (a resolution is the General Assembly's).
PUBLISHED_KINDS = {"publication", "handbook", "tool"}
SOURCE_TYPES = {
    "observer-notes": "manuscript",
    "agency-profile": "webpage",
    "background-guide": "report",
    "working-paper": "report",
    "meeting-note": "document",
}

# Characters with a meaning in BibTeX values (LaTeX), and how to write them as text.
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(map(re.escape, _BIBTEX_SPECIALS)))


@dataclass(frozen=True)
class Work:
    """What a citation says of one page, whatever its kind of record."""

    key: str  # the BibTeX key and CSL id
    csl_type: str
    title: str
    url: str
    accessed: datetime.date
    authors: tuple[str, ...] = ()  # people or bodies, as the sources name them
    publisher: str = ""
    # The date it was issued, as precisely as known: (year,) or a full date.
    issued: tuple[int, ...] = ()
    genre: str = ""  # "Side event", "Working paper"
    event: str = ""  # the meeting a session belongs to
    event_date: datetime.date | None = None
    event_times: str = ""  # "16:40-17:30", with an en dash
    number: str = ""  # a UN document symbol
    section: str = ""  # "para. 13"

    @property
    def issued_text(self) -> str:
        if len(self.issued) == 3:
            return format_date(datetime.date(*self.issued), DAY_FORMAT)
        return str(self.issued[0]) if self.issued else ""


@dataclass(frozen=True)
class SuggestedCitation:
    heading: str  # "Cite this session", "Cite paragraph 13"
    work: Work

    @property
    def text(self) -> str:
        return plain_text(self.work)

    @property
    def bibtex(self) -> str:
        return bibtex(self.work)

    @property
    def csl(self) -> dict:
        return csl_item(self.work)

    @property
    def csl_json(self) -> str:
        return json.dumps([self.csl], indent=2, ensure_ascii=False)


def plain_text(work: Work) -> str:
    """In the manner of UN documents' references: author, “title”, what it is, symbol
    (publisher, date), the place within it; then where it is available and when it was read."""
    parts = [", ".join(work.authors), f"“{work.title}”"]
    parts += [work.genre[:1].lower() + work.genre[1:], work.event]
    if work.event_date:
        parts.append(format_date(work.event_date, DAY_FORMAT))
    parts.append(work.event_times)
    described = ", ".join(part for part in parts if part)
    if work.number:
        described += f", {work.number}"
    published = ", ".join(part for part in (work.publisher, work.issued_text) if part)
    if published:
        described += f" ({published})"
    if work.section:
        described += f", {work.section}"
    accessed = format_date(work.accessed, DAY_FORMAT)
    return f"{described}. {SITE_NAME}. Available at {work.url} (accessed on {accessed})."


def bibtex(work: Work) -> str:
    """A ``@misc`` entry: every BibTeX style reads it, and biblatex also reads ``url``,
    ``urldate`` and ``date``."""
    details = [work.genre, work.event]
    if work.event_date:
        details.append(format_date(work.event_date, DAY_FORMAT))
    details += [work.event_times, work.section]
    fields = [
        ("author", " and ".join(f"{{{_bibtex_text(name)}}}" for name in work.authors)),
        # Braced twice, so that styles keep the title's capitals.
        ("title", f"{{{_bibtex_text(work.title)}}}"),
        ("publisher", _bibtex_text(work.publisher)),
        ("number", _bibtex_text(work.number)),
        ("year", str(work.issued[0]) if work.issued else ""),
        ("date", datetime.date(*work.issued).isoformat() if len(work.issued) == 3 else ""),
        ("note", _bibtex_text(", ".join(detail for detail in details if detail))),
        ("howpublished", _bibtex_text(SITE_NAME)),
        # Addresses are read verbatim; the site's never hold braces.
        ("url", work.url),
        ("urldate", work.accessed.isoformat()),
    ]
    lines = [f"  {name} = {{{value}}}" for name, value in fields if value]
    return f"@misc{{{work.key},\n" + ",\n".join(lines) + "\n}"


def csl_item(work: Work) -> dict:
    """One CSL-JSON item (the input format of citation processors: Zotero, Pandoc, …)."""
    item = {
        "id": work.key,
        "type": work.csl_type,
        "title": work.title,
        "container-title": SITE_NAME,
        "URL": work.url,
        "accessed": _csl_date(work.accessed.year, work.accessed.month, work.accessed.day),
    }
    if work.authors:
        item["author"] = [{"literal": name} for name in work.authors]
    if work.publisher:
        item["publisher"] = work.publisher
    if work.issued:
        item["issued"] = _csl_date(*work.issued)
    if work.genre:
        item["genre"] = work.genre
    if work.event:
        item["event-title"] = work.event
    if work.event_date:
        date = work.event_date
        item["event-date"] = _csl_date(date.year, date.month, date.day)
    if work.number:
        item["number"] = work.number
    if work.section:
        item["section"] = work.section
    return item


def cite_session(session, *, url: str, accessed: datetime.date) -> SuggestedCitation:
    times = ""
    if session.start_time:
        times = session.start_time.strftime("%H:%M")
        if session.end_time:
            times += EN_DASH + session.end_time.strftime("%H:%M")
    work = Work(
        key=session.slug,
        csl_type="webpage",
        title=session.title,
        url=url,
        accessed=accessed,
        authors=(session.note_taker,) if session.note_taker else (),
        genre=session.get_kind_display(),
        event=session.meeting.name,
        event_date=session.date,
        event_times=times,
    )
    return SuggestedCitation("Cite this session", work)


def cite_document(document, *, url: str, accessed: datetime.date) -> SuggestedCitation:
    issuers = tuple(organisation.name for organisation in document.issuers)
    published = document.kind in PUBLISHED_KINDS
    work = Work(
        key=document.slug,
        csl_type=DOCUMENT_TYPES.get(document.kind, "document"),
        # A document without a title is named by its symbol alone.
        title=document.title or document.normalized_symbol,
        url=url,
        accessed=accessed,
        authors=() if published else issuers,
        publisher=", ".join(issuers) if published else "",
        issued=(document.year,) if document.year else (),
        number=(document.normalized_symbol or "") if document.title else "",
    )
    return SuggestedCitation("Cite this document", work)


def cite_source(source, *, url: str, accessed: datetime.date) -> SuggestedCitation:
    return SuggestedCitation("Cite this document", _source_work(source, url=url, accessed=accessed))


def cite_passage(passage, *, url: str, accessed: datetime.date) -> SuggestedCitation:
    """A paragraph, note or section of a source document, at its own address (``url``)."""
    work = _source_work(passage.source, url=url, accessed=accessed)
    work = replace(work, key=f"{work.key}-{passage.anchor}", section=passage_reference(passage))
    return SuggestedCitation(f"Cite {passage.name}", work)


def passage_reference(passage) -> str:
    """How references point into a document: "para. 13", "para. 43 (c)", "footnote 5",
    or the passage's name where it has no number."""
    if passage.number and passage.kind in ("paragraph", "list-item"):
        return f"para. {passage.number}"
    return passage.name


def _source_work(source, *, url: str, accessed: datetime.date) -> Work:
    date = source.date
    return Work(
        key=source.slug,
        csl_type=SOURCE_TYPES.get(source.kind, "document"),
        title=source.title,
        url=url,
        accessed=accessed,
        authors=(source.author,) if source.author else (),
        issued=(date.year, date.month, date.day) if date else (),
        genre=source.get_kind_display(),
    )


def _csl_date(*parts: int) -> dict:
    return {"date-parts": [list(parts)]}


def _bibtex_text(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_SPECIALS[match.group()], text)


_CITERS = {
    "session": cite_session,
    "document": cite_document,
    "sourcedocument": cite_source,
    "passage": cite_passage,
}


def citation_for(record, *, url: str, accessed: datetime.date) -> SuggestedCitation:
    """The suggested citation of a session, document, source document or passage."""
    return _CITERS[record._meta.model_name](record, url=url, accessed=accessed)
