"""The sitemap (``/sitemap.xml``): every public page, each record's with the time it was last
changed in the site where one is known. ``/sitemap.xml`` is an index of one sitemap per kind of
page (``/sitemap-sessions.xml`` and so on), each in pages of at most 50,000 addresses, as the
protocol allows no more in one file: a million sessions make twenty pages.

Sessions carry their own modification time (``updated_at``); of other records, the site knows
when an editor last changed one in the admin (its History) and when staff last added or removed
one of its tags. A record changed in none of these ways has no ``lastmod``, as the sitemap
protocol allows.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from sessions.models import Meeting, Session, Speaker

from .models import Country, Document, Organisation, Programme, SourceDocument, Tag, TaggingEvent

# The pages that are not records' own: the home page, the lists and the download page.
PAGES = [
    "sessions:home",
    "sessions:list",
    "sessions:meeting-list",
    "sessions:speaker-list",
    "topics:theme-list",
    "topics:document-list",
    "topics:organisation-list",
    "topics:country-list",
    "topics:programme-list",
    "topics:source-list",
    "sessions:download",
]


def last_changes(model) -> dict:
    """When each record of ``model`` was last changed in the admin or had a tag added or
    removed, by primary key: two queries, however many records."""
    content_type = ContentType.objects.get_for_model(model)
    changes = {}
    edits = (
        LogEntry.objects.filter(content_type=content_type)
        .values_list("object_id")
        .annotate(last=Max("action_time"))
        .order_by()
    )
    for object_id, last in edits:
        # The admin's log keeps primary keys as text.
        if object_id.isdigit():
            changes[int(object_id)] = last
    taggings = (
        TaggingEvent.objects.filter(content_type=content_type)
        .values_list("object_id")
        .annotate(last=Max("at"))
        .order_by()
    )
    for object_id, last in taggings:
        changes[object_id] = max(last, changes.get(object_id, last))
    return changes


class PagesSitemap(Sitemap):
    def items(self):
        return PAGES

    def location(self, name):
        return reverse(name)


class RecordSitemap(Sitemap):
    """Every record of one kind that has a public page."""

    def __init__(self, model, records=None):
        self.model = model
        self.records = records

    def items(self):
        queryset = self.records() if self.records else self.model._default_manager.all()
        return ChangedRecords(self.model, queryset.order_by("pk"))

    def lastmod(self, record):
        return record.changed_at

    def get_latest_lastmod(self):
        """When any record of the kind was last changed, for the index, without reading every
        record as Django's default does."""
        known = list(last_changes(self.model).values())
        if any(field.name == "updated_at" for field in self.model._meta.fields):
            known.append(self.items().queryset.aggregate(last=Max("updated_at"))["last"])
        return max(filter(None, known), default=None)


class ChangedRecords:
    """Records read a page at a time, as the sitemap's paginator slices them, each with
    ``changed_at``: when it was last changed in the site, if known."""

    def __init__(self, model, queryset):
        self.model = model
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list:
        records = list(self.queryset[page])
        changes = last_changes(self.model)
        for record in records:
            known = [t for t in (changes.get(record.pk), getattr(record, "updated_at", None)) if t]
            record.changed_at = max(known, default=None)
        return records


SITEMAPS = {
    "pages": PagesSitemap(),
    "sessions": RecordSitemap(Session),
    "meetings": RecordSitemap(Meeting),
    "speakers": RecordSitemap(Speaker),
    # Staff tags no record carries any more have no page in the lists.
    "themes": RecordSitemap(Tag, records=lambda: Tag.objects.listed()),
    "documents": RecordSitemap(Document),
    "organisations": RecordSitemap(Organisation),
    "countries": RecordSitemap(Country),
    "programmes": RecordSitemap(Programme),
    "sources": RecordSitemap(SourceDocument),
}
