"""Meetings, the sessions held within them, and the speakers who spoke there."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F
from django.urls import reverse
from taggit.managers import TaggableManager

from topics.models import Citation, Country, Document, Organisation, TaggedItem


class Meeting(models.Model):
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
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="meetings")
    tags = TaggableManager(through=TaggedItem, blank=True)
    citations = GenericRelation(Citation)

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


class Speaker(models.Model):
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

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    def get_absolute_url(self):
        return reverse("sessions:speaker-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Session(models.Model):
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
    note_taker = models.CharField(max_length=200, blank=True)
    note_taker_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="noted_sessions",
    )
    speakers = models.ManyToManyField(Speaker, through="Appearance", related_name="sessions")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="sessions")
    documents = models.ManyToManyField(Document, blank=True, related_name="sessions")
    countries = models.ManyToManyField(Country, blank=True, related_name="sessions")
    tags = TaggableManager(through=TaggedItem, blank=True)
    citations = GenericRelation(Citation)

    class Meta:
        ordering = [F("date").asc(nulls_last=True), F("start_time").asc(nulls_last=True), "title"]
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

    def get_absolute_url(self):
        return reverse("sessions:detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Appearance(models.Model):
    """A speaker speaking at a session, in the role and affiliation they spoke in there."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="appearances")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="appearances")
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

    def __str__(self):
        return f"{self.speaker} at {self.session.title}"
