"""Loading the fixtures into the database, and exporting the database back into them.

Loading is a three-way merge. For every field, link and citation of every record, the loader
remembers what it last wrote (``LoadedRecord``). On the next load, a value the fixtures did not
change keeps whatever the database holds (an editor's correction stays); a value the fixtures
changed is applied if the database still holds what was loaded; if both changed, the database
keeps its value and the conflict is reported. Records deleted, renamed or merged in the site stay
so. The export writes the database back into the fixture files, in their own format and order.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F

from topics.mentions import relink_mentions
from topics.models import (
    Citation,
    FixtureLoad,
    FormerSlug,
    LoadedRecord,
    Passage,
    TaggedItem,
)
from topics.provenance import PassageIndex, PassageRef, UnresolvedLocation

from .fixtures import (
    CITED_AT,
    KINDS,
    SPEAKERS,
    THEMES,
    FixtureError,
    KnowledgeBase,
    Origin,
    Record,
    fixture_paths,
    model_values,
    read_fixtures,
    read_raw,
    reference_key,
    write_raw,
)
from .models import Appearance

CITATIONS = "citations"
# Outcomes of merging one value.
SAME, KEPT, APPLIED, CONFLICT = "same", "kept", "applied", "conflict"
_MISSING = object()


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    unchanged_fixtures: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.unchanged_fixtures:
            return "The fixtures have not changed since the last load; nothing to do."
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.kept_edits)} edits made in the site kept",
            f"{len(self.conflicts)} conflicts",
        ]
        if self.overwritten:
            parts.append(f"{len(self.overwritten)} edits overwritten")
        return "Loaded the fixtures: " + ", ".join(parts) + "."


def load_knowledge_base(*, directory: Path, prefer_fixtures: bool = False) -> LoadReport:
    """Validate every fixture in ``directory``, then merge them into the database in one
    transaction (nothing is written if anything is invalid).

    With ``prefer_fixtures``, the fixtures win every conflict and the report lists what they
    overwrote.
    """
    knowledge_base = read_fixtures(fixture_paths(directory))
    last = FixtureLoad.objects.order_by("-finished_at", "-pk").first()
    report = LoadReport(counts=_counts(knowledge_base))
    if (
        last is not None
        and last.fingerprint == knowledge_base.fingerprint
        and last.conflicts == 0
        and not prefer_fixtures
    ):
        report.unchanged_fixtures = True
        # A database migrated to hold mentions has its text linked once, though the fixtures
        # are the same as at the last load.
        if Passage.objects.filter(text_html="").exists():
            relink_mentions()
        return report
    with transaction.atomic():
        _Merge(knowledge_base, report, prefer_fixtures=prefer_fixtures).run()
        FixtureLoad.objects.create(
            fingerprint=knowledge_base.fingerprint,
            added=len(report.added),
            updated=len(report.updated),
            kept_edits=len(report.kept_edits),
            conflicts=len(report.conflicts),
        )
    return report


def export_knowledge_base(*, directory: Path) -> list[str]:
    """Write the database back into the fixture files in ``directory``, changing only what
    differs, in the files' own format and order. Returns the names of the files written.

    Refuses when the fixtures changed since they were last loaded: exporting then would
    overwrite those changes."""
    paths = fixture_paths(directory)
    knowledge_base = read_fixtures(paths)
    last = FixtureLoad.objects.order_by("-finished_at", "-pk").first()
    if last is None or last.fingerprint != knowledge_base.fingerprint:
        raise FixtureError(
            "The fixtures changed since they were last loaded (or were never loaded): run "
            "load_kb first, so that exporting does not overwrite those changes."
        )
    contents = _exported(knowledge_base, paths)
    return [
        name for name, content in contents.items() if write_raw(Path(directory) / name, content)
    ]


def knowledge_base_files(*, directory: Path) -> dict[str, dict]:
    """What the database holds, as the fixture files in ``directory`` would hold it after an
    export (by file name, in the files' own format and order), without writing anything."""
    paths = fixture_paths(directory)
    return _exported(read_fixtures(paths), paths)


def _exported(knowledge_base: KnowledgeBase, paths: list[Path]) -> dict[str, dict]:
    contents = {path.name: read_raw(path) for path in paths}
    _Export(knowledge_base, contents).run()
    return contents


def _counts(knowledge_base: KnowledgeBase) -> dict[str, int]:
    counts = {kind: len(records) for kind, records in knowledge_base.records.items()}
    counts["appearances"] = sum(
        len(record.values[SPEAKERS]) for record in knowledge_base.records["sessions"].values()
    )
    return counts


def _json(value):
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class _Index:
    """Which database record each natural key names (former slugs included), and back."""

    def __init__(self):
        self.pks: dict[str, dict[str, int]] = {}
        self.keys: dict[str, dict[int, str]] = {}

    def load(self, kind_name: str) -> None:
        model = KINDS[kind_name].model
        content_type = ContentType.objects.get_for_model(model)
        pks, keys = {}, {}
        former = FormerSlug.objects.filter(content_type=content_type)
        for slug, pk in former.values_list("slug", "object_id"):
            pks[slug] = pk
        if kind_name == "documents":
            rows = model.objects.values_list("pk", "slug", "normalized_symbol")
            for pk, slug, symbol in rows:
                pks[slug] = pk
                if symbol:
                    pks[symbol] = pk
                keys[pk] = symbol or slug
        else:
            for pk, slug in model.objects.values_list("pk", "slug"):
                pks[slug] = pk
                keys[pk] = slug
        self.pks[kind_name], self.keys[kind_name] = pks, keys

    def pk(self, kind_name: str, key):
        return None if key is None else self.pks[kind_name].get(key)

    def add(self, kind_name: str, key: str, pk: int) -> None:
        self.pks[kind_name][key] = pk
        self.keys[kind_name][pk] = key


class _State:
    """Records' values in a form that compares alike whether they come from the fixtures, the
    last load or the database: own fields as JSON values, references as primary keys, links
    as {pk: True}, appearances as {speaker pk: [role, affiliation, order]}, citations as
    {source pk: location}."""

    def __init__(self, index: _Index):
        self.index = index
        # The fixture key each referenced primary key was reached by, per kind (for messages,
        # the remembered state and the export).
        self.key_of: dict[str, dict[int, str]] = {name: {} for name in KINDS}

    def _pk(self, kind_name: str, key):
        pk = self.index.pk(kind_name, key)
        if pk is not None:
            self.key_of[kind_name].setdefault(pk, key)
        return pk

    def of_values(self, kind_name: str, values: dict, citations: dict | None) -> dict:
        kind = KINDS[kind_name]
        own = model_values(kind, values)
        state = {}
        for name in kind.fields:
            if name not in values:
                continue
            target = kind.references.get(name)
            if name == SPEAKERS:
                state[name] = {}
                for order, appearance in enumerate(values[name]):
                    pk = self._pk(target, appearance["speaker"])
                    if pk is not None:
                        state[name][pk] = [appearance["role"], appearance["affiliation"], order]
            elif name in kind.link_fields:
                state[name] = {
                    pk: True for key in values[name] if (pk := self._pk(target, key)) is not None
                }
            elif target:
                state[name] = self._pk(target, values[name])
            else:
                state[name] = _json(own[kind.model_field(name).attname])
        if kind.cited and citations is not None:
            state[CITATIONS] = {
                pk: location
                for slug, location in citations.items()
                if (pk := self._pk("sources", slug)) is not None
            }
        return state

    def to_json(self, kind_name: str, state: dict, *, current_keys: bool = False) -> dict:
        """A state written back with keys: the fixture's own keys where it has them, else (for
        records the fixtures do not know) the record's current key."""
        kind = KINDS[kind_name]

        def key(target: str, pk: int) -> str:
            found = self.key_of[target].get(pk)
            if found is None or current_keys:
                found = self.index.keys[target].get(pk, found)
            return found

        values = {}
        for name, value in state.items():
            target = kind.references.get(name)
            if name == CITATIONS:
                values[name] = {key("sources", pk): location for pk, location in value.items()}
            elif name == SPEAKERS:
                values[name] = [
                    {"speaker": key(target, pk), "role": role, "affiliation": affiliation}
                    for pk, (role, affiliation, _order) in sorted(
                        value.items(), key=lambda item: item[1][2]
                    )
                ]
            elif name in kind.link_fields:
                values[name] = [key(target, pk) for pk in value]
            elif target:
                values[name] = None if value is None else key(target, value)
            else:
                values[name] = value
        return values

    def of_database(self, kind_name: str, pks: list[int]) -> dict[int, dict]:
        """The state of every record of ``kind_name`` in ``pks``, in a fixed number of queries."""
        kind = KINDS[kind_name]
        model = kind.model
        columns = {name: kind.model_field(name).attname for name in kind.scalar_fields}
        states = {
            row["pk"]: {name: _json(row[column]) for name, column in columns.items()}
            for row in model.objects.filter(pk__in=pks).values("pk", *columns.values())
        }
        content_type = ContentType.objects.get_for_model(model)
        for name in kind.link_fields:
            for state in states.values():
                state[name] = {}
            if name == THEMES:
                rows = TaggedItem.objects.filter(
                    content_type=content_type, object_id__in=states
                ).values_list("object_id", "tag_id")
            else:
                through, source, target = _through(kind, name)
                rows = through.objects.filter(**{f"{source}__in": states}).values_list(
                    source, target
                )
            for pk, target_pk in rows:
                states[pk][name][target_pk] = True
        if SPEAKERS in kind.fields:
            for state in states.values():
                state[SPEAKERS] = {}
            rows = Appearance.objects.filter(session_id__in=states).values_list(
                "session_id", "speaker_id", "role", "affiliation", "order"
            )
            for pk, speaker, role, affiliation, order in rows:
                states[pk][SPEAKERS][speaker] = [role, affiliation, order]
        if kind.cited:
            for state in states.values():
                state[CITATIONS] = {}
            rows = Citation.objects.filter(
                content_type=content_type, object_id__in=states
            ).values_list("object_id", "source_id", "location")
            for pk, source, location in rows:
                states[pk][CITATIONS][source] = location
        return states


def _through(kind, name: str):
    model_field = kind.model_field(name)
    through = model_field.remote_field.through
    return (
        through,
        f"{model_field.m2m_field_name()}_id",
        f"{model_field.m2m_reverse_field_name()}_id",
    )


def _merge_value(base, fixture, database) -> tuple[object, str]:
    """The value to keep, and the outcome, for one field whose fixture value was ``base`` at
    the last load and is ``fixture`` now, and which the database holds as ``database``."""
    if fixture == database:
        return fixture, SAME
    if base is not _MISSING and fixture == base:
        return database, KEPT
    if base is not _MISSING and database == base:
        return fixture, APPLIED
    return database, CONFLICT


class _Merge:
    def __init__(self, knowledge_base: KnowledgeBase, report: LoadReport, *, prefer_fixtures):
        self.knowledge_base = knowledge_base
        self.report = report
        self.prefer_fixtures = prefer_fixtures
        self.index = _Index()
        self.state = _State(self.index)
        self.remembered = {(row.kind, row.key): row for row in LoadedRecord.objects.all()}
        self.new_memory: dict[tuple[str, str], dict] = {}
        # Records created with a reference to a record not created yet (an organisation's
        # parent), completed at the end.
        self.pending: list[tuple[object, Record, int]] = []

    def run(self) -> None:
        for kind_name in KINDS:
            self.index.load(kind_name)
        for kind_name in KINDS:
            self.merge_kind(kind_name)
        for kind, record, pk in self.pending:
            self.resolve_pending(kind, record, pk)
        for source_slug, passages in self.knowledge_base.passages.items():
            self.sync_passages(self.index.pk("sources", source_slug), passages)
        _link_citations_to_passages()
        relink_mentions()
        self.remember()

    def sync_passages(self, source_pk: int | None, passages: list[dict]) -> None:
        """Make the source's passages those of the fixtures. They are the source's own words,
        never edited in the site, so there is nothing of people's to keep."""
        if source_pk is None:  # the source was deleted in the site
            return
        existing = {p.anchor: p for p in Passage.objects.filter(source_id=source_pk)}
        wanted = [p["anchor"] for p in passages]
        Passage.objects.filter(source_id=source_pk).exclude(anchor__in=wanted).delete()
        # Out of the way first, so that moving passages never meets a taken position.
        Passage.objects.filter(source_id=source_pk).update(position=F("position") + len(wanted) + 1)
        fields = ["position", "label", "kind", "level", "text"]
        rows = []
        for position, values in enumerate(passages):
            passage = existing.get(values["anchor"]) or Passage(
                source_id=source_pk, anchor=values["anchor"]
            )
            passage.position = position
            for name in fields[1:]:
                setattr(passage, name, values[name])
            rows.append(passage)
        Passage.objects.bulk_update([p for p in rows if p.pk], fields)
        Passage.objects.bulk_create([p for p in rows if not p.pk])
        by_anchor = {p.anchor: p for p in Passage.objects.filter(source_id=source_pk)}
        changed = []
        for values in passages:
            passage = by_anchor[values["anchor"]]
            heading = by_anchor[values["heading"]].pk if values["heading"] else None
            if passage.heading_id != heading:
                passage.heading_id = heading
                changed.append(passage)
        Passage.objects.bulk_update(changed, ["heading"])

    def merge_kind(self, kind_name: str) -> None:
        kind = KINDS[kind_name]
        records = list(self.knowledge_base.records[kind_name].values())
        pks = {record.key: self.index.pk(kind_name, record.key) for record in records}
        database = self.state.of_database(kind_name, [pk for pk in pks.values() if pk])
        for record in records:
            fixture = self.state.of_values(kind_name, record.values, record.citations)
            remembered = self.remembered.get((kind_name, record.key))
            base = (
                None
                if remembered is None
                else self.state.of_values(
                    kind_name,
                    _parse_memory(kind_name, remembered.values),
                    remembered.values.get(CITATIONS),
                )
            )
            pk = pks[record.key]
            if pk is None and base is None:
                self.create(kind, record, fixture)
                self.report.added.append(f"{kind_name} {record.key!r}")
                self.new_memory[(kind_name, record.key)] = fixture
            elif pk is None:
                self.merge_deleted(kind, record, base, fixture)
            else:
                self.merge_record(kind, record, pk, base, fixture, database[pk])

    def merge_deleted(self, kind, record: Record, base: dict, fixture: dict) -> None:
        """A record the site deleted (or merged away) stays deleted, unless the fixtures
        changed it since and the caller prefers the fixtures."""
        # Where the source says it (the citation) is no news about the record itself.
        changed = [
            name
            for name in fixture
            if name != CITATIONS and fixture[name] != base.get(name, _MISSING)
        ]
        label = f"{record.origins[0].describe()}"
        if changed and self.prefer_fixtures:
            self.create(kind, record, fixture)
            self.report.overwritten.append(f"{label}: deleted in the site, restored")
            self.new_memory[(kind.name, record.key)] = fixture
            return
        if changed:
            self.report.conflicts.append(
                f"{label}: deleted in the site, but the fixtures changed "
                f"{', '.join(repr(name) for name in changed)} since; left deleted"
            )
            return
        self.report.kept_edits.append(f"{label}: deleted in the site")
        self.new_memory[(kind.name, record.key)] = fixture

    def merge_record(self, kind, record, pk, base, fixture, database) -> None:
        memory = dict(base or {})
        changes: dict[str, object] = {}
        for name, fixture_value in fixture.items():
            base_value = _MISSING if base is None else base.get(name, _MISSING)
            database_value = database[name]
            if isinstance(fixture_value, dict):
                kept, remembered = self.merge_map(
                    record, name, base_value, fixture_value, database_value
                )
                memory[name] = remembered
                if kept != database_value:
                    changes[name] = kept
                continue
            value, outcome = _merge_value(base_value, fixture_value, database_value)
            if outcome == CONFLICT:
                self.conflict(record, name, fixture_value, database_value)
                if self.prefer_fixtures:
                    value = fixture_value
                else:
                    continue
            memory[name] = fixture_value
            if outcome == KEPT:
                self.report.kept_edits.append(
                    f"{record.origin_of(name).describe()}, field {name!r}"
                )
            if value != database_value:
                changes[name] = value
        if changes:
            self.write(kind, record, pk, database, changes)
            self.report.updated.append(f"{kind.name} {record.key!r}")
        self.new_memory[(kind.name, record.key)] = memory

    def merge_map(self, record, name, base, fixture, database) -> tuple[dict, dict]:
        """Merge a map of links, appearances or citations element by element. Returns the
        map to keep and what to remember as loaded."""
        kept = dict(database)
        remembered = {}
        for element in dict.fromkeys([*({} if base is _MISSING else base), *fixture]):
            base_value = _MISSING if base is _MISSING else base.get(element)
            fixture_value = fixture.get(element)
            database_value = database.get(element)
            value, outcome = _merge_value(base_value, fixture_value, database_value)
            if outcome == CONFLICT:
                self.conflict(record, name, fixture_value, database_value, element=element)
                if not self.prefer_fixtures:
                    if base_value not in (_MISSING, None):
                        remembered[element] = base_value
                    continue
                value = fixture_value
            if outcome == KEPT:
                label = self.element_label(record.kind, name, element)
                self.report.kept_edits.append(
                    f"{record.origin_of(name).describe()}, field {name!r}, {label}"
                )
            if fixture_value is not None:
                remembered[element] = fixture_value
            if value is None:
                kept.pop(element, None)
            else:
                kept[element] = value
        return kept, remembered

    def element_label(self, kind_name: str, name: str, element) -> str:
        kind = KINDS[kind_name]
        target = "sources" if name == CITATIONS else kind.references[name]
        key = self.state.key_of[target].get(element) or self.index.keys[target].get(element)
        return repr(key)

    def conflict(self, record, name, fixture_value, database_value, *, element=None) -> None:
        where = f"{record.origin_of(name).describe()}, field {name!r}"
        if element is not None:
            where += f", {self.element_label(record.kind, name, element)}"
        message = (
            f"{where}: the fixtures say {self.readable(record.kind, name, fixture_value)}, "
            f"the database says {self.readable(record.kind, name, database_value)}"
        )
        if self.prefer_fixtures:
            self.report.overwritten.append(message)
        self.report.conflicts.append(message)

    def readable(self, kind_name: str, name: str, value) -> str:
        if value is None:
            return "nothing"
        target = KINDS[kind_name].references.get(name)
        if target and isinstance(value, int) and name not in KINDS[kind_name].link_fields:
            return repr(self.state.key_of[target].get(value) or self.index.keys[target].get(value))
        return repr(value)

    # Writing

    def create(self, kind, record: Record, state: dict) -> int:
        values = dict(kind.constants)
        for name in kind.scalar_fields:
            model_field = kind.model_field(name)
            if name in kind.references:
                values[model_field.attname] = state[name]
            else:
                values[model_field.attname] = _from_json(model_field, state[name])
        instance = kind.model(**values)
        self.save(record, instance)
        self.index.add(kind.name, record.key, instance.pk)
        self.state.key_of[kind.name].setdefault(instance.pk, record.key)
        if any(
            state[name] is None and record.values[name] is not None
            for name in kind.scalar_fields
            if name in kind.references
        ):
            # It names a record of its own kind that comes later in the fixtures.
            self.pending.append((kind, record, instance.pk))
        maps = {name: value for name, value in state.items() if isinstance(value, dict)}
        self.write_maps(kind, instance.pk, {}, maps)
        return instance.pk

    def write(self, kind, record: Record, pk: int, database: dict, changes: dict) -> None:
        instance = kind.model.objects.get(pk=pk)
        for name in changes:
            if name not in kind.scalar_fields:
                continue
            model_field = kind.model_field(name)
            value = changes[name]
            if name not in kind.references:
                value = _from_json(model_field, value)
            setattr(instance, model_field.attname, value)
        # Saved even when only its links changed, so that its modified time moves.
        self.save(record, instance)
        maps = {name: value for name, value in changes.items() if isinstance(value, dict)}
        self.write_maps(kind, pk, database, maps)

    def save(self, record: Record, instance: models.Model) -> None:
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError as error:
            raise FixtureError(
                f"{record.origins[0].describe()}: the database refused it: {error}"
            ) from None

    def write_maps(self, kind, pk: int, database: dict, wanted: dict) -> None:
        content_type = ContentType.objects.get_for_model(kind.model)
        for name, value in wanted.items():
            old = database.get(name, {})
            added = [element for element in value if element not in old]
            removed = [element for element in old if element not in value]
            changed = [e for e in value if e in old and old[e] != value[e]]
            if name == THEMES:
                TaggedItem.objects.filter(
                    content_type=content_type, object_id=pk, tag_id__in=removed
                ).delete()
                TaggedItem.objects.bulk_create(
                    TaggedItem(content_type=content_type, object_id=pk, tag_id=tag) for tag in added
                )
            elif name == SPEAKERS:
                Appearance.objects.filter(session_id=pk, speaker_id__in=removed).delete()
                for speaker in changed:
                    role, affiliation, order = value[speaker]
                    Appearance.objects.filter(session_id=pk, speaker_id=speaker).update(
                        role=role, affiliation=affiliation, order=order
                    )
                Appearance.objects.bulk_create(
                    Appearance(
                        session_id=pk,
                        speaker_id=speaker,
                        role=value[speaker][0],
                        affiliation=value[speaker][1],
                        order=value[speaker][2],
                    )
                    for speaker in added
                )
            elif name == CITATIONS:
                citations = Citation.objects.filter(content_type=content_type, object_id=pk)
                citations.filter(source_id__in=removed).delete()
                for source in changed:
                    citations.filter(source_id=source).update(location=value[source])
                Citation.objects.bulk_create(
                    Citation(
                        content_type=content_type,
                        object_id=pk,
                        source_id=source,
                        location=value[source],
                    )
                    for source in added
                )
            else:
                through, source, target = _through(kind, name)
                through.objects.filter(**{source: pk, f"{target}__in": removed}).delete()
                through.objects.bulk_create(
                    through(**{source: pk, target: element}) for element in added
                )

    def resolve_pending(self, kind, record: Record, pk: int) -> None:
        instance = kind.model.objects.get(pk=pk)
        for name in kind.scalar_fields:
            target = kind.references.get(name)
            if target and record.values[name] is not None:
                setattr(
                    instance,
                    kind.model_field(name).attname,
                    self.index.pk(target, record.values[name]),
                )
        self.save(record, instance)

    def remember(self) -> None:
        rows = []
        for (kind_name, key), state in self.new_memory.items():
            values = self.state.to_json(kind_name, state)
            row = self.remembered.get((kind_name, key))
            if row is None:
                rows.append(LoadedRecord(kind=kind_name, key=key, values=values))
            elif row.values != values:
                row.values = values
                row.save(update_fields=["values"])
        LoadedRecord.objects.bulk_create(rows)
        stale = set(self.remembered) - set(self.new_memory)
        for kind_name, key in stale:
            if key not in self.knowledge_base.records[kind_name]:
                self.remembered[(kind_name, key)].delete()


def _link_citations_to_passages() -> None:
    """Give every citation of a source that has passages the passages its location names (an
    editor's location that names none links to none)."""
    passages = Passage.objects.values_list("pk", "source_id", "anchor", "label", "kind", "text")
    by_source: dict[int, list] = {}
    for pk, source, *fields in passages:
        by_source.setdefault(source, []).append((pk, PassageRef(*fields)))
    indexes = {
        source: (PassageIndex([ref for _pk, ref in rows]), {r.anchor: pk for pk, r in rows})
        for source, rows in by_source.items()
    }
    through = Citation.passages.through
    wanted = set()
    for citation, source, location in Citation.objects.filter(source_id__in=indexes).values_list(
        "pk", "source_id", "location"
    ):
        index, pks = indexes[source]
        try:
            wanted.update((citation, pks[anchor]) for anchor in index.anchors_for(location))
        except UnresolvedLocation:
            continue
    existing = {
        (citation, passage): pk
        for pk, citation, passage in through.objects.values_list("pk", "citation_id", "passage_id")
    }
    through.objects.filter(
        pk__in=[pk for pair, pk in existing.items() if pair not in wanted]
    ).delete()
    through.objects.bulk_create(
        through(citation_id=citation, passage_id=passage)
        for citation, passage in wanted - existing.keys()
    )


def _from_json(model_field: models.Field, value):
    if value is None:
        return None
    if isinstance(model_field, models.TimeField):
        return datetime.time.fromisoformat(value)
    if isinstance(model_field, models.DateField):
        return datetime.date.fromisoformat(value)
    return value


def _parse_memory(kind_name: str, values: dict) -> dict:
    """Remembered values (JSON) back into the form the fixtures are read into. A column added
    since that load was remembered as the default its migration gave every record, so the
    fixtures' value for it now applies rather than conflicts."""
    kind = KINDS[kind_name]
    parsed = {
        name: kind.model_field(name).get_default()
        for name in kind.scalar_fields
        if name not in values
    }
    for name, value in values.items():
        if name == CITATIONS:
            continue
        model_field = kind.model_field(name)
        if model_field is not None and name not in kind.references:
            value = _from_json(model_field, value)
        parsed[name] = value
    return parsed


class _Export:
    """Patches the fixture files' JSON so that reading them gives what the database holds."""

    def __init__(self, knowledge_base: KnowledgeBase, contents: dict[str, dict]):
        self.knowledge_base = knowledge_base
        self.contents = contents
        self.index = _Index()
        self.state = _State(self.index)
        self.source_files = {slug: name for name, slug in knowledge_base.file_sources.items()}

    def entry(self, origin: Origin) -> dict:
        content = self.contents[origin.file]
        if origin.kind == "sources":
            return content["source"]
        return content[origin.kind][origin.index]

    def run(self) -> None:
        for kind_name in KINDS:
            self.index.load(kind_name)
        deleted: list[Origin] = []
        for kind_name in KINDS:
            records = list(self.knowledge_base.records[kind_name].values())
            pks = {record.key: self.index.pk(kind_name, record.key) for record in records}
            database = self.state.of_database(kind_name, [pk for pk in pks.values() if pk])
            for record in records:
                pk = pks[record.key]
                if pk is None:
                    deleted.extend(record.origins)
                    continue
                fixture = self.state.of_values(kind_name, record.values, record.citations)
                for name, value in fixture.items():
                    if value != database[pk][name]:
                        self.patch(record, name, database[pk][name])
            self.add_new_records(kind_name, set(pks.values()))
        for origin in sorted(deleted, key=lambda o: o.index, reverse=True):
            if origin.kind != "sources":
                del self.contents[origin.file][origin.kind][origin.index]
        self.drop_references({(origin.kind, origin.key) for origin in deleted})

    def drop_references(self, deleted: set[tuple[str, str]]) -> None:
        """Take records deleted in the site out of the references that name them."""
        for content in self.contents.values():
            for kind_name, kind in KINDS.items():
                for entry in content.get(kind_name, []) if kind_name != "sources" else []:
                    for name, target in kind.references.items():
                        value = entry.get(name)
                        if name == SPEAKERS and value:
                            entry[name] = [
                                a for a in value if (target, a["speaker"]) not in deleted
                            ]
                        elif isinstance(value, list):
                            entry[name] = [
                                v
                                for v in value
                                if (target, _reference(kind, name, v)) not in deleted
                            ]
                        elif value and (target, _reference(kind, name, value)) in deleted:
                            entry[name] = None

    def patch(self, record: Record, name: str, value) -> None:
        kind = KINDS[record.kind]
        written = self.state.to_json(record.kind, {name: value}, current_keys=True)[name]
        if name == CITATIONS:
            self.patch_citations(record, written)
            return
        entries = [self.entry(origin) for origin in record.origins]
        holders = [e for e, o in zip(entries, record.origins, strict=True) if name in o.given]
        if name in kind.link_fields:
            wanted = set(written) if name != SPEAKERS else None
            if name == SPEAKERS:
                target = holders[0] if holders else entries[0]
                for entry in holders:
                    entry[name] = []
                target[name] = written
                return
            for entry in holders:
                entry[name] = [v for v in entry[name] if _reference(kind, name, v) in wanted]
            present = {_reference(kind, name, v) for e in holders for v in e[name]}
            target = holders[0] if holders else entries[0]
            target[name] = list(target.get(name) or []) + [v for v in written if v not in present]
            return
        if name == "description":
            target = holders[0] if holders else entries[0]
            for entry in holders:
                entry[name] = ""
            target[name] = written
            return
        for entry in holders or entries[:1]:
            entry[name] = written

    def patch_citations(self, record: Record, citations: dict[str, str]) -> None:
        by_file = {origin.file: origin for origin in record.origins}
        for source, location in citations.items():
            file_name = self.source_files.get(source)
            if file_name is None:
                continue
            if file_name in by_file:
                self.entry(by_file[file_name])[CITED_AT] = location
            else:
                entry = self.full_entry(record.kind, self.index.pk(record.kind, record.key))
                entry[CITED_AT] = location
                self.contents[file_name].setdefault(record.kind, []).append(entry)

    def full_entry(self, kind_name: str, pk: int, state: dict | None = None) -> dict:
        """The record's fixture entry; ``state`` is its state if already read."""
        if state is None:
            state = self.state.of_database(kind_name, [pk])[pk]
        state.pop(CITATIONS, None)
        values = self.state.to_json(kind_name, state, current_keys=True)
        return {name: values[name] for name in KINDS[kind_name].fields if name in values}

    def add_new_records(self, kind_name: str, known: set) -> None:
        """Records added in the site go to the file of the first source they cite."""
        kind = KINDS[kind_name]
        if kind_name == "sources":
            return
        queryset = kind.model.objects.exclude(pk__in=known)
        if kind_name == "themes":
            queryset = queryset.filter(is_theme=True)
        content_type = ContentType.objects.get_for_model(kind.model)
        pks = list(queryset.values_list("pk", flat=True))
        if not pks:
            return
        # Each record's first citation, in the citations' order; all read at once.
        first_citations = {}
        citations = Citation.objects.filter(content_type=content_type, object_id__in=pks)
        for citation in citations.select_related("source"):
            first_citations.setdefault(citation.object_id, citation)
        states = self.state.of_database(kind_name, pks)
        for pk in pks:
            citation = first_citations.get(pk)
            file_name = self.source_files.get(citation.source.slug) if citation else None
            if file_name is None:
                file_name = "themes.json" if kind_name == "themes" else None
            if file_name is None or file_name not in self.contents:
                continue
            entry = self.full_entry(kind_name, pk, states[pk])
            if kind.cited and citation:
                entry[CITED_AT] = citation.location
            self.contents[file_name].setdefault(kind_name, []).append(entry)


def _reference(kind, name: str, written: str) -> str:
    return reference_key(kind.references[name], written)
