"""Reference records that sessions talk about: themes and tags, UN documents, organisations,
countries, and the source documents every record is distilled from."""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import GenericTaggedItemBase, TagBase

from sessions.roles import REMOVE_TAGGING

from .provenance import PassageIndex, PassageRef, UnresolvedLocation
from .search.models import SearchEntry, SearchWord  # noqa: F401  (the search index's tables)
from .symbols import MalformedSymbol, normalize_symbol, try_normalize_symbol


class SlugQuerySet(models.QuerySet):
    """Records known by their slug, also in serialised data (``natural_key``)."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class KeepsFormerSlugs:
    """A record whose old slug keeps working after an editor changes it (or merges it into
    another): old links redirect, and fixtures naming the old slug find the record."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_slug = instance.__dict__.get("slug")
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        saved_slug = getattr(self, "_saved_slug", None)
        if saved_slug and saved_slug != self.slug:
            FormerSlug.objects.retire(self, saved_slug)
        self._saved_slug = self.slug


class SourceDocument(models.Model):
    class Kind(models.TextChoices):
        OBSERVER_NOTES = "observer-notes", "Observer's notes"
        AGENCY_PROFILE = "agency-profile", "Agency profile"
        BACKGROUND_GUIDE = "background-guide", "Background guide"
        WORKING_PAPER = "working-paper", "Working paper"
        MEETING_NOTE = "meeting-note", "Meeting note"

    slug = models.SlugField(max_length=100, unique=True)
    file_name = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    date = models.DateField(null=True, blank=True)
    author = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["file_name"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("topics:source-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class PassageQuerySet(models.QuerySet):
    def headings(self):
        return self.filter(kind=Passage.Kind.HEADING)


class Passage(models.Model):
    """One heading, paragraph, list item or footnote of a source document, in the document's
    order and words. Passages are the source's own text: the loader keeps them as the fixtures
    give them, and the admin shows them read-only."""

    class Kind(models.TextChoices):
        HEADING = "heading", "Heading"
        PARAGRAPH = "paragraph", "Paragraph"
        LIST_ITEM = "list-item", "List item"
        FOOTNOTE = "footnote", "Footnote"

    source = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField(help_text="Order within the source, from 0.")
    anchor = models.SlugField(
        max_length=60, help_text="Unique within the source: para-7, para-43-c, fn-5, h-summary."
    )
    label = models.CharField(
        max_length=30, blank=True, help_text="As the document numbers it: 7, 43 (c), fn. 5."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Heading level, 1 for the document's main sections."
    )
    heading = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="passages_under",
        help_text="The nearest heading it sits under.",
    )
    text = models.TextField()

    objects = PassageQuerySet.as_manager()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "anchor"], name="one_passage_per_anchor"),
            models.UniqueConstraint(fields=["source", "position"], name="one_passage_per_place"),
        ]

    def __str__(self):
        label = self.label or self.get_kind_display()
        return f"{self.source}, {label}"

    def get_absolute_url(self):
        return f"{self.source.get_absolute_url()}#{self.anchor}"

    @property
    def number(self) -> str:
        """The label as printed beside the text: "13", "43 (c)", "5" for footnote "fn. 5"."""
        return self.label.removeprefix("fn.").strip()

    @property
    def name(self) -> str:
        """How a reader refers to it: "paragraph 13", "footnote 5", "section “Summary”", or an
        unnumbered passage by its first words."""
        if self.kind == self.Kind.HEADING:
            return f"section “{Truncator(self.text).words(8)}”"
        kind = self.get_kind_display().lower()
        if self.number:
            return f"{kind} {self.number}"
        return f"{kind} “{Truncator(self.text).words(6)}”"


class Citation(models.Model):
    """Where in a source document a record was distilled from."""

    source = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="citations")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    location = models.CharField(
        max_length=200, blank=True, help_text="Day, section or paragraph within the source."
    )
    passages = models.ManyToManyField(
        Passage,
        blank=True,
        related_name="citations",
        help_text="The passages the location names (para. 13 → paragraph 13).",
    )

    class Meta:
        ordering = ["source__file_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id"], name="one_citation_per_source"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.source} — {self.location}" if self.location else str(self.source)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.passages.set(self.named_passages())

    def named_passages(self) -> list["Passage"]:
        """The passages of the source that the location names (none if it names none)."""
        passages = list(self.source.passages.all())
        index = PassageIndex([PassageRef(p.anchor, p.label, p.kind, p.text) for p in passages])
        try:
            anchors = index.anchors_for(self.location)
        except UnresolvedLocation:
            return []
        by_anchor = {p.anchor: p for p in passages}
        return [by_anchor[anchor] for anchor in anchors]


