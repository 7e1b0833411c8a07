from django.contrib.sitemaps import views as sitemaps_views
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import DetailView, ListView

from sessions import exports, listings
from sessions.exports import ExportableListMixin
from sessions.models import Session

from .models import (
    COMMISSION,
    Citation,
    Country,
    Document,
    Membership,
    Mention,
    Organisation,
    Passage,
    Programme,
    SourceDocument,
    Tag,
)
from .paging import FriendlyPaginationMixin, LargeListPaginator, page_or_404
from .permalinks import FormerSlugRedirectMixin, redirect_from_former_slug
from .reading import reading_of
from .sitemaps import SITEMAPS
from .symbols import try_normalize_symbol
from .timeline import timeline_of
from .voices import COUNTED_SESSIONS, actors_on, counted_sessions_label, statements_of

SESSIONS_PER_PAGE = 20
# Names listed on a record's page (its speakers, organisations) before "and N more".
NAMES_LISTED = 100


def paged_sessions(request, sessions, *, when_large=None) -> dict:
    """A record's sessions, twenty a page: the context a page listing them needs
    (``when_large``: see LargeListPaginator)."""
    paginator = LargeListPaginator(sessions, SESSIONS_PER_PAGE, when_large=when_large)
    page = page_or_404(paginator, request)
    return {"page_obj": page, "sessions": page.object_list}


def first_names_of(records) -> dict:
    """The first NAMES_LISTED of ``records`` (by name), and how many there are in all."""
    listed = list(records.order_by("name")[: NAMES_LISTED + 1])
    if len(listed) <= NAMES_LISTED:
        return {"listed": listed, "total": len(listed)}
    return {"listed": listed[:NAMES_LISTED], "total": records.count()}


def citations_prefetch():
    """A record's citations with their sources and the passages they name: its Sources
    section links to each passage."""
    passages = Passage.objects.select_related("source").order_by("position")
    return Prefetch(
        "citations",
        queryset=Citation.objects.select_related("source").prefetch_related(
            Prefetch("passages", queryset=passages)
        ),
    )


