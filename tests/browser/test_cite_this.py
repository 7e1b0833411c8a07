"""A reader citing pages in a real browser: the "Cite paragraph" link beside a paragraph leads
to its citation, the citation's formats open on demand, and the page prints with the plain
citation but without the BibTeX and CSL-JSON or the citation links. Checked with axe-core."""

import pytest
from playwright.sync_api import expect

from sessions.models import Session
from tests.factories import make_working_paper

pytestmark = pytest.mark.browser


def test_a_paragraph_is_cited_from_its_cite_link(page, assert_accessible):
    paper = make_working_paper()
    page.goto(paper.get_absolute_url())
    page.locator("#para-2").get_by_role("link", name="Cite paragraph 2").click()
    box = page.get_by_role("region", name="Cite paragraph 2")
    expect(box).to_be_in_viewport()
    expect(box.locator(".citation-text")).to_contain_text("para. 2. CCPCJ session-notes")
    expect(box.locator(".citation-text")).to_contain_text(f"{paper.get_absolute_url()}#para-2")
    box.get_by_text("BibTeX").click()
    expect(box.locator("pre").first).to_contain_text("@misc{")
    assert_accessible(page)


def test_a_session_prints_with_its_plain_citation(page, assert_accessible):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    page.goto(session.get_absolute_url())
    box = page.get_by_role("region", name="Cite this session")
    expect(box.locator(".citation-text")).to_contain_text("Nabanita Shome, “Combating")
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(box.locator(".citation-text")).to_be_visible()
    expect(box.get_by_text("BibTeX")).to_be_hidden()
    expect(box.get_by_text("CSL-JSON")).to_be_hidden()
    expect(page.locator(".downloads")).to_have_count(0)


def test_a_list_prints_without_its_download_links(page):
    page.goto("/sessions/?tag=femicide")
    downloads = page.locator(".downloads")
    expect(downloads.get_by_role("link", name="CSV file")).to_have_attribute(
        "href", "/sessions/export.csv?tag=femicide"
    )
    page.emulate_media(media="print")
    expect(downloads).to_be_hidden()
