"""The observers' notes (the 31st CCPCJ day by day, the constructive dialogues on trafficking)
are read as the notes' own outline: their title, days and sessions as headings, and what no
session's notes already hold. The notes themselves are the sessions'; a day's heading leads to
the sessions held that day.

The passages in the two fixture files are compared with the source documents they were
distilled from (../shared/seeds/, beside the project), once both are plain text."""

import datetime
import json
import re

import pytest
from django.conf import settings

from sessions.models import Session
from topics.models import Citation, Passage

FIXTURES = settings.BASE_DIR / "fixtures"
SEEDS = settings.BASE_DIR.parent / "shared" / "seeds"
CCPCJ_31 = "000-ccpcj-31-observer-notes.json"
DIALOGUES = "004-constructive-dialogues-trafficking.json"
# A day's heading as the observer writes it: "Day two 17th May 2022".
DAY = re.compile(r"\bDay \w+ (?P<day>\d+)(?:st|nd|rd|th) May 2022$")


def plain_text(markdown: str) -> str:
    """What a reader sees of some Markdown/HTML: no tags, no bold, links reduced to their
    words, whitespace collapsed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"<[^>]+>", " ", text).replace("**", "")
    return " ".join(text.split())


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def seed_of(content: dict) -> str:
    return (SEEDS / content["source"]["file"]).read_text(encoding="utf-8")


def day_of(heading: str) -> datetime.date | None:
    match = DAY.search(heading)
    return datetime.date(2022, 5, int(match["day"])) if match else None


@pytest.mark.parametrize("name", [CCPCJ_31, DIALOGUES])
def test_passages_are_the_notes_own_words_in_order(name):
    """Each passage is found in the notes, after the passage before it."""
    content = fixture(name)
    seed = plain_text(seed_of(content))
    position = 0
    for passage in content["passages"]:
        text = plain_text(passage["text"])
        found = seed.find(text, position)
        assert found >= 0, passage["anchor"]
        position = found + len(text)


@pytest.mark.parametrize("name", [CCPCJ_31, DIALOGUES])
def test_no_passage_repeats_what_a_sessions_notes_hold(name):
    """What is already a session's notes is read on the session's page, not a second time
    among the source's passages: a passage under a session's heading is not in that session's
    notes, any other passage in no session's notes."""
    content = fixture(name)
    notes = {session["title"]: plain_text(session["notes"]) for session in content["sessions"]}
    headings = {p["anchor"]: p for p in content["passages"] if p["kind"] == "heading"}
    repeated = []
    for passage in content["passages"]:
        section = headings.get(passage["heading"])
        while section and section["text"].rstrip(".") not in notes:
            section = headings.get(section["heading"])
        held = [notes[section["text"].rstrip(".")]] if section else notes.values()
        if any(plain_text(passage["text"]) in note for note in held):
            repeated.append(passage["anchor"])
    assert repeated == []


def test_every_day_of_the_ccpcj_notes_is_a_heading():
    """Each day the observer wrote down ("Day two 17th May 2022", "The session starts on Day
    Three 18th May 2022") is a heading of the notes, worded as the observer wrote it."""
    content = fixture(CCPCJ_31)
    days = [line.strip() for line in seed_of(content).splitlines() if DAY.search(line.strip())]
    headings = [p["text"] for p in content["passages"] if p["kind"] == "heading"]
    assert len(days) == 5
    assert [day for day in days if day in headings] == days


@pytest.mark.django_db
def test_every_ccpcj_session_is_reached_from_its_day():
    """Each session of the 31st CCPCJ is cited at the heading of the day it was held, and its
    title is a heading under that day."""
    sessions = Session.objects.filter(meeting__slug="ccpcj-31")
    assert sessions.count() == 10
    for session in sessions:
        citation = session.citations.get(source__slug="ccpcj-31-observer-notes")
        days = [p for p in citation.passages.all() if day_of(p.text) == session.date]
        assert len(days) == 1, session.slug
        titles = Passage.objects.filter(heading=days[0], kind=Passage.Kind.HEADING)
        assert session.title in [title.text.rstrip(".") for title in titles], session.slug


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["ccpcj-31-observer-notes", "constructive-dialogues-trafficking"])
def test_every_citation_of_the_notes_names_a_passage(slug):
    """Every record distilled from the notes links to the passage its citation names."""
    citations = Citation.objects.filter(source__slug=slug)
    assert citations.exists()
    unlinked = [c.location for c in citations if not c.passages.exists()]
    assert unlinked == []
