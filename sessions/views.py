from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from topics.models import Citation, Country, Document, Organisation, SourceDocument, Tag
from topics.paging import FriendlyPaginationMixin, page_or_404
from topics.search import QueryError, highlight, mark_headline, parse_query
from topics.services import TagNameError, tag_record

from .filters import SORTS, FilterError, SessionFilters
from .forms import AnnotationForm, TagForm
from .models import Annotation, Appearance, Meeting, Session, Speaker, taggings_prefetch

SESSIONS_PER_PAGE = 20
SEARCH_RESULTS_PER_KIND = 20


def home(request):
    counts = [
        ("meetings", Meeting.objects.count(), "sessions:meeting-list"),
        ("sessions", Session.objects.count(), "sessions:list"),
        ("speakers", Speaker.objects.count(), "sessions:speaker-list"),
        ("organisations", Organisation.objects.count(), "topics:organisation-list"),
        ("resolutions and documents", Document.objects.count(), "topics:document-list"),
        ("countries", Country.objects.count(), "topics:country-list"),
        ("source documents", SourceDocument.objects.count(), "topics:source-list"),
    ]
    return render(
        request,
        "home.html",
        {
            "counts": counts,
            "themes": Tag.objects.themes().with_session_counts(),
            "meetings": Meeting.objects.with_session_counts(),
            "recent_sessions": Session.objects.for_listing().most_recent()[:6],
        },
    )


def session_list(request):
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
    page = page_or_404(Paginator(sessions.for_listing(), SESSIONS_PER_PAGE), request)
    return render(
        request,
        "sessions/session_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "sessions": page.object_list,
            "tag_facets": [
                (tag, filters.url_with_tag(tag.slug))
                for tag in Tag.objects.counted_within(sessions)
            ],
            "sorts": [(key, label, filters.url_with_sort(key)) for key, label in SORTS.items()],
            "meetings": Meeting.objects.all(),
        },
    )


class SessionDetailView(DetailView):
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
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = list(
            self.object.meeting.sessions.in_programme_order().only(
                "slug", "title", "date", "start_time", "end_time"
            )
        )
        context["parallel_sessions"] = [
            other
            for other in programme
            if other.pk != self.object.pk
            and other.date == self.object.date
            and overlaps(other, self.object)
        ]
        position = next(i for i, s in enumerate(programme) if s.pk == self.object.pk)
        context["previous_session"] = programme[position - 1] if position > 0 else None
        context["next_session"] = programme[position + 1] if position + 1 < len(programme) else None
        user = self.request.user
        context["annotations"] = self.object.annotations.visible_to(user)
        if user.has_perm("topics.add_taggeditem"):
            context["tag_form"] = TagForm()
            context["tag_suggestions"] = Tag.objects.most_used()[:200]
        if user.has_perm("kb_sessions.add_annotation"):
            context["annotation_form"] = AnnotationForm()
        return context


class MeetingListView(FriendlyPaginationMixin, ListView):
    template_name = "sessions/meeting_list.html"
    queryset = Meeting.objects.with_session_counts().select_related("country")
    paginate_by = 50


class MeetingDetailView(DetailView):
    template_name = "sessions/meeting_detail.html"
    queryset = Meeting.objects.select_related("country").prefetch_related(
        "documents", Prefetch("citations", queryset=Citation.objects.select_related("source"))
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = list(self.object.sessions.for_listing().in_programme_order())
        context["programme"] = programme_days(sessions)
        return context


def programme_days(sessions: list[Session]) -> list[tuple]:
    """Sessions grouped by day, then into time slots: sessions that overlap share a slot and
    are marked parallel."""
    days = []
    for day, group in groupby(sessions, key=lambda session: session.date):
        slots: list[list[Session]] = []
        for session in group:
            if slots and any(overlaps(session, other) for other in slots[-1]):
                slots[-1].append(session)
            else:
                slots.append([session])
        for slot in slots:
            for session in slot:
                session.is_parallel = len(slot) > 1
        days.append((day, slots))
    return days


def overlaps(first: Session, second: Session) -> bool:
    if not (first.start_time and second.start_time):
        return False
    if first.start_time == second.start_time:
        return True
    first_end = first.end_time or first.start_time
    second_end = second.end_time or second.start_time
    return first.start_time < second_end and second.start_time < first_end


class SpeakerListView(FriendlyPaginationMixin, ListView):
    template_name = "sessions/speaker_list.html"
    queryset = Speaker.objects.for_listing()
    paginate_by = 50


class SpeakerDetailView(DetailView):
    template_name = "sessions/speaker_detail.html"
    queryset = Speaker.objects.select_related("organisation", "country").prefetch_related(
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("session__meeting").order_by(
                "session__date", "session__start_time"
            ),
        ),
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
    )


