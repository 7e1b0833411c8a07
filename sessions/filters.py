"""The session list's filters, read from the query string.

Several themes narrow the list: a session must carry every theme asked for (AND). A filter that
names nothing known, or a malformed value, is an error shown to the user, never ignored.
Parameters that are not filters (utm_campaign, the fbclid Facebook adds to shared links) are
ignored, and the links the page builds leave them out.
"""

import datetime
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator

from topics.models import Country, Document, Organisation, Tag

from .models import Meeting, Session, Speaker

SINGLE_VALUED = (
    "meeting",
    "speaker",
    "organisation",
    "country",
    "resolution",
    "kind",
    "notes",
    "from",
    "to",
    "sort",
)
KNOWN_PARAMETERS = {"tag", "page", *SINGLE_VALUED}
NOTES = {"yes": "Notes taken", "no": "No notes taken"}
SORTS = {"date": "Oldest first", "-date": "Newest first"}
MAX_TAGS = 10
# Choices a filter offers: the ones listing the most sessions (and the one chosen).
MOST_CHOICES = 100
MAX_VALUE_LENGTH = 120
# Characters of a choice's label a filter shows (a document's title may run to hundreds).
LABEL_LENGTH = 80
# How pages write dates (the templates' "j F Y" and "l j F Y").
DATE_FORMAT = "j F Y"
DAY_FORMAT = "l j F Y"


class FilterError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Chip:
    label: str
    remove_url: str


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool = False

    @property
    def short_label(self) -> str:
        """The label cut to LABEL_LENGTH characters as ``truncatechars`` cuts it; most labels
        are shorter, and are not counted character by character."""
        if len(self.label) <= LABEL_LENGTH:
            return unicodedata.normalize("NFC", self.label)
        return Truncator(self.label).chars(LABEL_LENGTH)


@dataclass
class Facet:
    """One filter offered as a list of choices, sent as the query parameter ``name``."""

    name: str
    label: str
    blank: str
    options: list[Option]

    @classmethod
    def of_choices(cls, name, label, choices: Iterable[tuple[str, str, int]], selected, *, blank):
        """``choices`` are ``(value, label, count)``; those listing nothing are left out, but
        the selected one always stays."""
        options = [
            Option(value, text, count, selected=value == selected)
            for value, text, count in choices
            if count or value == selected
        ]
        return cls(name, label, blank, options)

    @classmethod
    def of_records(cls, name, label, records, selected, *, key: Callable, blank):
        """Records annotated with ``session_count``; the selected record stays even when the
        other filters leave it no session."""
        choices = [(key(record), str(record), record.session_count) for record in records]
        if selected is not None and key(selected) not in {value for value, _, _ in choices}:
            choices.append((key(selected), str(selected), 0))
        chosen = key(selected) if selected is not None else None
        return cls.of_choices(name, label, choices, chosen, blank=blank)


# Filters that choose one record: (query parameter and attribute, label, model, the value a
# record is chosen by).
RECORD_FACETS = [
    ("meeting", "Meeting", Meeting, lambda meeting: meeting.slug),
    ("speaker", "Speaker", Speaker, lambda speaker: speaker.slug),
    ("organisation", "Organisation", Organisation, lambda organisation: organisation.slug),
    ("country", "Country", Country, lambda country: country.slug),
    (
        "resolution",
        "Resolution or document",
        Document,
        lambda document: document.normalized_symbol or document.slug,
    ),
]


