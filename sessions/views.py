from django.contrib import messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Prefetch, Value
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import DetailView, ListView

from topics.models import Country, Document, Organisation, Programme, SourceDocument, Tag
from topics.paging import FriendlyPaginationMixin, LargeListPaginator, page_or_404
from topics.permalinks import FormerSlugRedirectMixin
from topics.search.engine import Narrowing, PageError, SearchLinks
from topics.search.engine import search as run_search
from topics.search.query import MAX_QUERY_LENGTH, QueryError, parse_query
from topics.services import TaggingError, tag_record, untag_record
from topics.views import citations_prefetch

from .filters import SORTS, FilterError, SessionFilters, without_blanks
from .forms import AnnotationForm, TagForm
from .models import Annotation, Appearance, Meeting, Session, Speaker, taggings_prefetch
from .programme import mark_parallel, neighbours, programme_days
from .roles import (
    ADD_ANNOTATION,
    ADD_TAGGING,
    CHANGE_ANNOTATION,
    DELETE_ANNOTATION,
    REMOVE_TAGGING,
)

SESSIONS_PER_PAGE = 20
# Past this many sessions listed, the filters' choices count the newest this many only.
FACET_SESSIONS = 10_000


# The most recent meetings the home page lists; the meetings page lists them all.
HOME_MEETINGS = 20

# What the home page counts: label, records, and the index listing them.
HOME_COUNTS = [
    ("meetings", Meeting, "sessions:meeting-list"),
    ("sessions", Session, "sessions:list"),
    ("speakers", Speaker, "sessions:speaker-list"),
    ("organisations", Organisation, "topics:organisation-list"),
    ("resolutions and documents", Document, "topics:document-list"),
    ("countries", Country, "topics:country-list"),
    ("programmes and initiatives", Programme, "topics:programme-list"),
    ("source documents", SourceDocument, "topics:source-list"),
]


def count_records(models) -> list[int]:
    """How many records each model holds, in one query (a UNION of one count per table)."""
    counts = [
        model.objects.order_by()
        .values(group=Value(position))
        .annotate(total=Count("pk"))
        .values_list("group", "total")
        for position, model in enumerate(models)
    ]
    totals = dict(counts[0].union(*counts[1:], all=True))
    return [totals.get(position, 0) for position in range(len(models))]


def home(request):
    totals = count_records([model for _label, model, _url in HOME_COUNTS])
    counts = [
        (label, total, url) for (label, _model, url), total in zip(HOME_COUNTS, totals, strict=True)
    ]
    return render(
        request,
        "home.html",
        {
            "counts": counts,
            "themes": Tag.objects.themes().with_session_counts(),
            "meetings": Meeting.objects.with_programme().with_session_counts()[:HOME_MEETINGS],
            "recent_sessions": Session.objects.for_listing().most_recent()[:6],
        },
    )


def session_list(request):
    blank_free = without_blanks(request.GET)
    if blank_free is not None:
        # The filters form sends every field; keep the address to the filters chosen.
        return redirect(f"{request.path}?{blank_free.urlencode()}" if blank_free else request.path)
    try:
        filters = SessionFilters.from_query(request.GET)
    except FilterError as error:
        return render(
            request,
            "sessions/filter_error.html",
            {"message": error.message},
            status=error.status,
        )
    sessions = filters.apply(Session.objects.all())
    page = page_or_404(LargeListPaginator(sessions.for_listing(), SESSIONS_PER_PAGE), request)
    listed = list(page.object_list)
    mark_parallel(listed, list(Session.objects.sharing_days_with(listed)))
    for session in listed:
        for tagging in session.tagging_list:
            tagging.filter_url = filters.url_with_tag(tagging.tag.slug)
    newest = FACET_SESSIONS if page.paginator.count > FACET_SESSIONS else None
    return render(
        request,
        "sessions/session_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "sessions": listed,
            "tag_facets": [
                (tag, filters.url_with_tag(tag.slug))
                for tag in Tag.objects.counted_within(
                    filters.counted(Session.objects.all(), newest=newest)
                )
            ],
            "facets": filters.facets(Session.objects.all(), newest=newest),
            "facets_counted_among": newest,
            "sorts": [(key, label, filters.url_with_sort(key)) for key, label in SORTS.items()],
        },
    )


