"""What NGO staff do in a real browser: sign in, tag a session, find it under the tag, annotate
it, take back a tag and an annotation after confirming, sign out. Every page is checked with
axe-core."""

import pytest
from playwright.sync_api import expect

# Roles come from a data migration; earlier browser tests flush the database, so restore it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SESSION_TITLE = (
    "Promoting restorative justice: strengthening the rule of law through a restorative "
    "approach for victims and offenders"
)
SESSION_PATH = "/sessions/ccpcj-31-restorative-justice/"


def sign_in(page, user):
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(f"pw-{user.username}")
    page.get_by_role("button", name="Sign in").click()


def test_staff_sign_in_tag_find_annotate_and_sign_out(
    page, live_server, ngo_staff, assert_accessible
):
    session_url = f"{live_server.url}{SESSION_PATH}"
    page.goto(session_url)
    expect(page.get_by_label("Add a tag")).to_have_count(0)

    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill("pw-amina")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(session_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(SESSION_TITLE)
    assert_accessible(page)

    page.get_by_label("Add a tag").fill("restorative-circles")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("Tagged “restorative-circles”.")).to_be_visible()
    assert_accessible(page)

    page.locator("#tags").get_by_role("link", name="Tag: restorative-circles").click()
    expect(page).to_have_url(f"{live_server.url}/sessions/?tag=restorative-circles")
    expect(page.locator(".session-card")).to_have_count(1)
    expect(page.locator(".session-card h2")).to_have_text(SESSION_TITLE)
    assert_accessible(page)

    page.goto(session_url)
    page.get_by_label("Your annotation").fill("Ask about **restorative circles** in prisons.")
    page.get_by_label("Private to me").check()
    page.get_by_role("button", name="Save annotation").click()
    annotation = page.locator(".annotation")
    expect(annotation).to_contain_text("Ask about restorative circles in prisons.")
    expect(annotation.locator("strong")).to_have_text("restorative circles")
    expect(annotation).to_contain_text("Private")
    assert_accessible(page)

    # A typo tag, taken back: Remove asks first, on a page of its own.
    page.get_by_label("Add a tag").fill("restorativ")
    page.get_by_role("button", name="Add tag").click()
    page.get_by_role("link", name="Remove the tag restorativ", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Remove tag “restorativ” from session “{SESSION_TITLE}”?"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Remove tag").click()
    expect(page.get_by_text("Removed the tag “restorativ”.")).to_be_visible()
    expect(page.get_by_role("link", name="Tag: restorativ", exact=True)).to_have_count(0)

    # A second, shared annotation, deleted after confirming; the private one stays.
    page.get_by_label("Your annotation").fill("To be withdrawn.")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator(".annotation")).to_have_count(2)
    page.locator(".annotation").filter(has_text="To be withdrawn.").get_by_role(
        "link", name="Delete"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Delete your annotation on session “{SESSION_TITLE}”?"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Delete annotation").click()
    expect(page.get_by_text("Annotation deleted.")).to_be_visible()
    expect(page.locator(".annotation")).to_have_count(1)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(session_url)
    expect(page.locator("#tags")).to_contain_text("restorative-circles")
    expect(page.get_by_label("Add a tag")).to_have_count(0)
    expect(page.get_by_text("Ask about")).to_have_count(0)


def test_annotation_form_fits_a_phone(page, live_server, ngo_staff):
    """At 360 px the annotation field stays on screen, with its label above it."""
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{SESSION_PATH}")
    sign_in(page, ngo_staff)
    field = page.get_by_label("Your annotation")
    label = page.locator(f"label[for='{field.get_attribute('id')}']")
    field_box, label_box = field.bounding_box(), label.bounding_box()
    assert field_box["x"] >= 0
    assert field_box["x"] + field_box["width"] <= 360
    assert label_box["y"] + label_box["height"] <= field_box["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
