"""Running a search: matching, ranking, narrowing, suggesting, and presenting each kind of result.

Ranking, within each kind: the record's name is the query (0), holds it as a phrase (1) or holds
every word (2); its text holds the phrase (3) or the words anywhere (4); newer records break
ties. Kinds are shown best match first. Sessions may number a million: of each kind, only the
newest ``RANKED_PER_KIND`` that match are ranked (sessions and speakers are looked for among
their newest ``NEWEST_LOOKED_AT_FIRST`` first, then among all if too few of those match), and
a group that reached the limit says "more than". Of those, the phrase in the text is looked for
only as far as the places shown depend on it. A word that matches nothing is replaced by the
closest indexed word; when the query found nothing, the suggestion's results are shown instead.
"""

import datetime
import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import Lower, RowNumber
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from rapidfuzz.distance import OSA

from ccpcj_kb.pagecache import current_generation, database_key
from sessions.models import Annotation, Meeting, Session, Speaker
from topics.models import Country, Document, Organisation, Passage, Programme, Tag

from .backends import ALL_KINDS, OTHER_KINDS, SPEAKERS, full_text
from .indexing import find_symbols
from .language import Highlighter, key, plain_text
from .models import SearchEntry, SearchWord
from .query import Query, QueryError

logger = logging.getLogger(__name__)
Kind = SearchEntry.Kind
KIND_ORDER = list(Kind.values)
MAX_VALUE_LENGTH = 120
PREVIEW_PER_KIND = 5
PER_PAGE = 20
MAX_PAGE = 10_000
# The most records of one kind ranked: the newest that match (sessions may number a million).
RANKED_PER_KIND = 1_000
NEWEST_FIRST = [F("date").desc(nulls_last=True), F("id").desc()]
EXACT, NAME_PHRASE, NAME_WORDS, TEXT_PHRASE, TEXT_WORDS = range(5)
# How many letters a suggestion may differ by, for words of at least so many letters.
TYPO_ALLOWANCE = [(8, 2), (4, 1)]
SUGGESTIONS_TRIED = 3
# A word used in so many records is met at once among the entries (see _held).
COMMON_WORD_USES = 1_000
# How many rows of each kind are first looked at for the query as a phrase (then the others).
PHRASE_CHECKED_FIRST = 20
# The kinds of record that grow with the sessions into the hundreds of thousands (a speaker for
# every three sessions). Each is looked for first among its newest so many: a word held by one
# record in fifty fills the ranking there, without the database reading every record holding it.
GROWING_KINDS = [Kind.SESSION, Kind.SPEAKER]
NEWEST_LOOKED_AT_FIRST = 50_000
# How long where those newest start is kept, at most: any write has it read again.
NEWEST_START_SECONDS = 60 * 60


class PageError(ValueError):
    """A page of results that does not exist; the message says which do."""


@dataclass
class Narrowing:
    """The filters beside the query, as read from the address."""

    kind: str | None = None
    meeting: Meeting | None = None
    theme: Tag | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    page: int = 1

    PARAMETERS = ("q", "kind", "meeting", "theme", "from", "to", "page")

    @classmethod
    def from_query(cls, params) -> "Narrowing":
        """Read from the query string; a value that names nothing raises QueryError saying so."""
        values = {name: params.get(name, "").strip()[:MAX_VALUE_LENGTH] for name in cls.PARAMETERS}
        narrowing = cls()
        if values["kind"]:
            if values["kind"] not in KIND_ORDER:
                raise QueryError(f"There is no kind of record called “{values['kind']}”.")
            narrowing.kind = values["kind"]
        if values["meeting"]:
            narrowing.meeting = Meeting.objects.filter(slug=values["meeting"]).first()
            if narrowing.meeting is None:
                raise QueryError(f"There is no meeting called “{values['meeting']}”.")
        if values["theme"]:
            narrowing.theme = Tag.objects.filter(slug=values["theme"]).first()
            if narrowing.theme is None:
                raise QueryError(f"There is no theme or tag called “{values['theme']}”.")
        for name, attribute in (("from", "start"), ("to", "end")):
            if values[name]:
                try:
                    setattr(narrowing, attribute, datetime.date.fromisoformat(values[name]))
                except ValueError:
                    raise QueryError(
                        f"“{values[name]}” is not a date; write it as 2022-05-17."
                    ) from None
        if values["page"]:
            if not values["page"].isdigit() or not 1 <= int(values["page"]) <= MAX_PAGE:
                raise QueryError(f"“{values['page']}” is not a page number.")
            narrowing.page = int(values["page"])
        return narrowing

    @property
    def active(self) -> bool:
        return any((self.meeting, self.theme, self.start, self.end))


