"""Normalising UN document symbols, so that every written form of a symbol names one record.

"A/RES/70/176", "A/Res/70/176", "resolution 70/176" and "General Assembly resolution 70/176"
all normalise to "A/RES/70/176"; "ECOSOC resolution 2005/20" and "resolution 2005/20" to
"E/RES/2005/20".
"""

import re
from urllib.parse import quote

# A resolution cited by number only: "<body> resolution 70/176". The body decides the prefix;
# without a body, a four-digit first part is an ECOSOC year ("2005/20"), otherwise a General
# Assembly session.
_BODY_PREFIXES = {
    "GENERAL ASSEMBLY": "A/RES",
    "GA": "A/RES",
    "ECONOMIC AND SOCIAL COUNCIL": "E/RES",
    "ECOSOC": "E/RES",
    "HUMAN RIGHTS COUNCIL": "A/HRC/RES",
    "HRC": "A/HRC/RES",
    "COMMISSION ON CRIME PREVENTION AND CRIMINAL JUSTICE": "CCPCJ/RES",
    "CCPCJ": "CCPCJ/RES",
}
_NUMBERED_RESOLUTION = re.compile(
    r"^(?:(?P<body>{bodies})\s+)?(?:RESOLUTIONS?\s+|RES\.?\s*)?(?P<first>\d{{1,4}})/(?P<second>\d{{1,4}})$".format(
        bodies="|".join(sorted(map(re.escape, _BODY_PREFIXES), key=len, reverse=True))
    )
)
_SLASHED_SYMBOL = re.compile(r"^[A-Z][A-Z0-9.\-]*(?:/[A-Z0-9][A-Z0-9.\-]*)+$")

MAX_SYMBOL_LENGTH = 80


class MalformedSymbol(ValueError):
    pass


def normalize_symbol(written: str) -> str:
    """Return the canonical form of a UN document symbol, or raise MalformedSymbol."""
    text = " ".join(str(written).split()).upper().rstrip(".").strip()
    if not text or len(text) > MAX_SYMBOL_LENGTH:
        raise MalformedSymbol(f"{written!r} is not a UN document symbol")
    match = _NUMBERED_RESOLUTION.match(text)
    if match:
        body, first, second = match["body"], match["first"], match["second"]
        if body:
            prefix = _BODY_PREFIXES[body]
        elif len(first) == 4:
            prefix = "E/RES"
        else:
            prefix = "A/RES"
        return f"{prefix}/{first}/{second}"
    compact = re.sub(r"\s*/\s*", "/", text).replace("./", "/")
    if " " in compact or not _SLASHED_SYMBOL.match(compact):
        raise MalformedSymbol(f"{written!r} is not a UN document symbol")
    return compact


def try_normalize_symbol(written: str) -> str | None:
    try:
        return normalize_symbol(written)
    except MalformedSymbol:
        return None


def official_text_url(symbol: str) -> str:
    """The UN's own address for the document with ``symbol``: undocs.org resolves a symbol to
    the official text in every language it was issued in."""
    return f"https://undocs.org/{quote(symbol, safe='/')}"


def library_search_url(symbol: str) -> str:
    """A search of the UN Digital Library for ``symbol``: its record, versions and votes."""
    return f"https://digitallibrary.un.org/search?p={quote(symbol, safe='')}"
