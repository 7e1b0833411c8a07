"""What NGO staff do in a real browser: sign in, tag a session, find it under the tag, annotate
it, sign out. Every page is checked with axe-core."""

import pytest
from django.contrib.auth.models import Group
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


@pytest.fixture
def staff_member(django_user_model):
    user = django_user_model.objects.create_user("amina", password="a-long-pass-phrase")
    user.groups.add(Group.objects.get(name="NGO staff"))
    return user


def test_staff_sign_in_tag_find_annotate_and_sign_out(
    page, live_server, staff_member, assert_accessible
):
    session_url = f"{live_server.url}/sessions/ccpcj-31-restorative-justice/"
    page.goto(session_url)
    expect(page.get_by_label("Add a tag")).to_have_count(0)

    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(session_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(SESSION_TITLE)
    assert_accessible(page)

    page.get_by_label("Add a tag").fill("restorative-circles")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("Tagged “restorative-circles”.")).to_be_visible()
    assert_accessible(page)

    page.locator("#tags").get_by_role("link", name="restorative-circles").click()
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

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(session_url)
    expect(page.locator("#tags")).to_contain_text("restorative-circles")
    expect(page.get_by_label("Add a tag")).to_have_count(0)
    expect(page.get_by_text("Ask about")).to_have_count(0)