class ThemeListView(ExportableListMixin, FriendlyPaginationMixin, ListView):
    template_name = "topics/theme_list.html"
    export_table = exports.THEMES
    context_object_name = "themes"
    paginate_by = 100

    def get_queryset(self):
        return Tag.objects.with_session_counts_up_to(LargeListPaginator.EXACT_UP_TO).order_by(
            "-is_theme", "name"
        )

    def get_export_queryset(self):
        return Tag.objects.with_session_counts().order_by("-is_theme", "name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(counted_up_to=LargeListPaginator.EXACT_UP_TO, **kwargs)


def theme_detail(request, slug):
    tag = Tag.objects.prefetch_related(citations_prefetch()).filter(slug=slug).first()
    if tag is None:
        return redirect_from_former_slug(Tag, slug)
    tagged = Session.objects.tagged_with_all([tag])
    sessions = tagged.for_listing().by_meeting_newest_first()
    page = page_or_404(LargeListPaginator(sessions, SESSIONS_PER_PAGE), request)
    documents = Document.objects.filter(tagged_items__tag=tag).prefetch_related("issued_by")
    countries, organisations = actors_on(tagged)
    return render(
        request,
        "topics/theme_detail.html",
        {
            "tag": tag,
            "page_obj": page,
            "sessions": page.object_list,
            "documents": documents,
            "follow": listings.of_theme(tag),
            "active_countries": countries,
            "active_organisations": organisations,
            "actors_counted": (
                counted_sessions_label() if page.paginator.count > COUNTED_SESSIONS else None
            ),
            "timeline": timeline_of(
                tagged,
                among=Session.objects.all(),
                url_for_meeting=session_list_url(tag=tag.slug),
            ),
        },
    )


def session_list_url(**filters):
    """A function giving the session list's address for ``filters`` and one meeting."""
    return lambda meeting: (
        f"{reverse('sessions:list')}?{urlencode({**filters, 'meeting': meeting})}"
    )


class DocumentListView(ExportableListMixin, FriendlyPaginationMixin, ListView):
    export_table = exports.DOCUMENTS
    queryset = Document.objects.with_session_counts().prefetch_related("issued_by")
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset()
        kind = self.request.GET.get("kind")
        return queryset.filter(kind=kind) if kind in Document.Kind.values else queryset


def document_detail(request, key):
    """A document's page lives at its normalised symbol; any written form redirects there."""
    documents = Document.objects.prefetch_related(
        "issued_by", citations_prefetch(), "tags", "meetings"
    )
    document = documents.at_address(key)
    if document is None:
        found = Document.objects.known_as(key)
        if found is None:
            normalized = try_normalize_symbol(key)
            shown = normalized or key[:80]
            return render(request, "topics/document_missing.html", {"key": shown}, status=404)
        return redirect(found, permanent=True)
    sessions = document.sessions.for_listing().in_programme_order()
    return render(
        request,
        "topics/document_detail.html",
        {
            "document": document,
            "mentions": Mention.objects.summary_of(document),
            "related_documents": Document.objects.related_to(document),
            "follow": listings.of_document(document),
            **paged_sessions(request, sessions),
        },
    )


class OrganisationListView(ExportableListMixin, FriendlyPaginationMixin, ListView):
    export_table = exports.ORGANISATIONS
    queryset = Organisation.objects.with_session_counts().select_related("country")
    paginate_by = 50


class OrganisationDetailView(FormerSlugRedirectMixin, DetailView):
    queryset = Organisation.objects.select_related("country", "parent").prefetch_related(
        "children", "documents", "programmes", citations_prefetch()
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        involving = Session.objects.involving(organisation)
        context.update(
            paged_sessions(
                self.request,
                involving.for_listing().by_meeting_newest_first(),
                when_large=Session.objects.involving(organisation, many=True)
                .for_listing()
                .by_meeting_newest_first(),
            )
        )
        context["speakers"] = first_names_of(organisation.speakers.all())
        context["timeline"] = timeline_of(
            involving,
            among=Session.objects.all(),
            url_for_meeting=session_list_url(organisation=organisation.slug),
        )
        context["noted_count"] = organisation.noted_sessions.count()
        context["statements"] = statements_of(
            organisation,
            speakers=organisation.speakers.all(),
            named_in=Session.objects.ids_involving(organisation),
        )
        context["statements_filter"] = urlencode({"organisation": organisation.slug})
        context["document_groups"] = organisation.documents.all().grouped_by_kind()
        context["mentions"] = Mention.objects.summary_of(organisation)
        context["members"] = (
            Membership.objects.latest_listing(organisation.slug)
            .select_related("country", "source")
            .order_by("country__name")
        )
        context["follow"] = listings.of_organisation(organisation)
        return context


class CountryListView(ExportableListMixin, FriendlyPaginationMixin, ListView):
    export_table = exports.COUNTRIES
    paginate_by = 100

    def get_queryset(self):
        return self.of_listing(
            Country.objects.with_session_counts_up_to(LargeListPaginator.EXACT_UP_TO)
        )

    def get_export_queryset(self):
        return self.of_listing(Country.objects.with_session_counts())

    def of_listing(self, countries):
        """The countries listed: every one, or the Commission's members only."""
        countries = countries.with_membership()
        return countries.members_of() if self.request.GET.get("member") else countries

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counted_up_to"] = LargeListPaginator.EXACT_UP_TO
        context["listing"] = (
            Membership.objects.latest_listing(COMMISSION).select_related("source").first()
        )
        return context


class CountryDetailView(FormerSlugRedirectMixin, DetailView):
    queryset = Country.objects.prefetch_related(
        "meetings",
        citations_prefetch(),
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("body", "source")
            .prefetch_related(citations_prefetch())
            .order_by(F("as_of").desc(nulls_last=True), "body__name"),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.object
        sessions = country.sessions.for_listing().by_meeting_newest_first()
        context.update(paged_sessions(self.request, sessions))
        context["speakers"] = first_names_of(country.speakers.all())
        context["organisations"] = first_names_of(country.organisations.all())
        context["timeline"] = timeline_of(
            country.sessions.all(),
            among=Session.objects.all(),
            url_for_meeting=session_list_url(country=country.slug),
        )
        context["mentions"] = Mention.objects.summary_of(country)
        named = Session.countries.through.objects.filter(country=country)
        context["statements"] = statements_of(
            country,
            speakers=country.speakers.all(),
            named_in=[named.values_list("session", flat=True)],
        )
        context["statements_filter"] = urlencode({"country": country.slug})
        context["follow"] = listings.of_country(self.object)
        return context


class SourceListView(ExportableListMixin, ListView):
    model = SourceDocument
    export_table = exports.SOURCES


class SourceDetailView(DetailView):
    """The document as a reader expects it: headings, numbered paragraphs, lists and notes,
    each with its own address, and beside each the records citing it. ``?cite=para-13``
    suggests a citation of that passage instead of the whole document."""

    model = SourceDocument

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reading"] = reading_of(self.object)
        anchor = self.request.GET.get("cite")
        if anchor:
            passage = self.object.passages.filter(anchor=anchor[:60]).first()
            if passage is None:
                raise Http404(f"This document has no passage “{anchor[:60]}” to cite.")
            passage.source = self.object
            context["cited_passage"] = passage
        return context


class ProgrammeListView(ExportableListMixin, FriendlyPaginationMixin, ListView):
    export_table = exports.PROGRAMMES
    queryset = Programme.objects.for_listing()
    paginate_by = 50


class ProgrammeDetailView(FormerSlugRedirectMixin, DetailView):
    queryset = Programme.objects.prefetch_related(
        "organisations",
        Prefetch("documents", queryset=Document.objects.order_by("normalized_symbol", "title")),
        citations_prefetch(),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = self.object.sessions.for_listing().in_programme_order()
        context.update(paged_sessions(self.request, sessions))
        context["follow"] = listings.of_programme(self.object)
        return context


def sitemap_index(request):
    """The sitemaps of every kind of public page, and their pages, for search engines
    (django.contrib.sitemaps)."""
    return sitemaps_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")


def sitemap_section(request, section):
    """The public pages of one kind, 50,000 at most to a page (``?p=2`` and so on)."""
    return sitemaps_views.sitemap(request, SITEMAPS, section=section)


def robots_txt(request):
    """What crawlers may read: everything public, not the admin, the accounts pages or the
    addresses that change tags and annotations; and where the sitemap is."""
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
