"""What each kind of record puts in the search index, and keeping the index in step.

Every searchable record has one ``SearchEntry``: its name, other names (acronym, symbol, "31st"),
its text and the names of what it is linked to, each folded and with one spelling. Saving or
deleting a record (in the admin, on the site, or through the loader) refreshes its entry and the
entries that show its name (a speaker's sessions, an organisation's speakers); ``rebuild`` redoes
everything, after bulk writes that send no signals (``load_kb`` calls it).
"""

import datetime
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from sessions.models import Annotation, Appearance, Meeting, Session, Speaker
from topics.models import (
    Country,
    Document,
    Organisation,
    Passage,
    Programme,
    SourceDocument,
    Tag,
    TaggedItem,
)
from topics.symbols import try_normalize_symbol

from .language import STOP_WORDS, WORD, fold, index_text, key, plain_text
from .models import SearchEntry, SearchWord

Kind = SearchEntry.Kind

# Symbols written in a text: slashed ("A/RES/70/176", "A/CONF.234/RPM.1/1") or a resolution
# cited by number ("resolution 70/176", "ECOSOC resolution 2005/20").
_WRITTEN_SYMBOL = re.compile(
    r"\b[A-Z][A-Za-z0-9.\-]*(?:/[A-Za-z0-9][A-Za-z0-9.\-]*)*/[A-Za-z0-9.\-]*\d[A-Za-z0-9.\-]*"
    r"|\b(?:(?:General Assembly|ECOSOC|Economic and Social Council|Human Rights Council|CCPCJ"
    r"|GA|HRC)\s+)?[Rr]esolutions?\s+\d{1,4}/\d{1,4}\b"
)
VOCABULARY_WORD = re.compile(r"^(?=.*[a-z])[a-z0-9]{3,40}$")


def find_symbols(text: str) -> list[tuple[tuple[int, int], str]]:
    """Each symbol written in ``text``: where it is and its normalised form."""
    found = []
    for match in _WRITTEN_SYMBOL.finditer(text):
        symbol = try_normalize_symbol(match.group().rstrip(".-"))
        if symbol:
            found.append((match.span(), symbol))
    return found


def _bar_list(values: Iterable[str]) -> str:
    """ "|a|b|": a list whose items match exactly with ``contains="|a|"``."""
    values = [value for value in dict.fromkeys(values) if value]
    return f"|{'|'.join(values)}|" if values else ""


def _entry(
    kind: str,
    object_id: int | None,
    *,
    title: str,
    name: str = "",
    aliases: Iterable[str] = (),
    body: str = "",
    related: Iterable[str] = (),
    keys: Iterable[str] = (),
    symbols: Iterable[str] = (),
    date: datetime.date | None = None,
) -> SearchEntry:
    aliases, related = list(aliases), list(related)
    text = " ".join([title, name, *aliases, body, *related])
    entry = SearchEntry(
        kind=kind,
        object_id=object_id,
        title=title[: SearchEntry._meta.get_field("title").max_length],
        name=index_text(name),
        aliases=index_text(*aliases),
        body=index_text(body),
        related=index_text(*related),
        keys=_bar_list(key(value) for value in [title, name, *keys] if value),
        symbols=_bar_list([*symbols, *(symbol for _, symbol in find_symbols(text))]),
        date=date,
    )
    # The words as written (folded, British spellings kept), for "Did you mean …?".
    entry.vocabulary = {
        word
        for word in WORD.findall(fold(text))
        if VOCABULARY_WORD.match(word) and word not in STOP_WORDS
    }
    return entry


def _names(*records) -> list[str]:
    """The names and acronyms of ``records`` (None skipped)."""
    return [
        value
        for record in records
        if record is not None
        for value in (record.name, getattr(record, "acronym", ""))
        if value
    ]


_ORDINAL_ONES = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_TENS = ["twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"]


