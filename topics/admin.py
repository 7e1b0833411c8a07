import taggit.models
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from taggit.managers import TaggableManager

from .models import (
    Citation,
    Country,
    Document,
    Membership,
    Organisation,
    Passage,
    Programme,
    SourceDocument,
    Tag,
    TaggedItem,
    TaggingEvent,
)
from .services import audited_tagging, merge_tags, record_tagging, untag_record
from .symbols import try_normalize_symbol


class SourceRequiredFormSet(BaseGenericInlineFormSet):
    default_error_messages = {
        "too_few_forms": (
            "Cite the source this record comes from: choose a source document below (and "
            "where in it, if you can). Every record in the knowledge base names its source."
        )
    }


class CitationInline(GenericTabularInline):
    """Where a record comes from. The passages a location names are found from it when the
    citation is saved, so they are shown here, not chosen."""

    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "location", "cited_passages"]
    readonly_fields = ["cited_passages"]
    verbose_name = "citation"
    verbose_name_plural = "sources cited"

    def get_queryset(self, request):
        passages = Passage.objects.select_related("source").order_by("position")
        return (
            super()
            .get_queryset(request)
            .select_related("source")
            .prefetch_related(Prefetch("passages", queryset=passages))
        )

    @admin.display(description="passages")
    def cited_passages(self, citation):
        passages = citation.passages.all() if citation.pk else []
        if not passages:
            return self.get_empty_value_display()
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((p.get_absolute_url(), p.name) for p in passages)
        )


class SourceRequiredCitationInline(CitationInline):
    """A new record cannot be saved without citing a source: the form opens with one row
    to fill in. Records made before the rule can still be edited."""

    formset = SourceRequiredFormSet

    def get_min_num(self, request, obj=None, **kwargs):
        # On a submitted add form, ``obj`` is the record about to be created.
        return 1 if obj is None or obj._state.adding else 0

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class TaggingFormSet(BaseGenericInlineFormSet):
    def clean(self):
        super().clean()
        tags = [
            form.cleaned_data["tag"]
            for form in self.forms
            if form.cleaned_data.get("tag") and not self._should_delete_form(form)
        ]
        for tag in tags:
            if tags.count(tag) > 1:
                raise ValidationError(f"“{tag}” is listed twice: give each tag once.")


class TaggedItemInline(GenericTabularInline):
    """A record's tags, each chosen with an autocomplete, with who added it and when."""

    model = TaggedItem
    formset = TaggingFormSet
    extra = 0
    autocomplete_fields = ["tag"]
    readonly_fields = ["added_by", "added_at"]
    ordering = ["-tag__is_theme", "tag__name"]
    verbose_name = "tag"
    verbose_name_plural = "themes and tags"


