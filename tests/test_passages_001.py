"""UNODC's violence-against-women profile as passages: the profile's own words, none lost, none
altered.

The passages in fixtures/001-unodc-violence-against-women.json are compared with the source
document they were distilled from (../shared/seeds/, beside the project), once both are plain
text."""

import json
import re

import pytest
from django.conf import settings

FIXTURE = settings.BASE_DIR / "fixtures" / "001-unodc-violence-against-women.json"
SEEDS = settings.BASE_DIR.parent / "shared" / "seeds"


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
    return [line for line in lines if line]


def test_passages_follow_the_profile_word_for_word_and_in_order(fixture, seed_lines):
    """Each passage is found in the profile, after the passage before it."""
    seed = " ".join(seed_lines)
    position = 0
    for passage in fixture["passages"]:
        text = plain_text(passage["text"])
        found = seed.find(text, position)
        assert found >= 0, passage["anchor"]
        position = found + len(text)


def test_every_line_of_the_profile_is_in_a_passage(fixture, seed_lines):
    """No heading, paragraph or list item of the profile is left out of its passages."""
    texts = [plain_text(passage["text"]) for passage in fixture["passages"]]
    missing = [line for line in seed_lines if not any(line in text for text in texts)]
    assert missing == []


def test_the_trust_fund_figures_are_the_words_of_the_paragraph_it_cites(fixture):
    """The trust fund's donors, grants and application round read as the profile states them,
    in the paragraph its citation names."""
    passages = {passage["anchor"]: passage["text"] for passage in fixture["passages"]}
    fund = next(
        record
        for record in fixture["organisations"]
        if record["slug"] == "un-trust-fund-victims-of-trafficking"
    )
    cited = [part.strip().removeprefix("#") for part in fund["cited_at"].split(";")]
    figures = fund["description"].split(". ", 1)[1]
    assert "31 States and 32 private companies" in figures
    assert any(figures in passages.get(anchor, "") for anchor in cited)
