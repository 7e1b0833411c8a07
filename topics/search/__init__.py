"""Search helpers shared by every kind of record: parsing a query, matching it, highlighting it.

A query is words and "quoted phrases"; a record matches when it contains every one of them, in any
of its searched fields. PostgreSQL sessions use full-text search (see SessionQuerySet.search); the
short fields of other records, and SQLite, match with case-insensitive containment.
"""

import html
import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

import nh3
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_RADIUS = 90

# PostgreSQL's ts_headline marks matches with these; they are turned into <mark> after escaping.
HEADLINE_START = "\u27ea"
HEADLINE_STOP = "\u27eb"

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


class QueryError(ValueError):
    """A query the search cannot run; the message is shown to the user."""


@dataclass(frozen=True)
class SearchTerms:
    raw: str
    terms: tuple[str, ...]

    def __bool__(self):
        return bool(self.terms)


def parse_query(raw: str) -> SearchTerms:
    raw = raw.strip()
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"Searches are limited to {MAX_QUERY_LENGTH} characters; yours has {len(raw)}. "
            "Try a few distinctive words."
        )
    terms = []
    for phrase, word in _TOKEN.findall(raw):
        term = " ".join((phrase or word).split()).strip("\"'.,;:!?()[]{}")
        if term and term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise QueryError(f"Searches are limited to {MAX_TERMS} words or phrases.")
    return SearchTerms(raw, tuple(terms))


def contains_all(fields: list[str], terms: SearchTerms) -> Q:
    """Every term is in at least one of ``fields``."""
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields))
            for term in terms.terms
        ),
        Q(),
    )


def plain_text(html_or_text: str) -> str:
    """The text of a note, without its markup."""
    return html.unescape(nh3.clean(html_or_text or "", tags=set()))


def highlight(text: str, terms: SearchTerms, *, radius: int = SNIPPET_RADIUS) -> SafeString:
    """A short, escaped excerpt of ``text`` around the first match, with matches in <mark>."""
    cleaned = " ".join(plain_text(text).split())
    if not terms:
        return escape(cleaned[: 2 * radius])
    pattern = re.compile("|".join(re.escape(term) for term in terms.terms), re.IGNORECASE)
    first = pattern.search(cleaned)
    start = max(0, first.start() - radius) if first else 0
    end = min(len(cleaned), (first.end() if first else 0) + radius + max(0, radius - start))
    # Cut at spaces, not inside words, while keeping the first match.
    match_start, match_end = (first.start(), first.end()) if first else (start, start)
    if start > 0:
        space = cleaned.find(" ", start, match_start)
        start = space + 1 if space >= 0 else start
    if end < len(cleaned):
        space = cleaned.rfind(" ", match_end, end)
        end = space if space >= 0 else end
    excerpt = cleaned[start:end]
    pieces, last = [], 0
    for match in pattern.finditer(excerpt):
        pieces += [escape(excerpt[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    pieces.append(escape(excerpt[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(cleaned) else ""
    # Every piece of text is escaped above; only the <mark> tags are markup.
    return mark_safe(prefix + "".join(pieces) + suffix)


def mark_headline(headline: str) -> SafeString:
    """An escaped PostgreSQL headline with its match markers turned into <mark>."""
    text = escape(" ".join(plain_text(headline).split()))
    return mark_safe(text.replace(HEADLINE_START, "<mark>").replace(HEADLINE_STOP, "</mark>"))
