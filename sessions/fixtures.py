"""Reading and validating the knowledge-base fixtures (``fixtures/*.json``).

Each file holds the records distilled from one source document, keyed by natural keys (slugs,
UN document symbols). A record named in several files is one record cited by each of them.
Nothing here touches the database: ``read_fixtures`` returns validated, merged records, or raises
``FixtureError`` naming the file, the record and the field at fault.
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from topics.models import Document, Organisation, SourceDocument
from topics.symbols import MalformedSymbol, normalize_symbol

from .models import Meeting, Session

KINDS = ("themes", "countries", "organisations", "documents", "speakers", "meetings", "sessions")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FixtureError(Exception):
    pass


class FieldError(ValueError):
    """A bad value; the caller adds which file, record and field it came from."""


# Field parsers: each turns a JSON value into a Python value or raises FieldError.


def text(max_length, *, required=False):
    def parse(value):
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise FieldError(f"expected text, got {type(value).__name__}")
        value = value.strip()
        if required and not value:
            raise FieldError("is required")
        if max_length and len(value) > max_length:
            raise FieldError(f"is {len(value)} characters long, at most {max_length} allowed")
        return value

    return parse


def slug(value):
    if not isinstance(value, str) or not SLUG_PATTERN.match(value):
        raise FieldError(f"{value!r} is not a slug (lowercase letters, digits and hyphens)")
    if len(value) > 120:
        raise FieldError("slug longer than 120 characters")
    return value


def optional_slug(value):
    return None if value in (None, "") else slug(value)


def slug_list(value):
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError("expected a list")
    return [slug(item) for item in value]


def document_reference_list(value):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FieldError("expected a list of symbols or slugs")
    return [document_key(item) for item in value]


def choice(choices, *, required=True):
    allowed = {value for value, _ in choices}

    def parse(value):
        if value in (None, "") and not required:
            return ""
        if value not in allowed:
            raise FieldError(f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    return parse


def boolean(value):
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, got {value!r}")
    return value


def optional_boolean(value):
    return None if value is None else boolean(value)


def optional_date(value):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise FieldError(f"{value!r} is not a valid date (YYYY-MM-DD)") from None


def optional_time(value):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
        raise FieldError(f"{value!r} is not a time (HH:MM)")
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a valid time") from None


def optional_integer(minimum, maximum):
    def parse(value):
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(f"expected a whole number, got {value!r}")
        if not minimum <= value <= maximum:
            raise FieldError(f"{value} is outside {minimum} to {maximum}")
        return value

    return parse


def symbol(value):
    value = text(80)(value)
    if value:
        try:
            normalize_symbol(value)
        except MalformedSymbol as error:
            raise FieldError(str(error)) from None
    return value


def appearances(value):
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError("expected a list of {speaker, role, affiliation}")
    parsed = []
    for position, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"speaker", "role", "affiliation"}:
            raise FieldError(f"item {position}: expected keys speaker, role, affiliation")
        try:
            parsed.append(
                {
                    "speaker": slug(item.get("speaker")),
                    "role": text(100)(item.get("role")),
                    "affiliation": text(300)(item.get("affiliation")),
                }
            )
        except FieldError as error:
            raise FieldError(f"item {position}: {error}") from None
    return parsed


def document_key(written: str) -> str:
    """The key a document is known by: its normalised symbol, or else its slug."""
    try:
        return normalize_symbol(written)
    except MalformedSymbol:
        return written


SOURCE_FIELDS = {
    "slug": slug,
    "file": text(200, required=True),
    "title": text(300, required=True),
    "kind": choice(SourceDocument.Kind.choices),
    "date": optional_date,
    "author": text(300),
    "description": text(None),
}

RECORD_FIELDS = {
    "themes": {
        "slug": slug,
        "name": text(100, required=True),
        "description": text(None),
        "cited_at": text(200),
    },
    "countries": {
        "slug": slug,
        "name": text(200, required=True),
        "ccpcj_member": optional_boolean,
        "cited_at": text(200),
    },
    "organisations": {
        "slug": slug,
        "name": text(300, required=True),
        "acronym": text(50),
        "kind": choice(Organisation.Kind.choices),
        "country": optional_slug,
        "parent": optional_slug,
        "description": text(None),
        "cited_at": text(200),
    },
    "documents": {
        "symbol": symbol,
        "slug": optional_slug,
        "kind": choice(Document.Kind.choices),
        "issued_by": optional_slug,
        "year": optional_integer(1900, 2100),
        "title": text(500),
        "popular_name": text(200),
        "description": text(None),
        "themes": slug_list,
        "cited_at": text(200),
    },
    "speakers": {
        "slug": slug,
        "name": text(200, required=True),
        "honorific": text(50),
        "function": text(300),
        "organisation": optional_slug,
        "country": optional_slug,
        "cited_at": text(200),
    },
    "meetings": {
        "slug": slug,
        "name": text(300, required=True),
        "kind": choice(Meeting.Kind.choices),
        "number": optional_integer(1, 1000),
        "city": text(100),
        "venue": text(200),
        "country": optional_slug,
        "start_date": optional_date,
        "end_date": optional_date,
        "description": text(None),
        "themes": slug_list,
        "documents": document_reference_list,
        "cited_at": text(200),
    },
    "sessions": {
        "slug": slug,
        "meeting": slug,
        "title": text(400, required=True),
        "kind": choice(Session.Kind.choices),
        "date": optional_date,
        "start_time": optional_time,
        "end_time": optional_time,
        "has_notes": boolean,
        "notes": text(None),
        "note_taker": text(200),
        "note_taker_organisation": optional_slug,
        "themes": slug_list,
        "speakers": appearances,
        "organisations": slug_list,
        "documents": document_reference_list,
        "countries": slug_list,
        "cited_at": text(200),
    },
}

# Which kind each reference field points at, to check that every reference resolves.
REFERENCES = {
    "organisations": {"country": "countries", "parent": "organisations"},
    "documents": {"issued_by": "organisations", "themes": "themes"},
    "speakers": {"organisation": "organisations", "country": "countries"},
    "meetings": {"country": "countries", "themes": "themes", "documents": "documents"},
    "sessions": {
        "meeting": "meetings",
        "note_taker_organisation": "organisations",
        "themes": "themes",
        "organisations": "organisations",
        "documents": "documents",
        "countries": "countries",
    },
}


@dataclass
class Origin:
    file: str
    kind: str
    index: int
    key: str

    def describe(self) -> str:
        return f"{self.file}: {self.kind}[{self.index}] {self.key!r}"


@dataclass
class Record:
    kind: str
    key: str
    values: dict
    origins: list[Origin] = field(default_factory=list)
    # (source slug, location) for every file that cites this record.
    citations: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class KnowledgeBase:
    sources: dict[str, dict] = field(default_factory=dict)
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in KINDS})


def fixture_paths(directory: Path) -> list[Path]:
    paths = sorted(Path(directory).glob("*.json"))
    if not paths:
        raise FixtureError(f"{directory}: no fixture files (*.json) found")
    return paths


def read_fixtures(paths: list[Path]) -> KnowledgeBase:
    knowledge_base = KnowledgeBase()
    for path in paths:
        _read_file(knowledge_base, Path(path))
    _check_references(knowledge_base)
    return knowledge_base


def _read_file(knowledge_base: KnowledgeBase, path: Path) -> None:
    name = path.name
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise FixtureError(f"{name}: not valid JSON: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise FixtureError(f"{name}: cannot be read: {error}") from None
    if not isinstance(content, dict):
        raise FixtureError(f"{name}: expected a JSON object at the top level")
    unknown = set(content) - {"source", *KINDS}
    if unknown:
        raise FixtureError(f"{name}: unknown section(s) {', '.join(sorted(unknown))}")

    source_slug = None
    if "source" in content:
        source = _parse_fields(content["source"], SOURCE_FIELDS, f"{name}: source")
        source_slug = source["slug"]
        if source_slug in knowledge_base.sources:
            raise FixtureError(f"{name}: source {source_slug!r} is already defined elsewhere")
        knowledge_base.sources[source_slug] = source

    for kind in KINDS:
        items = content.get(kind, [])
        if not isinstance(items, list):
            raise FixtureError(f"{name}: {kind} must be a list")
        for index, item in enumerate(items):
            label = f"{name}: {kind}[{index}]"
            if isinstance(item, dict):
                hint = item.get("slug") or item.get("symbol")
                if isinstance(hint, str) and hint:
                    label = f"{label} {hint!r}"
            values = _parse_fields(item, RECORD_FIELDS[kind], label)
            key = _record_key(kind, values, label)
            origin = Origin(name, kind, index, key)
            cited_at = values.pop("cited_at")
            _merge(knowledge_base, kind, key, values, origin)
            if source_slug:
                knowledge_base.records[kind][key].citations.append((source_slug, cited_at))


def _parse_fields(item, fields: dict, label: str) -> dict:
    if not isinstance(item, dict):
        raise FixtureError(f"{label}: expected a JSON object")
    unknown = set(item) - set(fields)
    if unknown:
        raise FixtureError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
    values = {}
    for field_name, parse in fields.items():
        try:
            values[field_name] = parse(item.get(field_name))
        except FieldError as error:
            raise FixtureError(f"{label}, field {field_name!r}: {error}") from None
    for start, end in (("start_date", "end_date"), ("start_time", "end_time")):
        if values.get(start) and values.get(end) and values[end] < values[start]:
            raise FixtureError(
                f"{label}, field {end!r}: {values[end]} is before {start} {values[start]}"
            )
    return values


def _record_key(kind: str, values: dict, label: str) -> str:
    if kind != "documents":
        return values["slug"]
    if values["symbol"]:
        normalized = normalize_symbol(values["symbol"])
        values["slug"] = values["slug"] or slugify(normalized.replace(".", "-"))
        return normalized
    if not values["slug"]:
        raise FixtureError(f"{label}, field 'slug': a document without a symbol needs a slug")
    return values["slug"]


def _is_empty(value) -> bool:
    return value in (None, "", [])


def _merge(
    knowledge_base: KnowledgeBase, kind: str, key: str, values: dict, origin: Origin
) -> None:
    existing = knowledge_base.records[kind].get(key)
    if existing is None:
        knowledge_base.records[kind][key] = Record(kind, key, values, [origin])
        return
    for field_name, value in values.items():
        current = existing.values[field_name]
        if _is_empty(value) or value == current:
            continue
        if field_name == "symbol":
            # Same normalised symbol written another way: the first written form stays.
            continue
        if _is_empty(current):
            existing.values[field_name] = value
        elif isinstance(current, list):
            existing.values[field_name] = current + [v for v in value if v not in current]
        elif field_name == "description":
            # Each source may say something of its own about a record; keep every one.
            existing.values[field_name] = f"{current}\n\n{value}"
        else:
            raise FixtureError(
                f"{origin.describe()}, field {field_name!r}: {value!r} contradicts "
                f"{current!r} given in {existing.origins[0].describe()}"
            )
    existing.origins.append(origin)


def _check_references(knowledge_base: KnowledgeBase) -> None:
    records = knowledge_base.records
    for kind, references in REFERENCES.items():
        for record in records[kind].values():
            for field_name, target_kind in references.items():
                value = record.values[field_name]
                for target in value if isinstance(value, list) else [value]:
                    if target is not None and target not in records[target_kind]:
                        singular = target_kind.removesuffix("s").replace("countrie", "country")
                        raise FixtureError(
                            f"{record.origins[0].describe()}, field {field_name!r}: "
                            f"unknown {singular} {target!r}"
                        )
        if kind == "sessions":
            for record in records[kind].values():
                for appearance in record.values["speakers"]:
                    if appearance["speaker"] not in records["speakers"]:
                        raise FixtureError(
                            f"{record.origins[0].describe()}, field 'speakers': "
                            f"unknown speaker {appearance['speaker']!r}"
                        )
    document_slugs = {}
    for record in records["documents"].values():
        other = document_slugs.setdefault(record.values["slug"], record)
        if other is not record:
            raise FixtureError(
                f"{record.origins[0].describe()}, field 'slug': {record.values['slug']!r} is "
                f"already the slug of {other.origins[0].describe()}"
            )
