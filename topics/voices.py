"""Who said what on a theme: for a country or an organisation, theme by theme, the sessions
where its speakers spoke or it was named, with the speaker, their role and the words of the
notes around the mention; for a theme, the countries and organisations that spoke on it or
were named there, most active first. Each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from .models import Mention, TaggedItem

# Sessions shown under each theme; the rest are counted and reached by a link.
SHOWN_PER_THEME = 5
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
    statements: list[Statement]

    @property
    def shown(self) -> list[Statement]:
        return self.statements[:SHOWN_PER_THEME]

    @property
    def more(self) -> int:
        return max(len(self.statements) - SHOWN_PER_THEME, 0)


def statements_of(record, *, speakers, named_sessions) -> list[ThemeStatements]:
    """Theme by theme, the most sessions first, the sessions where ``speakers`` spoke or
    ``record`` was named (``named_sessions``, or in the notes), newest first; in five
    queries."""
    appearance_model = apps.get_model("kb_sessions", "Appearance")
    session_model = apps.get_model("kb_sessions", "Session")
    statements: dict[int, Statement] = {}
    appearances = appearance_model.objects.filter(speaker__in=speakers).select_related(
        "speaker", "session__meeting"
    )
    for appearance in appearances:
        statement = statements.setdefault(appearance.session_id, Statement(appearance.session))
        statement.appearances.append(appearance)
    in_notes = {
        mention.session_id: mention
        for mention in Mention.objects.of(record)
        .filter(session__isnull=False)
        .select_related("session__meeting")
    }
    named = session_model.objects.filter(pk__in=named_sessions.values("pk")).select_related(
        "meeting"
    )
    for session in [*(m.session for m in in_notes.values()), *named]:
        statements.setdefault(session.pk, Statement(session))
    if not statements:
        return []
    # The words around the speaker's own name where the notes give it, else around the record's.
    speaker_type = ContentType.objects.get_for_model(apps.get_model("kb_sessions", "Speaker"))
    speaker_snippets = {
        (mention.session_id, mention.object_id): mention.snippet
        for mention in Mention.objects.filter(
            content_type=speaker_type,
            session__in=list(statements),
            object_id__in=speakers.values("pk"),
        ).only("session_id", "object_id", "snippet")
    }
    for pk, statement in statements.items():
        found = [speaker_snippets.get((pk, a.speaker_id)) for a in statement.appearances]
        statement.snippet = next(filter(None, found), None) or (
            in_notes[pk].snippet if pk in in_notes else ""
        )
    session_type = ContentType.objects.get_for_model(session_model)
    themes: dict[int | None, ThemeStatements] = {}
    themed = set()
    for tagging in TaggedItem.objects.filter(
        content_type=session_type, object_id__in=list(statements), tag__is_theme=True
    ).select_related("tag"):
        group = themes.setdefault(tagging.tag_id, ThemeStatements(tagging.tag, []))
        group.statements.append(statements[tagging.object_id])
        themed.add(tagging.object_id)
    unthemed = [statement for pk, statement in statements.items() if pk not in themed]
    groups = sorted(themes.values(), key=lambda g: (-len(g.statements), g.theme.name))
    if unthemed:
        groups.append(ThemeStatements(None, unthemed))
    for group in groups:
        group.statements.sort(key=_newest_first)
    return groups


def _newest_first(statement: Statement):
    session = statement.session
    return (session.date is None, -(session.date.toordinal() if session.date else 0), session.title)


@dataclass
class Actor:
    """A country or an organisation on a theme: at how many of its sessions it spoke (one of
    its speakers did) and was named."""

    name: str
    url: str
    spoke: set = field(default_factory=set)
    named: set = field(default_factory=set)

    @property
    def session_count(self) -> int:
        return len(self.spoke | self.named)


def actors_on(sessions) -> tuple[list[Actor], list[Actor]]:
    """The countries and the organisations that spoke at or were named in ``sessions``, most
    sessions first, in three queries."""
    appearance_model = apps.get_model("kb_sessions", "Appearance")
    session_model = apps.get_model("kb_sessions", "Session")
    country_model = apps.get_model("topics", "Country")
    organisation_model = apps.get_model("topics", "Organisation")
    ids = sessions.order_by().values("pk")
    countries: dict[int, Actor] = {}
    organisations: dict[int, Actor] = {}

    def actor(actors, model, pk, slug, name):
        if pk not in actors:
            actors[pk] = Actor(name, model(pk=pk, slug=slug).get_absolute_url())
        return actors[pk]

    for (
        session,
        country,
        country_slug,
        country_name,
        org,
        org_slug,
        org_name,
    ) in appearance_model.objects.filter(session__in=ids).values_list(
        "session_id",
        "speaker__country_id",
        "speaker__country__slug",
        "speaker__country__name",
        "speaker__organisation_id",
        "speaker__organisation__slug",
        "speaker__organisation__name",
    ):
        if country:
            actor(countries, country_model, country, country_slug, country_name).spoke.add(session)
        if org:
            actor(organisations, organisation_model, org, org_slug, org_name).spoke.add(session)
    for session, pk, slug, name in session_model.countries.through.objects.filter(
        session__in=ids
    ).values_list("session_id", "country_id", "country__slug", "country__name"):
        actor(countries, country_model, pk, slug, name).named.add(session)
    for session, pk, slug, name in session_model.organisations.through.objects.filter(
        session__in=ids
    ).values_list("session_id", "organisation_id", "organisation__slug", "organisation__name"):
        actor(organisations, organisation_model, pk, slug, name).named.add(session)

    def most_active(actors):
        ranked = sorted(actors.values(), key=lambda a: (-len(a.spoke), -a.session_count, a.name))
        return ranked[:SHOWN_ACTORS]

    return most_active(countries), most_active(organisations)
