"""A country, an organisation or a theme may be part of half a million sessions: their pages
count who said what among the sessions most recently added, and say so, rather than reading
every session on every visit."""

import re

import pytest

from tests.factories import add_speaker, make_programme, make_session, make_speaker
from tests.test_voices import section, text
from topics import views, voices

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_up_to_two(monkeypatch):
    monkeypatch.setattr(voices, "COUNTED_SESSIONS", 2)
    monkeypatch.setattr(views, "COUNTED_SESSIONS", 2)


def named_sessions(kb, count: int) -> list:
    sessions = []
    for number in range(count):
        session = make_session(meeting=kb.meeting, title=f"Hearing {number}", tags=[kb.theme])
        session.organisations.add(kb.organisation)
        sessions.append(session)
    return sessions


def theme_group(page: str, theme_name: str) -> str:
    themes = text(section(page, "said-on-themes"))
    return themes[themes.index(theme_name) :]


def test_an_organisation_in_more_sessions_than_counted_counts_the_newest_and_says_so(
    client, counted_up_to_two
):
    kb = make_programme()
    named_sessions(kb, 3)
    page = client.get(kb.organisation.get_absolute_url()).content.decode()
    group = theme_group(page, kb.theme.name)
    assert "the figures are of the 2 sessions most recently added" in text(page)
    assert f"{kb.theme.name} (2)" in group
    assert "Hearing 2" in group and "Hearing 1" in group
    assert "Hearing 0" not in group


def test_within_the_count_every_session_is_counted_without_a_warning(client, counted_up_to_two):
    kb = make_programme()
    named_sessions(kb, 1)
    page = client.get(kb.organisation.get_absolute_url()).content.decode()
    assert "most recently added" not in page
    assert "Hearing 0" in theme_group(page, kb.theme.name)


def test_a_country_whose_speakers_spoke_at_more_sessions_than_counted(client, counted_up_to_two):
    kb = make_programme()
    speaker = make_speaker(name="Envoy of Test Republic", country=kb.country)
    for number in range(3):
        session = make_session(meeting=kb.meeting, title=f"Debate {number}", tags=[kb.theme])
        add_speaker(session, speaker)
    page = client.get(kb.country.get_absolute_url()).content.decode()
    group = theme_group(page, kb.theme.name)
    assert "the figures are of the 2 sessions most recently added" in text(page)
    assert "Debate 2" in group and "Debate 0" not in group


def test_a_theme_counts_who_spoke_among_its_newest_sessions(client, counted_up_to_two):
    kb = make_programme()
    for number in range(3):
        session = make_session(meeting=kb.meeting, title=f"Talk {number}", tags=[kb.theme])
        add_speaker(session, make_speaker(name=f"Speaker {number}", country=kb.country))
    actors = text(section(client.get(kb.theme.get_absolute_url()).content.decode(), "theme-actors"))
    assert "the figures are of the 2 most recently added" in actors
    spoke_at = re.search(rf"{kb.country.name} spoke at (\d+) session", actors)
    assert spoke_at and int(spoke_at[1]) == 2
