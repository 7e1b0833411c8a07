"""The pages that gather what the knowledge base says on a theme, a country or an
organisation: timelines, who said what, mentions, related records and briefing packs. Each
is checked with axe-core (WCAG 2.1 A and AA, and best practices), on screen and as printed."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = [
    "/themes/femicide/",
    "/countries/malta/",
    "/organisations/unodc/",
    "/documents/A/RES/70/176/",
    "/sessions/ccpcj-31-femicide/",
    "/briefing/?tag=femicide",
    "/briefing/?country=malta",
]


@pytest.mark.parametrize("address", PAGES)
def test_page_is_accessible(page, live_server, assert_accessible, address):
    page.goto(f"{live_server.url}{address}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_timeline_table_opens_from_the_keyboard(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/themes/femicide/")
    summary = page.get_by_text("The figures as a table")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("table")).to_be_visible()
    assert_accessible(page)


def test_briefing_pack_prints_cover_summary_and_sessions_on_their_own_pages(page, live_server):
    """Printed, the pack leaves out the site's navigation and starts the summary and the
    sessions on pages of their own."""
    page.goto(f"{live_server.url}/briefing/?tag=femicide")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    breaks = page.evaluate(
        "[...document.querySelectorAll('.briefing-cover, .briefing-summary')]"
        ".map(e => getComputedStyle(e).breakAfter)"
    )
    assert breaks == ["page", "page"]
