"""Records named in text: a UN symbol in any written form, an organisation's name or acronym,
a speaker's or a country's name, found in session notes, annotations and source passages.

Finding happens when a text is saved or loaded, never when a page is shown: the text's HTML is
stored with each mention turned into a link (never inside a link already there), and each
mention is stored as a ``Mention`` so the record's page lists where it is named.
"""

import re
from dataclasses import dataclass
from functools import reduce
from html import escape, unescape
from html.parser import HTMLParser
from operator import or_

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from sessions.markdown import render_markdown

from .models import Mention, Passage
from .symbols import try_normalize_symbol

# Words either side of a mention kept as its snippet.
SNIPPET_CHARACTERS = 110
# Shorter names ("EU", "UN") are acronyms, matched as written; a name shorter than this is not
# worth a link.
SHORTEST_NAME = 2
# The most words a name may have to be found in a text read on its own (see Vocabulary.load);
# the longest known has 15.
LONGEST_NAME_WORDS = 24
_WORD = re.compile(r"\w+")

_SYMBOL_BODIES = (
    "General Assembly|Economic and Social Council|ECOSOC|Human Rights Council|HRC"
    "|Commission on Crime Prevention and Criminal Justice|CCPCJ"
)
# Symbols come first in the alternation, so "General Assembly resolution 70/176" is the
# resolution, not the General Assembly followed by a number.
_SYMBOL_PATTERNS = (
    # A slashed symbol: A/RES/70/176, A/CONF.234/11, E/CN.15/2022/L.3 (not a trailing full stop).
    r"(?<![\w/])(?i:[A-Z][A-Z0-9.\-]*(?:/[A-Z0-9](?:[A-Z0-9.\-]*[A-Z0-9])?)+)(?![\w/])",
    # A numbered resolution: "resolution 70/176", "CCPCJ 27/2", "ECOSOC resolution 2005/20".
    rf"(?<![\w/])(?:(?:{_SYMBOL_BODIES})\s+)?(?i:(?:resolutions?\s+|res\.\s*)?)\d{{1,4}}/\d{{1,4}}(?![\w/])",
)


@dataclass(frozen=True)
class Target:
    """A record text can name: its kind (content type), key and page."""

    content_type_id: int
    object_id: int
    url: str


@dataclass(frozen=True)
class Found:
    target: Target
    snippet: str


class Vocabulary:
    """Every name that links to a record, in one pattern, loaded in four queries."""

    def __init__(self, names: dict[str, Target], symbols: dict[str, Target]):
        self.names = names
        self.symbols = symbols
        alternatives = list(_SYMBOL_PATTERNS)
        if names:
            # Longest first: "UN Women" before "UN".
            spelled = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
            alternatives.append(rf"(?<!\w)(?:{spelled})(?!\w)")
        self.pattern = re.compile("|".join(alternatives))

    @classmethod
    def load(cls, html: str | None = None) -> "Vocabulary":
        """Every name and symbol; given ``html``, the symbols and only the names it may hold
        (every run of up to ``LONGEST_NAME_WORDS`` words in it): linking one note then reads
        the few records it names, not the hundreds of thousands of speakers there may be."""
        document_model = apps.get_model("topics", "Document")
        names: dict[str, Target] = {}
        symbols: dict[str, Target] = {}
        for document in document_model.objects.exclude(normalized_symbol=None).only(
            "slug", "normalized_symbol"
        ):
            symbols[document.normalized_symbol] = cls._target(document)
        named = [
            (apps.get_model("topics", "Organisation"), ("name", "acronym")),
            (apps.get_model("kb_sessions", "Speaker"), ("name",)),
            (apps.get_model("topics", "Country"), ("name",)),
        ]
        written = None if html is None else _runs_of_words(unescape(html))
        for model, fields in named:
            records = model.objects.only("slug", *fields)
            if written is not None:
                records = records.filter(_named_among(model, fields, written))
            for record in records:
                for name in (getattr(record, field).strip() for field in fields):
                    # The first record to claim a name keeps it; a shared name links nowhere
                    # rather than to the wrong one.
                    if len(name) >= SHORTEST_NAME and name not in names:
                        names[name] = cls._target(record)
        return cls(names, symbols)

    @staticmethod
    def _target(record) -> Target:
        content_type = ContentType.objects.get_for_model(record)
        return Target(content_type.pk, record.pk, record.get_absolute_url())

    def target_of(self, written: str) -> Target | None:
        if written in self.names:
            return self.names[written]
        symbol = try_normalize_symbol(written)
        return self.symbols.get(symbol) if symbol else None

    def link(self, html: str) -> tuple[str, list[Found]]:
        """``html`` with every mention outside a link made a link, and what was found (one per
        record, with the words around its first mention)."""
        linker = _Linker(self)
        linker.feed(html)
        linker.close()
        return "".join(linker.output), list(linker.found.values())


