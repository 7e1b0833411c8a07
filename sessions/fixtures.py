"""The knowledge-base fixtures (``fixtures/*.json``): what each kind of record looks like in them,
and reading and validating them.

Each file holds the records distilled from one source document, keyed by natural keys (slugs,
UN document symbols). A record named in several files is one record cited by each of them.
``KINDS`` describes each kind once (model, fields in file order, which kind each reference names);
the reader, the validator, the loader and the export all work from it, and take lengths and
choices from the model fields. Nothing here writes to the database: ``read_fixtures`` returns
validated, merged records, or raises ``FixtureError`` naming the file, the record and the field.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import slugify

from topics.models import (
    Citation,
    Country,
    Document,
    Membership,
    Organisation,
    Passage,
    Programme,
    SourceDocument,
    Tag,
)
from topics.provenance import PassageIndex, PassageRef, UnresolvedLocation
from topics.symbols import MalformedSymbol, normalize_symbol

from .models import Appearance, Meeting, Session, Speaker

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Fields that are not columns of the record itself.
THEMES = "themes"  # curated tags, written as taggings
SPEAKERS = "speakers"  # appearances of speakers at a session
CITED_AT = "cited_at"  # where in this file's source the record is cited


@dataclass(frozen=True)
class Kind:
    """One kind of record in the fixtures."""

    name: str
    model: type[models.Model]
    # The fields a fixture record may hold, in the order the files write them.
    fields: tuple[str, ...]
    # Reference fields, and the kind of record each names.
    references: dict[str, str] = field(default_factory=dict)
    # Fixture field names that differ from the model's.
    columns: dict[str, str] = field(default_factory=dict)
    # Values every record of this kind has in the database.
    constants: dict = field(default_factory=dict)
    # Whether records of this kind cite the file's source.
    cited: bool = True

    def column(self, name: str) -> str:
        return self.columns.get(name, name)

    def model_field(self, name: str) -> models.Field | None:
        if name in (THEMES, SPEAKERS, CITED_AT):
            return None
        try:
            return self.model._meta.get_field(self.column(name))
        except FieldDoesNotExist:
            return None

    @property
    def scalar_fields(self) -> list[str]:
        """Fields stored on the record's own row (foreign keys included)."""
        return [
            name
            for name in self.fields
            if (model_field := self.model_field(name)) is not None and not model_field.many_to_many
        ]

    @property
    def link_fields(self) -> list[str]:
        """Fields that link the record to several others."""
        return [
            name
            for name in self.fields
            if name == THEMES
            or ((model_field := self.model_field(name)) is not None and model_field.many_to_many)
        ]

    def key_of(self, values: dict) -> str:
        """The natural key of a record: its normalised symbol for a document that has one,
        else its slug."""
        if self.model is Document and values.get("symbol"):
            return normalize_symbol(values["symbol"])
        return values["slug"]


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind(
            "sources",
            SourceDocument,
            ("slug", "file", "title", "kind", "date", "author", "description"),
            columns={"file": "file_name"},
            cited=False,
        ),
        Kind(
            "themes",
            Tag,
            ("slug", "name", "description"),
            constants={"is_theme": True},
        ),
        Kind("countries", Country, ("slug", "name")),
        Kind(
            "organisations",
            Organisation,
            ("slug", "name", "acronym", "kind", "country", "parent", "description"),
            references={"country": "countries", "parent": "organisations"},
        ),
        Kind(
            "memberships",
            Membership,
            ("slug", "country", "body", "source", "as_of"),
            references={"country": "countries", "body": "organisations", "source": "sources"},
        ),
        Kind(
            "documents",
            Document,
            (
                "symbol",
                "slug",
                "kind",
                "issued_by",
                "year",
                "title",
                "popular_name",
                "description",
                THEMES,
            ),
            references={"issued_by": "organisations", THEMES: "themes"},
        ),
        Kind(
            "speakers",
            Speaker,
            ("slug", "name", "honorific", "function", "organisation", "country"),
            references={"organisation": "organisations", "country": "countries"},
        ),
        Kind(
            "meetings",
            Meeting,
            (
                "slug",
                "name",
                "kind",
                "number",
                "city",
                "venue",
                "country",
                "time_zone",
                "start_date",
                "end_date",
                "description",
                THEMES,
                "documents",
                "inferred",
            ),
            references={"country": "countries", THEMES: "themes", "documents": "documents"},
        ),
        Kind(
            "sessions",
            Session,
            (
                "slug",
                "meeting",
                "title",
                "kind",
                "date",
                "start_time",
                "end_time",
                "has_notes",
                "notes",
                "note_taker",
                "note_taker_organisation",
                THEMES,
                SPEAKERS,
                "organisations",
                "documents",
                "countries",
                "inferred",
            ),
            references={
                "meeting": "meetings",
                "note_taker_organisation": "organisations",
                THEMES: "themes",
                SPEAKERS: "speakers",
                "organisations": "organisations",
                "documents": "documents",
                "countries": "countries",
            },
        ),
        Kind(
            "programmes",
            Programme,
            (
                "slug",
                "name",
                "acronym",
                "kind",
                "description",
                "organisations",
                "documents",
                "sessions",
            ),
            references={
                "organisations": "organisations",
                "documents": "documents",
                "sessions": "sessions",
            },
        ),
    ]
}
RECORD_KINDS = [name for name in KINDS if name != "sources"]
# The fields of a passage, in the order the files write them (passages belong to the file's
# source; they are the source's own words and are kept as the fixtures give them).
PASSAGE_FIELDS = ("anchor", "label", "kind", "level", "heading", "text")