# Characters that reorder the text around them (Trojan Source): a name holding one can read
# differently from what it is, so tag names never do.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def validate_tag_name(name: str) -> None:
    if BIDI_CONTROLS.intersection(name):
        raise ValidationError(
            "Tags cannot contain characters that change the direction of text.",
            code="bidi_control",
        )
    if not name.isprintable():
        raise ValidationError(
            "Tags can only contain printable characters: no line breaks, tabs or "
            "invisible control characters.",
            code="unprintable",
        )


class TagQuerySet(SlugQuerySet):
    def themes(self):
        return self.filter(is_theme=True)

    def listed(self):
        """Curated themes, and staff tags still on at least one record: a staff tag whose
        last tagging was removed leaves listings, suggestions and search."""
        return self.filter(Q(is_theme=True) | Exists(TaggedItem.objects.filter(tag=OuterRef("pk"))))

    def with_session_counts(self):
        # Taggings of sessions are counted by their kind of record, without joining a million
        # sessions (deleting a session deletes its taggings).
        session_type = ContentType.objects.get_for_model(apps.get_model("kb_sessions", "Session"))
        return (
            self.listed()
            .annotate(
                session_count=Count(
                    "tagged_items", filter=Q(tagged_items__content_type=session_type)
                )
            )
            .order_by("name")
        )

    def most_used(self):
        return self.listed().annotate(uses=Count("tagged_items")).order_by("-uses", "name")

    def counted_within(self, sessions):
        """Tags used on ``sessions``, each with how many of them carry it."""
        return (
            self.filter(tagged_items__session__in=sessions.values("pk"))
            .annotate(session_count=Count("tagged_items"))
            .order_by("-is_theme", "-session_count", "name")
        )


class Tag(KeepsFormerSlugs, TagBase):
    """A tag on sessions, documents and meetings. Curated themes carry a description."""

    name = models.CharField("name", unique=True, max_length=100, validators=[validate_tag_name])
    is_theme = models.BooleanField(
        "curated theme", default=False, help_text="Curated themes are kept by editors."
    )
    description = models.TextField(blank=True)
    citations = GenericRelation(Citation)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "tag"

    def get_absolute_url(self):
        return reverse("topics:theme-detail", args=[self.slug])

    @property
    def kind_label(self) -> str:
        """What pages call it: "Theme" for a curated theme, "Tag" for one added by staff."""
        return "Theme" if self.is_theme else "Tag"

    def natural_key(self):
        return (self.slug,)


