"""Meetings, the sessions held within them, and the speakers who spoke there."""

import datetime
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from topics.mentions import Vocabulary, store_mentions
from topics.models import (
    RELATED_CANDIDATES,
    Citation,
    Country,
    Document,
    KeepsFormerSlugs,
    Organisation,
    SlugQuerySet,
    TaggedItem,
    count_of,
    sessions_in,
)

from .markdown import render_markdown
from .roles import CHANGE_ANNOTATION, READ_SHARED_ANNOTATIONS
from .timezones import place_of, utc_offset, validate_time_zone, zone_of

# How much what two sessions share says they belong together: a speaker or a resolution in
# common says more than a theme, which many sessions carry.
RELATED_WEIGHTS = {"shared_speakers": 3, "shared_documents": 3, "shared_themes": 2}


def newest(links: models.QuerySet, session_column: str) -> models.QuerySet:
    """The sessions of the newest ``RELATED_CANDIDATES`` of ``links`` (rows naming a session
    in ``session_column``), newest by id: what a bounded "related" weighs."""
    return links.order_by(f"-{session_column}").values(session_column)[:RELATED_CANDIDATES]


def taggings_prefetch():
    """Tags of each record, curated themes first, in one query for a whole page."""
    return Prefetch(
        "tagged_items",
        queryset=TaggedItem.objects.select_related("tag").order_by("-tag__is_theme", "tag__name"),
        to_attr="tagging_list",
    )


class MeetingQuerySet(SlugQuerySet):
    def with_session_counts(self):
        # Counted per meeting shown, through the index on the sessions' meeting: grouping every
        # session first would count them all to show a page of meetings.
        counted = (
            Session.objects.filter(meeting=OuterRef("pk"))
            .order_by()
            .values("meeting")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(
            session_count=Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)
        ).order_by(F("start_date").desc(nulls_last=True), "name")

    def mentioned_only(self):
        """Meetings the sources only mention: no session recorded and no dates given."""
        return self.filter(sessions__isnull=True, start_date__isnull=True, end_date__isnull=True)

    def with_programme(self):
        """Meetings with a session recorded or a date given."""
        return self.exclude(pk__in=self.mentioned_only().values("pk"))

    def counted_within(self, sessions=None):
        """Meetings holding any of ``sessions`` (None: any session), each with how many of
        them."""
        return (
            self.filter(sessions_in("sessions", sessions))
            .annotate(session_count=Count("sessions"))
            .order_by(F("start_date").desc(nulls_last=True), "name")
        )


class Meeting(KeepsFormerSlugs, models.Model):
    class Kind(models.TextChoices):
        COMMISSION_SESSION = "commission-session", "Commission session"
        CONGRESS = "congress", "Crime Congress"
        CONSTRUCTIVE_DIALOGUE = "constructive-dialogue", "Constructive dialogue"
        WORKING_GROUP_SESSION = "working-group-session", "Working group session"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    city = models.CharField(max_length=100, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Where it was held, as an IANA time zone name (Europe/Vienna, Asia/Tokyo): "
        "its sessions' times are local to it.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    inferred = models.JSONField(
        default=list,
        blank=True,
        help_text='Fields whose values the sources imply rather than state, e.g. ["city"].',
    )
    documents = models.ManyToManyField(Document, blank=True, related_name="meetings")
    tags = TaggableManager(through=TaggedItem, blank=True)
    citations = GenericRelation(Citation)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = [F("start_date").desc(nulls_last=True), "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=F("start_date"))
                | models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True),
                name="meeting_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sessions:meeting-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def zone(self):
        """Its time zone (a ZoneInfo), or None where it is not given."""
        return zone_of(self.time_zone)

    @property
    def local_time_name(self) -> str:
        """What its clock is called: "Kyoto time", "Vienna time"; empty without a zone."""
        if self.zone is None:
            return ""
        return f"{self.city or place_of(self.time_zone)} time"

    @property
    def place(self) -> str:
        """Venue, city and country, as far as they are given."""
        country = self.country.name if self.country_id else ""
        return ", ".join(part for part in (self.venue, self.city, country) if part)

    def zone_label(self) -> str:
        """Its zone for its page: "Kyoto time (Asia/Tokyo, UTC+9)", with the offset on its
        first day when that is known."""
        if self.zone is None:
            return ""
        details = [self.time_zone]
        if self.start_date:
            noon = datetime.datetime.combine(self.start_date, datetime.time(12), self.zone)
            details.append(utc_offset(noon))
        return f"{self.local_time_name} ({', '.join(details)})"


