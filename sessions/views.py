from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Prefetch, Value
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import DetailView, ListView

from topics.models import (
    Country,
    Document,
    FormerSlug,
    Mention,
    Organisation,
    Passage,
    Programme,
    SourceDocument,
    Tag,
)
from topics.paging import (
    FriendlyPaginationMixin,
    LargeListPaginator,
    page_or_404,
    table_estimates,
)
from topics.permalinks import FormerSlugRedirectMixin
from topics.search.engine import Narrowing, PageError, SearchLinks
from topics.search.engine import search as run_search
from topics.search.query import MAX_QUERY_LENGTH, QueryError, parse_query
from topics.services import TaggingError, tag_record, untag_record
from topics.timeline import timeline_of
from topics.views import citations_prefetch
from topics.voices import COUNTED_SESSIONS, counted_sessions_label

from . import exports, listings
from .calendars import CONTENT_TYPE, calendar_of
from .exports import ExportableListMixin, export_response, knowledge_base_download
from .filters import SORTS, FilterError, SessionFilters, without_blanks
from .fixtures import FixtureError
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
from .services import knowledge_base_files

SESSIONS_PER_PAGE = 20
# The lists that download as CSV and JSON, as the download page names them.
DOWNLOADABLE_LISTS = [
    ("Sessions", "sessions:export"),
    ("Meetings", "sessions:meeting-export"),
    ("Speakers", "sessions:speaker-export"),
    ("Themes and tags", "topics:theme-export"),
    ("Resolutions and documents", "topics:document-export"),
    ("Organisations", "topics:organisation-export"),
    ("Countries", "topics:country-export"),
    ("Programmes and initiatives", "topics:programme-export"),
    ("Source documents", "topics:source-export"),
]

# A briefing pack prints the notes of this many sessions at most (some 60 pages); a larger
# selection is summarised whole and asked to be narrowed.
MOST_BRIEFED_SESSIONS = 40
MOST_BRIEFED_PASSAGES = 40
# Resolutions, speakers, organisations and countries the summary page names.
SUMMARY_LENGTH = 8

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


def count_records(models) -> list[int | str]:
    """How many records each model holds: counted (one query, a UNION of one count per
    table) up to LargeListPaginator.EXACT_UP_TO; past that, "about N" from PostgreSQL's
    estimate, as lists say (counting a million sessions takes a third of a second)."""
    estimates = {
        model: rows
        for model, rows in table_estimates(models).items()
        if rows > LargeListPaginator.EXACT_UP_TO
    }
    counted = [model for model in models if model not in estimates]
    counts = [
        model.objects.order_by()
        .values(group=Value(position))
        .annotate(total=Count("pk"))
        .values_list("group", "total")
        for position, model in enumerate(counted)
    ]
    totals = dict(counts[0].union(*counts[1:], all=True)) if counts else {}
    exact = {model: totals.get(position, 0) for position, model in enumerate(counted)}
    return [
        f"about {number_format(estimates[model], force_grouping=True)}"
        if model in estimates
        else exact[model]
        for model in models
    ]


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
            "themes": Tag.objects.themes().with_session_counts_up_to(
                LargeListPaginator.EXACT_UP_TO
            ),
            "counted_up_to": LargeListPaginator.EXACT_UP_TO,
            "meetings": Meeting.objects.with_programme().with_session_counts()[:HOME_MEETINGS],
            "recent_sessions": Session.objects.for_listing().most_recent()[:6],
            "follow": listings.latest(),
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
        return filter_error(request, error)
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
                    filters.counted_among(Session.objects.all(), newest=newest)
                )
            ],
            "facets": filters.facets(Session.objects.all(), newest=newest),
            "facets_counted_among": newest,
            "sorts": [(key, label, filters.url_with_sort(key)) for key, label in SORTS.items()],
            "follow": listings.filtered(filters),
        },
    )


