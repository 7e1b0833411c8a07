"""The search index: one row per searchable record, and the vocabulary typos are checked against.

The rows are kept in step with the records by ``topics.search.indexing``. On SQLite FTS5 tables
mirror the text columns, those of every kind but sessions, and the symbols (through triggers,
migrations 0008 and 0015); on PostgreSQL a tsvector column, kept by a trigger, holds them
(migrations 0008 and 0013), indexed with the entries' dates (0018), so none appears here.
"""

from django.apps import apps
from django.db import models
from django.db.models import Q


class SearchEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything public, and the annotations ``user`` may read (never someone else's
        private one); staff tags nobody uses any more are left out, as on every other page."""
        annotation = apps.get_model("kb_sessions", "Annotation")
        tag = apps.get_model("topics", "Tag")
        return self.filter(
            ~Q(kind__in=[self.model.Kind.ANNOTATION, self.model.Kind.THEME])
            | Q(kind=self.model.Kind.THEME, object_id__in=tag.objects.listed().values("pk"))
            | Q(
                kind=self.model.Kind.ANNOTATION,
                object_id__in=annotation.objects.visible_to(user).values("pk"),
            )
        )

    def within(self, *, meeting=None, theme=None, start=None, end=None):
        """Entries of ``meeting`` (it, its sessions and their annotations), of records carrying
        ``theme``, and dated from ``start`` to ``end``."""
        kind = self.model.Kind
        session = apps.get_model("kb_sessions", "Session")
        annotation = apps.get_model("kb_sessions", "Annotation")
        entries = self
        if meeting is not None:
            entries = entries.filter(
                Q(kind=kind.MEETING, object_id=meeting.pk)
                | Q(kind=kind.SESSION, object_id__in=meeting.sessions.values("pk"))
                | Q(
                    kind=kind.ANNOTATION,
                    object_id__in=annotation.objects.filter(session__meeting=meeting).values("pk"),
                )
            )
        if theme is not None:
            tagged = session.objects.filter(tagged_items__tag=theme)
            entries = entries.filter(
                Q(kind=kind.THEME, object_id=theme.pk)
                | Q(kind=kind.SESSION, object_id__in=tagged.values("pk"))
                | Q(
                    kind=kind.MEETING,
                    object_id__in=apps.get_model("kb_sessions", "Meeting")
                    .objects.filter(tags=theme)
                    .values("pk"),
                )
                | Q(
                    kind=kind.DOCUMENT,
                    object_id__in=apps.get_model("topics", "Document")
                    .objects.filter(tags=theme)
                    .values("pk"),
                )
                | Q(
                    kind=kind.ANNOTATION,
                    object_id__in=annotation.objects.filter(session__in=tagged).values("pk"),
                )
            )
        if start is not None:
            entries = entries.filter(date__gte=start)
        if end is not None:
            entries = entries.filter(date__lte=end)
        return entries


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        # In the order the result groups are shown when they rank alike.
        SESSION = "session", "Sessions"
        MEETING = "meeting", "Meetings"
        SPEAKER = "speaker", "Speakers"
        NOTE_TAKER = "note-taker", "Note-takers"
        ORGANISATION = "organisation", "Organisations"
        PROGRAMME = "programme", "Programmes and initiatives"
        DOCUMENT = "document", "Resolutions and documents"
        THEME = "theme", "Themes and tags"
        COUNTRY = "country", "Countries"
        PASSAGE = "passage", "Passages of source documents"
        ANNOTATION = "annotation", "Annotations"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The record's id; note-takers are not records and have none.
    object_id = models.PositiveBigIntegerField(null=True)
    title = models.CharField(max_length=500, help_text="The record's name, as shown.")
    # The indexed text, folded and with one spelling (see language.index_text), by weight.
    name = models.TextField(blank=True)
    aliases = models.TextField(blank=True)
    body = models.TextField(blank=True)
    related = models.TextField(blank=True)
    # "|key|key|": the names an exact match compares with (language.key).
    keys = models.TextField(blank=True)
    # "|A/RES/70/176|…|": normalised symbols of the documents the record is or cites.
    symbols = models.TextField(blank=True)
    date = models.DateField(null=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "search entries"
        # Migrations kb_sessions 0010 (PostgreSQL) and topics 0015 (SQLite) add an index on
        # (kind, date DESC NULLS LAST, id DESC), which finds the newest matching sessions
        # without reading every match (engine.py).
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class SearchWord(models.Model):
    """A word of the public records, folded: what "Did you mean …?" suggests from."""

    word = models.CharField(max_length=60, unique=True)
    entries = models.PositiveIntegerField(default=1, help_text="How many records use it.")

    def __str__(self):
        return self.word