def search(request):
    raw = request.GET.get("q", "")
    context = {"query": raw[:200], "groups": []}
    try:
        terms = parse_query(raw)
    except QueryError as error:
        context["error"] = str(error)
        return render(request, "search.html", context, status=400)
    context["terms"] = terms
    if not terms:
        return render(request, "search.html", context)

    sessions = Session.objects.search(terms).select_related("meeting")
    speakers = Speaker.objects.search(terms).select_related("organisation")
    groups = [
        ("Sessions", sessions, lambda s: s.headline if hasattr(s, "headline") else s.notes),
        ("Speakers", speakers, lambda s: f"{s.function} {s.organisation or ''}"),
        ("Organisations", Organisation.objects.search(terms), lambda o: o.description),
        (
            "Resolutions and documents",
            Document.objects.search(terms),
            lambda d: d.title if d.normalized_symbol else d.description,
        ),
        ("Themes", Tag.objects.search(terms), lambda t: t.description),
        ("Countries", Country.objects.search(terms), lambda c: ""),
    ]
    total = 0
    for label, queryset, snippet_source in groups:
        count = queryset.count()
        total += count
        results = []
        for record in queryset[:SEARCH_RESULTS_PER_KIND] if count else []:
            source = snippet_source(record)
            if hasattr(record, "headline"):
                snippet = mark_headline(source)
            else:
                snippet = highlight(source, terms) if source.strip() else ""
            results.append((record, highlight(str(record), terms, radius=400), snippet))
        context["groups"].append({"label": label, "count": count, "results": results})
    context["total"] = total
    return render(request, "search.html", context)


@require_POST
@login_required
@permission_required("topics.add_taggeditem", raise_exception=True)
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
    except TagNameError as error:
        messages.error(request, str(error))
        return redirect(f"{session.get_absolute_url()}#tags")
    if created:
        messages.success(request, f"Tagged “{tagging.tag.name}”.")
    else:
        messages.info(request, f"This session already carries “{tagging.tag.name}”.")
    return redirect(f"{session.get_absolute_url()}#tags")


@require_POST
@login_required
@permission_required("topics.delete_taggeditem", raise_exception=True)
def remove_tag(request, slug, tag_slug):
    session = get_object_or_404(Session, slug=slug)
    tagging = get_object_or_404(session.tagged_items.select_related("tag"), tag__slug=tag_slug)
    if tagging.added_by_id != request.user.pk:
        raise PermissionDenied("You can only remove tags you added.")
    tagging.delete()
    messages.success(request, f"Removed the tag “{tagging.tag.name}”.")
    return redirect(f"{session.get_absolute_url()}#tags")


@require_POST
@login_required
@permission_required("kb_sessions.add_annotation", raise_exception=True)
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
    annotation = get_object_or_404(Annotation.objects.select_related("session"), pk=pk)
    if annotation.author_id != request.user.pk:
        raise PermissionDenied("You can only change your own annotations.")
    return annotation


@login_required
@permission_required("kb_sessions.change_annotation", raise_exception=True)
def edit_annotation(request, pk):
    annotation = own_annotation(request, pk)
    form = AnnotationForm(request.POST or None, instance=annotation)
    if request.method == "POST" and form.is_valid():
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


@require_POST
@login_required
@permission_required("kb_sessions.delete_annotation", raise_exception=True)
def delete_annotation(request, pk):
    annotation = own_annotation(request, pk)
    annotation.delete()
    messages.success(request, "Annotation deleted.")
    return redirect(f"{annotation.session.get_absolute_url()}#annotations")
