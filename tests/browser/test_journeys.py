"""What a delegate does in a real browser: follow themes, sessions, speakers and resolutions,
search, combine and remove filters, and read the site on a narrow phone.

Every page visited is checked with axe-core (WCAG 2.1 A and AA, and best practices).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

SITE = "CCPCJ knowledge base"
HOME_HEADING = "Notes from the Commission on Crime Prevention and Criminal Justice"
FEMICIDE_SESSION = "Combating and criminalizing gender-based violence, including femicide"
FEMICIDE_FRAMEWORK_SESSION = (
    "THE NEW FRAMEWORK FOR MEASURING THE GENDER-RELATED KILLING OF WOMEN AND GIRLS: "
    "AN IMPORTANT STEP TO STOP IT"
)
RESOLUTION_TITLE = "Taking action against gender-related killing of women and girls"


def heading(page):
    return page.get_by_role("heading", level=1)


def expect_resolution_page(page, live_server):
    expect(page).to_have_url(f"{live_server.url}/documents/A/RES/70/176/")
    expect(heading(page)).to_have_text("A/RES/70/176")
    expect(page).to_have_title(f"A/RES/70/176 · {SITE}")
    expect(page.locator("dl.facts")).to_contain_text(RESOLUTION_TITLE)


def test_theme_session_speaker_and_resolution(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/")
    expect(heading(page)).to_have_text(HOME_HEADING)
    assert_accessible(page)

    # Home → the Femicide theme.
    themes = page.get_by_role("region", name="Themes", exact=True)
    themes.get_by_role("link", name=re.compile(r"^Femicide \(\d+\)$")).click()
    expect(page).to_have_url(f"{live_server.url}/themes/femicide/")
    expect(heading(page)).to_have_text("Femicide")
    expect(page).to_have_title(f"Femicide · {SITE}")
    assert_accessible(page)

    # Theme → the 17 May 2022 side event on femicide.
    sessions = page.get_by_role("region", name=re.compile(r"^Sessions"))
    sessions.get_by_role("link", name=FEMICIDE_SESSION, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/sessions/ccpcj-31-femicide/")
    expect(heading(page)).to_have_text(FEMICIDE_SESSION)
    expect(page).to_have_title(f"{FEMICIDE_SESSION} · {SITE}")
    expect(page.locator("dl.facts")).to_contain_text("Tuesday 17 May 2022, 16:40\N{EN DASH}17:30")
    assert_accessible(page)

    # Session → its first speaker.
    speakers = page.get_by_role("region", name="Speakers", exact=True)
    speakers.get_by_role("link", name="Lara Dimitrijevic", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/speakers/lara-dimitrijevic/")
    expect(heading(page)).to_have_text("Lara Dimitrijevic")
    expect(page).to_have_title(f"Lara Dimitrijevic · {SITE}")
    spoke_at = page.get_by_role("region", name="Spoke at")
    expect(spoke_at.get_by_role("link", name=FEMICIDE_SESSION, exact=True)).to_be_visible()
    assert_accessible(page)

    # Back to the session, back to the theme, on to the resolution the theme lists.
    page.go_back()
    expect(heading(page)).to_have_text(FEMICIDE_SESSION)
    page.go_back()
    expect(heading(page)).to_have_text("Femicide")
    documents = page.get_by_role("region", name="Resolutions and documents", exact=True)
    documents.get_by_role("link", name="A/RES/70/176", exact=True).click()
    expect_resolution_page(page, live_server)
    assert_accessible(page)


def test_search_by_surname_and_by_resolution_symbol(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/")
    assert_accessible(page)

    # The home page's own search box: a speaker's surname.
    home_search = page.get_by_role("search", name="Search the knowledge base")
    home_search.get_by_role("searchbox").fill("Prantner")
    home_search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{live_server.url}/search/?q=Prantner")
    expect(heading(page)).to_have_text("Search")
    expect(page).to_have_title(f"Search: Prantner · {SITE}")
    session_results = page.get_by_role("region", name=re.compile(r"^Sessions \(\d+\)$"))
    expect(session_results).to_contain_text("Prantner")
    expect(page.get_by_role("region", name=re.compile(r"^Speakers \(1\)$"))).to_contain_text(
        "Prantner"
    )
    assert_accessible(page)
    # A session result reads "title (date)".
    session_results.get_by_role("link", name=re.compile("^" + re.escape(FEMICIDE_SESSION))).click()
    expect(page).to_have_url(f"{live_server.url}/sessions/ccpcj-31-femicide/")
    expect(heading(page)).to_have_text(FEMICIDE_SESSION)
    assert_accessible(page)

    # The header's search box, from any page: the symbol in full, then in its short form.
    for query in ("A/RES/70/176", "70/176"):
        site_search = page.get_by_role("search", name="Site search")
        site_search.get_by_role("searchbox").fill(query)
        site_search.get_by_role("searchbox").press("Enter")
        expect(heading(page)).to_have_text("Search")
        expect(page.get_by_role("searchbox", name=re.compile("resolution symbol"))).to_have_value(
            query
        )
        documents = page.get_by_role(
            "region", name=re.compile(r"^Resolutions and documents \(\d+\)$")
        )
        expect(documents).to_contain_text(RESOLUTION_TITLE)
        assert_accessible(page)
        documents.get_by_role("link", name="A/RES/70/176", exact=True).click()
        expect_resolution_page(page, live_server)
        assert_accessible(page)


def test_combine_and_remove_theme_filters(page, live_server, assert_accessible):
    def chips():
        return page.get_by_role("region", name="Active filters").locator("li.chip")

    def result_count():
        return page.locator("p[aria-live]")

    def session_titles():
        return page.locator("main .session-card h2")

    # Two themes no session carries together.
    page.goto(f"{live_server.url}/sessions/?tag=femicide&tag=trafficking")
    expect(heading(page)).to_have_text("Sessions")
    expect(page).to_have_title(
        f"Sessions (Theme: Femicide; Theme: Trafficking in persons) · {SITE}"
    )
    expect(chips()).to_have_text(
        [re.compile(r"^Theme: Femicide\b"), re.compile(r"^Theme: Trafficking in persons\b")]
    )
    expect(result_count()).to_contain_text("0 sessions.")
    expect(page.get_by_text("No session matches these filters.")).to_be_visible()
    assert_accessible(page)

    # Removing trafficking keeps femicide, and its sessions appear.
    page.get_by_role("link", name="Remove filter Theme: Trafficking in persons").click()
    expect(page).to_have_url(f"{live_server.url}/sessions/?tag=femicide")
    expect(chips()).to_have_text([re.compile(r"^Theme: Femicide\b")])
    expect(result_count()).to_contain_text("2 sessions.")
    expect(session_titles()).to_have_text([FEMICIDE_SESSION, FEMICIDE_FRAMEWORK_SESSION])
    assert_accessible(page)

    # A theme facet adds a second theme; the list narrows to sessions carrying both.
    facets = page.get_by_role("complementary", name="Narrow down")
    facets.get_by_role("link", name="Data and measurement", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/sessions/?tag=femicide&tag=data-and-measurement")
    expect(chips()).to_have_text(
        [re.compile(r"^Theme: Femicide\b"), re.compile(r"^Theme: Data and measurement\b")]
    )
    expect(result_count()).to_contain_text("2 sessions.")
    assert_accessible(page)

    # Removing femicide keeps data and measurement, which widens the list.
    page.get_by_role("link", name="Remove filter Theme: Femicide").click()
    expect(page).to_have_url(f"{live_server.url}/sessions/?tag=data-and-measurement")
    expect(chips()).to_have_text([re.compile(r"^Theme: Data and measurement\b")])
    expect(result_count()).to_contain_text("3 sessions.")
    expect(session_titles()).to_have_count(3)
    assert_accessible(page)


OVERFLOWING_ELEMENTS = """
() => [...document.querySelectorAll("body *")]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5)
  .map((element) => {
    const id = element.id ? "#" + element.id : "";
    const classes = [...element.classList].map((name) => "." + name).join("");
    const right = Math.round(element.getBoundingClientRect().right);
    return `${element.tagName.toLowerCase()}${id}${classes} (right edge at ${right}px)`;
  })
