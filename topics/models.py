"""Reference records that sessions talk about: themes and tags, UN documents, organisations,
countries, and the source documents every record is distilled from."""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import GenericTaggedItemBase, TagBase

from sessions.roles import REMOVE_TAGGING

from .provenance import PassageIndex, PassageRef, UnresolvedLocation
from .search.models import SearchEntry, SearchWord  # noqa: F401  (the search index's tables)
from .symbols import (
    MalformedSymbol,
    library_search_url,
    normalize_symbol,
    official_text_url,
    try_normalize_symbol,
)

# How many of the newest sessions sharing a record "related" lists weigh: a theme, or a resolution,
# may be shared by a million.
RELATED_CANDIDATES = 500


def count_of(rows: models.QuerySet) -> Coalesce:
    """How many ``rows`` there are, as an expression for ``annotate`` (0 for none)."""
    # Grouping by a constant aggregates every row into one.
    total = rows.order_by().values(group=Value(1)).annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(total, output_field=models.IntegerField()), 0)


def count_up_to(table: str, condition: str, params: list, most: int) -> RawSQL:
    """How many rows of ``table`` (as ``link``) meet ``condition``, counting no further than
    ``most + 1``: a record a million rows name costs no more than one on ``most``."""
    # A LIMIT inside a count, which Django's expressions do not say.
    return RawSQL(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} AS link WHERE {condition} LIMIT %s) "
        "AS counted",
        [*params, most + 1],
        output_field=models.IntegerField(),
    )


def sessions_in(lookup: str, sessions: models.QuerySet | None) -> Q:
    """The condition that ``lookup`` (a path to a session) leads to one of ``sessions``, or to
    any session when ``sessions`` is None: counting over every session then does not check
    each one against the list of them all."""
    if sessions is None:
        return Q(**{f"{lookup}__isnull": False})
    return Q(**{f"{lookup}__in": sessions.order_by().values("pk")})


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

    def relevant_to(self, sessions, documents):
        """The paragraphs (not headings) ``sessions`` were distilled from, and those naming any
        of ``documents``, in the order of their sources. The two are found apart, each through
        the index of its records, and put together: asked for at once (cited or named), the
        database joined every citation there is (a second over a million sessions)."""
        session_type = ContentType.objects.get_for_model(sessions[0]) if sessions else None
        cited = (
            apps.get_model("topics", "Citation")
            .passages.through.objects.filter(
                citation__content_type=session_type,
                citation__object_id__in=[session.pk for session in sessions],
            )
            .values("passage")
        )
        named = Mention.objects.filter(
            content_type=ContentType.objects.get_for_model(Document),
            object_id__in=[document.pk for document in documents],
            passage__isnull=False,
        ).values("passage")
        return (
            self.filter(pk__in=cited.union(named))
            .exclude(kind=Passage.Kind.HEADING)
            .select_related("source")
            .order_by("source__title", "source_id", "position")
        )


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
    # The text as HTML with the records it names linked, made when passages are loaded.
    text_html = models.TextField(blank=True, editable=False)

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


class MentionQuerySet(models.QuerySet):
    def of(self, record: models.Model):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )

    def summary_of(self, record: models.Model, *, shown: int = 10) -> "MentionSummary":
        """Where ``record`` is named: how many sessions and paragraphs, and the first
        ``shown`` of each with their snippets, in three queries however many there are."""
        mentions = self.of(record)
        counts = mentions.aggregate(
            sessions=Count("pk", filter=Q(session__isnull=False)),
            passages=Count("pk", filter=Q(passage__isnull=False)),
        )
        if not counts["sessions"] and not counts["passages"]:
            return MentionSummary(0, 0, [], [])
        in_sessions = (
            mentions.filter(session__isnull=False)
            .select_related("session__meeting")
            .order_by(F("session__date").desc(nulls_last=True), "session__title", "pk")[:shown]
        )
        in_passages = (
            mentions.filter(passage__isnull=False)
            .select_related("passage__source")
            .order_by("passage__source__file_name", "passage__position")[:shown]
        )
        return MentionSummary(
            session_count=counts["sessions"],
            passage_count=counts["passages"],
            in_sessions=list(in_sessions),
            in_passages=list(in_passages),
        )