class TaggedItem(GenericTaggedItemBase):
    """One tag on one record, with who added it and when (fixture themes have no author)."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_items")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="taggings",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tagging"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "tag"], name="one_tagging_per_record_and_tag"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def can_be_removed_by(self, user) -> bool:
        """Only the person who added a tag removes it from the site, while their role allows."""
        return (
            self.added_by_id is not None
            and self.added_by_id == user.pk
            and user.has_perm(REMOVE_TAGGING)
        )


class TaggingEventQuerySet(models.QuerySet):
    def tags_created_by(self, user, *, since):
        return self.filter(user=user, created_tag=True, at__gte=since)


class TaggingEvent(models.Model):
    """A tag added to or removed from a record, by whom and when. Kept when the tag, the
    record or the tagging is gone, so it names them as they were."""

    class Action(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"

    action = models.CharField(max_length=10, choices=Action.choices)
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    tag_name = models.CharField("tag", max_length=100)
    created_tag = models.BooleanField(
        "new tag", default=False, help_text="This tagging created the tag."
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name="kind of record"
    )
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    record_name = models.CharField("record", max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tagging_events",
    )
    at = models.DateTimeField("when", default=timezone.now, db_index=True)

    objects = TaggingEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "tagging event"
        verbose_name_plural = "taggings audit"
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.user or 'Someone'} {self.action} “{self.tag_name}” on {self.record_name}"


class CountryQuerySet(SlugQuerySet):
    def with_session_counts(self):
        return self.annotate(session_count=Count("sessions", distinct=True)).order_by("name")

    def counted_within(self, sessions):
        """Countries mentioned in any of ``sessions``, each with how many of them."""
        return (
            self.filter(sessions__in=sessions.values("pk"))
            .annotate(session_count=Count("sessions"))
            .order_by("-session_count", "name")
        )


class Country(KeepsFormerSlugs, models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    ccpcj_member = models.BooleanField(
        "CCPCJ member",
        default=False,
        help_text="Listed as a member of the Commission by the background guide.",
    )
    citations = GenericRelation(Citation)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topics:country-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class OrganisationQuerySet(SlugQuerySet):
    def with_session_counts(self, within=None):
        """Each organisation with how many sessions name it or had their notes taken for it
        (of the sessions ``within``, if given)."""
        session_model = apps.get_model("kb_sessions", "Session")
        linked = session_model.objects.filter(
            Q(organisations=OuterRef("pk")) | Q(note_taker_organisation=OuterRef("pk"))
        )
        if within is not None:
            linked = linked.filter(pk__in=within.values("pk"))
        # Grouping by a constant aggregates every linked session into one row.
        count = (
            linked.order_by()
            .values(group=Value(1))
            .annotate(total=Count("pk", distinct=True))
            .values("total")
        )
        return self.annotate(
            session_count=Coalesce(Subquery(count, output_field=models.IntegerField()), 0)
        ).order_by("name")

    def counted_within(self, sessions) -> list["Organisation"]:
        """Organisations involved in any of ``sessions`` (named, or noted for), each with how
        many of them, most first. The (organisation, session) pairs come from one UNION and are
        counted here: a correlated count per organisation scans every session for each one."""
        session_model = apps.get_model("kb_sessions", "Session")
        session_ids = sessions.order_by().values("pk")
        shown = ["slug", "name", "acronym"]
        named = session_model.organisations.through.objects.filter(
            session__in=session_ids
        ).values_list("session_id", "organisation_id", *(f"organisation__{f}" for f in shown))
        noted = (
            session_model.objects.filter(pk__in=session_ids, note_taker_organisation__isnull=False)
            .order_by()
            .values_list(
                "pk",
                "note_taker_organisation_id",
                *(f"note_taker_organisation__{f}" for f in shown),
            )
        )
        organisations = {}
        counts = Counter()
        for _session, pk, *values in named.union(noted):
            if pk not in organisations:
                organisations[pk] = self.model(pk=pk, **dict(zip(shown, values, strict=True)))
            counts[pk] += 1
        for pk, organisation in organisations.items():
            organisation.session_count = counts[pk]
        return sorted(organisations.values(), key=lambda o: (-o.session_count, o.name))


class Organisation(KeepsFormerSlugs, models.Model):
    class Kind(models.TextChoices):
        UN_ENTITY = "un-entity", "UN entity"
        UN_BODY = "un-body", "UN intergovernmental body"
        INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental organisation"
        GOVERNMENT = "government", "Government body"
        NGO = "ngo", "NGO"
        ACADEMIA = "academia", "Academia"
        PRIVATE_SECTOR = "private-sector", "Private sector"
        LAW_FIRM = "law-firm", "Law firm"
        COURT = "court", "Court"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    acronym = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)
    citations = GenericRelation(Citation)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        if self.acronym and self.acronym.lower() != self.name.lower():
            return f"{self.name} ({self.acronym})"
        return self.name

    def get_absolute_url(self):
        return reverse("topics:organisation-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class DocumentQuerySet(SlugQuerySet):
    def matching_symbol(self, written: str):
        """Documents whose symbol is any written form of ``written``."""
        normalized = try_normalize_symbol(written)
        if normalized is None:
            return self.none()
        return self.filter(normalized_symbol=normalized)

    def with_session_counts(self):
        return self.annotate(session_count=Count("sessions", distinct=True)).order_by(
            "normalized_symbol", "title"
        )

    def counted_within(self, sessions):
        """Documents cited in any of ``sessions``, each with how many of them cite it."""
        return (
            self.filter(sessions__in=sessions.values("pk"))
            .annotate(session_count=Count("sessions"))
            .order_by("-session_count", F("normalized_symbol").asc(nulls_last=True), "title")
        )

    def grouped_by_kind(self) -> list[tuple[str, list["DocumentTitle"]]]:
        """``(kind, titles)`` pairs in the order kinds are declared. Documents without a
        symbol that share a kind and a title are the editions of one publication, listed once;
        titles run newest first, undated last."""
        titles: dict[tuple[str, str], DocumentTitle] = {}
        for document in self:
            if document.normalized_symbol or not document.title.strip():
                key = (document.kind, f"#{document.pk}")
            else:
                key = (document.kind, " ".join(document.title.casefold().split()))
            titles.setdefault(key, DocumentTitle(document.kind)).editions.append(document)
        by_kind: dict[str, list[DocumentTitle]] = {}
        for title in sorted(titles.values(), key=DocumentTitle.sort_key):
            title.editions.sort(key=lambda document: (document.year is None, -(document.year or 0)))
            by_kind.setdefault(title.kind, []).append(title)
        return [
            (Document.Kind(kind).label, by_kind[kind])
            for kind in Document.Kind.values
            if kind in by_kind
        ]


class Document(KeepsFormerSlugs, models.Model):
    """A UN resolution or document, or a publication such as a handbook or tool."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", "Resolution"
        DECISION = "decision", "Decision"
        REPORT = "report", "Report"
        CONVENTION = "convention", "Convention"
        PROTOCOL = "protocol", "Protocol"
        DECLARATION = "declaration", "Declaration"
        RULES = "rules", "Rules and standards"
        PUBLICATION = "publication", "Publication"
        TOOL = "tool", "Tool"
        HANDBOOK = "handbook", "Handbook"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=120, unique=True)
    symbol = models.CharField(max_length=80, blank=True, help_text="As first written in a source.")
    normalized_symbol = models.CharField(max_length=80, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    issued_by = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text="Adopting body or publisher.",
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    popular_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    tags = TaggableManager(through=TaggedItem, blank=True)
    citations = GenericRelation(Citation)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["normalized_symbol", "title"]

    def __str__(self):
        label = self.normalized_symbol or self.title
        if self.popular_name:
            return f"{label} ({self.popular_name})"
        return label

    def save(self, *args, **kwargs):
        self.normalized_symbol = try_normalize_symbol(self.symbol) if self.symbol else None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("topics:document-detail", args=[self.normalized_symbol or self.slug])

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if not self.symbol and not self.title:
            raise ValidationError("A document needs a symbol or a title, so it has a name.")
        if self.symbol:
            try:
                normalize_symbol(self.symbol)
            except MalformedSymbol as error:
                raise ValidationError({"symbol": str(error)}) from error


@dataclass
class DocumentTitle:
    """One document, or the editions of one publication (same kind and title), newest first."""

    kind: str
    editions: list[Document] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.editions[0].title

    def sort_key(self) -> tuple:
        """Newest first, undated last, then alphabetically."""
        newest = max((d.year for d in self.editions if d.year is not None), default=None)
        return (newest is None, -(newest or 0), str(self.editions[0]).casefold())


class ProgrammeQuerySet(SlugQuerySet):
    def for_listing(self):
        return self.prefetch_related("organisations").order_by("name")


class Programme(KeepsFormerSlugs, models.Model):
    """A programme, project, initiative, campaign or fund, run by organisations and named by
    documents and sessions (GLO.ACT, the Spotlight Initiative, UNiTE)."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", "Programme"
        JOINT_PROGRAMME = "joint-programme", "Joint programme"
        PROJECT = "project", "Project"
        INITIATIVE = "initiative", "Initiative"
        CAMPAIGN = "campaign", "Campaign"
        FUND = "fund", "Fund"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    acronym = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="programmes", help_text="Who runs it."
    )
    documents = models.ManyToManyField(
        "Document", blank=True, related_name="programmes", help_text="Documents that name it."
    )
    sessions = models.ManyToManyField(
        "kb_sessions.Session",
        blank=True,
        related_name="programmes",
        help_text="Sessions that name it.",
    )
    citations = GenericRelation(Citation)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        if self.acronym and self.acronym.lower() != self.name.lower():
            return f"{self.name} ({self.acronym})"
        return self.name

    def get_absolute_url(self):
        return reverse("topics:programme-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class FormerSlugQuerySet(models.QuerySet):
    def retire(self, record: models.Model, slug: str) -> None:
        """Remember that ``record`` was known as ``slug``; its current slug is live again."""
        content_type = ContentType.objects.get_for_model(record)
        self.filter(content_type=content_type, slug=record.slug).delete()
        self.update_or_create(
            content_type=content_type, slug=slug, defaults={"object_id": record.pk}
        )

    def find(self, model: type[models.Model], slug: str):
        """The record of ``model`` once known as ``slug``, or None."""
        former = self.filter(
            content_type=ContentType.objects.get_for_model(model), slug=slug
        ).first()
        if former is None:
            return None
        return model._default_manager.filter(pk=former.object_id).first()


class FormerSlug(models.Model):
    """An address a record used to have: a slug changed in the admin, or a tag merged into
    another. Old links redirect to the record, and fixtures naming the old key find it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    slug = models.CharField(max_length=120)
    retired_at = models.DateTimeField(auto_now_add=True)

    objects = FormerSlugQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="one_record_per_former_slug"
            )
        ]

    def __str__(self):
        return self.slug


class LoadedRecord(models.Model):
    """What ``load_kb`` last wrote for one fixture record: every field, link and citation.

    Comparing it with the fixtures tells a fixture change from an editor's change."""

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=200)
    values = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="one_loaded_state_per_record")
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"


class FixtureLoad(models.Model):
    """One run of ``load_kb``: which fixtures it read, and what it did."""

    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the fixture files.")
    finished_at = models.DateTimeField(auto_now_add=True)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    kept_edits = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)

    class Meta:
        get_latest_by = "finished_at"
        ordering = ["-finished_at"]

    def __str__(self):
        return f"Load of {self.finished_at:%Y-%m-%d %H:%M}"
