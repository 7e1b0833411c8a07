from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.generic import DetailView, ListView

from sessions.models import Session

from .models import (
    Citation,
    Country,
    Document,
    FormerSlug,
    Organisation,
    Passage,
    Programme,
    SourceDocument,
    Tag,
)
from .paging import FriendlyPaginationMixin, LargeListPaginator, page_or_404
from .permalinks import FormerSlugRedirectMixin, redirect_from_former_slug
from .reading import reading_of
from .symbols import try_normalize_symbol

SESSIONS_PER_PAGE = 20
# Names listed on a record's page (its speakers, organisations) before "and N more".
NAMES_LISTED = 100


def paged_sessions(request, sessions) -> dict:
    """A record's sessions, twenty a page: the context a page listing them needs."""
    page = page_or_404(LargeListPaginator(sessions, SESSIONS_PER_PAGE), request)
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


class ThemeListView(FriendlyPaginationMixin, ListView):
    template_name = "topics/theme_list.html"
    context_object_name = "themes"
    paginate_by = 100

    def get_queryset(self):
        return Tag.objects.with_session_counts().order_by("-is_theme", "name")


def theme_detail(request, slug):
    tag = Tag.objects.prefetch_related(citations_prefetch()).filter(slug=slug).first()
    if tag is None:
        return redirect_from_former_slug(Tag, slug)
    sessions = Session.objects.tagged_with_all([tag]).for_listing().in_programme_order()
    page = page_or_404(LargeListPaginator(sessions, SESSIONS_PER_PAGE), request)
    documents = Document.objects.filter(tagged_items__tag=tag).select_related("issued_by")
    return render(
        request,
        "topics/theme_detail.html",
        {"tag": tag, "page_obj": page, "sessions": page.object_list, "documents": documents},
    )


class DocumentListView(FriendlyPaginationMixin, ListView):
    queryset = Document.objects.with_session_counts().select_related("issued_by")
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset()
        kind = self.request.GET.get("kind")
        return queryset.filter(kind=kind) if kind in Document.Kind.values else queryset


def document_detail(request, key):
    """A document's page lives at its normalised symbol; any written form redirects there."""
    documents = Document.objects.select_related("issued_by").prefetch_related(
        citations_prefetch(), "tags", "meetings"
    )
    document = documents.filter(normalized_symbol=key).first()
    if document is None:
        document = documents.filter(slug=key, normalized_symbol__isnull=True).first()
    if document is None:
        found = Document.objects.matching_symbol(key).first() or (
            Document.objects.filter(slug=key).first()
        )
        if found is None:
            found = FormerSlug.objects.find(Document, key)
        if found is None:
            normalized = try_normalize_symbol(key)
            shown = normalized or key[:80]
            return render(request, "topics/document_missing.html", {"key": shown}, status=404)
        return redirect(found, permanent=True)
    sessions = document.sessions.for_listing().in_programme_order()
    return render(
        request,
        "topics/document_detail.html",
        {"document": document, **paged_sessions(request, sessions)},
    )


class OrganisationListView(FriendlyPaginationMixin, ListView):
    queryset = Organisation.objects.with_session_counts().select_related("country")
    paginate_by = 50


class OrganisationDetailView(FormerSlugRedirectMixin, DetailView):
    queryset = Organisation.objects.select_related("country", "parent").prefetch_related(
        "children", "documents", "programmes", citations_prefetch()
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        sessions = Session.objects.involving(organisation).for_listing().in_programme_order()
        context.update(paged_sessions(self.request, sessions))
        context["speakers"] = first_names_of(organisation.speakers.all())
        context["noted_count"] = organisation.noted_sessions.count()
        context["document_groups"] = organisation.documents.all().grouped_by_kind()
        return context


class CountryListView(FriendlyPaginationMixin, ListView):
    queryset = Country.objects.with_session_counts()
    paginate_by = 100

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.filter(ccpcj_member=True) if self.request.GET.get("member") else queryset


class CountryDetailView(FormerSlugRedirectMixin, DetailView):
    queryset = Country.objects.prefetch_related("meetings", citations_prefetch())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = self.object.sessions.for_listing().in_programme_order()
        context.update(paged_sessions(self.request, sessions))
        context["speakers"] = first_names_of(self.object.speakers.all())
        context["organisations"] = first_names_of(self.object.organisations.all())
        return context


class SourceListView(ListView):
    model = SourceDocument


class SourceDetailView(DetailView):
    """The document as a reader expects it: headings, numbered paragraphs, lists and notes,
    each with its own address, and beside each the records citing it."""

    model = SourceDocument

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reading"] = reading_of(self.object)
        return context


class ProgrammeListView(FriendlyPaginationMixin, ListView):
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
        return context