@dataclass
class Hit:
    record: object
    url: str
    title: SafeString
    meta: SafeString | str = ""
    snippet: SafeString | str = ""


@dataclass
class Group:
    kind: str
    count: int
    tier: int
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    # Whether more records matched than were ranked (see RANKED_PER_KIND).
    more: bool = False
    # Filled in by SearchLinks: every result of the kind, and its pages.
    more_url: str = ""
    previous_url: str = ""
    next_url: str = ""

    @property
    def label(self) -> str:
        return Kind(self.kind).label

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / PER_PAGE))

    @property
    def count_label(self) -> str:
        return f"more than {self.count:,}" if self.more else f"{self.count:,}"


@dataclass
class Outcome:
    query: Query
    groups: list[Group] = field(default_factory=list)
    # The corrected query offered ("Did you mean …?"), and whether its results are the ones shown.
    suggestion: Query | None = None
    showing_suggestion: bool = False
    # Documents of the symbols asked for, found or not; and whether the words found anything
    # besides them.
    missing_symbols: list[str] = field(default_factory=list)
    words_found: bool = True

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def total_label(self) -> str:
        more = any(group.more for group in self.groups)
        return f"more than {self.total:,}" if more else f"{self.total:,}"

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """``(kind, label, count)`` of every kind found, in the kinds' order."""
        found = {group.kind: group.count for group in self.groups}
        return [(kind, Kind(kind).label, found[kind]) for kind in KIND_ORDER if kind in found]

    @property
    def shown(self) -> list[Group]:
        return [group for group in self.groups if group.hits]


class SearchLinks:
    """Addresses the results page links to, each keeping the query and the other filters."""

    def __init__(self, params, outcome: Outcome):
        self.params = {
            name: value
            for name in Narrowing.PARAMETERS
            if (value := params.get(name, "").strip()[:MAX_VALUE_LENGTH])
        }
        if outcome.showing_suggestion:
            self.params["q"] = outcome.suggestion.raw
        selected = self.params.get("kind")
        self.all_kinds = self.url(kind=None)
        shown = {group.kind: group.count_label for group in outcome.groups}
        self.kinds = [
            (label, shown[kind], self.url(kind=kind), kind == selected)
            for kind, label, _count in outcome.counts
        ]
        self.suggestion = (
            self.url(q=outcome.suggestion.raw, kind=selected) if outcome.suggestion else ""
        )
        for group in outcome.groups:
            group.more_url = self.url(kind=group.kind)
            if group.page > 1:
                group.previous_url = self.url(kind=group.kind, page=group.page - 1)
            if group.page < group.pages:
                group.next_url = self.url(kind=group.kind, page=group.page + 1)

    def url(self, **changes) -> str:
        params = {**self.params, "page": None, **changes}
        return "?" + urlencode({name: value for name, value in params.items() if value})


def search(query: Query, narrowing: Narrowing, user) -> Outcome:
    entries = SearchEntry.objects.visible_to(user).within(
        meeting=narrowing.meeting, theme=narrowing.theme, start=narrowing.start, end=narrowing.end
    )
    outcome = _run(query, narrowing, entries, user)
    if query.terms and not outcome.words_found:
        corrections = _corrections(query, entries)
        if corrections:
            outcome.suggestion = query.replacing(corrections)
            if not outcome.total:
                corrected = _run(outcome.suggestion, narrowing, entries, user)
                if corrected.total:
                    corrected.suggestion, corrected.showing_suggestion = outcome.suggestion, True
                    return corrected
    return outcome


