from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.text import Truncator

from topics.admin import (
    CitationInline,
    SourceRequiredCitationInline,
    TaggedItemInline,
    TaggedRecordAdmin,
)

from .models import Annotation, Appearance, Meeting, Session, Speaker
from .timezones import known_time_zones

# Meeting names run to 130 characters; change lists show this many so their columns fit.
SHORT_MEETING_NAME = 40


def short_meeting_name(name: str) -> str:
    return Truncator(name).chars(SHORT_MEETING_NAME)


class ShortMeetingNames:
    """A list filter naming meetings shortly."""

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        return [(pk, short_meeting_name(name)) for pk, name in choices]


class MeetingFilter(ShortMeetingNames, admin.RelatedFieldListFilter):
    pass


class MeetingInUseFilter(ShortMeetingNames, admin.RelatedOnlyFieldListFilter):
    pass


class AppearanceForm(forms.ModelForm):
    class Meta:
        # Roles are short ("Speaker 1", "Moderator"); a narrow box lets the row fit 1280 px.
        widgets = {"role": forms.TextInput(attrs={"size": 12})}


class AppearanceInline(admin.TabularInline):
    model = Appearance
    form = AppearanceForm
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "affiliation", "order"]


class SpeakersInline(AppearanceInline):
    """A session's speakers; a new session opens with one empty row to fill in."""

    verbose_name = "speaker"
    verbose_name_plural = "speakers"

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


class MeetingSessionForm(forms.ModelForm):
    class Meta:
        # Narrower than the admin's usual text box, so a programme row fits 1280 px.
        widgets = {"title": forms.TextInput(attrs={"size": 30})}


class SessionInline(admin.TabularInline):
    model = Session
    form = MeetingSessionForm
    extra = 0
    fields = ["title", "kind", "date", "start_time", "end_time", "has_notes"]
    show_change_link = True


def time_zone_choices():
    return [("", "Not given"), *((name, name) for name in sorted(known_time_zones()))]


class MeetingForm(forms.ModelForm):
    # Chosen from the zone database, so a zone is never misspelt.
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        required=False,
        help_text=Meeting._meta.get_field("time_zone").help_text,
    )


@admin.register(Meeting)
class MeetingAdmin(TaggedRecordAdmin):
    form = MeetingForm
    list_display = ["name", "kind", "number", "city", "dates", "session_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "city", "venue", "description"]
    autocomplete_fields = ["country", "documents"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    # Explicit, because counting sessions drops the model's default ordering (and the
    # autocomplete then pages through an unordered list).
    ordering = ["-start_date", "name"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "number"]}),
        (
            "When and where",
            {"fields": ["start_date", "end_date", "city", "venue", "country", "time_zone"]},
        ),
        ("Content", {"fields": ["description", "documents"]}),
    ]
    inlines = [SessionInline, TaggedItemInline, CitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, meeting):
        return meeting.session_count

    @admin.display(description="dates", ordering="start_date")
    def dates(self, meeting):
        days = [date_format(day, "j M Y") for day in (meeting.start_date, meeting.end_date) if day]
        return " \N{EN DASH} ".join(dict.fromkeys(days)) or None


@admin.register(Session)
class SessionAdmin(TaggedRecordAdmin):
    list_display = ["title", "meeting_name", "date", "time", "kind", "has_notes"]
    list_filter = [("meeting", MeetingFilter), "kind", "has_notes", "tags"]
    list_select_related = ["meeting"]
    search_fields = ["title", "slug", "notes", "note_taker", "appearances__speaker__name"]
    autocomplete_fields = [
        "meeting",
        "note_taker_organisation",
        "organisations",
        "documents",
        "countries",
    ]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["meeting", "title", "slug", "kind"]}),
        ("When", {"fields": ["date", "start_time", "end_time"]}),
        ("Notes", {"fields": ["has_notes", "notes", "note_taker", "note_taker_organisation"]}),
        ("Links", {"fields": ["organisations", "documents", "countries"]}),
    ]
    inlines = [SpeakersInline, TaggedItemInline, SourceRequiredCitationInline]

    @admin.display(description="meeting", ordering="meeting__name")
    def meeting_name(self, session):
        name = session.meeting.name
        return format_html('<span title="{}">{}</span>', name, short_meeting_name(name))

    @admin.display(description="time", ordering="start_time")
    def time(self, session):
        times = [time_format(t, "H:i") for t in (session.start_time, session.end_time) if t]
        return "\N{EN DASH}".join(times) or None


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "honorific", "function", "organisation", "country"]
    list_filter = [
        ("organisation", admin.RelatedOnlyFieldListFilter),
        ("country", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["organisation", "country"]
    search_fields = ["name", "slug", "function", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["organisation", "country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AppearanceInline, SourceRequiredCitationInline]


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):
    list_display = ["speaker", "session_title", "role", "affiliation"]
    list_filter = [("session__meeting", MeetingInUseFilter)]
    list_select_related = ["speaker", "session"]
    search_fields = ["speaker__name", "session__title", "role", "affiliation"]
    autocomplete_fields = ["speaker", "session"]

    # Not the session itself: the admin keeps a related record's name on one line.
    @admin.display(description="session", ordering="session__title")
    def session_title(self, appearance):
        return appearance.session


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    """Editors see shared annotations and their own, never another person's private ones; only
    the author changes or deletes an annotation, and authorship never changes."""

    list_display = ["session", "author", "visibility", "created_at", "updated_at"]
    list_filter = ["visibility", ("author", admin.RelatedOnlyFieldListFilter), "created_at"]
    list_select_related = ["session", "author"]
    search_fields = ["body", "session__title", "author__username"]
    autocomplete_fields = ["session"]
    fields = ["session", "author", "visibility", "body", "created_at", "updated_at"]
    readonly_fields = ["author", "created_at", "updated_at"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.can_be_changed_by(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.can_be_changed_by(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """Deleting stops when the selection holds other people's annotations."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not annotation.can_be_changed_by(request.user) for annotation in objs):
            perms_needed.add("annotations by other people")
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
