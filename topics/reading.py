"""A source document laid out for reading: its passages as headings, paragraphs, lists and
notes, a table of contents, and beside each passage the records whose citations name it."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import capfirst

from .models import Citation, Passage, SourceDocument

# A document with more headings than a handful opens with a table of contents.
HANDFUL_OF_HEADINGS = 5
# The page's h1 is the document's title, so its top headings are h2; HTML stops at h6.
TOP_HEADING_RANK, DEEPEST_HEADING_RANK = 2, 6
# A passage cited by more records than this lists them folded, under a count of them, so a
# long list beside a short passage does not push the text that follows down the page.
CITED_BY_SHOWN = 8


@dataclass
class CitedRecord:
    """A record citing the source (a session, a speaker, a country…) and where it says."""

    record: models.Model
    location: str


# Records of one kind, as ("Sessions", records), kinds in alphabetical order.
RecordGroups = list[tuple[str, list[CitedRecord]]]


@dataclass
class Block:
    """One heading or paragraph, or a run of list items shown as one list."""

    kind: str
    passages: list[Passage]


@dataclass
class ContentsEntry:
    heading: Passage
    children: list["ContentsEntry"] = field(default_factory=list)


@dataclass
class Reading:
    blocks: list[Block]
    notes: list[Passage]
    contents: list[ContentsEntry]
    other_records: RecordGroups  # those whose citation names no passage

    @property
    def has_passages(self) -> bool:
        return bool(self.blocks or self.notes)


def reading_of(source: SourceDocument) -> Reading:
    """``source`` laid out for its page, in a fixed number of queries: its passages, its
    citations, the passages they name, and one query per kind of record citing it."""
    passages = list(source.passages.order_by("position"))
    by_passage, other_records = records_citing(source, with_passages=bool(passages))
    blocks: list[Block] = []
    notes: list[Passage] = []
    contents: list[ContentsEntry] = []
    open_headings: list[ContentsEntry] = []  # the latest heading and those it sits under
    for passage in passages:
        passage.cited_by = by_passage.get(passage.pk, [])
        if sum(len(records) for _kind, records in passage.cited_by) > CITED_BY_SHOWN:
            passage.cited_by_folded = ", ".join(
                f"{len(records)} {kind.lower()}" for kind, records in passage.cited_by
            )
        passage.marker = f"{passage.number}." if passage.number.isdigit() else passage.number
        if passage.kind == Passage.Kind.FOOTNOTE:
            notes.append(passage)
            continue
        if passage.kind == Passage.Kind.HEADING:
            # Nested by level; the rank follows the nesting, so no heading level is skipped.
            while open_headings and (open_headings[-1].heading.level or 1) >= (passage.level or 1):
                open_headings.pop()
            entry = ContentsEntry(passage)
            (open_headings[-1].children if open_headings else contents).append(entry)
            open_headings.append(entry)
            passage.rank = min(TOP_HEADING_RANK + len(open_headings) - 1, DEEPEST_HEADING_RANK)
        if passage.kind == Passage.Kind.LIST_ITEM and blocks and blocks[-1].kind == passage.kind:
            blocks[-1].passages.append(passage)
        else:
            blocks.append(Block(passage.kind, [passage]))
    headings = sum(passage.kind == Passage.Kind.HEADING for passage in passages)
    if headings <= HANDFUL_OF_HEADINGS:
        contents = []
    return Reading(blocks, notes, contents, other_records)


def records_citing(
    source: SourceDocument, *, with_passages: bool
) -> tuple[dict[int, RecordGroups], RecordGroups]:
    """The records citing ``source``: those naming passages by passage id, and the others.
    Each kind's records come in their own order (sessions in programme order)."""
    citations = list(
        source.citations.order_by().values_list("pk", "content_type_id", "object_id", "location")
    )
    named: dict[int, list[int]] = defaultdict(list)
    if with_passages:
        links = Citation.passages.through.objects.filter(citation__source=source)
        for citation_id, passage_id in links.values_list("citation_id", "passage_id"):
            named[citation_id].append(passage_id)
    ids_by_kind: dict[int, set[int]] = defaultdict(set)
    for _pk, content_type_id, object_id, _location in citations:
        ids_by_kind[content_type_id].add(object_id)
    records: dict[tuple[int, int], tuple[int, models.Model]] = {}
    for content_type_id, ids in ids_by_kind.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:  # a kind of record the code no longer has
            continue
        # What names a record and gives its address (a membership's country, body and
        # source) comes with it, not one query per record.
        related = [f.name for f in model._meta.concrete_fields if f.many_to_one]
        cited = model._default_manager.select_related(*related).filter(pk__in=ids)
        for order, record in enumerate(cited):
            records[content_type_id, record.pk] = (order, record)

    placed = []
    for pk, content_type_id, object_id, location in citations:
        if (content_type_id, object_id) in records:
            order, record = records[content_type_id, object_id]
            kind = capfirst(record._meta.verbose_name_plural)
            placed.append((kind, order, pk, CitedRecord(record, location)))
    placed.sort(key=lambda item: item[:2])
    by_passage: dict[int, dict[str, list[CitedRecord]]] = defaultdict(dict)
    others: dict[str, list[CitedRecord]] = {}
    for kind, _order, pk, cited in placed:
        for passage_id in named.get(pk, []):
            by_passage[passage_id].setdefault(kind, []).append(cited)
        if pk not in named:
            others.setdefault(kind, []).append(cited)
    return (
        {passage_id: named_by_count(groups) for passage_id, groups in by_passage.items()},
        list(others.items()),
    )


def named_by_count(groups: dict[str, list[CitedRecord]]) -> RecordGroups:
    """Groups named "Session" when they hold one record, "Sessions" when several."""
    return [
        (capfirst(cited[0].record._meta.verbose_name) if len(cited) == 1 else kind, cited)
        for kind, cited in groups.items()
    ]