@dataclass
class MentionSummary:
    session_count: int
    passage_count: int
    in_sessions: list["Mention"]
    in_passages: list["Mention"]

    @property
    def total(self) -> int:
        return self.session_count + self.passage_count


class Mention(models.Model):
    """A record (a document, an organisation, a speaker, a country) named in a session's notes
    or a source's passage, with the words around its first mention there. Found when the text
    is saved or loaded (see ``topics.mentions``)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    session = models.ForeignKey(
        "kb_sessions.Session",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    passage = models.ForeignKey(
        "Passage", null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    snippet = models.TextField()

    objects = MentionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, passage__isnull=True)
                | Q(session__isnull=True, passage__isnull=False),
                name="mention_in_a_session_or_a_passage",
            )
        ]

    def __str__(self):
        return f"{self.record} in {self.session or self.passage}"


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
        # The kind is named, not looked up, so that the queryset can be built before the
        # database is reachable (a view's class attribute).
        of_sessions = Q(
            tagged_items__content_type__app_label="kb_sessions",
            tagged_items__content_type__model="session",
        )
        return (
            self.listed()
            .annotate(session_count=Count("tagged_items", filter=of_sessions))
            .order_by("name")
        )

    def with_session_counts_up_to(self, most: int):
        """Like ``with_session_counts``, but each count stops past ``most`` (it is then
        ``most + 1``): a theme a million sessions carry costs no more than one on ``most``."""
        capped = count_up_to(
            TaggedItem._meta.db_table,
            f"link.tag_id = {Tag._meta.db_table}.id AND link.content_type_id = "
            "(SELECT id FROM django_content_type WHERE app_label = %s AND model = %s)",
            ["kb_sessions", "session"],
            most,
        )
        return self.listed().annotate(session_count=capped).order_by("name")

    def most_used(self):
        return self.listed().annotate(uses=Count("tagged_items")).order_by("-uses", "name")

    def counted_within(self, sessions=None):
        """Tags used on ``sessions`` (None: on any session), each with how many of them carry
        it."""
        return (
            self.filter(sessions_in("tagged_items__session", sessions))
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

    # The session list's address with this tag added to its filters, where a list sets it;
    # its tags link to the tag's own filter otherwise.
    filter_url = ""

    class Meta:
        verbose_name = "tagging"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "tag"], name="one_tagging_per_record_and_tag"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # A tag's records of one kind, read from the index alone: what counting a theme's
            # sessions, and listing them, need when a million carry it.
            models.Index(fields=["tag", "content_type", "object_id"], name="taggings_of_tag"),
        ]

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


# The Commission, whose membership the country pages show.
COMMISSION = "ccpcj"


class CountryQuerySet(SlugQuerySet):
    def members_of(self, body_slug: str = COMMISSION):
        """Countries in the body's most recent membership listing."""
        return self.filter(pk__in=Membership.objects.latest_listing(body_slug).values("country_id"))

    def with_membership(self, body_slug: str = COMMISSION):
        """Each country with ``is_member``: whether the body's most recent listing names it."""
        listing = Membership.objects.latest_listing(body_slug)
        return self.annotate(is_member=Exists(listing.filter(country=OuterRef("pk"))))

    def with_session_counts(self):
        # Counted per country shown, as documents are.
        naming = apps.get_model("kb_sessions", "Session").countries.through.objects
        return self.annotate(
            session_count=count_of(naming.filter(country=OuterRef("pk")))
        ).order_by("name")

    def with_session_counts_up_to(self, most: int):
        """Like ``with_session_counts``, but each count stops past ``most`` (it is then
        ``most + 1``): a country a hundred thousand sessions name costs no more than one on
        ``most``."""
        naming = apps.get_model("kb_sessions", "Session").countries.through._meta.db_table
        capped = count_up_to(naming, f"link.country_id = {Country._meta.db_table}.id", [], most)
        return self.annotate(session_count=capped).order_by("name")

    def counted_within(self, sessions=None):
        """Countries mentioned in any of ``sessions`` (None: in any session), each with how
        many of them."""
        return (
            self.filter(sessions_in("sessions", sessions))
            .annotate(session_count=Count("sessions"))
            .order_by("-session_count", "name")
        )