@dataclass
class SessionFilters:
    tags: list = field(default_factory=list)
    meeting: Meeting | None = None
    speaker: Speaker | None = None
    organisation: Organisation | None = None
    country: Country | None = None
    resolution: Document | None = None
    kind: str | None = None
    has_notes: bool | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "date"
    query: QueryDict = field(default_factory=QueryDict)

    @classmethod
    def from_query(cls, query: QueryDict) -> "SessionFilters":
        query = query.copy()
        for name in set(query) - KNOWN_PARAMETERS:
            del query[name]
        for name in SINGLE_VALUED:
            if len(query.getlist(name)) > 1:
                raise FilterError(400, f"Give “{name}” once only.")
        for name, values in query.lists():
            if any(len(value) > MAX_VALUE_LENGTH for value in values):
                raise FilterError(400, f"The value of “{name}” is too long.")

        filters = cls(query=query)
        tag_slugs = [slug for slug in query.getlist("tag") if slug]
        if len(tag_slugs) > MAX_TAGS:
            raise FilterError(400, f"Filter by at most {MAX_TAGS} themes at once.")
        tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=tag_slugs)}
        for slug in tag_slugs:
            if slug not in tags:
                raise FilterError(404, f"There is no theme or tag called “{slug}”.")
        filters.tags = [tags[slug] for slug in dict.fromkeys(tag_slugs)]

        lookups = {
            "meeting": Meeting,
            "speaker": Speaker,
            "organisation": Organisation,
            "country": Country,
        }
        for name, model in lookups.items():
            slug = query.get(name)
            if slug:
                found = model.objects.filter(slug=slug).first()
                if found is None:
                    raise FilterError(404, f"There is no {name} called “{slug}”.")
                setattr(filters, name, found)

        resolution = query.get("resolution")
        if resolution:
            found = (
                Document.objects.matching_symbol(resolution).first()
                or Document.objects.filter(slug=resolution).first()
            )
            if found is None:
                raise FilterError(404, f"There is no resolution or document “{resolution}”.")
            filters.resolution = found

        kind = query.get("kind")
        if kind:
            if kind not in Session.Kind.values:
                raise FilterError(400, f"There is no kind of session called “{kind}”.")
            filters.kind = kind
        notes = query.get("notes")
        if notes:
            if notes not in NOTES:
                raise FilterError(400, "“notes” is “yes” (notes were taken) or “no”.")
            filters.has_notes = notes == "yes"

        filters.date_from = _date(query.get("from"), "from")
        filters.date_to = _date(query.get("to"), "to")
        if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
            raise FilterError(400, "The “to” date is before the “from” date.")
        sort = query.get("sort") or "date"
        if sort not in SORTS:
            raise FilterError(400, "Sort by “date” (oldest first) or “-date” (newest first).")
        filters.sort = sort
        return filters

    def apply(self, sessions, *, without: Collection[str] = ()):
        """The sessions these filters list, in the order asked for. ``without`` names filters
        (by query parameter) to leave out: what changing one of them would list."""

        def wanted(name: str, value) -> bool:
            return value is not None and name not in without

        sessions = sessions.tagged_with_all(self.tags)
        if wanted("meeting", self.meeting):
            sessions = sessions.filter(meeting=self.meeting)
        if wanted("organisation", self.organisation):
            sessions = sessions.involving(self.organisation)
        if wanted("country", self.country):
            sessions = sessions.filter(countries=self.country)
        if wanted("speaker", self.speaker):
            sessions = sessions.filter(appearances__speaker=self.speaker)
        if wanted("resolution", self.resolution):
            sessions = sessions.filter(documents=self.resolution)
        if wanted("kind", self.kind):
            sessions = sessions.filter(kind=self.kind)
        if wanted("notes", self.has_notes):
            sessions = sessions.filter(has_notes=self.has_notes)
        if wanted("from", self.date_from):
            sessions = sessions.filter(date__gte=self.date_from)
        if wanted("to", self.date_to):
            sessions = sessions.filter(date__lte=self.date_to)
        # Undated sessions come last either way.
        return sessions.most_recent() if self.sort == "-date" else sessions.in_programme_order()

    def counted(self, sessions, *, without: Collection[str] = (), newest: int | None = None):
        """The sessions a facet's choices count (see ``apply``); with ``newest``, only that many
        of them, the newest: a million are not counted on every request."""
        listed = self.apply(sessions, without=without)
        if newest is None:
            return listed
        # Read once and reused by every facet the same filters count: finding the newest of a
        # million sessions carrying two themes takes a second, checking a list of ids does not.
        found = self.__dict__.setdefault("_newest_found", {})
        key = (str(listed.query), newest)
        if key not in found:
            found[key] = list(listed.most_recent().values_list("pk", flat=True)[:newest])
        return sessions.filter(pk__among=found[key])

    def counted_among(self, sessions, *, without: Collection[str] = (), newest: int | None = None):
        """What ``counted`` gives, or None where it would be every one of ``sessions`` (all
        the sessions there are): records' counts then need no list of sessions to check."""
        if newest is None and not self.narrows(without=without):
            return None
        return self.counted(sessions, without=without, newest=newest)

    def narrows(self, *, without: Collection[str] = ()) -> bool:
        """Whether these filters, but those named in ``without``, leave any session out."""
        chosen = {
            "meeting": self.meeting,
            "speaker": self.speaker,
            "organisation": self.organisation,
            "country": self.country,
            "resolution": self.resolution,
            "kind": self.kind,
            "notes": self.has_notes,
            "from": self.date_from,
            "to": self.date_to,
        }
        return bool(self.tags) or any(
            value is not None and name not in without for name, value in chosen.items()
        )

    def facets(self, sessions, *, newest: int | None = None) -> list["Facet"]:
        """Every filter but themes, with its choices. A choice counts the sessions it would
        list: those of the other filters that it matches (with ``newest``, among that many of
        the newest). ``sessions`` are all the sessions there are."""
        facets = []
        for name, label, model, key in RECORD_FACETS:
            counted = self.counted_among(sessions, without={name}, newest=newest)
            facets.append(
                Facet.of_records(
                    name,
                    label,
                    model.objects.counted_within(counted)[:MOST_CHOICES],
                    getattr(self, name),
                    blank=f"Any {label.lower()}",
                    key=key,
                )
            )
        kinds = self.counted(sessions, without={"kind"}, newest=newest).kinds_counted()
        facets.append(
            Facet.of_choices(
                "kind",
                "Kind",
                [(kind, Session.Kind(kind).label, count) for kind, count in kinds],
                self.kind,
                blank="Any kind",
            )
        )
        notes = self.counted(sessions, without={"notes"}, newest=newest).notes_counted()
        selected_notes = {True: "yes", False: "no"}.get(self.has_notes)
        facets.append(
            Facet.of_choices(
                "notes",
                "Notes",
                [(value, label, notes.get(value == "yes", 0)) for value, label in NOTES.items()],
                selected_notes,
                blank="With or without notes",
            )
        )
        days = self.counted(sessions, without={"from", "to"}, newest=newest).days_counted()
        facets.append(self._day_facet("from", "From", days, self.date_from, after=True))
        facets.append(self._day_facet("to", "To", days, self.date_to, after=False))
        return facets

    def _day_facet(self, name, label, days, selected, *, after: bool) -> "Facet":
        """The days sessions were held on, written as the site writes dates; each counts the
        sessions from (or to) that day within the other end of the range."""

        held = sorted(days)
        running = [0]  # sessions held before each day of ``held``
        for day in held:
            running.append(running[-1] + days[day])

        def listed(day: datetime.date) -> int:
            low, high = (day, self.date_to) if after else (self.date_from, day)
            first = 0 if low is None else bisect_left(held, low)
            last = len(held) if high is None else bisect_right(held, high)
            return running[last] - running[first] if last > first else 0

        choices = sorted({*days, *([selected] if selected else [])})
        return Facet.of_choices(
            name,
            label,
            [(day.isoformat(), format_date(day, DAY_FORMAT), listed(day)) for day in choices],
            selected.isoformat() if selected else None,
            blank="The first day" if after else "The last day",
        )

    @property
    def active(self) -> bool:
        return bool(self.chips())

    def chips(self) -> list[Chip]:
        chips = [
            Chip(f"{tag.kind_label}: {tag.name}", self.url_without("tag", tag.slug))
            for tag in self.tags
        ]
        labelled = [
            ("meeting", "Meeting", self.meeting),
            ("speaker", "Speaker", self.speaker),
            ("organisation", "Organisation", self.organisation),
            ("country", "Country", self.country),
            ("resolution", "Resolution", self.resolution),
            ("kind", "Kind", self.kind and Session.Kind(self.kind).label),
        ]
        for name, label, value in labelled:
            if value is not None:
                chips.append(Chip(f"{label}: {value}", self.url_without(name)))
        if self.has_notes is not None:
            chips.append(Chip(NOTES["yes" if self.has_notes else "no"], self.url_without("notes")))
        if self.date_from:
            chips.append(
                Chip(f"From {format_date(self.date_from, DATE_FORMAT)}", self.url_without("from"))
            )
        if self.date_to:
            chips.append(
                Chip(f"To {format_date(self.date_to, DATE_FORMAT)}", self.url_without("to"))
            )
        return chips

    def url_without(self, name: str, value: str | None = None) -> str:
        query = self.query.copy()
        query.pop("page", None)
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, [v for v in query.getlist(name) if v != value])
        return self._url(query)

    def url_with_tag(self, slug: str) -> str:
        query = self.query.copy()
        query.pop("page", None)
        if slug not in query.getlist("tag"):
            query.appendlist("tag", slug)
        return self._url(query)

    def url_with_sort(self, sort: str) -> str:
        query = self.query.copy()
        query.pop("page", None)
        query["sort"] = sort
        return self._url(query)

    def page_query(self) -> str:
        """The query string of this filter, for pagination links."""
        query = self.query.copy()
        query.pop("page", None)
        return query.urlencode()

    @staticmethod
    def _url(query: QueryDict) -> str:
        base = reverse("sessions:list")
        return f"{base}?{query.urlencode()}" if query else base


def without_blanks(query: QueryDict) -> QueryDict | None:
    """``query`` without its empty values (the filters form sends every field, chosen or not),
    or None when it has none, so a filtered list keeps a short address to share."""
    if all(value for _, values in query.lists() for value in values):
        return None
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if values := [value for value in values if value]:
            kept.setlist(name, values)
    return kept


def _date(value: str | None, name: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FilterError(400, f"“{name}” must be a date written like 2022-05-17.") from None
