"""The admin works under the site's strict Content-Security-Policy: an administrator signs in,
searches and filters sessions, selects rows for an action, and edits a session with its date
shortcuts, autocompletes and speaker rows, while the browser blocks nothing and logs no error."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Session

# Roles come from a data migration; earlier browser tests flush the database, so restore it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SESSION_SLUG = "ccpcj-31-femicide"


# How Chromium's console reports a blocked resource or a header it rejects.
POLICY_COMPLAINTS = ("Content Security Policy", "CSP violation", "Permissions-Policy", "Refused to")


@pytest.fixture
def browser_errors(page):
    """What the browser reports against the policies: CSP violations (Chromium logs them and
    raises securitypolicyviolation events) and headers it rejects, plus any script error."""
    errors = []

    def on_console(message):
        if any(complaint in message.text for complaint in POLICY_COMPLAINTS):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "'CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI));"
    )
    return errors


def test_the_admin_works_under_the_content_security_policy(
    page, live_server, superuser, browser_errors
):
    response = page.goto(f"{live_server.url}/admin/")
    policy = response.header_value("Content-Security-Policy")
    assert "default-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("pw-admin-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # The change list: search, a sidebar filter, and the action bar's selection counter (JS).
    page.goto(f"{live_server.url}/admin/kb_sessions/session/")
    page.locator("#searchbar").fill("femicide")
    page.locator("#changelist-search").get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).not_to_have_count(0)
    page.locator("#changelist-filter").get_by_role("link", name="Yes").first.click()
    expect(page).to_have_url(re.compile(r"has_notes__exact=1"))
    page.locator("#result_list tbody input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1 of")

    # The change form: date shortcuts, an autocomplete fed over XHR, a new speaker row.
    session = Session.objects.get(slug=SESSION_SLUG)
    page.goto(f"{live_server.url}/admin/kb_sessions/session/{session.pk}/change/")
    expect(page.locator("#id_title")).to_have_value(session.title)
    page.locator(".datetimeshortcuts").first.get_by_role("link", name="Today").click()
    expect(page.locator("#id_date")).not_to_have_value(session.date.isoformat())
    page.locator("#id_meeting + .select2").click()
    page.locator(".select2-dropdown .select2-search__field").fill("31")
    expect(page.locator(".select2-results__option").first).to_contain_text("31")
    page.keyboard.press("Escape")
    rows = page.locator(".dynamic-appearances")
    before = rows.count()
    page.locator("#appearances-group .add-row a").click()
    expect(rows).to_have_count(before + 1)

    assert browser_errors == []