class TaggedRecordAdmin(admin.ModelAdmin):
    """For records tagged through a TaggedItemInline: the tags added there are credited to
    the editor, and what is added or removed goes on the taggings audit."""

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


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    """A source document's own words, as its fixture gives them: read here, never edited."""

    list_display = ["source", "position", "label", "kind", "excerpt"]
    list_display_links = ["position", "label"]
    list_filter = ["source", "kind"]
    list_select_related = ["source"]
    search_fields = ["text", "label"]
    ordering = ["source__file_name", "position"]
    fields = ["source", "position", "anchor", "label", "kind", "level", "heading", "text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="text")
    def excerpt(self, passage):
        return Truncator(passage.text).words(20)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_theme", "tagging_count"]
    list_filter = ["is_theme"]
    # Counting taggings drops the model's ordering; tag suggestions page through it.
    ordering = ["name"]
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


def taggable_models():
    """The kinds of record whose ``tags`` are stored as TaggedItem rows."""
    return [
        model
        for model in apps.get_models()
        if any(
            isinstance(field, TaggableManager) and field.through is TaggedItem
            for field in model._meta.many_to_many
        )
    ]


class TaggableKindFilter(admin.RelatedFieldListFilter):
    """Filters taggings by the kinds of record that can carry tags, and only those."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = "kind of record"

    def field_choices(self, field, request, model_admin):
        kinds = ContentType.objects.get_for_models(*taggable_models())
        choices = [(kind.pk, capfirst(model._meta.verbose_name)) for model, kind in kinds.items()]
        return sorted(choices, key=lambda choice: choice[1])


@admin.register(TaggedItem)
class TaggedItemAdmin(admin.ModelAdmin):
    """Taggings are added and deleted, never rewritten: moving a tag is a removal and an
    addition, and both go on the taggings audit."""

    list_display = ["tag_name", "tagged_record", "kind_of_record", "added_by", "added_at"]
    list_filter = [
        "tag__is_theme",
        ("content_type", TaggableKindFilter),
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

    # Not the tag itself: the admin keeps a related record's name on one line.
    @admin.display(description="tag", ordering="tag__name")
    def tag_name(self, tagging):
        return tagging.tag.name

    @admin.display(description="tagged record")
    def tagged_record(self, tagging):
        return tagging.content_object or f"(deleted {tagging.content_type} {tagging.object_id})"

    @admin.display(description="kind", ordering="content_type__model")
    def kind_of_record(self, tagging):
        return capfirst(tagging.content_type.name)

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


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["body", "source", "as_of"]
    autocomplete_fields = ["body"]
    extra = 0


class CommissionMemberFilter(admin.SimpleListFilter):
    title = "Commission membership"
    parameter_name = "member"

    def lookups(self, request, model_admin):
        return [("yes", "In the latest listing"), ("no", "Not in it")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.members_of()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.members_of().values("pk"))
        return queryset


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    list_filter = [CommissionMemberFilter]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, CitationInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["country", "body", "source", "as_of"]
    list_filter = [("body", admin.RelatedOnlyFieldListFilter), "source", "as_of"]
    list_select_related = ["country", "body", "source"]
    search_fields = ["country__name", "body__name", "body__acronym", "slug"]
    autocomplete_fields = ["country", "body"]
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


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind"]
    list_filter = ["kind", ("organisations", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "acronym", "slug", "description"]
    autocomplete_fields = ["organisations", "documents", "sessions"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "description"]}),
        ("Run by, and named in", {"fields": ["organisations", "documents", "sessions"]}),
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
    list_display = ["__str__", "kind", "issuers", "year", "title"]
    list_filter = ["kind", SymbolFilter, ("issued_by", admin.RelatedOnlyFieldListFilter), "year"]
    search_fields = ["symbol", "normalized_symbol", "title", "popular_name", "slug"]
    autocomplete_fields = ["issued_by"]
    readonly_fields = ["normalized_symbol"]
    fieldsets = [
        (
            None,
            {"fields": ["symbol", "normalized_symbol", "slug", "kind", "title", "popular_name"]},
        ),
        ("Origin", {"fields": ["issued_by", "year", "description"]}),
    ]
    inlines = [TaggedItemInline, SourceRequiredCitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("issued_by")

    @admin.display(description="issued by")
    def issuers(self, document):
        return ", ".join(str(issuer) for issuer in document.issued_by.all()) or "—"

    def get_search_results(self, request, queryset, search_term):
        """Any written form of a symbol ("resolution 70/176", "A/Res/70/176") finds it."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalized = try_normalize_symbol(search_term)
        if normalized:
            results = results | queryset.filter(normalized_symbol=normalized)
        return results, may_have_duplicates


# django-taggit registers its own Tag model, which this project does not use (topics.Tag
# stores the tags), so the admin would list two "Tags". taggit's admin is loaded first (it
# comes first in INSTALLED_APPS); the guard keeps this working should it ever not be.
if admin.site.is_registered(taggit.models.Tag):
    admin.site.unregister(taggit.models.Tag)
