"""The Fourteenth Congress working paper's passages are the paper's own words: none lost, none
altered.

The passages in fixtures/003-fourteenth-congress-working-paper.json are compared with the source
document they were distilled from (../shared/seeds/, beside the project), once both are plain
text. A page's footnotes sit in the middle of the paragraph that runs on past them, so the
paper's body and its footnotes are each read on their own."""

import json
import re

import pytest
from django.conf import settings

FIXTURE = settings.BASE_DIR / "fixtures" / "003-fourteenth-congress-working-paper.json"
SEEDS = settings.BASE_DIR.parent / "shared" / "seeds"

# What a line starts with when it begins a footnote: "<sup>5</sup> " or an escaped "\* ".
FOOTNOTE_MARK = re.compile(r"^(?:<sup>\d+</sup>|\\\*)\s+")
# The number or letter a paragraph or footnote starts with: its label, not its text.
LABEL = re.compile(r"^(?:\d+\.|\([a-z]\)|<sup>\d+</sup>|\\\*)\s+")
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")


def plain_text(markdown: str) -> str:
    """The words of a line of Markdown/HTML as a reader sees them: no heading marker, no
    emphasis, escapes or tags (a footnote number in <sup> stays where it is), links reduced to
    their words, whitespace collapsed."""
    text = re.sub(r"^\s*#+\s+", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("**", "")
    text = re.sub(r"(?<![\\\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"\\+([^\w\s])", r"\1", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def fixture():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_lines(fixture):
    """The seed's lines of prose as plain text without their labels, as (is_footnote, text)."""
    seed = (SEEDS / fixture["source"]["file"]).read_text(encoding="utf-8")
    lines = []
    for line in seed.splitlines():
        text = plain_text(LABEL.sub("", line))
        if text and not RULE.match(line):
            lines.append((bool(FOOTNOTE_MARK.match(line)), text))
    return lines


@pytest.mark.parametrize("footnotes", [False, True], ids=["body", "footnotes"])
def test_passages_follow_the_paper_word_for_word_and_in_order(fixture, seed_lines, footnotes):
    """Each passage is found in the paper, after the passage before it: headings and paragraphs
    in the paper's body, footnotes among its footnotes."""
    seed = " ".join(text for is_footnote, text in seed_lines if is_footnote == footnotes)
    position = 0
    for passage in fixture["passages"]:
        if (passage["kind"] == "footnote") != footnotes:
            continue
        text = plain_text(passage["text"])
        found = seed.find(text, position)
        assert found >= 0, passage["anchor"]
        position = found + len(text)


def test_every_line_of_the_paper_is_in_a_passage(fixture, seed_lines):
    """No heading, paragraph, recommendation or footnote of the paper is left out of its
    passages."""
    texts = [plain_text(passage["text"]) for passage in fixture["passages"]]
    missing = [text for _, text in seed_lines if not any(text in t for t in texts)]
    assert missing == []


def test_paragraphs_and_recommendations_are_numbered_as_in_the_paper(fixture):
    """Paragraphs 1 to 45 each have their number, and each lettered recommendation under 42 to
    45 is its own passage, named as the paper names it ("43 (c)")."""
    labels = [p["label"] for p in fixture["passages"] if p["anchor"].startswith("para-")]
    numbered = [label for label in labels if label.isdigit()]
    assert numbered == [str(n) for n in range(1, 46)]
    assert labels[labels.index("43") :][:5] == ["43", "43 (a)", "43 (b)", "43 (c)", "43 (d)"]
    passages = {p["anchor"]: p for p in fixture["passages"]}
    assert passages["para-43-c"]["text"].startswith("Strengthen and develop a comprehensive")


def test_the_recommendations_session_reads_as_the_paper_does(fixture):
    """The notes of the conclusions-and-recommendations session are paragraphs 42 to 45 and
    their lettered recommendations, word for word."""
    session = next(
        s
        for s in fixture["sessions"]
        if s["slug"] == "crime-congress-14-item-4-conclusions-and-recommendations"
    )
    notes = [plain_text(LABEL.sub("", part)) for part in session["notes"].split("\n\n")]
    start = next(i for i, p in enumerate(fixture["passages"]) if p["anchor"] == "para-42")
    assert notes == [p["text"] for p in fixture["passages"][start:]]


def test_law_no_1173_is_described_in_the_words_of_the_paragraph_it_cites(fixture):
    """What Law No. 1173's article 393 allows civil society organisations to do is quoted from
    paragraph 12, which its citation names."""
    passages = {p["label"]: p["text"] for p in fixture["passages"]}
    law = next(d for d in fixture["documents"] if d.get("slug") == "bolivia-law-no-1173-of-2019")
    article = law["description"].split("Its article 393 provides that, ", 1)[1]
    assert law["cited_at"] == "para. 12"
    assert "may participate in the judicial process at the victim's request." in article
    assert article in passages["12"]