class Country(KeepsFormerSlugs, models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
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
    def with_session_counts(self):
        """Each organisation with how many sessions name it or had their notes taken for it:
        those naming it, and those noted for it, less those doing both. Each of the three is
        counted through an index; counting the sessions doing either joined every session to
        its namings, for each organisation (half a second each over a million sessions)."""
        session_model = apps.get_model("kb_sessions", "Session")
        naming = session_model.organisations.through.objects.filter(organisation=OuterRef("pk"))
        noted_for = session_model.objects.filter(note_taker_organisation=OuterRef("pk"))
        both = naming.filter(session__note_taker_organisation=OuterRef("pk"))
        return self.annotate(
            session_count=count_of(naming) + count_of(noted_for) - count_of(both)
        ).order_by("name")

    def counted_within(self, sessions=None) -> list["Organisation"]:
        """Organisations involved in any of ``sessions`` (None: in any session; named, or
        noted for), each with how many of them, most first. Each organisation's sessions
        naming it, noted for it and both are counted in one UNION of two grouped counts: a
        correlated count per organisation would scan every session for each one."""
        session_model = apps.get_model("kb_sessions", "Session")

        def per_organisation(rows, path: str):
            fields = (F(path), *(F(f"{path}__{field}") for field in ("slug", "name", "acronym")))
            return rows.order_by().values_list(*fields)

        named_in = session_model.organisations.through.objects.filter(
            sessions_in("session", sessions)
        )
        noted_for = session_model.objects.filter(
            sessions_in("pk", sessions), note_taker_organisation__isnull=False
        )
        counts = (
            per_organisation(named_in, "organisation")
            .annotate(
                named=Count("session"),
                noted=Value(0),
                both=Count("session", filter=Q(session__note_taker_organisation=F("organisation"))),
            )
            .union(
                per_organisation(noted_for, "note_taker_organisation").annotate(
                    named=Value(0), noted=Count("pk"), both=Value(0)
                ),
                all=True,
            )
        )
        organisations = {}
        for pk, slug, name, acronym, named, noted, both in counts:
            if pk not in organisations:
                organisations[pk] = self.model(pk=pk, slug=slug, name=name, acronym=acronym)
                organisations[pk].session_count = 0
            organisations[pk].session_count += named + noted - both
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


class MembershipQuerySet(SlugQuerySet):
    def latest_listing(self, body_slug: str):
        """The members of a body as its most recent listing gives them: the memberships from the
        source whose list speaks for the latest date (an undated list counts as the oldest)."""
        listings = self.filter(body__slug=body_slug)
        latest_source = listings.order_by(F("as_of").desc(nulls_last=True), "-source_id").values(
            "source_id"
        )[:1]
        return listings.filter(source_id=Subquery(latest_source))


class Membership(models.Model):
    """A country's membership of a body (the Commission), as one source lists it. Membership
    changes; each listing keeps its source and the date the source speaks for."""

    slug = models.SlugField(
        max_length=200, unique=True, blank=True, help_text="Made from the names if left empty."
    )
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="memberships")
    body = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    source = models.ForeignKey(
        "SourceDocument", on_delete=models.PROTECT, related_name="memberships"
    )
    as_of = models.DateField(
        "as of",
        null=True,
        blank=True,
        help_text="The date the source's list speaks for; empty where the source does not say.",
    )
    citations = GenericRelation(Citation)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", "country__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "body", "source"], name="one_membership_per_listing"
            )
        ]

    def __str__(self):
        return f"{self.country} in {self.body.acronym or self.body}, per {self.source}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = f"{self.country.slug}-in-{self.body.slug}-per-{self.source.slug}"[:200]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.country.get_absolute_url()}#country-memberships"

    def natural_key(self):
        return (self.slug,)


