"""Who said what on a theme: for a country or an organisation, theme by theme, the sessions
where its speakers spoke or it was named, with the speaker, their role and the words of the
notes around the mention; for a theme, the countries and organisations that spoke on it or
were named there, most active first. Each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q, RowRange, Value, Window
from django.db.models.functions import RowNumber
from django.utils.formats import number_format

from .models import Mention, Tag, TaggedItem

# Sessions shown under each theme; the rest are counted and reached by a link.
SHOWN_PER_THEME = 5
# The most sessions counted theme by theme, those most recently added: a large organisation
# may be involved in half a million, too many to count on every request.
COUNTED_SESSIONS = 10_000
# Countries and organisations listed on a theme's page.
SHOWN_ACTORS = 12


@dataclass
class Statement:
    """A session where the country's or organisation's speakers spoke, or it was named."""

    session: object
    appearances: list = field(default_factory=list)
    snippet: str = ""


@dataclass
class ThemeStatements:
    theme: object | None  # None: sessions carrying no curated theme
    count: int  # sessions in all
    shown: list[Statement]  # the newest SHOWN_PER_THEME of them

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


def counted_sessions_label() -> str:
    return number_format(COUNTED_SESSIONS, force_grouping=True)


@dataclass
class Statements:
    groups: list[ThemeStatements]
    # More sessions are involved than were counted: the counts are of the COUNTED_SESSIONS
    # most recently added.
    limited: bool = False

    @property
    def counted_label(self) -> str:
        return counted_sessions_label()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def __iter__(self):
        return iter(self.groups)


def statements_of(record, *, speakers, named_in) -> Statements:
    """Theme by theme, the most sessions first, the sessions where ``speakers`` spoke or
    ``record`` was named (the session ids ``named_in`` list, or the notes): how many (among the
    COUNTED_SESSIONS most recently added), and the newest SHOWN_PER_THEME with their speakers
    and snippets; in five queries, loading only the sessions shown however many there are."""
    appearance_model = apps.get_model("kb_sessions", "Appearance")
    session_model = apps.get_model("kb_sessions", "Session")
    in_notes = Mention.objects.of(record).filter(session__isnull=False)
    # One list (a union) the database reads once, where three alternatives ("or") would have
    # it check each of a million sessions against each; the most recently added first.
    involved = list(
        appearance_model.objects.filter(speaker__in=speakers)
        .order_by()
        .values_list("session", flat=True)
        .union(
            in_notes.order_by().values_list("session", flat=True),
            *named_in,
        )
        .order_by("-session")[: COUNTED_SESSIONS + 1]
    )
    sessions = session_model.objects.filter(pk__among=involved[:COUNTED_SESSIONS])
    sessions = sessions.select_related("meeting").only(
        "slug", "title", "date", "meeting__slug", "meeting__name"
    )
    newest_first = [F("date").desc(nulls_last=True), "title", "pk"]
    # The themes' ids as values: the planner then knows from its statistics how many sessions
    # carry them (a join to the themes hides that, and it would read every theme's taggings).
    themes = list(Tag.objects.themes().order_by().values_list("pk", flat=True))
    # Each theme's newest sessions, each row with its theme and how many sessions it has.
    themed = (
        sessions.filter(tagged_items__tag__in=themes)
        .annotate(
            theme_id=F("tagged_items__tag"),
            theme_slug=F("tagged_items__tag__slug"),
            theme_name=F("tagged_items__tag__name"),
            # Over the whole theme, in the rank's order: both come from one sort.
            theme_count=Window(
                Count("pk"),
                partition_by=F("tagged_items__tag"),
                order_by=newest_first,
                frame=RowRange(start=None, end=None),
            ),
            rank=Window(RowNumber(), partition_by=F("tagged_items__tag"), order_by=newest_first),
        )
        .filter(rank__lte=SHOWN_PER_THEME)
        .order_by("theme_id", "rank")
    )
    # The newest sessions carrying no theme, each row with how many there are.
    unthemed = (
        # "Not exists" for each session, where "not in" would list every theme's taggings.
        sessions.exclude(
            Exists(
                TaggedItem.objects.filter(
                    content_type=ContentType.objects.get_for_model(session_model),
                    object_id=OuterRef("pk"),
                    tag__in=themes,
                )
            )
        )
        # Ranked rather than sliced: under a LIMIT the database would expect to read only a
        # few sessions along the date index, when counting them all reads every one.
        .annotate(
            theme_count=Window(
                Count("pk"), order_by=newest_first, frame=RowRange(start=None, end=None)
            ),
            rank=Window(RowNumber(), order_by=newest_first),
        )
        .filter(rank__lte=SHOWN_PER_THEME)
        .order_by("rank")
    )
    groups: dict[int | None, ThemeStatements] = {}
    statements: dict[int, Statement] = {}
    for session in [*themed, *unthemed]:
        theme_id = getattr(session, "theme_id", None)
        if theme_id not in groups:
            theme = (
                Tag(pk=theme_id, slug=session.theme_slug, name=session.theme_name, is_theme=True)
                if theme_id
                else None
            )
            groups[theme_id] = ThemeStatements(theme, session.theme_count, [])
        groups[theme_id].shown.append(statements.setdefault(session.pk, Statement(session)))
    if not statements:
        return Statements([])
    for appearance in appearance_model.objects.filter(
        speaker__in=speakers, session__in=list(statements)
    ).select_related("speaker"):
        statements[appearance.session_id].appearances.append(appearance)
    # The words around the speaker's own name where the notes give it, else around the record's.
    speaker_type = ContentType.objects.get_for_model(apps.get_model("kb_sessions", "Speaker"))
    speaker_snippets, record_snippets = {}, {}
    for mention in Mention.objects.filter(
        Q(content_type=speaker_type, object_id__in=speakers.values("pk"))
        | Q(content_type=ContentType.objects.get_for_model(record), object_id=record.pk),
        session__in=list(statements),
    ).only("content_type_id", "session_id", "object_id", "snippet"):
        if mention.content_type_id == speaker_type.pk:
            speaker_snippets[mention.session_id, mention.object_id] = mention.snippet
        else:
            record_snippets[mention.session_id] = mention.snippet
    for pk, statement in statements.items():
        found = [speaker_snippets.get((pk, a.speaker_id)) for a in statement.appearances]
        statement.snippet = next(filter(None, found), None) or record_snippets.get(pk, "")
    ranked = sorted(
        (group for theme_id, group in groups.items() if theme_id is not None),
        key=lambda group: (-group.count, group.theme.name),
    )
    return Statements(
        [*ranked, *([groups[None]] if None in groups else [])],
        limited=len(involved) > COUNTED_SESSIONS,
    )


@dataclass
class Actor:
    """A country or an organisation on a theme: at how many of its sessions it spoke (one of
    its speakers did), was named, and did both."""

    record: object
    spoke: int = 0
    named: int = 0
    spoke_and_named: int = 0

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def url(self) -> str:
        return self.record.get_absolute_url()

    @property
    def session_count(self) -> int:
        return self.spoke + self.named - self.spoke_and_named


def actors_on(sessions) -> tuple[list[Actor], list[Actor]]:
    """The countries and the organisations that spoke at or were named in ``sessions`` (the
    COUNTED_SESSIONS most recently added), most sessions first, counted by the database in two
    queries however many sessions there are."""
    appearance_model = apps.get_model("kb_sessions", "Appearance")
    session_model = apps.get_model("kb_sessions", "Session")
    ids = sessions.order_by("-pk").values("pk")[:COUNTED_SESSIONS]
    appearances = appearance_model.objects.filter(session__in=ids)
    countries = _most_active(
        apps.get_model("topics", "Country"),
        appearances=appearances,
        speaker_field="speaker__country",
        links=session_model.countries.through.objects.filter(session__in=ids),
        link_field="country",
    )
    organisations = _most_active(
        apps.get_model("topics", "Organisation"),
        appearances=appearances,
        speaker_field="speaker__organisation",
        links=session_model.organisations.through.objects.filter(session__in=ids),
        link_field="organisation",
    )
    return countries, organisations


def _most_active(model, *, appearances, speaker_field, links, link_field) -> list[Actor]:
    """The SHOWN_ACTORS records of ``model`` at the most sessions, from the ``appearances`` of
    their speakers (``speaker_field`` leads to the record) and the sessions' ``links`` naming
    them (``link_field``): one UNION of the sessions each spoke at, and of those naming it."""

    def per_record(rows, field: str):
        return (
            rows.filter(**{f"{field}__isnull": False})
            .order_by()
            .values_list(F(field), F(f"{field}__slug"), F(f"{field}__name"))
        )

    # Any appearance at the linked session: it is one of ``sessions`` already.
    spoke_there = appearances.model.objects.filter(
        session=OuterRef("session"), **{speaker_field: OuterRef(link_field)}
    )
    rows = (
        per_record(appearances, speaker_field)
        .annotate(spoke=Count("session", distinct=True), named=Value(0), spoke_and_named=Value(0))
        .union(
            per_record(links, link_field).annotate(
                spoke=Value(0),
                named=Count("session"),
                spoke_and_named=Count("session", filter=Q(Exists(spoke_there))),
            ),
            all=True,
        )
    )
    actors: dict[int, Actor] = {}
    for pk, slug, name, spoke, named, spoke_and_named in rows:
        actor = actors.setdefault(pk, Actor(model(pk=pk, slug=slug, name=name)))
        actor.spoke += spoke
        actor.named += named
        actor.spoke_and_named += spoke_and_named
    ranked = sorted(actors.values(), key=lambda a: (-a.spoke, -a.session_count, a.name))
    return ranked[:SHOWN_ACTORS]
