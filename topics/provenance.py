"""Which passages of a source a citation's location names.

A location is read part by part (parts are separated by ";"), and every part must name at least
one passage: "para. 13", "paras. 13 and 43 (c)", a range "paras. 13-15" (hyphen or en dash),
"fn. 5", "#anchor", the exact text of a heading or label ("Policy framework"), or a heading's
text followed by something more precise ("Day two 17th May 2022, 16:40" names that day's
heading). Pure functions: the loader checks fixtures with them before anything is written, and
a citation edited in the admin finds its passages again.
"""

import re
from dataclasses import dataclass

from django.utils.text import slugify

_PARAGRAPHS = re.compile(r"^(?:paras?\.|paragraphs?)\s*(?P<refs>.+)$", re.IGNORECASE)
_FOOTNOTES = re.compile(r"^(?:fns?\.|footnotes?)\s*(?P<refs>.+)$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d+)\s*[\u2013-]\s*(\d+)$")
_SEPARATORS = re.compile(r"\s*(?:,|\band\b|&)\s*")


class UnresolvedLocation(ValueError):
    """A part of a location that names no passage; the message says which."""


@dataclass(frozen=True)
class PassageRef:
    anchor: str
    label: str
    kind: str
    text: str


class PassageIndex:
    """The passages of one source, looked up the ways a location may name them."""

    def __init__(self, passages):
        self.anchors = {p.anchor for p in passages}
        self.by_name: dict[str, str] = {}
        self.headings = {_name(p.text): p.anchor for p in reversed(passages) if p.kind == "heading"}
        for passage in passages:
            for name in (passage.label, passage.text if passage.kind == "heading" else ""):
                if name:
                    self.by_name.setdefault(_name(name), passage.anchor)

    def __bool__(self):
        return bool(self.anchors)

    def anchors_for(self, location: str) -> list[str]:
        """The anchors ``location`` names, in its order; raises UnresolvedLocation."""
        found: list[str] = []
        for part in (p.strip() for p in location.split(";")):
            if not part:
                continue
            anchors = self._part(part)
            missing = [anchor for anchor in anchors if anchor not in self.anchors]
            if not anchors or missing:
                raise UnresolvedLocation(
                    f"{part!r} names no passage of the source"
                    + (f" (no {', '.join('#' + a for a in missing)})" if missing else "")
                )
            found.extend(anchor for anchor in anchors if anchor not in found)
        return found

    def _part(self, part: str) -> list[str]:
        if part.startswith("#"):
            return [part[1:]]
        for pattern, prefix in ((_PARAGRAPHS, "para"), (_FOOTNOTES, "fn")):
            match = pattern.match(part)
            if match:
                return [f"{prefix}-{slugify(ref)}" for ref in _references(match["refs"])]
        name = _name(part)
        anchor = self.by_name.get(name) or self._section_starting(name)
        return [anchor] if anchor else []

    def _section_starting(self, name: str) -> str | None:
        """The heading a more precise location starts with: "Day two 17th May 2022, 16:40"
        names the section "Day two 17th May 2022" (the longest such heading)."""
        for heading in sorted(self.headings, key=len, reverse=True):
            if name.startswith(heading) and name[len(heading)] in ",;:( ":
                return self.headings[heading]
        return None


def _references(text: str) -> list[str]:
    references = []
    for ref in _SEPARATORS.split(text.strip().rstrip(".")):
        if not ref:
            continue
        span = _RANGE.match(ref)
        if span and int(span[1]) < int(span[2]):
            references.extend(str(n) for n in range(int(span[1]), int(span[2]) + 1))
        else:
            references.append(ref)
    return references


def _name(text: str) -> str:
    return " ".join(text.split()).rstrip(".").casefold()