def ordinals(number: int) -> list[str]:
    """How a meeting's number is written: 31 → "31st", "thirty-first"."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    written = [f"{number}{suffix}", str(number)]
    if 0 < number < 20:
        written.append(_ORDINAL_ONES[number])
    elif 20 <= number < 100:
        tens, ones = divmod(number, 10)
        stem = _TENS[tens - 2]
        written.append(f"{stem}ieth" if not ones else f"{stem}y-{_ORDINAL_ONES[ones]}")
    return written


def _year_start(year: int | None) -> datetime.date | None:
    return datetime.date(year, 1, 1) if year else None


def _session(session: Session) -> SearchEntry:
    appearances = session.appearances.all()
    documents = session.documents.all()
    return _entry(
        Kind.SESSION,
        session.pk,
        title=session.title,
        name=session.title,
        body=plain_text(session.notes_html),
        related=[
            *(str(appearance.speaker) for appearance in appearances),
            *(appearance.affiliation for appearance in appearances),
            session.note_taker,
            *_names(session.note_taker_organisation, *session.organisations.all()),
            *(country.name for country in session.countries.all()),
            *(tagging.tag.name for tagging in session.tagged_items.all()),
        ],
        symbols=[document.normalized_symbol for document in documents],
        date=session.date or session.meeting.start_date,
    )


def _meeting(meeting: Meeting) -> SearchEntry:
    years = {date.year for date in (meeting.start_date, meeting.end_date) if date}
    return _entry(
        Kind.MEETING,
        meeting.pk,
        title=meeting.name,
        name=meeting.name,
        aliases=[
            *(ordinals(meeting.number) if meeting.number else []),
            meeting.get_kind_display(),
            meeting.city,
            meeting.venue,
            *_names(meeting.country),
            *map(str, sorted(years)),
            meeting.slug.replace("-", " "),
        ],
        body=meeting.description,
        keys=[meeting.slug],
        symbols=[document.normalized_symbol for document in meeting.documents.all()],
        date=meeting.start_date,
    )


def _speaker(speaker: Speaker) -> SearchEntry:
    return _entry(
        Kind.SPEAKER,
        speaker.pk,
        title=str(speaker),
        name=speaker.name,
        aliases=[speaker.honorific],
        body=speaker.function,
        related=_names(speaker.organisation, speaker.country),
    )


def _organisation(organisation: Organisation) -> SearchEntry:
    return _entry(
        Kind.ORGANISATION,
        organisation.pk,
        title=str(organisation),
        name=organisation.name,
        aliases=[organisation.acronym, organisation.get_kind_display()],
        body=organisation.description,
        related=_names(organisation.country, organisation.parent),
        keys=[organisation.acronym],
    )


def _programme(programme: Programme) -> SearchEntry:
    return _entry(
        Kind.PROGRAMME,
        programme.pk,
        title=str(programme),
        name=programme.name,
        aliases=[programme.acronym, programme.get_kind_display()],
        body=programme.description,
        related=_names(*programme.organisations.all()),
        keys=[programme.acronym],
    )


def _document(document: Document) -> SearchEntry:
    return _entry(
        Kind.DOCUMENT,
        document.pk,
        title=str(document),
        name=f"{document.title} {document.popular_name}",
        aliases=[document.symbol, document.get_kind_display()],
        body=document.description,
        related=_names(*document.issued_by.all()),
        keys=[document.title, document.popular_name],
        symbols=[document.normalized_symbol or ""],
        date=_year_start(document.year),
    )


def _theme(tag: Tag) -> SearchEntry:
    return _entry(Kind.THEME, tag.pk, title=tag.name, name=tag.name, body=tag.description)


def _country(country: Country) -> SearchEntry:
    written = country.name.split()
    return _entry(
        Kind.COUNTRY,
        country.pk,
        title=country.name,
        name=country.name,
        # "Viet Nam" is also written "Vietnam".
        aliases=["".join(written)] if 1 < len(written) <= 3 else [],
    )


def _passage(passage: Passage) -> SearchEntry:
    heading = passage.kind == Passage.Kind.HEADING
    return _entry(
        Kind.PASSAGE,
        passage.pk,
        title=str(passage),
        name=passage.text if heading else "",
        aliases=[passage.label],
        body="" if heading else passage.text,
        date=passage.source.date,
    )


def _annotation(annotation: Annotation) -> SearchEntry:
    return _entry(
        Kind.ANNOTATION,
        annotation.pk,
        title=f"Annotation on {annotation.session.title}",
        body=plain_text(annotation.body_html),
        date=annotation.created_at.date(),
    )


def _note_takers(sessions) -> list[SearchEntry]:
    """One entry per person who took notes, however many sessions they noted."""
    people: dict[str, list[Session]] = {}
    for session in sessions:
        people.setdefault(key(session.note_taker), []).append(session)
    entries = []
    for noted in people.values():
        dates = [session.date for session in noted if session.date]
        entries.append(
            _entry(
                Kind.NOTE_TAKER,
                None,
                title=noted[0].note_taker,
                name=noted[0].note_taker,
                related=_names(*{s.note_taker_organisation for s in noted}),
                date=max(dates, default=None),
            )
        )
    return entries


@dataclass
class Indexed:
    """A kind of record in the index: its records, loaded with what their entry shows, and
    how one becomes an entry."""

    records: Callable[[], models.QuerySet]
    build: Callable[[models.Model], SearchEntry]


# Kinds whose words never feed the vocabulary "Did you mean …?" suggests from: a suggestion
# must not reveal a word of someone's private annotation.
PRIVATE_KINDS = {Kind.ANNOTATION}


KINDS: dict[str, Indexed] = {
    Kind.SESSION: Indexed(
        lambda: (
            Session.objects.select_related("meeting", "note_taker_organisation")
            .prefetch_related(
                "appearances__speaker",
                "organisations",
                "countries",
                "documents",
                "tagged_items__tag",
            )
            .order_by("pk")
        ),
        _session,
    ),
    Kind.MEETING: Indexed(
        lambda: Meeting.objects.select_related("country").prefetch_related("documents"),
        _meeting,
    ),
    Kind.SPEAKER: Indexed(
        lambda: Speaker.objects.select_related("organisation", "country"), _speaker
    ),
    Kind.ORGANISATION: Indexed(
        lambda: Organisation.objects.select_related("country", "parent"), _organisation
    ),
    Kind.PROGRAMME: Indexed(
        lambda: Programme.objects.prefetch_related("organisations"), _programme
    ),
    Kind.DOCUMENT: Indexed(lambda: Document.objects.prefetch_related("issued_by"), _document),
    Kind.THEME: Indexed(lambda: Tag.objects.all(), _theme),
    Kind.COUNTRY: Indexed(lambda: Country.objects.all(), _country),
    Kind.PASSAGE: Indexed(lambda: Passage.objects.select_related("source"), _passage),
    Kind.ANNOTATION: Indexed(lambda: Annotation.objects.select_related("session"), _annotation),
}


def _noted_sessions():
    return (
        Session.objects.exclude(note_taker="")
        .select_related("note_taker_organisation")
        .only("note_taker", "date", "note_taker_organisation")
        .order_by("date", "pk")
    )


def _add_words(entries: list[SearchEntry], *, counted: bool = False) -> None:
    counts = Counter(
        word for entry in entries if entry.kind not in PRIVATE_KINDS for word in entry.vocabulary
    )
    SearchWord.objects.bulk_create(
        (SearchWord(word=word, entries=count if counted else 1) for word, count in counts.items()),
        ignore_conflicts=True,
        batch_size=500,
    )


@transaction.atomic
def refresh(changes: dict[str, Iterable | None]) -> None:
    """Rebuild the entries of ``{kind: ids}`` (note-takers: ``{Kind.NOTE_TAKER: names}``, or
    None for all of them); records that no longer exist lose their entry."""
    entries = []
    for kind, ids in changes.items():
        if kind == Kind.NOTE_TAKER:
            entries += _refreshed_note_takers(ids)
            continue
        ids = set(ids)
        if not ids:
            continue
        SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
        entries += [
            KINDS[kind].build(record) for record in KINDS[kind].records().filter(pk__in=ids)
        ]
    SearchEntry.objects.bulk_create(entries)
    _add_words(entries)


@transaction.atomic
def rebuild() -> int:
    """Index every record afresh; returns how many entries the index holds."""
    SearchEntry.objects.all().delete()
    SearchWord.objects.all().delete()
    entries = _note_takers(_noted_sessions())
    for indexed in KINDS.values():
        entries += [indexed.build(record) for record in indexed.records().iterator(2000)]
    SearchEntry.objects.bulk_create(entries, batch_size=500)
    _add_words(entries, counted=True)
    return len(entries)


def _refreshed_note_takers(names: Iterable[str] | None) -> list[SearchEntry]:
    """The entries of the people ``names`` (however spelt; None: everyone), made afresh from
    the sessions they noted, the old ones deleted. A session is saved in the time it takes to
    read the notes of the people it names, not of everyone (there may be a million)."""
    entries = SearchEntry.objects.filter(kind=Kind.NOTE_TAKER)
    sessions = _noted_sessions()
    keys = None if names is None else {key(name) for name in names if name}
    # A name with no letters or digits has an empty key, which finds no entry: everyone's are
    # made afresh instead.
    if keys is not None and "" not in keys:
        if not keys:
            return []
        spellings = [
            name
            for name in Session.objects.exclude(note_taker="")
            .order_by()
            .values_list("note_taker", flat=True)
            .distinct()
            if key(name) in keys
        ]
        # A note-taker's entry has one key, its name's (see _entry).
        entries = entries.filter(keys__in=[f"|{name_key}|" for name_key in keys])
        sessions = sessions.filter(note_taker__in=spellings)
    entries.delete()
    return _note_takers(sessions)


# What else shows a record's name, so must be refreshed when it changes: model → {kind: ids}.
def _ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def _noted_for(organisation) -> list[str]:
    """The people who took notes for ``organisation``."""
    noted = Session.objects.filter(note_taker_organisation=organisation).order_by()
    return list(noted.values_list("note_taker", flat=True).distinct())


DEPENDENTS: dict[type[models.Model], Callable[[models.Model], dict]] = {
    Session: lambda s: {Kind.NOTE_TAKER: {s.note_taker, getattr(s, "_search_noted_by", "")}},
    Appearance: lambda a: {Kind.SESSION: [a.session_id]},
    Speaker: lambda s: {Kind.SESSION: _ids(Session.objects.filter(appearances__speaker=s))},
    Organisation: lambda o: {
        Kind.SESSION: _ids(
            Session.objects.filter(Q(organisations=o) | Q(note_taker_organisation=o)).distinct()
        ),
        Kind.SPEAKER: _ids(o.speakers.all()),
        Kind.DOCUMENT: _ids(o.documents.all()),
        Kind.PROGRAMME: _ids(o.programmes.all()),
        Kind.ORGANISATION: _ids(o.children.all()),
        Kind.NOTE_TAKER: _noted_for(o),
    },
    Country: lambda c: {
        Kind.SESSION: _ids(c.sessions.all()),
        Kind.MEETING: _ids(c.meetings.all()),
        Kind.ORGANISATION: _ids(c.organisations.all()),
        Kind.SPEAKER: _ids(c.speakers.all()),
    },
    Tag: lambda t: {
        Kind.SESSION: _ids(Session.objects.filter(tagged_items__tag=t)),
    },
    TaggedItem: lambda t: {
        Kind.SESSION: _ids(Session.objects.filter(tagged_items=t)),
    },
    Meeting: lambda m: {Kind.SESSION: _ids(m.sessions.all())},
    Document: lambda d: {
        Kind.SESSION: _ids(d.sessions.all()),
        Kind.MEETING: _ids(d.meetings.all()),
    },
    SourceDocument: lambda s: {Kind.PASSAGE: _ids(s.passages.all())},
}
OWN_KIND = {
    Session: Kind.SESSION,
    Meeting: Kind.MEETING,
    Speaker: Kind.SPEAKER,
    Organisation: Kind.ORGANISATION,
    Programme: Kind.PROGRAMME,
    Document: Kind.DOCUMENT,
    Tag: Kind.THEME,
    Country: Kind.COUNTRY,
    Passage: Kind.PASSAGE,
    Annotation: Kind.ANNOTATION,
}
# Links whose both ends show in an entry: the through model → (kind of each end's entry).
LINKS = {
    Session.organisations.through: Kind.SESSION,
    Session.countries.through: Kind.SESSION,
    Session.documents.through: Kind.SESSION,
    Meeting.documents.through: Kind.MEETING,
    Programme.organisations.through: Kind.PROGRAMME,
    Document.issued_by.through: Kind.DOCUMENT,
}


# What other records' entries show of a record (see DEPENDENTS): while none of it changes,
# saving the record refreshes its own entry only. Editing a theme's description does not
# reindex the half a million sessions it is on.
SHOWN_ELSEWHERE: dict[type[models.Model], list[str]] = {
    Speaker: ["name", "honorific"],
    Organisation: ["name", "acronym"],
    Country: ["name"],
    Tag: ["name"],
    Meeting: ["start_date"],
    Document: ["normalized_symbol"],
}


def _changes(instance, *, saved: bool = False) -> dict:
    model = type(instance)
    shown = SHOWN_ELSEWHERE.get(model)
    unchanged = (
        saved
        and shown is not None
        and getattr(instance, "_search_shown", None)
        == {field: getattr(instance, field) for field in shown}
    )
    changes = DEPENDENTS[model](instance) if model in DEPENDENTS and not unchanged else {}
    if model in OWN_KIND:
        changes.setdefault(OWN_KIND[model], []).append(instance.pk)
    return changes


_state = threading.local()


@contextmanager
def deferred(*, needed: Callable[[], bool] = lambda: True):
    """Index nothing record by record while many are written (the loader), then rebuild the
    whole index once they are (unless ``needed()`` then says nothing was written)."""
    _state.paused = _paused() + 1
    try:
        yield
    finally:
        _state.paused -= 1
    if not _paused() and needed():
        rebuild()


def _paused() -> int:
    return getattr(_state, "paused", 0)


def _saving(sender, instance, raw=False, **kwargs):
    """Note what the stored record shows elsewhere, to tell after the save whether it changed
    (a session: whose notes it was)."""
    if raw or _paused() or instance.pk is None:
        return
    stored = type(instance)._base_manager.filter(pk=instance.pk)
    if sender is Session:
        instance._search_noted_by = stored.values_list("note_taker", flat=True).first() or ""
    else:
        instance._search_shown = stored.values(*SHOWN_ELSEWHERE[sender]).first()


def _saved(sender, instance, raw=False, **kwargs):
    if not raw and not _paused():
        refresh(_changes(instance, saved=True))


def _deleting(sender, instance, **kwargs):
    # After the delete, the links that say which entries show the record are gone.
    if not _paused():
        instance._search_changes = _changes(instance)


def _deleted(sender, instance, **kwargs):
    if not _paused():
        refresh(getattr(instance, "_search_changes", None) or _changes(instance))


def _linked(sender, instance, action, reverse, pk_set, **kwargs):
    if _paused():
        return
    kind = LINKS[sender]
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            refresh({kind: [instance.pk]})
        return
    # From the other end (organisation.sessions.add(…)): refresh the entries on this one.
    if action == "pre_clear":
        mine, theirs = sorted(
            (f for f in sender._meta.get_fields() if isinstance(f, models.ForeignKey)),
            key=lambda f: f.related_model is not type(instance),
        )
        linked = sender.objects.filter(**{mine.name: instance.pk})
        instance._search_cleared = list(linked.values_list(theirs.attname, flat=True))
    elif action == "post_clear":
        refresh({kind: getattr(instance, "_search_cleared", [])})
    elif action in ("post_add", "post_remove"):
        refresh({kind: pk_set or []})


def connect() -> None:
    """Keep the index in step with every indexed record and link (from AppConfig.ready)."""
    for model in {*DEPENDENTS, *OWN_KIND}:
        uid = f"search-index-{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        if model is Session or model in SHOWN_ELSEWHERE:
            pre_save.connect(_saving, sender=model, dispatch_uid=uid)
        pre_delete.connect(_deleting, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    for through in LINKS:
        m2m_changed.connect(_linked, sender=through, dispatch_uid=f"search-{through._meta.label}")
