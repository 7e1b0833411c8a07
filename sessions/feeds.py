"""Atom feeds of every list of sessions the site shows: all sessions, any filtered session list,
each theme, tag, speaker, organisation, country, meeting, document and programme, and a search.

An entry is a session: its title, date and time on its meeting's clock, its meeting, its themes
and tags as categories, its notes as plain text, and its permalink. Entry ids are tag: URIs made
from the session's database id, so renaming a session's address never makes it a new entry;
``updated`` is when the session last changed.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from topics.models import Country, Document, FormerSlug, Organisation, Programme, Tag
from topics.search.engine import Narrowing, search
from topics.search.language import plain_text
from topics.search.models import SearchEntry
from topics.search.query import QueryError, parse_query

from . import listings
from .filters import DAY_FORMAT, FilterError, SessionFilters
from .listings import Listing, Site
from .models import Meeting, Session, Speaker

SITE_NAME = "CCPCJ knowledge base"
FEED_LENGTH = 50
SUMMARY_WORDS = 120
# RFC 4151 tag URIs carry a date on which the publisher held the name; any date will do, as
# long as it never changes, for the ids must not.
TAG_DATE = "2022"


class SessionAtomFeed(Atom1Feed):
    """Atom with plain-text summaries (Django's marks every summary as HTML, so a "<" in the
    notes would be read as markup) and categories that carry a label and a scheme."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None, "categories": ()})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
        for category in item["labelled_categories"]:
            handler.addQuickElement("category", "", category)


def entry_id(session: Session, authority: str) -> str:
    return f"tag:{authority},{TAG_DATE}:session:{session.pk}"


def when(session: Session) -> str:
    """The day, and the times on the meeting's clock: "Tuesday 17 May 2022, 16:40 Vienna
    time (UTC+2)"."""
    if session.date is None:
        return "Date not given"
    day = format_date(session.date, DAY_FORMAT)
    return f"{day}, {session.local_times}" if session.start_time else day


def summary(session: Session) -> str:
    """When, what and where in one line, then the notes as plain text, shortened."""
    heading = f"{when(session)} · {session.get_kind_display()} · {session.meeting.name}"
    if not session.has_notes or not session.notes:
        return f"{heading}\n\nNo notes were taken at this session."
    notes = Truncator(plain_text(session.notes_html)).words(SUMMARY_WORDS)
    return f"{heading}\n\n{notes}"


class Moved(Exception):
    """The record is now known by another address: its feed moved too."""

    def __init__(self, url: str):
        self.url = url


@dataclass
class Subscription:
    """One request for a feed: the list and its entries, with absolute addresses."""

    listing: Listing
    site: Site
    sessions: list[Session] = field(default_factory=list)

    @classmethod
    def of(cls, listing: Listing, request, sessions=None) -> "Subscription":
        site = Site.of(request)
        if sessions is None:
            sessions = list(listing.sessions.for_syndication()[:FEED_LENGTH])
        scheme = site.absolute(reverse("topics:theme-list"))
        for session in sessions:
            session.entry_id = entry_id(session, site.authority)
            session.entry_categories = [
                {"term": tagging.tag.slug, "label": tagging.tag.name, "scheme": scheme}
                for tagging in session.tagging_list
            ]
        return cls(listing, site, sessions)


class SessionsFeed(Feed):
    """The feed of one list of sessions; subclasses say which (``listing``)."""

    feed_type = SessionAtomFeed
    language = "en"
    author_name = SITE_NAME
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except FilterError as error:
            return render(
                request,
                "sessions/filter_error.html",
                {"message": error.message},
                status=error.status,
            )
        except QueryError as error:
            return render(request, "400.html", {"exception": str(error)}, status=400)
        except Moved as moved:
            return HttpResponsePermanentRedirect(moved.url)

    def listing(self, request, **kwargs) -> Listing:
        raise NotImplementedError

    def get_object(self, request, **kwargs) -> Subscription:
        return Subscription.of(self.listing(request, **kwargs), request)

    def title(self, feed: Subscription) -> str:
        return f"{feed.listing.title} · {SITE_NAME}"

    def subtitle(self, feed: Subscription) -> str:
        return (
            "Sessions of the UN Commission on Crime Prevention and Criminal Justice and related "
            f"meetings, the {FEED_LENGTH} most recent of this list, from the notes taken there."
        )

    def link(self, feed: Subscription) -> str:
        return feed.listing.page_url

    def feed_url(self, feed: Subscription) -> str:
        return feed.listing.feed_url

    def author_link(self, feed: Subscription) -> str:
        return feed.site.absolute(reverse("sessions:home"))

    def items(self, feed: Subscription) -> list[Session]:
        return feed.sessions

    def item_title(self, session: Session) -> str:
        return session.title

    def item_description(self, session: Session) -> str:
        return summary(session)

    def item_updateddate(self, session: Session):
        return session.updated_at

    def item_guid(self, session: Session) -> str:
        return session.entry_id

    def item_extra_kwargs(self, session: Session) -> dict:
        return {"labelled_categories": session.entry_categories}