def _run(query: Query, narrowing: Narrowing, entries, user) -> Outcome:
    engine = full_text()
    outcome = Outcome(query)
    # The documents asked for by symbol, whatever the words; records citing them, with the words.
    own_documents = dict(
        Document.objects.filter(normalized_symbol__in=query.symbols).values_list(
            "pk", "normalized_symbol"
        )
        if query.symbols
        else ()
    )

    def condition(among: str) -> Q:
        """What records (sessions, speakers or the other kinds) must hold to be found."""
        held = _holding(query, engine, among=among)
        if own_documents and among == OTHER_KINDS:
            return held | Q(kind=Kind.DOCUMENT, object_id__in=list(own_documents))
        return held

    # The candidates are read first: the full-text conditions name the entries' table, so
    # inside a subquery they would refer to the outer query's rows.
    newest = _newest_looked_at_first()

    def newest_matching(kind: str, among: str) -> list[int]:
        matching = (
            entries.filter(condition(among), kind=kind)
            .order_by(*NEWEST_FIRST)
            .values_list("id", flat=True)
        )
        found = []
        if kind in newest:
            # Every record left out is older than every one looked at.
            found = list(matching.filter(newest[kind])[:RANKED_PER_KIND])
        if len(found) < RANKED_PER_KIND:
            found = list(matching[:RANKED_PER_KIND])
        return found

    session_ids = newest_matching(Kind.SESSION, ALL_KINDS)
    candidates = session_ids + newest_matching(Kind.SPEAKER, SPEAKERS)
    others = entries.filter(condition(OTHER_KINDS), ~Q(kind__in=GROWING_KINDS)).annotate(
        newest=Window(RowNumber(), partition_by=[F("kind")], order_by=NEWEST_FIRST)
    )
    candidates += others.filter(newest__lte=RANKED_PER_KIND).values_list("id", flat=True)
    # Every candidate, in the order ties are broken in (by the database, whose collation
    # orders the titles), with its tier but for the phrase in the text (_find_text_phrase).
    tiers = []
    if own_documents:
        tiers.append(When(Q(kind=Kind.DOCUMENT, object_id__in=list(own_documents)), then=EXACT))
    if query.terms:
        tiers.append(
            When(Q(keys__contains=f"|{key(query.phrase)}|") & ~Q(kind=Kind.PASSAGE), then=EXACT)
        )
        phrases = [term.words for term in query.terms]
        whole = [tuple(query.sequence)]
        if len(query.sequence) > 1:
            tiers.append(When(engine.named(whole, session_ids), then=NAME_PHRASE))
        # A query that is one phrase: the names holding the words are those holding it.
        if len(query.sequence) == 1 or phrases != whole:
            tiers.append(When(engine.named(phrases, session_ids), then=NAME_WORDS))
    rows = (
        list(
            SearchEntry.objects.filter(id__among=candidates)
            .annotate(
                tier=Case(*tiers, default=Value(TEXT_WORDS), output_field=IntegerField()),
                order=Window(
                    RowNumber(),
                    partition_by=[F("kind")],
                    order_by=[F("date").desc(nulls_last=True), Lower("title"), "id"],
                ),
            )
            .order_by("kind", "order")
            .values("id", "kind", "object_id", "title", "tier")
        )
        if candidates
        else []
    )
    first = (narrowing.page - 1) * PER_PAGE if narrowing.kind else 0
    last = first + PER_PAGE if narrowing.kind else PREVIEW_PER_KIND
    by_kind = {kind: list(in_kind) for kind, in_kind in groupby(rows, key=itemgetter("kind"))}
    if len(query.sequence) > 1:
        wanted = {
            kind: last if not narrowing.kind or kind == narrowing.kind else 1 for kind in by_kind
        }
        _find_text_phrase(query, engine, by_kind, wanted)
    groups: dict[str, Group] = {}
    shown: dict[str, list[dict]] = {}
    for kind, in_kind in by_kind.items():
        in_kind.sort(key=itemgetter("tier"))  # stable: ties keep their order
        groups[kind] = Group(
            kind, len(in_kind), in_kind[0]["tier"], more=len(in_kind) >= RANKED_PER_KIND
        )
        shown[kind] = in_kind[first:last]
    if narrowing.kind and narrowing.page > 1:
        pages = groups[narrowing.kind].pages if narrowing.kind in groups else 1
        if narrowing.page > pages:
            raise PageError(f"There is no page {narrowing.page}: pages run from 1 to {pages}.")
    highlighter = Highlighter(query.words, query.symbols, find_symbols)
    for kind, group in groups.items():
        if narrowing.kind and kind != narrowing.kind:
            continue
        group.page = narrowing.page if narrowing.kind else 1
        group.hits = PRESENTERS[kind](shown[kind], highlighter, user)
    outcome.groups = sorted(groups.values(), key=lambda g: (g.tier, KIND_ORDER.index(g.kind)))
    if query.symbols:
        found = set(own_documents.values())
        outcome.missing_symbols = [symbol for symbol in query.symbols if symbol not in found]
        documents = groups.get(Kind.DOCUMENT)
        own = len(found) if documents else 0
        outcome.words_found = outcome.total > own
    else:
        outcome.words_found = outcome.total > 0
    return outcome


