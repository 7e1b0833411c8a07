"""Test data: records made on demand, and the shipped knowledge base multiplied to test scale."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from sessions.models import Appearance, Meeting, Session, Speaker
from topics.models import Country, Document, Organisation, TaggedItem

_counter = itertools.count(1)


def make_user(username: str, *, group: str | None = None, **extra):
    """An account whose password is "pw-<username>", in ``group`` if one is named."""
    user = get_user_model().objects.create_user(username, password=f"pw-{username}", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_meeting(**fields):
    number = next(_counter)
    defaults = {"slug": f"meeting-{number}", "name": f"Meeting {number}", "kind": "other"}
    return Meeting.objects.create(**{**defaults, **fields})


def make_session(*, meeting=None, tags=(), **fields):
    number = next(_counter)
    defaults = {
        "meeting": meeting or make_meeting(),
        "slug": f"session-{number}",
        "title": f"Session {number}",
        "kind": "side-event",
    }
    session = Session.objects.create(**{**defaults, **fields})
    for tag in tags:
        session.tags.add(tag)
    return session


def multiply_knowledge_base(factor: int) -> None:
    """Add ``factor - 1`` copies of every meeting, session, speaker, organisation and document,
    with their links, so the knowledge base holds ``factor`` times the shipped data."""
    session_type = ContentType.objects.get_for_model(Session)
    originals = list(Session.objects.prefetch_related("tagged_items", "appearances"))
    organisations = list(Organisation.objects.all())
    documents = list(Document.objects.all())
    speakers = list(Speaker.objects.all())
    meetings = list(Meeting.objects.all())
    countries = list(Country.objects.all())

    for copy in range(2, factor + 1):
        suffix = f"x{copy}"
        organisation_copies = Organisation.objects.bulk_create(
            Organisation(
                slug=f"{o.slug}-{suffix}", name=f"{o.name} {suffix}", kind=o.kind, country=o.country
            )
            for o in organisations
        )
        Document.objects.bulk_create(
            Document(slug=f"{d.slug}-{suffix}", kind=d.kind, title=f"{d.title} {suffix}")
            for d in documents
        )
        speaker_copies = dict(
            zip(
                [s.pk for s in speakers],
                Speaker.objects.bulk_create(
                    Speaker(
                        slug=f"{s.slug}-{suffix}",
                        name=f"{s.name} {suffix}",
                        function=s.function,
                        organisation=organisation_copies[i % len(organisation_copies)],
                        country=s.country,
                    )
                    for i, s in enumerate(speakers)
                ),
                strict=True,
            )
        )
        meeting_copies = dict(
            zip(
                [m.pk for m in meetings],
                Meeting.objects.bulk_create(
                    Meeting(
                        slug=f"{m.slug}-{suffix}",
                        name=f"{m.name} ({suffix})",
                        kind=m.kind,
                        start_date=m.start_date,
                        end_date=m.end_date,
                    )
                    for m in meetings
                ),
                strict=True,
            )
        )
        session_copies = Session.objects.bulk_create(
            Session(
                meeting=meeting_copies[s.meeting_id],
                slug=f"{s.slug}-{suffix}",
                title=f"{s.title} {suffix}",
                kind=s.kind,
                date=s.date,
                start_time=s.start_time,
                end_time=s.end_time,
                has_notes=s.has_notes,
                notes=s.notes,
                notes_html=s.notes_html,  # bulk_create() bypasses save(), which renders it
            )
            for s in originals
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(content_type=session_type, object_id=new.pk, tag_id=item.tag_id)
            for original, new in zip(originals, session_copies, strict=True)
            for item in original.tagged_items.all()
        )
        Appearance.objects.bulk_create(
            Appearance(
                session=new,
                speaker=speaker_copies[appearance.speaker_id],
                role=appearance.role,
                affiliation=appearance.affiliation,
                order=appearance.order,
            )
            for original, new in zip(originals, session_copies, strict=True)
            for appearance in original.appearances.all()
        )
        for new in session_copies:
            new.countries.set(countries[: 3 + copy])
            new.organisations.set(organisation_copies[:5])
            new.documents.set(documents[: 3 + copy])
