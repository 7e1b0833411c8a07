from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html

from .models import (
    Citation,
    Country,
    Document,
    Organisation,
    SourceDocument,
    Tag,
    TaggedItem,
    TaggingEvent,
    validate_tag_name,
)
from .services import audited_tagging, merge_tags, record_tagging, untag_record
from .symbols import try_normalize_symbol


class CitationInline(GenericTabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "citation"
    verbose_name_plural = "sources cited"


class TaggedItemInline(GenericTabularInline):
    model = TaggedItem
    extra = 0
    autocomplete_fields = ["tag"]
    readonly_fields = ["added_by", "added_at"]
    verbose_name = "tag"
    verbose_name_plural = "tags"


class TaggedRecordAdmin(admin.ModelAdmin):
    """For records with a tags field: names typed there follow the tag-name rules, and the tags
    it adds or removes go on the taggings audit as the editor's."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags":
            field.validators.append(validate_tag_name)
        return field

    def save_related(self, request, form, formsets, change):
        with audited_tagging(record=form.instance, user=request.user):
            super().save_related(request, form, formsets, change)


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "file_name", "kind", "date", "citation_count"]
    list_filter = ["kind"]
    search_fields = ["title", "file_name", "author", "description"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="records citing it", ordering="citation_count")
    def citation_count(self, source):
        return source.citation_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_theme", "tagging_count"]
    list_filter = ["is_theme"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CitationInline]
    actions = ["merge_selected_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tagging_count=Count("tagged_items"))

    @admin.action(description="Merge selected tags into one", permissions=["change", "delete"])
    def merge_selected_tags(self, request, queryset):
        tags = list(queryset.order_by("-is_theme", "name"))
        if len(tags) < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        if "keep" in request.POST:
            keep = next((tag for tag in tags if str(tag.pk) == request.POST["keep"]), None)
            if keep is None:
                self.message_user(request, "Choose which tag to keep.", messages.ERROR)
                return None
            moved = merge_tags(keep=keep, merged=tags)
            others = ", ".join(f"“{tag.name}”" for tag in tags if tag.pk != keep.pk)
            self.message_user(
                request,
                f"Merged {others} into “{keep.name}”; {moved} tagging(s) moved.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/topics/tag/merge_tags.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge tags",
                "opts": self.model._meta,
                "tags": tags,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.display(description="taggings", ordering="tagging_count")
    def tagging_count(self, tag):
        return tag.tagging_count


@admin.register(TaggedItem)
class TaggedItemAdmin(admin.ModelAdmin):
    """Taggings are added and deleted, never rewritten: moving a tag is a removal and an
    addition, and both go on the taggings audit."""

    list_display = ["tag", "tagged_record", "content_type", "added_by", "added_at"]
    list_filter = [
        "tag__is_theme",
        "content_type",
        ("added_by", admin.RelatedOnlyFieldListFilter),
        "added_at",
        "tag",
    ]
    list_select_related = ["tag", "content_type", "added_by"]
    search_fields = ["tag__name", "added_by__username"]
    autocomplete_fields = ["tag"]
    readonly_fields = ["added_by", "added_at"]
    date_hierarchy = "added_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("content_object")

    @admin.display(description="tagged record")
    def tagged_record(self, tagging):
        return tagging.content_object or f"(deleted {tagging.content_type} {tagging.object_id})"

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.added_by = request.user
        super().save_model(request, obj, form, change)
        record_tagging(TaggingEvent.Action.ADDED, tagging=obj, user=request.user)

    def delete_model(self, request, obj):
        untag_record(tagging=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for tagging in queryset.select_related("tag"):
                untag_record(tagging=tagging, user=request.user)


@admin.register(TaggingEvent)
class TaggingEventAdmin(admin.ModelAdmin):
    """Who added and removed which tag on which record, and when. Read-only: it is the record."""

    list_display = [
        "at",
        "action",
        "tag_name",
        "created_tag",
        "record_link",
        "content_type",
        "user",
    ]
    list_filter = [
        "action",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "created_tag",
        "at",
    ]
    list_select_related = ["content_type", "user"]
    search_fields = ["tag_name", "record_name", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="record", ordering="record_name")
    def record_link(self, event):
        record = event.content_object
        if record is None or not hasattr(record, "get_absolute_url"):
            return event.record_name
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), event.record_name)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("content_object")


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "ccpcj_member"]
    list_filter = ["ccpcj_member"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CitationInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country", "parent"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country", "parent"]
    search_fields = ["name", "acronym", "slug", "description"]
    autocomplete_fields = ["country", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind"]}),
        ("Context", {"fields": ["country", "parent", "description"]}),
    ]
    inlines = [CitationInline]


class SymbolFilter(admin.SimpleListFilter):
    title = "symbol"
    parameter_name = "has_symbol"

    def lookups(self, request, model_admin):
        return [("yes", "UN document symbol"), ("no", "No symbol (publication, tool…)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(normalized_symbol__isnull=False)
        if self.value() == "no":
            return queryset.filter(normalized_symbol__isnull=True)
        return queryset


@admin.register(Document)
class DocumentAdmin(TaggedRecordAdmin):
    list_display = ["__str__", "kind", "issued_by", "year", "title"]
    list_filter = ["kind", SymbolFilter, ("issued_by", admin.RelatedOnlyFieldListFilter), "year"]
    list_select_related = ["issued_by"]
    search_fields = ["symbol", "normalized_symbol", "title", "popular_name", "slug"]
    autocomplete_fields = ["issued_by"]
    readonly_fields = ["normalized_symbol"]
    fieldsets = [
        (
            None,
            {"fields": ["symbol", "normalized_symbol", "slug", "kind", "title", "popular_name"]},
        ),
        ("Origin", {"fields": ["issued_by", "year", "description", "tags"]}),
    ]
    inlines = [CitationInline]

    def get_search_results(self, request, queryset, search_term):
        """Any written form of a symbol ("resolution 70/176", "A/Res/70/176") finds it."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalized = try_normalize_symbol(search_term)
        if normalized:
            results = results | queryset.filter(normalized_symbol=normalized)
        return results, may_have_duplicates
