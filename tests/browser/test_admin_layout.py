"""The admin on a 1280 px wide screen: an editor's change forms and lists fit without scrolling
sideways, with the navigation sidebar open, even for a meeting with a very long name."""

import pytest
from django.urls import reverse

from sessions.models import Appearance, Meeting, Session, Speaker
from sessions.roles import EDITORS
from tests.factories import (
    add_speaker,
    cite,
    make_document,
    make_meeting,
    make_session,
    make_tag,
    make_user,
)
from topics.models import Document, TaggedItem

pytestmark = pytest.mark.browser

WIDTH = 1280

LONG_NAME = (
    "Test Thirty-third session of the Commission on Crime Prevention and Criminal Justice, "
    "reconvened, with a thematic discussion on the rule of law"
)

# How far the page, and the table of a change list, are wider than what the screen shows.
OVERFLOW = """() => {
    const page = document.documentElement;
    const results = document.querySelector("#changelist .results");
    return {
        page: page.scrollWidth - page.clientWidth,
        results: results ? results.scrollWidth - results.clientWidth : 0,
    };
}"""


@pytest.fixture
def long_records():
    """A meeting with a long name, and a session of it with long speakers' affiliations, long
    tags and a long citation: the records most likely to push a page wider."""
    meeting = make_meeting(name=LONG_NAME, start_date="2031-03-10", end_date="2031-03-14")
    session = make_session(
        meeting=meeting,
        title="Test " + "a very long session title that goes on " * 5,
        date="2031-03-10",
        start_time="12:30",
        end_time="13:20",
    )
    for number in range(3):
        add_speaker(
            session,
            role=f"Speaker {number + 1}",
            affiliation="Federal Department of Home Affairs, Federal Office for Gender Equality",
        )
    for name in ["Test women in justice and law enforcement", "Test data and measurement"]:
        session.tags.add(make_tag(name=name))
    cite(session, location="Day two, 17 May 2022, 16:40\N{EN DASH}17:30, third parallel side event")
    document = make_document(title="Test " + "handbook on justice for women " * 4)
    return {
        Meeting: meeting,
        Session: session,
        Speaker: session.speakers.first(),
        Document: document,
    }


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_change_forms_and_lists_fit_a_1280_px_screen(page, live_server, long_records):
    make_user("chen", group=EDITORS, is_staff=True)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.get_by_label("Username").fill("chen")
    page.get_by_label("Password").fill("pw-chen")
    page.get_by_role("button", name="Log in").click()

    addresses = [admin_url(model, "add") for model in long_records]
    addresses += [admin_url(model, "change", record.pk) for model, record in long_records.items()]
    addresses += [
        admin_url(model, "changelist") for model in [Session, Meeting, Appearance, TaggedItem]
    ]
    too_wide = {}
    for address in addresses:
        page.goto(f"{live_server.url}{address}")
        assert page.locator("#nav-sidebar").is_visible(), address
        overflow = page.evaluate(OVERFLOW)
        if any(overflow.values()):
            too_wide[address] = overflow
    assert not too_wide, f"Wider than {WIDTH} px (overflow in px): {too_wide}"
