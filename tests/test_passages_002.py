"""The background guide's passages are the guide's own words: none lost, none altered.

The passages in fixtures/002-ccpcj-background-guide.json are compared with the source document
they were distilled from (../shared/seeds/, beside the project), once both are plain text."""

import json
import re

import pytest
from django.conf import settings

FIXTURE = settings.BASE_DIR / "fixtures" / "002-ccpcj-background-guide.json"
SEEDS = settings.BASE_DIR.parent / "shared" / "seeds"

# Lines that only move the reader around the page ("[Top ↑](#)"): not the document's text.
NAVIGATION = {"Top ↑"}


def plain_text(markdown: str) -> str:
    """The words of a line of Markdown/HTML as a reader sees them: no list or heading marker,
    no emphasis, escapes or tags, links reduced to their words, whitespace collapsed."""
    text = re.sub(r"^\s*(?:[-*+]|#+)\s+", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"\\+([^\w\s])", r"\1", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def fixture():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_lines(fixture):
    """The seed's lines of prose, as plain text."""
    seed = (SEEDS / fixture["source"]["file"]).read_text(encoding="utf-8")
    lines = [plain_text(line) for line in seed.splitlines()]
    return [line for line in lines if line and line not in NAVIGATION]


def test_passages_follow_the_guide_word_for_word_and_in_order(fixture, seed_lines):
    """Each passage is found in the guide, after the passage before it."""
    seed = " ".join(seed_lines)
    position = 0
    for passage in fixture["passages"]:
        text = plain_text(passage["text"])
        found = seed.find(text, position)
        assert found >= 0, passage["anchor"]
        position = found + len(text)


def test_every_line_of_the_guide_is_in_a_passage(fixture, seed_lines):
    """No heading, paragraph or list item of the guide is left out of its passages."""
    texts = [passage["text"] for passage in fixture["passages"]]
    missing = [line for line in seed_lines if not any(line in text for text in texts)]
    assert missing == []


def test_the_members_and_the_questions_to_consider_are_list_items(fixture):
    """The twenty member States are the list items under "Members of CCPCJ:", and the three
    questions to consider on each topic are the list items under that topic's heading."""
    passages = fixture["passages"]
    headings = {p["anchor"]: p["text"] for p in passages if p["kind"] == "heading"}
    items_under = {heading: [] for heading in headings.values()}
    for passage in passages:
        if passage["kind"] == "list-item":
            items_under[headings[passage["heading"]]].append(passage["text"])
    countries = {c["slug"]: c["name"] for c in fixture["countries"]}
    members = [countries[m["country"]] for m in fixture["memberships"] if m["body"] == "ccpcj"]
    assert items_under["Members of CCPCJ:"] == members
    assert len(members) == 20
    for topic in (
        "Preventing and combating trafficking in persons facilitated by ICT",
        "Taking action against gender-related killing of women and girls",
    ):
        questions = items_under[topic]
        assert len(questions) == 3
        assert all(question.endswith("?") for question in questions)
