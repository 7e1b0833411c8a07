"""The session list's filters, read from the query string.

Several themes narrow the list: a session must carry every theme asked for (AND). A filter that
names nothing known, or a malformed value, is an error shown to the user, never ignored.
"""

import datetime
from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse

from topics.models import Country, Document, Organisation, Tag

from .models import Meeting, Speaker

SINGLE_VALUED = (
    "meeting",
    "speaker",
    "organisation",
    "country",
    "resolution",
    "from",
    "to",
    "sort",
)
KNOWN_PARAMETERS = {"tag", "page", *SINGLE_VALUED}
SORTS = {"date": "Oldest first", "-date": "Newest first"}
MAX_TAGS = 10
MAX_VALUE_LENGTH = 120


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
class SessionFilters:
    tags: list = field(default_factory=list)
    meeting: Meeting | None = None
    speaker: Speaker | None = None
    organisation: Organisation | None = None
    country: Country | None = None
    resolution: Document | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "date"
    query: QueryDict = field(default_factory=QueryDict)

    @classmethod
    def from_query(cls, query: QueryDict) -> "SessionFilters":
        unknown = sorted(set(query) - KNOWN_PARAMETERS)
        if unknown:
            raise FilterError(400, f"“{unknown[0][:MAX_VALUE_LENGTH]}” is not a session filter.")
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

        filters.date_from = _date(query.get("from"), "from")
        filters.date_to = _date(query.get("to"), "to")
        if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
            raise FilterError(400, "The “to” date is before the “from” date.")
        sort = query.get("sort") or "date"
        if sort not in SORTS:
            raise FilterError(400, "Sort by “date” (oldest first) or “-date” (newest first).")
        filters.sort = sort
        return filters

    def apply(self, sessions):
        sessions = sessions.tagged_with_all(self.tags)
        if self.meeting:
            sessions = sessions.filter(meeting=self.meeting)
        if self.organisation:
            sessions = sessions.filter(organisations=self.organisation)
        if self.country:
            sessions = sessions.filter(countries=self.country)
        if self.speaker:
            sessions = sessions.filter(appearances__speaker=self.speaker)
        if self.resolution:
            sessions = sessions.filter(documents=self.resolution)
        if self.date_from:
            sessions = sessions.filter(date__gte=self.date_from)
        if self.date_to:
            sessions = sessions.filter(date__lte=self.date_to)
        # Undated sessions come last either way.
        return sessions.most_recent() if self.sort == "-date" else sessions.in_programme_order()

    @property
    def active(self) -> bool:
        return bool(self.chips())

    def chips(self) -> list[Chip]:
        chips = [Chip(f"Theme: {tag.name}", self.url_without("tag", tag.slug)) for tag in self.tags]
        labelled = [
            ("meeting", "Meeting"),
            ("speaker", "Speaker"),
            ("organisation", "Organisation"),
            ("country", "Country"),
            ("resolution", "Resolution"),
        ]
        for name, label in labelled:
            value = getattr(self, name)
            if value is not None:
                chips.append(Chip(f"{label}: {value}", self.url_without(name)))
        if self.date_from:
            chips.append(Chip(f"From {self.date_from:%d %b %Y}", self.url_without("from")))
        if self.date_to:
            chips.append(Chip(f"To {self.date_to:%d %b %Y}", self.url_without("to")))
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


def _date(value: str | None, name: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FilterError(400, f"“{name}” must be a date written like 2022-05-17.") from None
