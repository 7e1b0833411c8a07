"""Writes to tags and taggings. Every tagging added or removed by a person goes on the record
(``TaggingEvent``, the admin's taggings audit)."""

import math
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from ccpcj_kb.pagecache import bulk_writes

from .models import FormerSlug, Tag, TaggedItem, TaggingEvent, validate_tag_name

MAX_TAG_LENGTH = Tag._meta.get_field("name").max_length
TAG_CREATION_WINDOW = timedelta(hours=1)


class TaggingError(ValueError):
    """A tagging that cannot be made; the message is shown to the user."""


class TagNameError(TaggingError):
    """A tag name that cannot be used."""


class TagLimitReached(TaggingError):
    """The user has created as many new tags as ``TAGS_CREATED_PER_HOUR`` allows."""


def normalize_tag_name(raw: str) -> str:
    return " ".join(str(raw).split())


def find_or_create_tag(*, name: str, user=None) -> tuple[Tag, bool]:
    """The tag called ``name``, matched regardless of case, spacing and punctuation
    ("Femicide", " femicide ", "FEMICIDE" are one tag), and whether it was created now.

    A ``user`` creating a new tag is held to ``TAGS_CREATED_PER_HOUR``; existing tags are free.
    """
    name = normalize_tag_name(name)
    if not name:
        raise TagNameError("Type a tag.")
    if len(name) > MAX_TAG_LENGTH:
        raise TagNameError(f"Tags are at most {MAX_TAG_LENGTH} characters long.")
    try:
        validate_tag_name(name)
    except ValidationError as error:
        raise TagNameError(error.messages[0]) from error
    slug = slugify(name)
    if not slug:
        raise TagNameError("A tag needs at least one letter or digit.")
    existing = _existing_tag(name, slug)
    if existing:
        return existing, False
    if user is not None:
        _check_tag_creation_limit(user)
    try:
        # A savepoint, so that losing a race to create the same tag keeps the transaction usable.
        with transaction.atomic():
            return Tag.objects.create(name=name, slug=slug), True
    except IntegrityError:
        return _existing_tag(name, slug), False


def _existing_tag(name: str, slug: str) -> Tag | None:
    return Tag.objects.filter(models.Q(slug=slug) | models.Q(name__iexact=name)).first()


def _check_tag_creation_limit(user) -> None:
    limit = settings.TAGS_CREATED_PER_HOUR
    now = timezone.now()
    created = TaggingEvent.objects.tags_created_by(user, since=now - TAG_CREATION_WINDOW)
    if created.count() < limit:
        return
    oldest = created.order_by("at").values_list("at", flat=True).first()
    wait = (oldest + TAG_CREATION_WINDOW - now) if oldest else TAG_CREATION_WINDOW
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    raise TagLimitReached(
        f"You have created {limit} new tags in the last hour, the most allowed. "
        f"You can add existing tags now, and create new ones again in {minutes} minute"
        f"{'' if minutes == 1 else 's'}."
    )


def record_tagging(action: TaggingEvent.Action, *, tagging: TaggedItem, user, created_tag=False):
    """Put one tagging added or removed by ``user`` on the record."""
    record = tagging.content_object
    TaggingEvent.objects.create(
        action=action,
        tag=tagging.tag,
        tag_name=tagging.tag.name,
        created_tag=created_tag,
        content_type_id=tagging.content_type_id,
        object_id=tagging.object_id,
        record_name=str(record)[:200] if record else f"{tagging.content_type} {tagging.object_id}",
        user=user,
    )


@transaction.atomic
def tag_record(*, record: models.Model, name: str, user) -> tuple[TaggedItem, bool]:
    """Tag ``record`` as ``user``. Returns the tagging and whether it is new; tagging a record
    twice, even at the same moment from two requests, leaves one tagging."""
    tag, tag_created = find_or_create_tag(name=name, user=user)
    content_type = ContentType.objects.get_for_model(record)
    lookup = {"content_type": content_type, "object_id": record.pk, "tag": tag}
    try:
        with transaction.atomic():
            tagging, created = TaggedItem.objects.get_or_create(
                **lookup, defaults={"added_by": user}
            )
    except IntegrityError:
        return TaggedItem.objects.get(**lookup), False
    if created:
        tagging.content_object = record
        record_tagging(
            TaggingEvent.Action.ADDED, tagging=tagging, user=user, created_tag=tag_created
        )
    return tagging, created


@transaction.atomic
def untag_record(*, tagging: TaggedItem, user) -> None:
    """Remove ``tagging``; the taggings audit keeps who removed it and when."""
    record_tagging(TaggingEvent.Action.REMOVED, tagging=tagging, user=user)
    tagging.delete()


@contextmanager
def audited_tagging(*, record: models.Model, user):
    """Wrap a change to ``record``'s tags made by other means (a tags field in the admin):
    taggings it adds are credited to ``user``, and what it adds and removes goes on the record."""
    content_type = ContentType.objects.get_for_model(record)

    def current():
        taggings = TaggedItem.objects.filter(content_type=content_type, object_id=record.pk)
        return {tagging.tag_id: tagging for tagging in taggings.select_related("tag")}

    before = current() if record.pk else {}
    with transaction.atomic():
        yield
        after = current()
        added = [tagging for tag_id, tagging in after.items() if tag_id not in before]
        TaggedItem.objects.filter(pk__in=[t.pk for t in added], added_by=None).update(added_by=user)
        for tagging in added:
            tagging.content_object = record
            record_tagging(TaggingEvent.Action.ADDED, tagging=tagging, user=user)
        for tag_id, tagging in before.items():
            if tag_id not in after:
                tagging.content_object = record
                record_tagging(TaggingEvent.Action.REMOVED, tagging=tagging, user=user)


@transaction.atomic
def merge_tags(*, keep: Tag, merged: list[Tag]) -> int:
    """Move every tagging of ``merged`` to ``keep`` and delete ``merged``. Returns how many
    taggings moved (a record already carrying ``keep`` just loses the duplicate).

    The merged tags' slugs become former slugs of ``keep``: their old addresses redirect, and
    fixtures that still name them land on ``keep`` instead of bringing them back."""
    with bulk_writes():
        return _merge_taggings(keep=keep, merged=merged)


def _merge_taggings(*, keep: Tag, merged: list[Tag]) -> int:
    moved = 0
    others = [tag for tag in merged if tag.pk != keep.pk]
    for tagging in TaggedItem.objects.filter(tag__in=others).select_for_update():
        duplicate = TaggedItem.objects.filter(
            content_type_id=tagging.content_type_id, object_id=tagging.object_id, tag=keep
        ).exists()
        if duplicate:
            tagging.delete()
        else:
            tagging.tag = keep
            tagging.save(update_fields=["tag"])
            moved += 1
    tag_type = ContentType.objects.get_for_model(Tag)
    FormerSlug.objects.filter(
        content_type=tag_type, object_id__in=[tag.pk for tag in others]
    ).update(object_id=keep.pk)
    Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
    for tag in others:
        FormerSlug.objects.retire(keep, tag.slug)
    return moved