class SessionDetailView(FormerSlugRedirectMixin, DetailView):
    template_name = "sessions/session_detail.html"
    queryset = Session.objects.select_related(
        "meeting", "note_taker_organisation"
    ).prefetch_related(
        taggings_prefetch(),
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("speaker__organisation", "speaker__country"),
        ),
        "organisations",
        "documents",
        "countries",
        citations_prefetch(),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        around = neighbours(
            self.object,
            list(
                self.object.meeting.sessions.in_programme_order().only(
                    "meeting", "slug", "title", "date", "start_time", "end_time"
                )
            ),
        )
        context["parallel_sessions"] = around.parallel
        context["previous_session"] = around.previous
        context["next_session"] = around.next
        user = self.request.user
        context["taggings"] = [
            (tagging, tagging.can_be_removed_by(user)) for tagging in self.object.tagging_list
        ]
        context["annotations"] = [
            (annotation, annotation.can_be_changed_by(user))
            for annotation in self.object.annotations.visible_to(user)
        ]
        if user.has_perm(ADD_TAGGING):
            context["tag_form"] = TagForm()
            context["tag_suggestions"] = Tag.objects.most_used()[:200]
        if user.has_perm(ADD_ANNOTATION):
            context["annotation_form"] = AnnotationForm()
        return context


class MeetingListView(FriendlyPaginationMixin, ListView):
    template_name = "sessions/meeting_list.html"
    queryset = Meeting.objects.with_programme().with_session_counts().select_related("country")
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mentioned_meetings"] = Meeting.objects.mentioned_only().order_by("name")
        return context


class MeetingDetailView(FormerSlugRedirectMixin, DetailView):
    template_name = "sessions/meeting_detail.html"
    queryset = Meeting.objects.select_related("country").prefetch_related(
        "documents", citations_prefetch()
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = list(self.object.sessions.for_listing().in_programme_order())
        context["programme"] = programme_days(sessions)
        return context


class SpeakerListView(FriendlyPaginationMixin, ListView):
    template_name = "sessions/speaker_list.html"
    queryset = Speaker.objects.for_listing()
    paginate_by = 50


class SpeakerDetailView(FormerSlugRedirectMixin, DetailView):
    template_name = "sessions/speaker_detail.html"
    queryset = Speaker.objects.select_related("organisation", "country").prefetch_related(
        citations_prefetch()
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        appearances = self.object.appearances.select_related("session__meeting").order_by(
            "session__date", "session__start_time", "pk"
        )
        page = page_or_404(LargeListPaginator(appearances, SESSIONS_PER_PAGE), self.request)
        context.update(page_obj=page, appearances=page.object_list)
        return context


# Meetings the search's meeting filter offers: the most recent ones, by name.
MEETINGS_OFFERED = 100


def meetings_offered(chosen: Meeting | None) -> list[Meeting]:
    """The most recent meetings (there may be thousands), and the one chosen, by name."""
    recent = Meeting.objects.with_programme().order_by(
        F("start_date").desc(nulls_last=True), "name"
    )
    meetings = list(recent.only("slug", "name", "start_date")[:MEETINGS_OFFERED])
    if chosen is not None and chosen not in meetings:
        meetings.append(chosen)
    return sorted(meetings, key=lambda meeting: meeting.name)


def search(request):
    """Every kind of record, by words, "phrases" and document symbols, narrowed by kind,
    meeting, theme and dates; the query and the filters live in the address."""
    raw = request.GET.get("q", "")
    context = {"query": raw[:MAX_QUERY_LENGTH]}
    try:
        query = parse_query(raw)
        narrowing = Narrowing.from_query(request.GET)
    except QueryError as error:
        context["error"] = str(error)
        return render(request, "search.html", context, status=400)
    context.update(
        narrowing=narrowing,
        meetings=meetings_offered(narrowing.meeting),
        themes=Tag.objects.themes().only("slug", "name"),
    )
    if not query:
        context["too_common"] = bool(query.sequence)
        return render(request, "search.html", context)
    try:
        outcome = run_search(query, narrowing, request.user)
    except PageError as error:
        context["error"] = str(error)
        return render(request, "search.html", context, status=404)
    context.update(outcome=outcome, total=outcome.total, links=SearchLinks(request.GET, outcome))
    return render(request, "search.html", context)


@require_POST
@login_required
@permission_required(ADD_TAGGING, raise_exception=True)
def add_tag(request, slug):
    session = get_object_or_404(Session, slug=slug)
    form = TagForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["name"]))
        return redirect(f"{session.get_absolute_url()}#tags")
    try:
        tagging, created = tag_record(
            record=session, name=form.cleaned_data["name"], user=request.user
        )
    except TaggingError as error:
        messages.error(request, str(error))
        return redirect(f"{session.get_absolute_url()}#tags")
    if created:
        messages.success(request, f"Tagged “{tagging.tag.name}”.")
    else:
        messages.info(request, f"This session already carries “{tagging.tag.name}”.")
    return redirect(f"{session.get_absolute_url()}#tags")


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(REMOVE_TAGGING, raise_exception=True)
def remove_tag(request, slug, tag_slug):
    """Asks first (a page with a form, so it works without JavaScript), then removes."""
    session = get_object_or_404(Session, slug=slug)
    tagging = get_object_or_404(session.tagged_items.select_related("tag"), tag__slug=tag_slug)
    if not tagging.can_be_removed_by(request.user):
        raise PermissionDenied("You can only remove tags you added.")
    if request.method == "GET":
        return render(
            request, "sessions/tag_confirm_remove.html", {"session": session, "tagging": tagging}
        )
    tagging.content_object = session
    untag_record(tagging=tagging, user=request.user)
    messages.success(request, f"Removed the tag “{tagging.tag.name}”.")
    return redirect(f"{session.get_absolute_url()}#tags")


