"""Who said what on a theme: a country's and an organisation's pages list, theme by theme,
the sessions where their speakers spoke or they were named, with the speaker, the role and
the words of the notes; a theme's page lists who spoke on it, most active first."""

import re

import pytest

from tests.factories import add_speaker, make_programme, make_session, make_speaker
from topics.models import Country

pytestmark = pytest.mark.django_db


def section(page: str, heading_id: str) -> str:
    found = re.search(rf'aria-labelledby="{heading_id}".*?</section>', page, re.S)
    return found[0] if found else ""


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ,", ",")


def test_what_malta_said_on_femicide(client):
    """The shipped notes: Malta's speaker, her role and her words, under femicide."""
    page = client.get(Country.objects.get(slug="malta").get_absolute_url()).content.decode()
    themes = text(section(page, "said-on-themes"))
    femicide = themes[themes.index("Femicide") :]
    assert "Lara Dimitrijevic, Speaker 1" in femicide
    assert "Lara Dimitrijevic from Malta shared her experience" in femicide


def test_a_country_named_without_speakers_is_listed_with_the_mention(client):
    kb = make_programme()
    session = make_session(
        meeting=kb.meeting,
        title="Panel on prisons",
        tags=[kb.theme],
        notes="Recalling the prisons of Test Republic today.",
    )
    themes = text(
        section(client.get(kb.country.get_absolute_url()).content.decode(), "said-on-themes")
    )
    assert "Panel on prisons" in themes
    assert "Named there; none of its speakers spoke." in themes
    assert "Recalling the prisons of Test Republic today." in themes
    assert session.title in themes[themes.index(kb.theme.name) :]


def test_a_theme_lists_the_most_active_countries_first(client):
    kb = make_programme()
    busy = Country.objects.create(slug="busy-land", name="Busy Land")
    for number in range(3):
        session = make_session(meeting=kb.meeting, title=f"Talk {number}", tags=[kb.theme])
        add_speaker(session, make_speaker(name=f"Speaker {number} of Busy Land", country=busy))
    actors = text(section(client.get(kb.theme.get_absolute_url()).content.decode(), "theme-actors"))
    assert actors.index("Busy Land spoke at 3 sessions") < actors.index(kb.country.name)
    assert f"{kb.country.name} named in 1 session" in actors


def test_organisation_page_lists_its_speakers_theme_by_theme(client):
    kb = make_programme()
    kb.speaker.organisation = kb.organisation
    kb.speaker.save()
    themes = text(
        section(client.get(kb.organisation.get_absolute_url()).content.decode(), "said-on-themes")
    )
    assert f"{kb.speaker}, Speaker 1" in themes
    assert f"{kb.speaker.name} opened the panel." in themes
