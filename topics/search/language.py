"""The words of a search, treated the same on SQLite and PostgreSQL: accents and case folded,
British and American spellings of the site's vocabulary made one, stop words left out, and
matched words highlighted in plain-text snippets.

Both databases stem English themselves (FTS5's Porter tokenizer, PostgreSQL's Snowball English);
the snippets here stem with the same two algorithms, so what is highlighted is what matched.
"""

import html
import re
import unicodedata
from functools import cache, lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"[^\W_]+")
# Letters that carry no combining accent to strip, written as their closest ASCII.
_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "\u0131": "i", "þ": "th"}
)

# PostgreSQL's English stop words (tsearch_data/english.stop): PostgreSQL leaves them out of
# what it indexes, so they are left out of every query, on SQLite too.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now""".split()  # noqa: SIM905
)

# British spellings in the site's own vocabulary and their American forms; both are searched
# as the American one. "-isation" is always "-ization"; "-ise" only after these stems, since
# "advise", "exercise" and "expertise" have no "-ize" form.
_IZE_STEMS = """organ recogn priorit special stigmat victim revictim radical normal util marginal
    criminal decriminal traumat summar real harmon global emphas universal compartmental standard
    mobil minim maxim author character categor sensit capital institutional legal operational
    penal apolog familiar optim industrial modern central local memor stabil final formal
    national rational civil human""".split()  # noqa: SIM905
_WORDS = {
    "centre": "center",
    "centres": "centers",
    "centred": "centered",
    "centring": "centering",
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "offence": "offense",
    "offences": "offenses",
    "licence": "license",
    "judgement": "judgment",
    "judgements": "judgments",
    "ageing": "aging",
    "analyse": "analyze",
    "analysed": "analyzed",
    "analyses": "analyzes",
    "analysing": "analyzing",
    "catalogue": "catalog",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "fulfilment": "fulfillment",
    "counsellor": "counselor",
    "counsellors": "counselors",
}
for _stem in ("behavio", "labo", "favo", "hono", "neighbo", "colo", "rumo", "endeavo", "harbo"):
    for _ending in ("", "s", "ed", "ing", "al"):
        _WORDS[f"{_stem}ur{_ending}"] = f"{_stem}r{_ending}"
for _stem in ("counsel", "model", "travel", "label", "cancel", "signal", "channel", "fuel"):
    _WORDS[f"{_stem}led"] = f"{_stem}ed"
    _WORDS[f"{_stem}ling"] = f"{_stem}ing"
_ISE = re.compile(r"^(\w+?)is(e|ed|es|ing|er|ers)$")


def fold(text: str) -> str:
    """Lower case without accents: "Dimitrijević" → "dimitrijevic"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def spelling(word: str) -> str:
    """The American form of a folded British spelling, or the word itself."""
    if word in _WORDS:
        return _WORDS[word]
    if word.endswith(("isation", "isations")):
        return word.replace("isation", "ization")
    match = _ISE.match(word)
    if match and match[1] in _IZE_STEMS:
        return f"{match[1]}iz{match[2]}"
    return word


def words(text: str) -> list[str]:
    """The folded words of ``text`` in order, spellings made one."""
    return [spelling(word) for word in WORD.findall(fold(text))]


def index_text(*parts: str) -> str:
    """Text as the full-text index stores it: folded, one spelling, words only."""
    return " ".join(word for part in parts if part for word in words(part))


_BLOCK_TAG = re.compile(r"</?(?:p|br|hr|li|ul|ol|h\d|div|blockquote|pre|table|tr|td|th)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def plain_text(markup: str) -> str:
    """The words of rendered, sanitised HTML (notes, annotations): blocks apart, inline
    markup (emphasis, links) gone."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", markup or ""))).split())


_STEMMERS = (snowballstemmer.stemmer("english"), snowballstemmer.stemmer("porter"))


def key(text: str) -> str:
    """What an exact match compares: "Viet Nam", "viet nam" and "VIET-NAM" are one key, and
    so are "Femicide" and "femicides"."""
    return " ".join(_english_stem(word) for word in words(text))


# Stemming is pure Python and slow; the same few thousand words come back again and again.
@lru_cache(maxsize=100_000)
def _english_stem(word: str) -> str:
    return _STEMMERS[0].stemWord(word)


@cache
def stems(word: str) -> frozenset[str]:
    """The stems PostgreSQL (Snowball English) and SQLite (Porter) give a folded word."""
    return frozenset(stemmer.stemWord(word) for stemmer in _STEMMERS)


SNIPPET_RADIUS = 90


class Highlighter:
    """Marks, in plain text, the words a query matched (by stem) and the symbols it named."""

    def __init__(self, query_words, symbols=(), symbol_finder=None):
        self.stems = frozenset().union(*(stems(word) for word in query_words))
        self.symbols = frozenset(symbols)
        self.symbol_finder = symbol_finder

    def spans(self, text: str) -> list[tuple[int, int]]:
        spans = [
            match.span()
            for match in WORD.finditer(text)
            if stems(spelling(fold(match.group()))) & self.stems
        ]
        if self.symbols and self.symbol_finder:
            spans += [span for span, symbol in self.symbol_finder(text) if symbol in self.symbols]
        return sorted(spans)

    def mark(self, text: str) -> SafeString:
        """All of ``text``, escaped, with the matches in <mark>."""
        return self._marked(text, self.spans(text))

    def snippet(self, text: str, *, radius: int = SNIPPET_RADIUS) -> SafeString:
        """An excerpt of ``text`` around its first match (or its start), cut between words."""
        text = " ".join(text.split())
        spans = self.spans(text)
        first_start, first_end = spans[0] if spans else (0, 0)
        start = max(0, first_start - radius)
        end = min(len(text), first_end + radius + max(0, radius - first_start))
        if start > 0:
            space = text.find(" ", start, first_start)
            start = space + 1 if space >= 0 else first_start
        if end < len(text):
            space = text.rfind(" ", first_end, end)
            end = space if space >= 0 else first_end
        excerpt = text[start:end]
        shifted = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
        marked = self._marked(excerpt, shifted)
        # Only <mark> is markup: _marked escapes every piece of text.
        return mark_safe(("… " if start else "") + marked + (" …" if end < len(text) else ""))

    def matches(self, text: str) -> bool:
        return bool(self.spans(text))

    @staticmethod
    def _marked(text: str, spans) -> SafeString:
        pieces, last = [], 0
        for start, end in spans:
            if start < last:
                continue
            pieces += [escape(text[last:start]), f"<mark>{escape(text[start:end])}</mark>"]
            last = end
        pieces.append(escape(text[last:]))
        return mark_safe("".join(pieces))
