"""Reading what a delegate typed: UN document symbols in any written form, words, "phrases".

"trafficking resolution 70/176" is the symbol A/RES/70/176 and the word "trafficking";
"CCPCJ 27/2" is CCPCJ/RES/27/2; "victim-centred" and "quoted words" are phrases. Stop words
("the", "of") are left out, as PostgreSQL leaves them out of its index; they still count in
the phrase a title may hold.
"""

import re
from dataclasses import dataclass

from topics.symbols import try_normalize_symbol

from .language import STOP_WORDS, WORD, fold, words

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# How many words before a number may belong to its symbol: "General Assembly resolution 70/176".
SYMBOL_PREFIX_WORDS = 4

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_TRAILING = "\"'.,;:!?()[]{}"


class QueryError(ValueError):
    """A query the search cannot run; the message is shown to the user."""


@dataclass(frozen=True)
class Term:
    """A word, or a phrase whose words must follow each other (folded, one spelling)."""

    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Query:
    raw: str
    terms: tuple[Term, ...] = ()
    symbols: tuple[str, ...] = ()
    # Every word typed outside symbols, stop words included, in order: the whole phrase.
    sequence: tuple[str, ...] = ()

    def __bool__(self):
        return bool(self.terms or self.symbols)

    @property
    def words(self) -> tuple[str, ...]:
        """Every word a result may be highlighted for."""
        return tuple(dict.fromkeys(word for term in self.terms for word in term.words))

    @property
    def phrase(self) -> str:
        return " ".join(self.sequence)

    def replacing(self, corrections: dict[str, str]) -> "Query":
        """The query with misspelt words replaced by the suggested ones."""

        def fix(text):
            return WORD.sub(lambda m: corrections.get(fold(m.group()), m.group()), text)

        return parse_query(fix(self.raw))


def parse_query(raw: str) -> Query:
    raw = raw.strip()
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"Searches are limited to {MAX_QUERY_LENGTH} characters; yours has {len(raw)}. "
            "Try a few distinctive words."
        )
    pieces = []  # (text, quoted)
    for phrase, token in _TOKEN.findall(raw):
        if phrase:
            pieces.append((phrase, True))
        elif token:
            pieces.append((token.strip(_TRAILING) or token, False))
    symbols, kept = _take_symbols(pieces)
    terms, sequence = [], []
    for text, _ in kept:
        found = words(text)
        sequence += found
        if all(word in STOP_WORDS for word in found):
            continue
        term = Term(tuple(found))
        if term not in terms:
            terms.append(term)
    if len(terms) + len(symbols) > MAX_TERMS:
        raise QueryError(f"Searches are limited to {MAX_TERMS} words or phrases.")
    return Query(raw, tuple(terms), tuple(dict.fromkeys(symbols)), tuple(sequence))


def _take_symbols(pieces: list[tuple[str, bool]]) -> tuple[list[str], list[tuple[str, bool]]]:
    """Symbols written with a slash and a digit, with the words before them that belong to
    them ("resolution", "ECOSOC"); the other pieces are left as they were."""
    symbols, kept = [], []
    for text, quoted in pieces:
        kept.append((text, quoted))
        if quoted or "/" not in text or not any(char.isdigit() for char in text):
            continue
        for size in range(min(SYMBOL_PREFIX_WORDS, len(kept) - 1), -1, -1):
            written = kept[len(kept) - 1 - size :]
            if any(q for _, q in written):
                continue
            symbol = try_normalize_symbol(" ".join(t for t, _ in written))
            if symbol:
                symbols.append(symbol)
                del kept[len(kept) - 1 - size :]
                break
    return symbols, kept