@require_POST
@login_required
@permission_required(ADD_ANNOTATION, raise_exception=True)
def add_annotation(request, slug):
    session = get_object_or_404(Session, slug=slug)
    form = AnnotationForm(request.POST)
    if form.is_valid():
        annotation = form.save(commit=False)
        annotation.session = session
        annotation.author = request.user
        annotation.save()
        messages.success(request, "Annotation saved.")
        return redirect(annotation)
    return render(
        request,
        "sessions/annotation_form.html",
        {"form": form, "session": session},
        status=400,
    )


def own_annotation(request, pk) -> Annotation:
    """The annotation, if it is the user's to change: someone else's private annotation is not
    found, someone else's shared one is forbidden."""
    annotation = get_object_or_404(
        Annotation.objects.visible_to(request.user).select_related("session"), pk=pk
    )
    if not annotation.can_be_changed_by(request.user):
        raise PermissionDenied("You can only change your own annotations.")
    return annotation


@login_required
@permission_required(CHANGE_ANNOTATION, raise_exception=True)
def edit_annotation(request, pk):
    annotation = own_annotation(request, pk)
    form = AnnotationForm(request.POST or None, instance=annotation)
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            form.save()
            messages.success(request, "Annotation updated.")
        return redirect(annotation)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "sessions/annotation_form.html",
        {"form": form, "session": annotation.session, "annotation": annotation},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(DELETE_ANNOTATION, raise_exception=True)
def delete_annotation(request, pk):
    """Asks first, then deletes; the admin's log keeps who deleted which annotation, and when."""
    annotation = own_annotation(request, pk)
    if request.method == "GET":
        return render(
            request,
            "sessions/annotation_confirm_delete.html",
            {"session": annotation.session, "annotation": annotation},
        )
    with transaction.atomic():
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[annotation],
            action_flag=DELETION,
            change_message="Deleted on the site.",
        )
        annotation.delete()
    messages.success(request, "Annotation deleted.")
    return redirect(f"{annotation.session.get_absolute_url()}#annotations")
