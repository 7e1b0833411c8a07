"""Test data: records made on demand, and the shipped knowledge base multiplied to test scale."""

import datetime
import itertools
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify

from sessions.models import Appearance, Meeting, Session, Speaker
from topics.models import (
    Citation,
    Country,
    Document,
    Membership,
    Organisation,
    Passage,
    SourceDocument,
    Tag,
    TaggedItem,
)

_counter = itertools.count(1)


def make_user(username: str, *, group: str | None = None, **extra):
    """An account whose password is "pw-<username>", in ``group`` if one is named."""
    user = get_user_model().objects.create_user(username, password=f"pw-{username}", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_meeting(**fields):
    number = next(_counter)
    defaults = {"slug": f"test-meeting-{number}", "name": f"Meeting {number}", "kind": "other"}
    return Meeting.objects.create(**{**defaults, **fields})


def make_session(*, meeting=None, tags=(), **fields):
    number = next(_counter)
    defaults = {
        "meeting": meeting or make_meeting(),
        "slug": f"test-session-{number}",
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
                        time_zone=m.time_zone,
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


# Records made by the factories below have slugs starting "test-", which no shipped record uses
# (tests/test_shipped_data.py checks), so tests build them beside the shipped knowledge base.


def make_country(**fields):
    number = next(_counter)
    defaults = {"slug": f"test-country-{number}", "name": f"Country {number}"}
    return Country.objects.create(**{**defaults, **fields})


def make_organisation(**fields):
    number = next(_counter)
    defaults = {"slug": f"test-organisation-{number}", "name": f"Organisation {number}"}
    return Organisation.objects.create(**{"kind": Organisation.Kind.NGO, **defaults, **fields})


def make_speaker(**fields):
    number = next(_counter)
    defaults = {"slug": f"test-speaker-{number}", "name": f"Speaker {number}"}
    return Speaker.objects.create(**{**defaults, **fields})


def make_document(*, issued_by=(), **fields):
    """A publication; give ``symbol`` (e.g. "A/RES/900/1") for a UN document, and
    ``issued_by`` an organisation or a list of them."""
    number = next(_counter)
    defaults = {
        "slug": f"test-document-{number}",
        "title": f"Document {number}",
        "kind": Document.Kind.PUBLICATION,
    }
    document = Document.objects.create(**{**defaults, **fields})
    document.issued_by.set(issued_by if isinstance(issued_by, list | tuple) else [issued_by])
    return document


def make_membership(country, **fields):
    """``country`` listed as a member of the Commission by a source."""
    body = (
        fields.pop("body", None)
        or Organisation.objects.get_or_create(
            slug="ccpcj",
            defaults={
                "name": "Commission on Crime Prevention and Criminal Justice",
                "acronym": "CCPCJ",
                "kind": Organisation.Kind.UN_BODY,
            },
        )[0]
    )
    source = fields.pop("source", None) or make_source()
    return Membership.objects.create(country=country, body=body, source=source, **fields)


def make_tag(**fields):
    """A tag as staff add them; ``is_theme=True`` makes a curated theme."""
    number = next(_counter)
    defaults = {"slug": f"test-tag-{number}", "name": f"Tag {number}"}
    return Tag.objects.create(**{**defaults, **fields})


def make_theme(**fields):
    return make_tag(**{"is_theme": True, **fields})


def make_source(**fields):
    number = next(_counter)
    defaults = {
        "slug": f"test-source-{number}",
        "file_name": f"test-source-{number}.txt",
        "title": f"Source {number}",
        "kind": SourceDocument.Kind.MEETING_NOTE,
    }
    return SourceDocument.objects.create(**{**defaults, **fields})


def cite(record, *, source=None, location=""):
    """Cite ``source`` (a new one if none is given) as where ``record`` comes from."""
    return Citation.objects.create(
        content_object=record, source=source or make_source(), location=location
    )


def add_speaker(session, speaker=None, **fields):
    """``speaker`` (a new one if none is given) speaking at ``session``."""
    return Appearance.objects.create(session=session, speaker=speaker or make_speaker(), **fields)


# Later than anything shipped, so a programme's sessions are the most recent ones.
PROGRAMME_DAYS = (datetime.date(2031, 3, 10), datetime.date(2031, 3, 11))


def make_programme(shared=None):
    """A meeting of its own over two days. On the first, two side events run in parallel at
    12:30 and a panel follows at 16:00; on the second nobody took notes at the plenary. The
    panel has two speakers, an organisation, a country, a resolution, two themes and a cited
    source. ``shared`` (a programme made before) lends its themes, speaker and references, so
    several programmes multiply what their pages list."""
    day_one, day_two = PROGRAMME_DAYS
    kb = SimpleNamespace(**vars(shared)) if shared else SimpleNamespace()
    if shared is None:
        kb.theme = make_theme(name="Test theme: restorative circles")
        kb.other_theme = make_theme(name="Test theme: prison reform")
        kb.speaker = make_speaker(name="Ottoline Quaresmavieux", honorific="Ms")
        kb.organisation = make_organisation(name="Test Organisation for Justice")
        kb.country = make_country(name="Test Republic")
        kb.resolution = make_document(
            symbol="A/RES/900/7", kind=Document.Kind.RESOLUTION, title="Test resolution"
        )
        kb.source = make_source(title="Test notes of the meeting")
        cite(kb.resolution, source=kb.source, location="Annex")
    kb.meeting = make_meeting(name="Test meeting on justice", start_date=day_one, end_date=day_two)
    cite(kb.meeting, source=kb.source)
    side_event = {
        "meeting": kb.meeting,
        "date": day_one,
        "start_time": "12:30",
        "end_time": "13:20",
    }
    kb.parallel_a = make_session(**side_event, title="Alpha side event", tags=[kb.theme])
    kb.parallel_b = make_session(**side_event, title="Beta side event", tags=[kb.other_theme])
    kb.panel = make_session(
        meeting=kb.meeting,
        title="Panel on restorative justice",
        kind=Session.Kind.PANEL,
        date=day_one,
        start_time="16:00",
        end_time="17:30",
        notes=f"{kb.speaker.name} opened the panel.",
        tags=[kb.theme, kb.other_theme],
    )
    add_speaker(kb.panel, kb.speaker, role="Speaker 1", order=1)
    kb.second_speaker = add_speaker(kb.panel, order=2).speaker
    kb.panel.organisations.add(kb.organisation)
    kb.panel.countries.add(kb.country)
    kb.panel.documents.add(kb.resolution)
    cite(kb.panel, source=kb.source, location="Day one")
    kb.plenary = make_session(
        meeting=kb.meeting,
        title="Closing plenary",
        kind=Session.Kind.PLENARY,
        date=day_two,
        start_time="10:00",
        has_notes=False,
    )
    return kb


def make_passage(source, *, kind="paragraph", label="", text="", anchor="", **fields):
    """The next passage of ``source``: a paragraph unless ``kind`` says otherwise. Its anchor
    follows the fixtures' conventions (para-13, para-43-c, fn-5 for label "fn. 5",
    h-<slug of its text>, p-<position>, li-<position>) unless given."""
    position = source.passages.count()
    if not anchor:
        if kind == Passage.Kind.HEADING:
            anchor = f"h-{slugify(text)}"[:60]
        elif kind == Passage.Kind.FOOTNOTE:
            anchor = f"fn-{slugify(label.removeprefix('fn.'))}"
        elif label:
            anchor = f"para-{slugify(label)}"
        else:
            anchor = f"{'li' if kind == Passage.Kind.LIST_ITEM else 'p'}-{position}"
    return Passage.objects.create(
        source=source,
        position=position,
        anchor=anchor,
        label=label,
        kind=kind,
        text=text or f"Text of passage {position}.",
        **fields,
    )


def make_heading(source, text, *, level=1, **fields):
    return make_passage(source, kind=Passage.Kind.HEADING, text=text, level=level, **fields)


def cite_passages(record, *passages, location=""):
    """Cite the source of ``passages`` as where ``record`` comes from, naming them."""
    citation = cite(record, source=passages[0].source, location=location)
    citation.passages.set(passages)
    return citation


def make_working_paper(*, citing=()):
    """A paper with every kind of passage: six headings (its title, four sections and a
    subsection), numbered paragraphs (the first with a footnote marker), a lettered list, an
    unnumbered list and two footnotes. Each record in ``citing`` cites paragraphs 1 and 2."""
    source = make_source(
        title="Test working paper on integrated approaches",
        author="Test Secretariat",
        date=datetime.date(2031, 2, 1),
        kind=SourceDocument.Kind.WORKING_PAPER,
        description="A working paper made for tests.",
    )
    make_heading(source, "Test working paper on integrated approaches")
    make_heading(source, "Summary", level=2)
    make_passage(source, text="The paper sets out integrated approaches.")
    make_heading(source, "I. Introduction", level=2)
    first = make_passage(source, label="1", text="Violence against women persists.1")
    second = make_passage(source, label="2", text="States were encouraged to:")
    for letter, text in [("a", "Prevent violence;"), ("b", "Protect victims.")]:
        make_passage(source, kind=Passage.Kind.LIST_ITEM, label=f"({letter})", text=text)
    make_heading(source, "II. Findings", level=2)
    make_heading(source, "A. Data", level=3)
    make_passage(source, label="3", text="Data were collected in:")
    for country in ["Testland", "Otherland"]:
        make_passage(source, kind=Passage.Kind.LIST_ITEM, text=country)
    make_heading(source, "III. Recommendations", level=2)
    make_passage(source, label="4", text="Member States may wish to act.2")
    make_passage(source, kind=Passage.Kind.FOOTNOTE, label="fn. 1", text="See A/RES/70/176.")
    make_passage(source, kind=Passage.Kind.FOOTNOTE, label="fn. 2", text="See A/RES/68/191.")
    for record in citing:
        cite_passages(record, first, second, location="paras. 1 and 2")
    return source
