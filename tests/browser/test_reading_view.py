"""A reader in a real browser: a source document's page reads as the document, its link icons
and contents land on the passage they name, a record's Sources link lands on the cited
paragraph, and the page prints as the document alone.

Every state of the page is checked with axe-core (WCAG 2.1 A and AA, and best practices).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_country, make_session, make_working_paper

pytestmark = pytest.mark.browser

TARGET_BACKGROUND = "rgb(255, 244, 214)"  # #fff4d6, the :target highlight


@pytest.fixture
def paper():
    """The test working paper, its first paragraphs cited by a session and nine countries."""
    countries = [make_country(name=f"Test Member State {number}") for number in range(9)]
    session = make_session(title="Test side event on integrated approaches")
    return make_working_paper(citing=[session, *countries])


def passage(page, anchor):
    return page.locator(f"#{anchor}")


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_a_link_icon_lands_on_its_paragraph(page, paper, assert_accessible):
    """Clicking a paragraph's link icon puts its address in the bar and the paragraph, now
    highlighted, in view; the contents lead to a heading the same way."""
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(paper.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(paper.title)
    assert_accessible(page)

    page.get_by_role("link", name="Link to paragraph 4").click()
    expect(page).to_have_url(re.compile(r"#para-4$"))
    expect(passage(page, "para-4")).to_be_in_viewport()
    assert background(passage(page, "para-4")) == TARGET_BACKGROUND
    assert background(passage(page, "para-1")) != TARGET_BACKGROUND

    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="A. Data").click()
    expect(page).to_have_url(re.compile(r"#h-a-data$"))
    expect(page.get_by_role("heading", name="A. Data", level=4)).to_be_in_viewport()
    assert_accessible(page)


def test_the_records_beside_a_paragraph_unfold_and_lead_to_them(page, paper, assert_accessible):
    """Ten records cite paragraph 1: folded under their count, they open on a click, and
    each is a link to its page."""
    page.goto(paper.get_absolute_url())
    cited_by = passage(page, "para-1").locator(".cited-by")
    summary = cited_by.locator("summary")
    expect(summary).to_have_text("Cited by 9 countries, 1 session")
    country = cited_by.get_by_role("link", name="Test Member State 3")
    expect(country).to_be_hidden()
    summary.click()
    expect(country).to_be_visible()
    assert_accessible(page)
    cited_by.get_by_role("link", name="Test side event on integrated approaches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Test side event on integrated approaches"
    )


def test_a_records_source_link_lands_on_the_cited_paragraph(page, paper):
    """From a session citing paragraphs 1 and 2, its Sources section leads to paragraph 1,
    and to paragraph 2 by name."""
    session = paper.citations.get(content_type__model="session").content_object
    page.goto(session.get_absolute_url())
    sources = page.get_by_role("region", name="Sources")
    sources.get_by_role("link", name=paper.title).click()
    expect(page).to_have_url(re.compile(rf"{paper.get_absolute_url()}#para-1$"))
    expect(passage(page, "para-1")).to_be_in_viewport()
    page.go_back()
    page.get_by_role("region", name="Sources").get_by_role("link", name="paragraph 2").click()
    expect(page).to_have_url(re.compile(r"#para-2$"))
    expect(passage(page, "para-2")).to_be_in_viewport()


def test_the_page_prints_as_the_document(page, paper):
    """Printed, the page is the document: no contents, link icons or citing records, and
    no addresses written out after links."""
    page.goto(paper.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(passage(page, "para-1")).to_contain_text("Violence against women persists.")
    expect(page.get_by_role("navigation", name="Contents")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    for selector in [".permalink", ".cited-by"]:
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    expect(page.locator("#fn-2")).to_contain_text("See A/RES/68/191.")
    after = page.locator("main a").evaluate_all(
        "links => links.map(link => getComputedStyle(link, '::after').content)"
    )
    assert set(after) <= {"none", "normal"}


def test_a_phone_reads_the_document_without_scrolling_sideways(page, paper, assert_accessible):
    """At 360 px the records citing a paragraph come below it, and nothing is wider than the
    screen."""
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(paper.get_absolute_url())
    first = passage(page, "para-1")
    text_box = first.locator(".passage-text").bounding_box()
    cited_box = first.locator(".cited-by").bounding_box()
    assert cited_box["y"] >= text_box["y"] + text_box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
