"""Fixtures for the real-browser tests: Chromium through pytest-playwright, axe-core checks.

The pages are served by pytest-django's ``live_server``. Its tests use a transactional database
that is flushed after each test, so every browser test loads the shipped knowledge base first.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from sessions.roles import create_roles

# Playwright's sync API runs an event loop in the test's thread; Django's ORM then refuses to be
# called from it (SynchronousOnlyOperation) unless told the test knows what it does.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_OPTIONS = {
    # Only violations come back in full: passes and incomplete results are large and unused.
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}
# Short timeouts: every page is served locally, so a missing element fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """The system Chromium, headless (unless --headed), without the network chatter."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": browser_type_launch_args.get("headless", True),
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative addresses (page.goto("/sessions/")) go to the live server.

    Defining it here also replaces pytest-playwright's fallback ``base_url``, a session fixture
    written as an instance method, which pytest 9 deprecates (and this project turns
    deprecation warnings into errors)."""
    return live_server.url


@pytest.fixture(autouse=True)
def knowledge_base(transactional_db):
    """The shipped knowledge base and the roles, in this test's (flushed afterwards) database:
    a flush empties the groups the data migration made."""
    call_command("load_kb", verbosity=0)
    create_roles(Group, Permission)


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility rule(s) violated on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Call with a page: runs axe-core (WCAG 2.1 A/AA and best practices) and fails on any
    violation, listing each rule, its help text and the offending nodes."""

    def check(page):
        results = axe.run(page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        if violations:
            pytest.fail(format_violations(page.url, violations), pytrace=False)

    return check