def _newest_looked_at_first() -> dict[str, Q]:
    """For each of the GROWING_KINDS with more than NEWEST_LOOKED_AT_FIRST records, the
    condition its newest that many meet (records of the same date as the last of them too).
    Where they start is kept in the shared cache until the next write: reading it goes
    through that many entries."""

    def read() -> dict[str, tuple]:
        starts = {}
        for kind in GROWING_KINDS:
            newest = SearchEntry.objects.filter(kind=kind).order_by(*NEWEST_FIRST)
            start = newest.values_list("date", "id")[NEWEST_LOOKED_AT_FIRST - 1 :].first()
            if start:
                date, pk = start
                dated = date is None and newest.filter(date__isnull=False).exists()
                starts[kind] = (date, pk, dated)
        return starts

    try:
        generation = current_generation().token
        key = f"search:{database_key()}:{generation}:newest-start"
        starts = cache.get_or_set(key, read, NEWEST_START_SECONDS)
    except Exception:
        # Without the shared cache, every record is looked at: slower, never different.
        logger.warning("The shared cache cannot be read; searching all records at once.")
        return {}
    conditions = {}
    for kind, (date, pk, dated) in starts.items():
        if date is not None:
            conditions[kind] = Q(date__gte=date)
            continue
        # Past the dated records (speakers have none) come the others, the newest (highest
        # id) first. The dated ones are named only where there are any: a condition on the
        # dates alone lets the index of the newest first bound the rest.
        conditions[kind] = Q(date__isnull=True, id__gte=pk)
        if dated:
            conditions[kind] |= Q(date__isnull=False)
    return conditions


def _find_text_phrase(query: Query, engine, by_kind: dict[str, list], wanted: dict) -> None:
    """Mark the rows (of each kind, in the order ties are broken in) whose text holds the query
    as a phrase, as far as the first ``wanted[kind]`` places and the kind's best tier depend on
    it: the phrase is looked for in the first few rows of each kind, then in all the others."""
    whole = [tuple(query.sequence)]
    if [term.words for term in query.terms] == whole:
        # The query is the phrase: every candidate holds it (but the documents asked for by
        # symbol, which rank first anyway).
        for rows in by_kind.values():
            for row in rows:
                row["tier"] = min(row["tier"], TEXT_PHRASE)
        return
    missing, rest = {}, {}
    for kind, rows in by_kind.items():
        named = sum(row["tier"] < TEXT_PHRASE for row in rows)
        missing[kind] = max(wanted[kind] - named, 0 if named else 1)
        rest[kind] = [row for row in rows if row["tier"] > TEXT_PHRASE]
    for start, end in ((0, PHRASE_CHECKED_FIRST), (PHRASE_CHECKED_FIRST, None)):
        batch = [row for kind, rows in rest.items() if missing[kind] > 0 for row in rows[start:end]]
        if not batch:
            break
        sessions = [row["id"] for row in batch if row["kind"] == Kind.SESSION]
        others = [row["id"] for row in batch if row["kind"] != Kind.SESSION]
        holding = engine.holding(whole, sessions, others)
        for row in batch:
            if row["id"] in holding:
                row["tier"] = TEXT_PHRASE
                missing[row["kind"]] -= 1


def _holding(query: Query, engine, *, among: str = ALL_KINDS) -> Q:
    """Entries holding every word and phrase of ``query`` and citing every symbol it names,
    looked for ``among`` every kind of record or some (see backends)."""
    condition = Q()
    for symbol in query.symbols:
        condition &= engine.citing(symbol, among=among)
    if query.terms:
        condition &= engine.matches([term.words for term in query.terms], among=among)
    return condition