class FixtureError(Exception):
    pass


class FieldError(ValueError):
    """A bad value; the caller adds which file, record and field it came from."""


def parse_value(kind: Kind, name: str, value):
    """Turn a JSON value into the Python value the loader works with, checking its type.
    Lengths, choices and ranges are the model's to check (see ``check_against_model``)."""
    if name in kind.references:
        if name == SPEAKERS:
            return _appearances(value)
        if name in kind.link_fields:
            if value is None:
                return []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise FieldError("expected a list of keys")
            return [reference_key(kind.references[name], v) for v in value]
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise FieldError(f"expected a key, got {value!r}")
        return reference_key(kind.references[name], value)
    if name == CITED_AT:
        return _text(value)
    model_field = kind.model_field(name)
    if isinstance(model_field, models.SlugField):
        if value in (None, ""):
            return ""
        if not isinstance(value, str) or not SLUG_PATTERN.match(value):
            raise FieldError(f"{value!r} is not a slug (lowercase letters, digits and hyphens)")
        return value
    if isinstance(model_field, models.BooleanField):
        if value is None:
            # The source is silent: the model's default stands.
            return None
        if not isinstance(value, bool):
            raise FieldError(f"expected true or false, got {value!r}")
        return value
    if isinstance(model_field, models.DateField):
        if value in (None, ""):
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise FieldError(f"{value!r} is not a valid date (YYYY-MM-DD)") from None
    if isinstance(model_field, models.TimeField):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
            raise FieldError(f"{value!r} is not a time (HH:MM)")
        try:
            return datetime.time.fromisoformat(value)
        except ValueError:
            raise FieldError(f"{value!r} is not a valid time") from None
    if isinstance(model_field, models.JSONField):
        # Which of the record's fields the sources imply rather than state.
        if value is None:
            return []
        if not isinstance(value, list) or not all(v in kind.fields for v in value):
            raise FieldError(f"expected a list of this record's field names, got {value!r}")
        return value
    if isinstance(model_field, models.IntegerField):
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(f"expected a whole number, got {value!r}")
        return value
    value = _text(value)
    if name == "symbol" and value:
        try:
            normalize_symbol(value)
        except MalformedSymbol as error:
            raise FieldError(str(error)) from None
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(f"expected text, got {type(value).__name__}")
    return value.strip()


