from django.contrib import admin
from django.db.models import Count

from topics.admin import CitationInline, TaggedRecordAdmin

from .models import Annotation, Appearance, Meeting, Session, Speaker


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "affiliation", "order"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "kind", "date", "start_time", "end_time", "has_notes"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(TaggedRecordAdmin):
    list_display = ["name", "kind", "number", "city", "start_date", "end_date", "session_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "city", "venue", "description"]
    autocomplete_fields = ["country", "documents"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "number"]}),
        ("When and where", {"fields": ["start_date", "end_date", "city", "venue", "country"]}),
        ("Content", {"fields": ["description", "documents", "tags"]}),
    ]
    inlines = [SessionInline, CitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, meeting):
        return meeting.session_count


@admin.register(Session)
class SessionAdmin(TaggedRecordAdmin):
    list_display = ["title", "meeting", "date", "start_time", "end_time", "kind", "has_notes"]
    list_filter = ["meeting", "kind", "has_notes", "tags"]
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
        ("Links", {"fields": ["tags", "organisations", "documents", "countries"]}),
    ]
    inlines = [AppearanceInline, CitationInline]


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
    inlines = [AppearanceInline, CitationInline]


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):
    list_display = ["speaker", "session", "role", "affiliation"]
    list_filter = [("session__meeting", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["speaker", "session"]
    search_fields = ["speaker__name", "session__title", "role", "affiliation"]
    autocomplete_fields = ["speaker", "session"]


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