def _runs_of_words(text: str) -> list[str]:
    """Every run of one to ``LONGEST_NAME_WORDS`` words in ``text``, as written: the names
    the pattern could find in it begin and end with a word."""
    words = list(_WORD.finditer(text))
    return list(
        {
            text[first.start() : last.end()]
            for index, first in enumerate(words)
            for last in words[index : index + LONGEST_NAME_WORDS]
        }
    )


def _named_among(model, fields, written: list[str]) -> Q:
    """Records of ``model`` one of whose ``fields`` is one of ``written``: which ones is asked
    with every run as one parameter (a note has tens of thousands), and the records then read
    in one query, in their usual order, which decides who keeps a shared name."""
    found = set()
    for field in fields:
        found.update(
            model.objects.filter(**{f"{field}__among": written}).values_list(field, flat=True)
        )
    return reduce(or_, (Q(**{f"{field}__in": found}) for field in fields))


def snippet_around(text: str, start: int, end: int) -> str:
    """The words around ``text[start:end]``, cut at word boundaries, with ellipses."""
    before = text[max(0, start - SNIPPET_CHARACTERS) : start]
    after = text[end : end + SNIPPET_CHARACTERS]
    if start > SNIPPET_CHARACTERS and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if end + SNIPPET_CHARACTERS < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return " ".join(f"{before}{text[start:end]}{after}".split())


class _Linker(HTMLParser):
    """Copies sanitised HTML through, turning mentions in its text into links. Text inside a
    link, code or a heading is left as it is."""

    UNLINKED = {"a", "code", "pre"}

    def __init__(self, vocabulary: Vocabulary):
        super().__init__(convert_charrefs=True)
        self.vocabulary = vocabulary
        self.output: list[str] = []
        self.found: dict[Target, Found] = {}
        self.unlinked_depth = 0

    def handle_starttag(self, tag, attrs):
        self.output.append(self.get_starttag_text())
        if tag in self.UNLINKED:
            self.unlinked_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.output.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.output.append(f"</{tag}>")
        if tag in self.UNLINKED and self.unlinked_depth:
            self.unlinked_depth -= 1

    def handle_data(self, data):
        if self.unlinked_depth:
            self.output.append(escape(data, quote=False))
            return
        position = 0
        for match in self.vocabulary.pattern.finditer(data):
            target = self.vocabulary.target_of(match[0])
            if target is None:
                continue
            self.output.append(escape(data[position : match.start()], quote=False))
            written = escape(match[0], quote=False)
            self.output.append(f'<a class="mention" href="{escape(target.url)}">{written}</a>')
            position = match.end()
            if target not in self.found:
                snippet = snippet_around(data, match.start(), match.end())
                self.found[target] = Found(target, snippet)
        self.output.append(escape(data[position:], quote=False))


def link_plain_text(text: str, vocabulary: Vocabulary) -> tuple[str, list[Found]]:
    """Plain text (a source's paragraph) as HTML, line breaks kept, with its mentions linked."""
    html = escape(text, quote=False).replace("\n", "<br>\n")
    return vocabulary.link(html)


def store_mentions(*, found: list[Found], session=None, passage=None) -> None:
    """Make ``found`` the mentions stored for the session or the passage."""
    holder = {"session": session} if session is not None else {"passage": passage}
    Mention.objects.filter(**holder).delete()
    Mention.objects.bulk_create(_mention(item, **holder) for item in found)


@transaction.atomic
def relink_mentions() -> None:
    """Find the mentions in every session's notes, annotation and passage again: after a
    load, when records that text may name have come or gone."""
    session_model = apps.get_model("kb_sessions", "Session")
    annotation_model = apps.get_model("kb_sessions", "Annotation")
    vocabulary = Vocabulary.load()
    mentions = []
    sessions = list(session_model.objects.only("notes", "notes_html"))
    for session in sessions:
        session.notes_html, found = vocabulary.link(render_markdown(session.notes))
        mentions += [_mention(item, session=session) for item in found]
    session_model.objects.bulk_update(sessions, ["notes_html"], batch_size=500)
    annotations = list(annotation_model.objects.only("body", "body_html"))
    for annotation in annotations:
        annotation.body_html, _found = vocabulary.link(render_markdown(annotation.body))
    annotation_model.objects.bulk_update(annotations, ["body_html"], batch_size=500)
    passages = list(Passage.objects.only("text", "text_html"))
    for passage in passages:
        passage.text_html, found = link_plain_text(passage.text, vocabulary)
        mentions += [_mention(item, passage=passage) for item in found]
    Passage.objects.bulk_update(passages, ["text_html"], batch_size=500)
    Mention.objects.all().delete()
    Mention.objects.bulk_create(mentions, batch_size=500)


def _mention(item: Found, **holder) -> Mention:
    return Mention(
        content_type_id=item.target.content_type_id,
        object_id=item.target.object_id,
        snippet=item.snippet,
        **holder,
    )