def filter_error(request, error: FilterError):
    return render(
        request, "sessions/filter_error.html", {"message": error.message}, status=error.status
    )


def calendar_download(request, sessions, *, title: str, path: str, file_name: str):
    site = listings.Site.of(request)
    body = calendar_of(sessions, title=title, url=site.absolute(path), site=site)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.ics"'
    return response


def moved_calendar(model, slug: str, url_name: str):
    """A permanent redirect to the calendar of the record once known as ``slug``."""
    record = FormerSlug.objects.find(model, slug)
    if record is None:
        raise Http404(f"No {model._meta.verbose_name} is known as “{slug}”.")
    return redirect(reverse(url_name, args=[record.slug]), permanent=True)


def sessions_calendar(request):
    """The session list, filtered as ``/sessions/?…`` would be, as a calendar."""
    try:
        filters = SessionFilters.from_query(request.GET)
    except FilterError as error:
        return filter_error(request, error)
    listing = listings.filtered(filters)
    sessions = listing.sessions.for_syndication().in_programme_order()
    return calendar_download(
        request, sessions, title=listing.title, path=listing.calendar_url, file_name="sessions"
    )


def meeting_calendar(request, slug):
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None:
        return moved_calendar(Meeting, slug, "sessions:meeting-calendar")
    listing = listings.of_meeting(meeting)
    sessions = listing.sessions.for_syndication().in_programme_order()
    return calendar_download(
        request, sessions, title=listing.title, path=listing.calendar_url, file_name=slug
    )


def session_calendar(request, slug):
    """One session, to add to a calendar."""
    session = Session.objects.for_syndication().filter(slug=slug).first()
    if session is None:
        return moved_calendar(Session, slug, "sessions:calendar-event")
    if session.date is None:
        raise Http404("This session's date is not given, so it cannot go in a calendar.")
    return calendar_download(
        request,
        [session],
        title=session.title,
        path=reverse("sessions:calendar-event", args=[slug]),
        file_name=slug,
    )


def session_export(request, export_format):
    """The filtered session list as a CSV or JSON file: the same filters as the page, every
    page at once."""
    try:
        filters = SessionFilters.from_query(request.GET)
    except FilterError as error:
        return filter_error(request, error)
    return export_response(
        exports.SESSIONS, filters.apply(Session.objects.all()), request, export_format
    )


def key_documents(sessions, themes) -> list[Document]:
    """The documents ``sessions`` cite most, then those filed under all of ``themes``."""
    cited = list(Document.objects.counted_within(sessions)[:SUMMARY_LENGTH])
    if themes and len(cited) < SUMMARY_LENGTH:
        filed = Document.objects.exclude(pk__in=[document.pk for document in cited])
        for theme in themes:
            filed = filed.filter(tagged_items__tag=theme)
        filed = filed.order_by(F("normalized_symbol").asc(nulls_last=True), "title")
        cited += filed[: SUMMARY_LENGTH - len(cited)]
    return cited


