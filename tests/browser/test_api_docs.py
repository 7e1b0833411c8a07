"""The API's documentation page works under the site's Content-Security-Policy: Swagger UI,
served from this site, lists every operation and runs one, while the browser blocks nothing."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# How Chromium's console reports a blocked resource or a header it rejects.
POLICY_COMPLAINTS = ("Content Security Policy", "CSP violation", "Refused to")


def test_the_api_documentation_runs_under_the_content_security_policy(page, live_server):
    complaints = []

    def on_console(message):
        if any(complaint in message.text for complaint in POLICY_COMPLAINTS):
            complaints.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: complaints.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "'CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI));"
    )
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    policy = response.header_value("Content-Security-Policy")
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy

    expect(page.get_by_role("heading", name="CCPCJ knowledge base API")).to_be_visible()
    sessions = page.locator("#operations-sessions-sessions_list")
    expect(sessions).to_be_visible()
    sessions.locator(".opblock-summary").click()
    sessions.get_by_role("button", name="Try it out").click()
    sessions.get_by_role("button", name="Execute").click()
    expect(sessions.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    assert complaints == []