def _appearances(value) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError("expected a list of {speaker, role, affiliation}")
    parsed = []
    for position, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"speaker", "role", "affiliation"}:
            raise FieldError(f"item {position}: expected keys speaker, role, affiliation")
        speaker = item.get("speaker")
        if not isinstance(speaker, str) or not SLUG_PATTERN.match(speaker):
            raise FieldError(f"item {position}: {speaker!r} is not a speaker's slug")
        try:
            appearance = {
                "speaker": speaker,
                "role": _text(item.get("role")),
                "affiliation": _text(item.get("affiliation")),
            }
        except FieldError as error:
            raise FieldError(f"item {position}: {error}") from None
        for name in ("role", "affiliation"):
            limit = Appearance._meta.get_field(name).max_length
            if len(appearance[name]) > limit:
                raise FieldError(
                    f"item {position}: {name} is {len(appearance[name])} characters long, "
                    f"at most {limit} allowed"
                )
        parsed.append(appearance)
    return parsed


def reference_key(kind_name: str, written: str) -> str:
    """The key a reference names: a document's normalised symbol where it is one, else the
    reference as written."""
    if kind_name == "documents":
        try:
            return normalize_symbol(written)
        except MalformedSymbol:
            return written
    return written


@dataclass
class Origin:
    file: str
    kind: str
    index: int
    key: str
    # The fields this file gives a value for.
    given: frozenset = frozenset()

    def describe(self) -> str:
        return f"{self.file}: {self.kind}[{self.index}] {self.key!r}"


@dataclass
class Record:
    kind: str
    key: str
    values: dict
    origins: list[Origin] = field(default_factory=list)
    # Location of the citation in each source (by source slug) that names this record.
    citations: dict[str, str] = field(default_factory=dict)

    def origin_of(self, field_name: str) -> Origin:
        """The file that gives this field (the first such), for messages."""
        return next((o for o in self.origins if field_name in o.given), self.origins[0])


@dataclass
class KnowledgeBase:
    records: dict[str, dict[str, Record]] = field(
        default_factory=lambda: {name: {} for name in KINDS}
    )
    # The source each file cites, by file name.
    file_sources: dict[str, str] = field(default_factory=dict)
    # Each source's passages, in order, by source slug.
    passages: dict[str, list[dict]] = field(default_factory=dict)
    fingerprint: str = ""


def fixture_paths(directory: Path) -> list[Path]:
    paths = sorted(Path(directory).glob("*.json"))
    if not paths:
        raise FixtureError(f"{directory}: no fixture files (*.json) found")
    return paths