def found_ids(query: Query, kind: str, user) -> list[int]:
    """Ids of the records of ``kind`` that the search finds for ``query``, as it matches them
    (misspelt words are not corrected): what another list narrows to. A list, not a subquery:
    PostgreSQL's match names the index's table, which a subquery renames."""
    entries = SearchEntry.objects.visible_to(user).filter(kind=kind)
    return list(entries.filter(_holding(query, full_text())).values_list("object_id", flat=True))


def _corrections(query: Query, entries) -> dict[str, str]:
    """For each word of ``query`` that matches nothing, the closest indexed word that does."""
    engine = full_text()
    corrections = {}
    # A query of one word that found nothing shows that word matches nothing.
    alone = len(query.terms) == 1 and len(query.terms[0].words) == 1 and not query.symbols
    known_unmatched = set(query.words) if alone else set()
    uses = dict(SearchWord.objects.filter(word__in=query.words).values_list("word", "entries"))
    for word in query.words:
        allowed = next((edits for size, edits in TYPO_ALLOWANCE if len(word) >= size), 0)
        if not allowed or word.isdigit():
            continue
        if word not in known_unmatched and _held(entries, engine, word, uses.get(word, 0)):
            continue
        # Edits: insert, delete or replace a letter, or swap two neighbours (optimal string
        # alignment), counted only as far as the allowance.
        ranked = sorted(
            (edits, -uses, candidate)
            for candidate, uses in engine.candidates(word)
            if candidate != word
            and (edits := OSA.distance(word, candidate, score_cutoff=allowed)) <= allowed
        )
        for _edits, minus_uses, candidate in ranked[:SUGGESTIONS_TRIED]:
            if _held(entries, engine, candidate, -minus_uses):
                corrections[word] = candidate
                break
    return corrections


def _held(entries, engine, word: str, uses: int) -> bool:
    """Whether any of ``entries`` holds ``word``, which the vocabulary counts in ``uses``
    records. A common word is met among the first entries read; any other is counted through
    the full-text index, which tells at once how few hold it (asking for any one entry, the
    database may read entries one by one hoping to meet one soon, all of them if none does)."""
    holding = entries.filter(engine.matches([(word,)]))
    return holding.exists() if uses >= COMMON_WORD_USES else holding.count() > 0


# Presenting each kind: ``rows`` (kind, object_id, title) in rank order → hits.


def _in_order(model_queryset, rows):
    records = model_queryset.in_bulk([row["object_id"] for row in rows])
    return [records[row["object_id"]] for row in rows if row["object_id"] in records]


def _date(value) -> str:
    return format_date(value, "j F Y") if value else ""


def _meta(highlighter, *parts) -> SafeString:
    return format_html_join(" · ", "{}", ((highlighter.mark(part),) for part in parts if part))


def _sessions(rows, highlighter, user):
    hits = []
    sessions = Session.objects.select_related("meeting").prefetch_related("appearances__speaker")
    for session in _in_order(sessions, rows):
        notes = plain_text(session.notes_html)
        people = [str(appearance.speaker) for appearance in session.appearances.all()]
        if session.note_taker:
            people.append(f"notes by {session.note_taker}")
        people_line = "Speakers: " + ", ".join(people) if people else ""
        shown = notes if highlighter.matches(notes) or not highlighter.matches(people_line) else ""
        hits.append(
            Hit(
                session,
                session.get_absolute_url(),
                highlighter.mark(str(session)),
                format_html("{} · {}", session.meeting.name, _date(session.date) or "undated"),
                highlighter.snippet(shown or people_line),
            )
        )
    return hits


def _meetings(rows, highlighter, user):
    hits = []
    for meeting in _in_order(Meeting.objects.select_related("country"), rows):
        when = " \N{EN DASH} ".join(
            dict.fromkeys(_date(day) for day in (meeting.start_date, meeting.end_date) if day)
        )
        where = ", ".join(part for part in (meeting.city, str(meeting.country or "")) if part)
        hits.append(
            Hit(
                meeting,
                meeting.get_absolute_url(),
                highlighter.mark(meeting.name),
                _meta(highlighter, meeting.get_kind_display(), when, where),
                highlighter.snippet(meeting.description) if meeting.description else "",
            )
        )
    return hits


def _speakers(rows, highlighter, user):
    speakers = Speaker.objects.select_related("organisation", "country")
    return [
        Hit(
            speaker,
            speaker.get_absolute_url(),
            highlighter.mark(str(speaker)),
            _meta(
                highlighter,
                speaker.function,
                str(speaker.organisation or ""),
                str(speaker.country or ""),
            ),
        )
        for speaker in _in_order(speakers, rows)
    ]


