"""The lists of sessions the site's pages show, as a feed or a calendar takes them away: what a
list is called, the page showing it, the addresses of its feed and its calendar, and its
sessions (most recent first).

Lists of one theme, speaker, organisation, country, meeting or document are the session list
filtered by it (``SessionFilters``), so a speaker's feed holds what ``/sessions/?speaker=…``
lists, and its calendar is that filtered list's.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict
from django.http.request import split_domain_port
from django.urls import reverse

from topics.models import Country, Document, Organisation, Programme, Tag

from .filters import RECORD_FACETS, SessionFilters
from .models import Meeting, Session, Speaker


@dataclass(frozen=True)
class Site:
    """The site as a request reaches it: the start of absolute addresses, and the host name
    that feed entry ids and calendar event ids are made under."""

    url: str
    authority: str

    @classmethod
    def of(cls, request) -> "Site":
        host = request.get_host()
        scheme = "https" if request.is_secure() else "http"
        return cls(f"{scheme}://{host}", split_domain_port(host)[0] or "localhost")

    def absolute(self, path: str) -> str:
        return f"{self.url}{path}"


@dataclass
class Listing:
    title: str
    page_url: str
    feed_url: str
    calendar_url: str = ""
    # Most recent first. None for a search, whose results the search itself ranks.
    sessions: QuerySet | None = None


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def filtered(filters: SessionFilters) -> Listing:
    """The session list as ``filters`` (read from its address) narrow it."""
    query = filters.page_query()
    title = "Sessions"
    if filters.active:
        title += f" ({'; '.join(chip.label for chip in filters.chips())})"
    return Listing(
        title,
        _with_query(reverse("sessions:list"), query),
        _with_query(reverse("sessions:feed"), query),
        _with_query(reverse("sessions:calendar"), query),
        filters.apply(Session.objects.all()).most_recent(),
    )


def latest() -> Listing:
    """Every session, the most recent first: the site's own feed."""
    return Listing(
        "Latest sessions",
        reverse("sessions:home"),
        reverse("sessions:latest-feed"),
        reverse("sessions:calendar"),
        Session.objects.most_recent(),
    )


def _of_record(record, title: str, feed_url: str, *, calendar_url: str = "") -> Listing:
    """The sessions of one record: the session list filtered by it."""
    name, key = next(
        (name, key) for name, _label, model, key in RECORD_FACETS if isinstance(record, model)
    )
    filters = SessionFilters(**{name: record})
    query = urlencode({name: key(record)})
    return Listing(
        title,
        record.get_absolute_url(),
        feed_url,
        calendar_url or _with_query(reverse("sessions:calendar"), query),
        filters.apply(Session.objects.all()).most_recent(),
    )


def of_theme(tag: Tag) -> Listing:
    title = f"Sessions on {tag.name}" if tag.is_theme else f"Sessions tagged “{tag.name}”"
    return Listing(
        title,
        tag.get_absolute_url(),
        reverse("topics:theme-feed", args=[tag.slug]),
        _with_query(reverse("sessions:calendar"), urlencode({"tag": tag.slug})),
        SessionFilters(tags=[tag]).apply(Session.objects.all()).most_recent(),
    )


def of_meeting(meeting: Meeting) -> Listing:
    return _of_record(
        meeting,
        f"Programme: {meeting.name}",
        reverse("sessions:meeting-feed", args=[meeting.slug]),
        calendar_url=reverse("sessions:meeting-calendar", args=[meeting.slug]),
    )


def of_speaker(speaker: Speaker) -> Listing:
    return _of_record(
        speaker,
        f"Sessions with {speaker}",
        reverse("sessions:speaker-feed", args=[speaker.slug]),
    )


def of_organisation(organisation: Organisation) -> Listing:
    return _of_record(
        organisation,
        f"Sessions involving {organisation}",
        reverse("topics:organisation-feed", args=[organisation.slug]),
    )


def of_country(country: Country) -> Listing:
    return _of_record(
        country,
        f"Sessions mentioning {country}",
        reverse("topics:country-feed", args=[country.slug]),
    )


def of_document(document: Document) -> Listing:
    return _of_record(
        document,
        f"Sessions citing {document}",
        reverse("topics:document-feed", args=[document.normalized_symbol or document.slug]),
    )


def of_programme(programme: Programme) -> Listing:
    """A programme is no filter of the session list: its feed lists the sessions naming it,
    and it has no calendar of its own."""
    return Listing(
        f"Sessions naming {programme}",
        programme.get_absolute_url(),
        reverse("topics:programme-feed", args=[programme.slug]),
        sessions=programme.sessions.most_recent(),
    )


def searched(query: str, params: QueryDict) -> Listing:
    """The sessions a search finds: ``query`` as typed, narrowed as ``params`` say (the
    kind and page of the results page are left out)."""
    kept = {
        name: value
        for name in ("q", "meeting", "theme", "from", "to")
        if (value := (query if name == "q" else params.get(name, "")).strip())
    }
    encoded = urlencode(kept)
    return Listing(
        f"Sessions matching “{query.strip()}”",
        _with_query(reverse("sessions:search"), urlencode({**kept, "kind": "session"})),
        _with_query(reverse("sessions:search-feed"), encoded),
    )