def read_raw(path: Path) -> dict:
    """A fixture file as JSON, or a FixtureError naming the file."""
    name = path.name
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise FixtureError(f"{name}: not valid JSON: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise FixtureError(f"{name}: cannot be read: {error}") from None
    if not isinstance(content, dict):
        raise FixtureError(f"{name}: expected a JSON object at the top level")
    unknown = set(content) - {"source", "passages", *RECORD_KINDS}
    if unknown:
        raise FixtureError(f"{name}: unknown section(s) {', '.join(sorted(unknown))}")
    return content


def write_raw(path: Path, content: dict) -> bool:
    """Write a fixture file in the shipped format; returns whether its bytes changed."""
    text = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_fixtures(paths: list[Path]) -> KnowledgeBase:
    knowledge_base = KnowledgeBase(fingerprint=fingerprint(paths))
    for path in paths:
        _read_file(knowledge_base, Path(path), read_raw(Path(path)))
    for kind_name, records in knowledge_base.records.items():
        for record in records.values():
            check_against_model(KINDS[kind_name], record)
    _check_references(knowledge_base)
    _check_citations(knowledge_base)
    return knowledge_base


def _read_file(knowledge_base: KnowledgeBase, path: Path, content: dict) -> None:
    name = path.name
    source_slug = None
    if "source" in content:
        record = _read_record(KINDS["sources"], content["source"], name, f"{name}: source", 0)
        source_slug = record.key
        if source_slug in knowledge_base.records["sources"]:
            raise FixtureError(f"{name}: source {source_slug!r} is already defined elsewhere")
        knowledge_base.records["sources"][source_slug] = record
        knowledge_base.file_sources[name] = source_slug
    if "passages" in content:
        if source_slug is None:
            raise FixtureError(f"{name}: passages need the file's source")
        knowledge_base.passages[source_slug] = _read_passages(content["passages"], name)

    for kind_name in RECORD_KINDS:
        kind = KINDS[kind_name]
        items = content.get(kind_name, [])
        if not isinstance(items, list):
            raise FixtureError(f"{name}: {kind_name} must be a list")
        for index, item in enumerate(items):
            label = f"{name}: {kind_name}[{index}]"
            if isinstance(item, dict):
                hint = item.get("slug") or item.get("symbol")
                if isinstance(hint, str) and hint:
                    label = f"{label} {hint!r}"
            record = _read_record(kind, item, name, label, index)
            cited_at = record.values.pop(CITED_AT, "")
            merged = _merge(knowledge_base, record)
            if source_slug:
                merged.citations[source_slug] = cited_at


def _read_passages(items, file_name: str) -> list[dict]:
    """A source's passages, checked: anchors unique, kinds known, every heading named earlier."""
    if not isinstance(items, list):
        raise FixtureError(f"{file_name}: passages must be a list")
    passages, headings = [], set()
    for position, item in enumerate(items):
        label = f"{file_name}: passages[{position}]"
        if isinstance(item, dict) and isinstance(item.get("anchor"), str):
            label = f"{label} {item['anchor']!r}"
        if not isinstance(item, dict):
            raise FixtureError(f"{label}: expected a JSON object")
        unknown = set(item) - set(PASSAGE_FIELDS)
        if unknown:
            raise FixtureError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
        values = {name: item.get(name) for name in PASSAGE_FIELDS}
        values["label"] = values["label"] or ""
        if values["heading"] is not None and values["heading"] not in headings:
            raise FixtureError(
                f"{label}, field 'heading': {values['heading']!r} is not a heading before it"
            )
        if values["kind"] == Passage.Kind.HEADING:
            if values["anchor"] in headings:
                raise FixtureError(f"{label}, field 'anchor': used twice")
            headings.add(values["anchor"])
        elif values["level"] is not None:
            raise FixtureError(f"{label}, field 'level': only headings have a level")
        instance = Passage(position=position, **{k: v for k, v in values.items() if k != "heading"})
        try:
            instance.clean_fields(exclude=["source", "heading"])
        except ValidationError as error:
            column, errors = next(iter(error.message_dict.items()))
            raise FixtureError(f"{label}, field {column!r}: {errors[0]}") from None
        passages.append(values)
    anchors = [p["anchor"] for p in passages]
    repeated = sorted({a for a in anchors if anchors.count(a) > 1})
    if repeated:
        raise FixtureError(f"{file_name}: passage anchor(s) used twice: {', '.join(repeated)}")
    return passages


def passage_index(passages: list[dict]) -> PassageIndex:
    return PassageIndex(
        [PassageRef(p["anchor"], p["label"], p["kind"], p["text"]) for p in passages]
    )


def _read_record(kind: Kind, item, file_name: str, label: str, index: int) -> Record:
    if not isinstance(item, dict):
        raise FixtureError(f"{label}: expected a JSON object")
    allowed = set(kind.fields) | ({CITED_AT} if kind.cited else set())
    unknown = set(item) - allowed
    if unknown:
        raise FixtureError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
    values = {}
    for field_name in [*kind.fields, *([CITED_AT] if kind.cited else [])]:
        try:
            values[field_name] = parse_value(kind, field_name, item.get(field_name))
        except FieldError as error:
            raise FixtureError(f"{label}, field {field_name!r}: {error}") from None
    if kind.model is Document:
        if values["symbol"]:
            values["slug"] = values["slug"] or slugify(
                normalize_symbol(values["symbol"]).replace(".", "-")
            )
        elif not values["slug"]:
            raise FixtureError(f"{label}, field 'slug': a document without a symbol needs a slug")
    elif not values.get("slug"):
        raise FixtureError(f"{label}, field 'slug': is required")
    key = kind.key_of(values)
    given = frozenset(name for name, value in values.items() if not _is_empty(value))
    return Record(kind.name, key, values, [Origin(file_name, kind.name, index, key, given)])


def _is_empty(value) -> bool:
    return value in (None, "", [])


def _merge(knowledge_base: KnowledgeBase, record: Record) -> Record:
    existing = knowledge_base.records[record.kind].get(record.key)
    if existing is None:
        knowledge_base.records[record.kind][record.key] = record
        return record
    origin = record.origins[0]
    for field_name, value in record.values.items():
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
                f"{current!r} given in {existing.origin_of(field_name).describe()}"
            )
    existing.origins.append(origin)
    return existing


