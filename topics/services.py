"""Writes to tags and taggings."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from .models import Tag, TaggedItem

MAX_TAG_LENGTH = 100


class TagNameError(ValueError):
    """A tag name that cannot be used; the message is shown to the user."""


def normalize_tag_name(raw: str) -> str:
    return " ".join(str(raw).split())


def find_or_create_tag(*, name: str) -> Tag:
    """The tag called ``name``, matched regardless of case, spacing and punctuation
    ("Femicide", " femicide ", "FEMICIDE" are one tag); created if there is none."""
    name = normalize_tag_name(name)
    if not name:
        raise TagNameError("Type a tag.")
    if len(name) > MAX_TAG_LENGTH:
        raise TagNameError(f"Tags are at most {MAX_TAG_LENGTH} characters long.")
    slug = slugify(name)
    if not slug:
        raise TagNameError("A tag needs at least one letter or digit.")
    existing = _existing_tag(name, slug)
    if existing:
        return existing
    try:
        # A savepoint, so that losing a race to create the same tag keeps the transaction usable.
        with transaction.atomic():
            return Tag.objects.create(name=name, slug=slug)
    except IntegrityError:
        return _existing_tag(name, slug)


def _existing_tag(name: str, slug: str) -> Tag | None:
    return Tag.objects.filter(models.Q(slug=slug) | models.Q(name__iexact=name)).first()


@transaction.atomic
def tag_record(*, record: models.Model, name: str, user) -> tuple[TaggedItem, bool]:
    """Tag ``record`` as ``user``. Returns the tagging and whether it is new; tagging a record
    twice, even at the same moment from two requests, leaves one tagging."""
    tag = find_or_create_tag(name=name)
    content_type = ContentType.objects.get_for_model(record)
    lookup = {"content_type": content_type, "object_id": record.pk, "tag": tag}
    try:
        with transaction.atomic():
            return TaggedItem.objects.get_or_create(**lookup, defaults={"added_by": user})
    except IntegrityError:
        return TaggedItem.objects.get(**lookup), False


@transaction.atomic
def merge_tags(*, keep: Tag, merged: list[Tag]) -> int:
    """Move every tagging of ``merged`` to ``keep`` and delete ``merged``. Returns how many
    taggings moved (a record already carrying ``keep`` just loses the duplicate)."""
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
    Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
    return moved