class DocumentQuerySet(SlugQuerySet):
    def matching_symbol(self, written: str):
        """Documents whose symbol is any written form of ``written``."""
        normalized = try_normalize_symbol(written)
        if normalized is None:
            return self.none()
        return self.filter(normalized_symbol=normalized)

    def at_address(self, key: str):
        """The document whose address is ``key``: its normalised symbol, or the slug of a
        document without one; None if there is none."""
        return (
            self.filter(normalized_symbol=key).first()
            or self.filter(slug=key, normalized_symbol__isnull=True).first()
        )

    def known_as(self, key: str):
        """The document ``key`` names in another way than its address: a written form of its
        symbol, its slug, or a slug it once had; None if none."""
        return (
            self.matching_symbol(key).first()
            or self.filter(slug=key).first()
            or FormerSlug.objects.find(self.model, key)
        )

    def with_session_counts(self):
        # Counted per document shown, through the links' index: grouping every link first
        # would count a million sessions' citations to show a page of documents.
        citing = apps.get_model("kb_sessions", "Session").documents.through.objects
        return self.annotate(
            session_count=count_of(citing.filter(document=OuterRef("pk")))
        ).order_by("normalized_symbol", "title")

    def counted_within(self, sessions=None):
        """Documents cited in any of ``sessions`` (None: in any session), each with how many
        of them cite it."""
        return (
            self.filter(sessions_in("sessions", sessions))
            .annotate(session_count=Count("sessions"))
            .order_by("-session_count", F("normalized_symbol").asc(nulls_last=True), "title")
        )

    def related_to(self, document: "Document", *, limit: int = 5):
        """Up to ``limit`` other documents most often cited by the same sessions as
        ``document`` (counting twice) or sharing its themes, each with what it shares; one
        query. Of the sessions citing ``document`` (a million may), the newest
        ``RELATED_CANDIDATES`` are weighed."""
        citing = self.model.sessions.through
        sessions = (
            citing.objects.filter(document=document)
            .order_by("-session_id")
            .values("session_id")[:RELATED_CANDIDATES]
        )
        document_type = ContentType.objects.get_for_model(self.model)
        themes = TaggedItem.objects.filter(
            content_type=document_type, object_id=document.pk, tag__is_theme=True
        ).values("tag")
        cited_together = citing.objects.filter(session__in=sessions)
        sharing_themes = TaggedItem.objects.filter(content_type=document_type, tag__in=themes)
        candidates = (
            self.filter(pk__in=cited_together.values("document"))
            .order_by()
            .values("pk")
            .union(self.filter(pk__in=sharing_themes.values("object_id")).order_by().values("pk"))
        )
        return (
            self.filter(pk__in=candidates)
            .exclude(pk=document.pk)
            .annotate(
                shared_sessions=Count("sessions", filter=Q(sessions__in=sessions), distinct=True),
                shared_themes=Count(
                    "tagged_items", filter=Q(tagged_items__tag__in=themes), distinct=True
                ),
            )
            .annotate(score=F("shared_sessions") * 2 + F("shared_themes"))
            .filter(score__gt=0)
            .order_by("-score", F("normalized_symbol").asc(nulls_last=True), "title")[:limit]
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
    issued_by = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="documents",
        help_text="Adopting body or publishers (several where a document was developed jointly).",
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

    @property
    def issuers(self) -> list["Organisation"]:
        """The bodies that adopted or published it (citations and exports name them)."""
        return list(self.issued_by.all())

    @property
    def official_text_url(self) -> str | None:
        """The official text on the UN's own site, for a document with a UN symbol."""
        return official_text_url(self.normalized_symbol) if self.normalized_symbol else None

    @property
    def library_search_url(self) -> str | None:
        """Its search in the UN Digital Library, for a document with a UN symbol."""
        return library_search_url(self.normalized_symbol) if self.normalized_symbol else None

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