def _check_references(knowledge_base: KnowledgeBase) -> None:
    records = knowledge_base.records
    for kind_name, kind in KINDS.items():
        for record in records[kind_name].values():
            for field_name, target_kind in kind.references.items():
                value = record.values[field_name]
                targets = value if isinstance(value, list) else [value]
                if field_name == SPEAKERS:
                    targets = [appearance["speaker"] for appearance in value]
                for target in targets:
                    if target is not None and target not in records[target_kind]:
                        singular = target_kind.removesuffix("s").replace("countrie", "country")
                        raise FixtureError(
                            f"{record.origin_of(field_name).describe()}, field {field_name!r}: "
                            f"unknown {singular} {target!r}"
                        )
    document_slugs = {}
    for record in records["documents"].values():
        other = document_slugs.setdefault(record.values["slug"], record)
        if other is not record:
            raise FixtureError(
                f"{record.origins[0].describe()}, field 'slug': {record.values['slug']!r} is "
                f"already the slug of {other.origins[0].describe()}"
            )


def _check_citations(knowledge_base: KnowledgeBase) -> None:
    """Every citation of a source that has passages names some of them."""
    indexes = {
        source: passage_index(passages) for source, passages in knowledge_base.passages.items()
    }
    files = {source: name for name, source in knowledge_base.file_sources.items()}
    for records in knowledge_base.records.values():
        for record in records.values():
            for source, location in record.citations.items():
                if source not in indexes:
                    continue
                origin = next(o for o in record.origins if o.file == files[source])
                try:
                    indexes[source].anchors_for(location)
                except UnresolvedLocation as error:
                    raise FixtureError(f"{origin.describe()}, field 'cited_at': {error}") from None


def check_against_model(kind: Kind, record: Record) -> None:
    """Validate a record's own values with the model's rules (lengths, choices, ranges,
    ``clean()``), without touching the database; raise a FixtureError naming the field."""
    instance = kind.model(**model_values(kind, record.values))
    excluded = [
        kind.model_field(name).name for name in kind.references if name in kind.scalar_fields
    ]
    try:
        instance.clean_fields(exclude=excluded)
        instance.clean()
    except ValidationError as error:
        raise FixtureError(_describe_validation_error(kind, record, error)) from None
    if record.citations:
        limit = Citation._meta.get_field("location").max_length
        for source, location in record.citations.items():
            if len(location) > limit:
                raise FixtureError(
                    f"{record.origin_of(CITED_AT).describe()}, field 'cited_at': "
                    f"is {len(location)} characters long, at most {limit} allowed "
                    f"(citation of {source!r})"
                )


def _describe_validation_error(kind: Kind, record: Record, error: ValidationError) -> str:
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    column, errors = next(iter(messages.items()))
    field_name = next((f for f in kind.fields if kind.column(f) == column), column)
    where = record.origin_of(field_name).describe()
    if not field_name or field_name == "__all__":
        return f"{where}: {errors[0]}"
    value = record.values.get(field_name)
    return f"{where}, field {field_name!r}: {errors[0]} (value {value!r})"


def model_values(kind: Kind, values: dict) -> dict:
    """The model field values of a record's own row, references left out (the loader maps them
    to primary keys)."""
    result = dict(kind.constants)
    for name in kind.scalar_fields:
        if name in kind.references:
            continue
        value = values[name]
        model_field = kind.model_field(name)
        if value is None and not model_field.null:
            value = model_field.get_default()
        result[model_field.attname] = value
    return result