"""


def test_no_horizontal_scrolling_at_320_pixels(page, live_server, assert_accessible):
    page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    for path, title in [
        ("/", HOME_HEADING),
        ("/sessions/", "Sessions"),
        ("/sessions/ccpcj-31-femicide/", FEMICIDE_SESSION),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(heading(page)).to_have_text(title)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > 320:
            culprits = ", ".join(page.evaluate(OVERFLOWING_ELEMENTS))
            problems.append(f"{path} is {scroll_width}px wide; overflowing: {culprits}")
        assert_accessible(page)
    assert not problems, "Horizontal scrolling at 320px:\n" + "\n".join(problems)


PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def phone(browser, browser_context_args):
    """A page in a 360 px wide touch screen, as on a small phone."""
    context = browser.new_context(**{**browser_context_args, **PHONE})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    yield page
    context.close()


def test_sign_out_is_visible_and_tappable_on_a_touch_phone(
    phone, live_server, django_user_model, assert_accessible
):
    django_user_model.objects.create_user("amina", password="a-long-pass-phrase")
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("Username").fill("amina")
    phone.get_by_label("Password").fill("a-long-pass-phrase")
    phone.get_by_role("button", name="Sign in").tap()
    sign_out = phone.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    # White on the header's blue, not white on a white button.
    expect(sign_out).to_have_css("color", "rgb(255, 255, 255)")
    expect(sign_out).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    expect(phone.locator(".site-header")).to_have_css("background-color", "rgb(0, 91, 154)")
    assert_accessible(phone)

    sign_out.tap()
    expect(phone.get_by_role("link", name="Sign in")).to_be_visible()
    expect(phone.get_by_role("button", name="Sign out")).to_have_count(0)


def test_phone_filters_control_sits_above_the_results(phone, live_server, assert_accessible):
    phone.goto(f"{live_server.url}/sessions/")
    filters = phone.locator(".filter-panel > summary")
    first_result = phone.locator(".session-card").first
    expect(filters).to_have_text("Filters")
    assert filters.bounding_box()["y"] < first_result.bounding_box()["y"]
    # Closed until tapped, so the results start near the top of the screen.
    speaker = phone.get_by_label("Speaker", exact=True)
    expect(speaker).to_be_hidden()
    assert first_result.bounding_box()["y"] < 740
    assert_accessible(phone)

    filters.tap()
    expect(speaker).to_be_visible()
    speaker.select_option(label="Lara Dimitrijevic (1)")
    phone.get_by_role("button", name="Apply filters").tap()
    expect(phone).to_have_url(f"{live_server.url}/sessions/?speaker=lara-dimitrijevic")
    expect(phone.locator("p[aria-live]")).to_contain_text("1 session.")
    expect(phone.locator(".filter-panel > summary")).to_have_text("Filters (1 active)")
    expect(phone.locator(".session-card h2")).to_have_text([FEMICIDE_SESSION])
    assert_accessible(phone)


def test_wide_screens_show_the_filters_beside_the_results(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/sessions/")
    expect(page.locator(".filter-panel > summary")).to_be_hidden()
    facets = page.get_by_role("complementary", name="Narrow down")
    expect(facets.get_by_label("Speaker", exact=True)).to_be_visible()
    results = page.locator(".session-card").first
    assert (
        facets.bounding_box()["x"] > results.bounding_box()["x"] + results.bounding_box()["width"]
    )
