"""An editor renames a session's address in the admin; a link shared before still works."""

import pytest
from playwright.sync_api import expect

from sessions.models import Session

pytestmark = pytest.mark.browser


def test_a_link_shared_before_a_slug_change_leads_to_the_session(page, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")
    session = Session.objects.get(slug="ccpcj-31-femicide")
    page.goto("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-editor-1")
    page.click("input[type=submit]")
    page.goto(f"/admin/kb_sessions/session/{session.pk}/change/")
    page.fill("#id_slug", "femicide-side-event")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    response = page.goto("/sessions/ccpcj-31-femicide/")

    assert response.request.redirected_from.response().status == 301
    assert page.url.endswith("/sessions/femicide-side-event/")
    expect(page.locator("h1")).to_contain_text(session.title)
