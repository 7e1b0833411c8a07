"""The sitemap (``/sitemap.xml``): every public page, each record's with the time it was last
changed in the site where one is known.

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
        records = list(queryset.order_by("pk"))
        changes = last_changes(self.model)
        for record in records:
            known = [t for t in (changes.get(record.pk), getattr(record, "updated_at", None)) if t]
            record.changed_at = max(known, default=None)
        return records

    def lastmod(self, record):
        return record.changed_at


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