class LatestFeed(SessionsFeed):
    def listing(self, request, **kwargs) -> Listing:
        return listings.latest()


class FilteredFeed(SessionsFeed):
    """``/sessions/feed/?…`` lists what ``/sessions/?…`` lists; a filter the list refuses, the
    feed refuses alike."""

    def listing(self, request, **kwargs) -> Listing:
        return listings.filtered(SessionFilters.from_query(request.GET))


class RecordFeed(SessionsFeed):
    """The feed of one record found by its slug; a former slug's feed redirects to the
    record's current one."""

    model = None
    listing_of = None

    def listing(self, request, *, slug: str) -> Listing:
        record = self.model._default_manager.filter(slug=slug).first()
        if record is None:
            former = FormerSlug.objects.find(self.model, slug)
            if former is None:
                raise Http404(f"No {self.model._meta.verbose_name} is known as “{slug}”.")
            raise Moved(self.listing_of(former).feed_url)
        return self.listing_of(record)


class ThemeFeed(RecordFeed):
    model = Tag
    listing_of = staticmethod(listings.of_theme)


class MeetingFeed(RecordFeed):
    model = Meeting
    listing_of = staticmethod(listings.of_meeting)


class SpeakerFeed(RecordFeed):
    model = Speaker
    listing_of = staticmethod(listings.of_speaker)


class OrganisationFeed(RecordFeed):
    model = Organisation
    listing_of = staticmethod(listings.of_organisation)


class CountryFeed(RecordFeed):
    model = Country
    listing_of = staticmethod(listings.of_country)


class ProgrammeFeed(RecordFeed):
    model = Programme
    listing_of = staticmethod(listings.of_programme)


class DocumentFeed(SessionsFeed):
    """At the document's normalised symbol, as its page is; any other written form of the
    symbol, or a former slug, redirects there."""

    def listing(self, request, *, key: str) -> Listing:
        document = Document.objects.filter(normalized_symbol=key).first()
        if document is None:
            document = Document.objects.filter(slug=key, normalized_symbol__isnull=True).first()
        if document is not None:
            return listings.of_document(document)
        found = (
            Document.objects.matching_symbol(key).first()
            or Document.objects.filter(slug=key).first()
            or FormerSlug.objects.find(Document, key)
        )
        if found is None:
            raise Http404(f"No resolution or document “{key[:80]}” is in the knowledge base.")
        raise Moved(listings.of_document(found).feed_url)


class SearchFeed(SessionsFeed):
    """The sessions a search finds, best match first, as the results page ranks them."""

    def get_object(self, request, **kwargs) -> Subscription:
        query = parse_query(request.GET.get("q", ""))
        narrowing = Narrowing.from_query(request.GET)
        if not query:
            raise QueryError("Say what to search for, for example /search/feed/?q=femicide.")
        narrowing.kind, narrowing.page = SearchEntry.Kind.SESSION, 1
        # Feeds are read without signing in: they hold what anyone may read.
        outcome = search(query, narrowing, AnonymousUser())
        ranked = [hit.record.pk for group in outcome.groups for hit in group.hits]
        found = Session.objects.for_syndication().in_bulk(ranked)
        sessions = [found[pk] for pk in ranked if pk in found]
        listing = listings.searched(request.GET.get("q", ""), request.GET)
        return Subscription.of(listing, request, sessions)