def _note_takers(rows, highlighter, user):
    noted: dict[str, Counter] = {}
    # How many sessions the people shown took notes at, and for which organisations, counted
    # by the database through the index of names (there may be a million such sessions).
    shown = (
        Session.objects.filter(note_taker__in=[row["title"] for row in rows])
        .values_list("note_taker", "note_taker_organisation__name")
        .annotate(sessions=Count("id"))
        .order_by()
    )
    for name, organisation, sessions in shown:
        noted.setdefault(key(name), Counter())[organisation] += sessions
    hits = []
    for row in rows:
        by_organisation = noted.get(key(row["title"]), Counter())
        organisations = sorted(o for o in by_organisation if o)
        count = by_organisation.total()
        query = urlencode({"q": f'"{row["title"]}"', "kind": Kind.SESSION})
        hits.append(
            Hit(
                None,
                f"{reverse('sessions:search')}?{query}",
                highlighter.mark(row["title"]),
                _meta(
                    highlighter,
                    f"Took notes at {count} session{'s' if count != 1 else ''}",
                    *organisations,
                ),
            )
        )
    return hits


def _described(model_queryset, kind_label):
    def present(rows, highlighter, user):
        return [
            Hit(
                record,
                record.get_absolute_url(),
                highlighter.mark(str(record)),
                _meta(highlighter, kind_label(record)),
                highlighter.snippet(getattr(record, "description", "")),
            )
            for record in _in_order(model_queryset(), rows)
        ]

    return present


def _documents(rows, highlighter, user):
    hits = []
    for document in _in_order(Document.objects.all(), rows):
        named_by_symbol = bool(document.normalized_symbol)
        text = document.title if named_by_symbol else document.description
        hits.append(
            Hit(
                document,
                document.get_absolute_url(),
                highlighter.mark(str(document)),
                _meta(highlighter, document.get_kind_display(), str(document.year or "")),
                highlighter.snippet(text) if text else "",
            )
        )
    return hits


def _passages(rows, highlighter, user):
    hits = []
    for passage in _in_order(Passage.objects.select_related("source", "heading"), rows):
        label = {
            Passage.Kind.PARAGRAPH: f"para. {passage.label}" if passage.label else "",
            Passage.Kind.LIST_ITEM: passage.label,
            Passage.Kind.FOOTNOTE: passage.label,
        }.get(passage.kind, "")
        under = passage.heading.text if passage.heading else ""
        hits.append(
            Hit(
                passage,
                passage.get_absolute_url(),
                format_html("{}{}", passage.source.title, f", {label}" if label else ""),
                _meta(highlighter, passage.get_kind_display(), under and f"under “{under}”"),
                highlighter.snippet(passage.text),
            )
        )
    return hits


def _annotations(rows, highlighter, user):
    annotations = Annotation.objects.visible_to(user).select_related("session")
    return [
        Hit(
            annotation,
            annotation.get_absolute_url(),
            highlighter.mark(f"Annotation on {annotation.session.title}"),
            format_html(
                "{} · by {} · {}",
                annotation.get_visibility_display(),
                annotation.author,
                _date(annotation.created_at.date()),
            ),
            highlighter.snippet(plain_text(annotation.body_html)),
        )
        for annotation in _in_order(annotations, rows)
    ]


PRESENTERS = {
    Kind.SESSION: _sessions,
    Kind.MEETING: _meetings,
    Kind.SPEAKER: _speakers,
    Kind.NOTE_TAKER: _note_takers,
    Kind.ORGANISATION: _described(
        lambda: Organisation.objects.select_related("country"),
        lambda o: ", ".join(part for part in (o.get_kind_display(), str(o.country or "")) if part),
    ),
    Kind.PROGRAMME: _described(lambda: Programme.objects.all(), Programme.get_kind_display),
    Kind.DOCUMENT: _documents,
    Kind.THEME: _described(lambda: Tag.objects.all(), lambda tag: tag.kind_label),
    Kind.COUNTRY: _described(lambda: Country.objects.all(), lambda country: "Country"),
    Kind.PASSAGE: _passages,
    Kind.ANNOTATION: _annotations,
}