class SpeakerQuerySet(SlugQuerySet):
    def for_listing(self):
        # Counted per speaker shown, through the index of appearances by speaker: counting
        # every speaker's first read all the appearances (1.3 s over a million sessions).
        counted = (
            Appearance.objects.filter(speaker=OuterRef("pk"))
            .order_by()
            .values("speaker")
            .annotate(total=Count("session", distinct=True))
            .values("total")
        )
        return (
            self.select_related("organisation", "country")
            .annotate(
                session_count=Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)
            )
            .order_by("name", "id")
        )

    def counted_within(self, sessions=None):
        """Speakers at any of ``sessions`` (None: any session), each with how many of them
        they spoke at."""
        return (
            self.filter(sessions_in("appearances__session", sessions))
            .annotate(session_count=Count("appearances"))
            .order_by("-session_count", "name")
        )


class Speaker(KeepsFormerSlugs, models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    honorific = models.CharField(max_length=50, blank=True, help_text="Mr, Ms, Justice, …")
    function = models.CharField(max_length=300, blank=True, help_text="Title or role as stated.")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="speakers"
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="speakers"
    )
    citations = GenericRelation(Citation)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        # The list of speakers, a third as many as sessions, is read a page at a time in order.
        indexes = [models.Index(fields=["name", "id"], name="speaker_by_name")]

    def __str__(self):
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    def get_absolute_url(self):
        return reverse("sessions:speaker-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class SessionQuerySet(SlugQuerySet):
    def with_people_and_tags(self):
        """Each session's meeting, speakers and tags, in a fixed number of queries however
        many sessions."""
        return self.select_related("meeting").prefetch_related(
            taggings_prefetch(),
            Prefetch(
                "appearances",
                queryset=Appearance.objects.select_related("speaker"),
                to_attr="appearance_list",
            ),
        )

    def for_listing(self):
        """Everything a list row shows; not the notes, which only a session's own page (and
        a briefing pack) shows."""
        return self.with_people_and_tags().defer("notes", "notes_html")

    def for_syndication(self):
        """What a feed entry or a calendar event shows: its meeting (place and time zone) and
        its themes and tags, in a fixed number of queries however many sessions."""
        return self.select_related("meeting__country").prefetch_related(taggings_prefetch())

    def related_to(self, session: "Session", *, limit: int = 5):
        """Up to ``limit`` other sessions sharing the most speakers, resolutions and themes
        with ``session`` (weighted by ``RELATED_WEIGHTS``), each with what it shares; one
        query, however many sessions there are. Only the newest ``RELATED_CANDIDATES``
        sessions sharing each kind of record are weighed: a theme may be shared by a million.
        What ``session`` links to is read from its prefetched appearances, documents and
        tagged items where its page has them."""
        session_type = ContentType.objects.get_for_model(self.model)
        # Ids, not subqueries: the planner then knows how many sessions share each.
        taggings = getattr(session, "tagging_list", None)  # see taggings_prefetch
        if taggings is None:
            taggings = TaggedItem.objects.filter(
                content_type=session_type, object_id=session.pk
            ).select_related("tag")
        themes = [item.tag_id for item in taggings if item.tag.is_theme]
        speakers = [appearance.speaker_id for appearance in session.appearances.all()]
        documents = [document.pk for document in session.documents.all()]
        sharing_themes = TaggedItem.objects.filter(content_type=session_type, tag__in=themes)
        sharing_speakers = Appearance.objects.filter(speaker__in=speakers)
        sharing_documents = self.model.documents.through.objects.filter(document__in=documents)
        # One list of candidates (a union), which the planner looks up by id, where three
        # alternatives ("or") would have it read every session.
        candidates = [
            self.filter(pk__in=newest(links, column)).order_by().values("pk")
            for links, column in [
                (sharing_themes, "object_id"),
                (sharing_speakers, "session_id"),
                (sharing_documents, "session_id"),
            ]
        ]
        candidates = candidates[0].union(*candidates[1:])
        related = (
            self.filter(pk__in=candidates)
            .exclude(pk=session.pk)
            .annotate(
                shared_themes=count_of(sharing_themes.filter(object_id=OuterRef("pk"))),
                shared_speakers=count_of(sharing_speakers.filter(session=OuterRef("pk"))),
                shared_documents=count_of(sharing_documents.filter(session=OuterRef("pk"))),
            )
        )
        score = sum(F(name) * weight for name, weight in RELATED_WEIGHTS.items())
        return (
            related.annotate(score=score)
            .select_related("meeting")
            .order_by("-score", F("date").desc(nulls_last=True), "title", "pk")[:limit]
        )

    def tagged_with_all(self, tags):
        # "Exists" for each tag, looked up in the taggings' index by session: with joins the
        # database would gather every session of each tag before finding the newest few.
        session_type = ContentType.objects.get_for_model(self.model)
        for tag in tags:
            self = self.filter(
                Exists(
                    TaggedItem.objects.filter(
                        content_type=session_type, object_id=OuterRef("pk"), tag=tag
                    )
                )
            )
        return self

    def ids_involving(self, organisation) -> list[models.QuerySet]:
        """The ids of the sessions naming ``organisation``, and of those whose notes were taken
        for it."""
        named = self.model.organisations.through.objects.filter(organisation=organisation)
        noted = self.filter(note_taker_organisation=organisation).order_by()
        return [named.values_list("session", flat=True), noted.values_list("pk", flat=True)]

    def involving(self, organisation, *, many: bool = False):
        """Sessions naming ``organisation``, or whose notes were taken for it.

        By default the database gathers them in one list (a union) it reads once, where "or"
        would have it check each of a million sessions against both. For an organisation in
        very many (``many``), a page of them is found sooner by checking each session in the
        order listed: the newest meetings' hold the first page, where gathering the list first
        sorted a hundred thousand."""
        if many:
            named = self.model.organisations.through.objects.filter(
                organisation=organisation, session=OuterRef("pk")
            )
            return self.filter(Exists(named) | Q(note_taker_organisation=organisation))
        named, noted = self.ids_involving(organisation)
        return self.filter(pk__in=named.union(noted))

    def sharing_days_with(self, sessions):
        """Sessions held on the same day of the same meeting as any of ``sessions`` (a page of
        loaded sessions): what telling which of them run in parallel needs."""
        days = {(session.meeting_id, session.date) for session in sessions if session.date}
        if not days:
            return self.none()
        condition = Q()
        for meeting_id, date in days:
            condition |= Q(meeting_id=meeting_id, date=date)
        return self.filter(condition).only("meeting", "date", "start_time", "end_time")

    def kinds_counted(self):
        """``(kind, number of sessions)`` pairs, in the order kinds are declared."""
        counts = dict(self.order_by().values_list("kind").annotate(total=Count("pk")))
        return [(kind, counts[kind]) for kind in self.model.Kind.values if kind in counts]

    def notes_counted(self) -> dict[bool, int]:
        """How many sessions have notes (``True``) and how many do not (``False``)."""
        return dict(self.order_by().values_list("has_notes").annotate(total=Count("pk")))

    def days_counted(self) -> dict:
        """How many sessions were held on each day, for the dated ones."""
        return dict(
            self.filter(date__isnull=False)
            .order_by()
            .values_list("date")
            .annotate(total=Count("pk"))
        )

    def most_recent(self):
        return self.order_by(
            F("date").desc(nulls_last=True), F("start_time").desc(nulls_last=True), "title", "pk"
        )

    def by_meeting_newest_first(self):
        """Grouped by meeting, the newest meeting first; each meeting's in programme order."""
        return self.order_by(
            F("meeting__start_date").desc(nulls_last=True),
            "meeting__name",
            "meeting_id",
            F("date").asc(nulls_last=True),
            F("start_time").asc(nulls_last=True),
            "title",
            "pk",
        )

    def in_programme_order(self):
        return self.order_by(
            F("date").asc(nulls_last=True), F("start_time").asc(nulls_last=True), "title", "pk"
        )


class Session(KeepsFormerSlugs, models.Model):
    """A plenary sitting, side event, panel or agenda item within a meeting."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", "Plenary"
        SIDE_EVENT = "side-event", "Side event"
        PANEL = "panel", "Panel"
        AGENDA_ITEM = "agenda-item", "Agenda item"
        DIALOGUE = "dialogue", "Dialogue"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="sessions")
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=400)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(null=True, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    has_notes = models.BooleanField(default=True, help_text="Off when nobody took notes.")
    notes = models.TextField(
        blank=True, help_text="The note-taker's text as written (Markdown; HTML is sanitized)."
    )
    # The notes rendered and sanitized on save; pages show this and never parse Markdown.
    notes_html = models.TextField(editable=False)
    note_taker = models.CharField(max_length=200, blank=True)
    inferred = models.JSONField(
        default=list,
        blank=True,
        help_text='Fields whose values the sources imply rather than state, e.g. ["kind"].',
    )
    note_taker_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="noted_sessions",
        db_index=False,  # session_noted_for_organisation leads with it
    )
    speakers = models.ManyToManyField(Speaker, through="Appearance", related_name="sessions")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="sessions")
    documents = models.ManyToManyField(Document, blank=True, related_name="sessions")
    countries = models.ManyToManyField(Country, blank=True, related_name="sessions")
    tags = TaggableManager(through=TaggedItem, blank=True)
    tagged_items = GenericRelation(TaggedItem, related_query_name="session")
    citations = GenericRelation(Citation)
    # Feeds and calendars tell readers which sessions changed since they last looked.
    updated_at = models.DateTimeField("last modified", auto_now=True)

    # Whether it runs at the same time as another session of its meeting, where a page
    # listing it has found out (sessions.programme).
    is_parallel = False

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = [F("date").asc(nulls_last=True), F("start_time").asc(nulls_last=True), "title"]
        # A page of a million sessions without sorting them all (PostgreSQL puts nulls last in
        # ascending order, as the ordering does); migration 0009 adds newest first there.
        indexes = [
            models.Index(
                fields=["date", "start_time", "title", "id"], name="session_programme_order"
            ),
            # Covering: how many sessions each note-taker noted, for which organisation, is
            # counted from the index alone (search results, the note-takers' entries).
            models.Index(
                fields=["note_taker", "note_taker_organisation"], name="session_noted_for"
            ),
            # Covering: the sessions an organisation took notes at, and the meeting and day of
            # sessions found by id (timelines), read from indexes alone, not from the sessions'
            # rows with their notes (a large organisation has hundreds of thousands).
            models.Index(
                fields=["note_taker_organisation", "id"], name="session_noted_for_organisation"
            ),
            models.Index(fields=["id", "meeting", "date"], name="session_meeting_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gte=F("start_time"))
                | models.Q(end_time__isnull=True)
                | models.Q(start_time__isnull=True),
                name="session_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d %b %Y})" if self.date else self.title

    def save(self, *, update_fields=None, **kwargs):
        notes_saved = update_fields is None or "notes" in update_fields
        if notes_saved:
            html = render_markdown(self.notes)
            self.notes_html, found = Vocabulary.load(html).link(html)
        # update_or_create() saves only the fields it was given: the rendering goes with them.
        if update_fields is not None and "notes" in update_fields:
            update_fields = {*update_fields, "notes_html"}
        super().save(update_fields=update_fields, **kwargs)
        if notes_saved:
            store_mentions(found=found, session=self)

    def get_absolute_url(self):
        return reverse("sessions:detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def mark_modified(self) -> None:
        """Its themes or tags changed (a change of the session, for feeds and calendars)."""
        self.updated_at = timezone.now()
        type(self).objects.filter(pk=self.pk).update(updated_at=self.updated_at)

    def _at(self, time: datetime.time | None) -> datetime.datetime | None:
        if self.date is None or time is None:
            return None
        # Without its meeting's zone, a floating local time (as iCalendar calls it).
        return datetime.datetime.combine(self.date, time, self.meeting.zone)

    @property
    def starts_at(self) -> datetime.datetime | None:
        return self._at(self.start_time)

    @property
    def ends_at(self) -> datetime.datetime | None:
        return self._at(self.end_time)

    @property
    def local_times(self) -> str:
        """Its start and end times with the clock they are on ("Vienna time (UTC+2)"), the
        times alone where the meeting's zone is not given; empty without a start time."""
        if self.start_time is None:
            return ""
        times = f"{self.start_time:%H:%M}"
        if self.end_time:
            times += f"\N{EN DASH}{self.end_time:%H:%M}"
        name = self.meeting.local_time_name
        if not name:
            return times
        starts_at = self.starts_at
        return f"{times} {name} ({utc_offset(starts_at)})" if starts_at else f"{times} {name}"


class Appearance(models.Model):
    """A speaker speaking at a session, in the role and affiliation they spoke in there."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="appearances")
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.CASCADE,
        related_name="appearances",
        db_index=False,  # appearance_of_speaker leads with it
    )
    role = models.CharField(max_length=100, blank=True, help_text="E.g. “Speaker 1”, moderator.")
    affiliation = models.CharField(max_length=300, blank=True, help_text="As stated there.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker"], name="one_appearance_per_session"
            )
        ]
        # Covering: the sessions a speaker (or an organisation's speakers) spoke at.
        indexes = [models.Index(fields=["speaker", "session"], name="appearance_of_speaker")]

    def __str__(self):
        return f"{self.speaker} at {self.session.title}"


# Creating an annotation stamps created_at and updated_at a moment apart; later saves are edits.
EDIT_GRACE = timedelta(seconds=1)


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shared annotations for NGO staff and editors, and each person's own; a private
        annotation is read by its author and nobody else, superusers included."""
        if not user.is_authenticated:
            return self.none()
        readable = models.Q(author=user)
        if user.has_perm(READ_SHARED_ANNOTATIONS):
            readable |= models.Q(visibility=Annotation.Visibility.SHARED)
        return self.filter(readable).select_related("author")


class Annotation(models.Model):
    """A note NGO staff add to a session, in Markdown (sanitized when shown)."""

    class Visibility(models.TextChoices):
        SHARED = "shared", "Shared with NGO staff and editors"
        PRIVATE = "private", "Private to me"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    body = models.TextField(max_length=10_000, help_text="Plain text or Markdown.")
    # The body rendered and sanitized on save; pages show this and never parse Markdown.
    body_html = models.TextField(editable=False)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.SHARED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Annotation by {self.author} on {self.session.title}"

    def save(self, *, update_fields=None, **kwargs):
        html = render_markdown(self.body)
        self.body_html, _found = Vocabulary.load(html).link(html)
        if update_fields is not None and "body" in update_fields:
            update_fields = {*update_fields, "body_html"}
        super().save(update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return f"{self.session.get_absolute_url()}#annotation-{self.pk}"

    def can_be_changed_by(self, user) -> bool:
        """Only the author edits or deletes an annotation, while their role allows writing."""
        return self.author_id == user.pk and user.has_perm(CHANGE_ANNOTATION)

    @property
    def is_edited(self) -> bool:
        return self.updated_at - self.created_at > EDIT_GRACE