def briefing_pack(request):
    """One printable document for a selection of sessions (the session list's filters): a
    cover, a one-page summary, each session's notes with speakers and themes, the source
    paragraphs they come from, the reader's annotations, and how to cite each item."""
    try:
        filters = SessionFilters.from_query(request.GET)
    except FilterError as error:
        return filter_error(request, error)
    selected = filters.apply(Session.objects.all())
    sessions = list(
        selected.with_people_and_tags()
        .select_related("note_taker_organisation")
        .prefetch_related(
            citations_prefetch(),
            Prefetch(
                "annotations",
                queryset=Annotation.objects.visible_to(request.user),
                to_attr="annotation_list",
            ),
        )
        .by_meeting_newest_first()[:MOST_BRIEFED_SESSIONS]
    )
    total = selected.count()
    # Past COUNTED_SESSIONS the summary counts the newest so many, and says so, as a theme's
    # page does: a theme on a hundred thousand sessions took twelve seconds to count in full.
    counted = selected
    if total > COUNTED_SESSIONS:
        newest = selected.most_recent().values_list("pk", flat=True)[:COUNTED_SESSIONS]
        counted = Session.objects.filter(pk__among=list(newest))
    documents = key_documents(counted, filters.tags)
    speakers = Speaker.objects.counted_within(counted)
    countries = Country.objects.counted_within(counted)
    return render(
        request,
        "sessions/briefing_pack.html",
        {
            "filters": filters,
            "sessions": sessions,
            "total": total,
            "counted_among": counted_sessions_label() if counted is not selected else None,
            "meetings": Meeting.objects.counted_within(counted),
            "timeline": timeline_of(selected, among=Session.objects.all()) if total else None,
            "documents": documents,
            "speakers": list(speakers[:SUMMARY_LENGTH]),
            "speaker_count": speakers.count(),
            "organisations": Organisation.objects.counted_within(counted),
            "countries": list(countries[:SUMMARY_LENGTH]),
            "country_count": countries.count(),
            "summary_length": SUMMARY_LENGTH,
            "passages": Passage.objects.relevant_to(sessions, documents)[:MOST_BRIEFED_PASSAGES],
            "site": request.build_absolute_uri("/").rstrip("/"),
            "pack_url": request.get_full_path(),
            "today": timezone.localdate(),
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
        context["related_sessions"] = Session.objects.related_to(self.object)
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


class MeetingListView(ExportableListMixin, FriendlyPaginationMixin, ListView):
    template_name = "sessions/meeting_list.html"
    queryset = Meeting.objects.with_programme().with_session_counts().select_related("country")
    paginate_by = 50
    export_table = exports.MEETINGS

    def get_export_queryset(self):
        # The page lists the meetings only mentioned apart; the download lists them too.
        return Meeting.objects.with_session_counts()

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
        context["follow"] = listings.of_meeting(self.object)
        return context


class SpeakerListView(ExportableListMixin, FriendlyPaginationMixin, ListView):
    template_name = "sessions/speaker_list.html"
    queryset = Speaker.objects.for_listing()
    paginate_by = 50
    export_table = exports.SPEAKERS


class SpeakerDetailView(FormerSlugRedirectMixin, DetailView):
    template_name = "sessions/speaker_detail.html"
    queryset = Speaker.objects.select_related("organisation", "country").prefetch_related(
        citations_prefetch()
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["follow"] = listings.of_speaker(self.object)
        context["mentions"] = Mention.objects.summary_of(self.object)
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
    context.update(
        outcome=outcome,
        total=outcome.total,
        links=SearchLinks(request.GET, outcome),
        follow=listings.searched(raw[:MAX_QUERY_LENGTH], request.GET),
    )
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
        session.mark_modified()
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
    session.mark_modified()
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


def download(request):
    """Every list's downloads, the whole knowledge base in one file, and the terms of reuse."""
    lists = [
        (label, reverse(name, args=["csv"]), reverse(name, args=["json"]))
        for label, name in DOWNLOADABLE_LISTS
    ]
    return render(
        request,
        "download.html",
        {
            "lists": lists,
            "sources": SourceDocument.objects.all(),
            "format_note": exports.FORMAT_NOTE,
            "licence_note": exports.LICENCE_NOTE,
        },
    )


def download_knowledge_base(request):
    """The whole knowledge base as one JSON file, in the fixtures' own format."""
    try:
        files = knowledge_base_files(directory=settings.KB_FIXTURES_DIR)
    except FixtureError:
        # The deployment lacks the fixture files (or holds broken ones) the format comes from.
        return HttpResponse(
            "The knowledge base cannot be downloaded just now; the lists still can.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    document = knowledge_base_download(
        files=files, sources=SourceDocument.objects.all(), absolute_url=request.build_absolute_uri
    )
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="ccpcj-kb.json"'
    return response
