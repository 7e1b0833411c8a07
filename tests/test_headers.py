"""Security headers on every kind of page, graded A+ by Mozilla's HTTP Observatory rules.

The grade is computed here from the Observatory's published scoring (mdn/mdn-http-observatory,
src/analyzer/tests/*.js and src/grader/charts.js) for the response headers, cookies and the
http-to-https redirection, on the settings a deployment runs with (DEBUG off) and over https.
"""

import re
import runpy
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from ccpcj_kb import settings as settings_module
from sessions.models import Session

pytestmark = pytest.mark.django_db

PASSWORD = "pw-amina"
SESSION_SLUG = "ccpcj-31-femicide"
OTHER_ORIGIN = "https://elsewhere.example"

# The Observatory's grade for a score (src/grader/charts.js, GRADE_CHART), best first.
GRADES = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+")]
# Bonuses count only if the score without them is at least this (MINIMUM_SCORE_FOR_EXTRA_CREDIT).
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
SIX_MONTHS = 15_552_000
BROAD_SOURCES = {
    "ftp:",
    "http:",
    "https:",
    "*",
    "http://*",
    "http://*.*",
    "https://*",
    "https://*.*",
}
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}
PRIVATE_REFERRERS = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_REFERRERS = {
    "origin",
    "origin-when-cross-origin",
    "unsafe-url",
    "no-referrer-when-downgrade",
}
# Settings a deployment takes from the environment; the test wants their production defaults.
SECURITY_ENVIRONMENT = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
]


@dataclass
class Scan:
    """One page's Observatory modifiers, rule by rule."""

    modifiers: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> int:
        penalties = 100 + sum(value for value in self.modifiers.values() if value < 0)
        if penalties < MINIMUM_SCORE_FOR_EXTRA_CREDIT:
            return penalties
        return 100 + sum(self.modifiers.values())

    @property
    def grade(self) -> str:
        return next((grade for floor, grade in GRADES if self.score >= floor), "C or worse")


def parse_csp(header: str) -> dict[str, set[str]]:
    policy = {}
    for directive in header.lower().split(";"):
        if directive.strip():
            name, *sources = directive.split()
            policy.setdefault(name, set(sources))
    return policy


def csp_modifier(response) -> int:
    """content-security-policy: the first rule that matches, in the Observatory's order."""
    if "Content-Security-Policy" not in response:
        return -25
    policy = parse_csp(response["Content-Security-Policy"])
    default = policy.get("default-src", {"*"})
    script = policy.get("script-src", default)
    style = policy.get("style-src", default)
    objects = policy.get("object-src", default)
    passive = policy.get("img-src", default) | policy.get("media-src", default)
    active = {
        source
        for name, sources in policy.items()
        if name not in {"img-src", "media-src"}
        for source in sources
    }
    if script & (BROAD_SOURCES | UNSAFE_INLINE) or objects & BROAD_SOURCES:
        return -20
    if any(source.startswith(("http:", "ftp:")) for source in active):
        return -20
    if "'unsafe-eval'" in script | style:
        return -10
    if any(source.startswith(("http:", "ftp:")) for source in passive):
        return -10
    if style & (BROAD_SOURCES | UNSAFE_INLINE):
        return 0
    form_action = policy.get("form-action", {"*"})
    if policy.get("default-src") == {"'none'"} and form_action <= {"'self'", "'none'"}:
        return 10
    return 5


def hsts_passes(response) -> bool:
    return hsts_modifier(response) == 0


def hsts_modifier(response) -> int:
    """strict-transport-security, on the https response (no preload-list bonus: not listed)."""
    header = response.get("Strict-Transport-Security")
    if not header:
        return -20
    parameters = [part.strip().lower() for part in header.split(";")]
    ages = [int(part[8:]) for part in parameters if part.startswith("max-age=")]
    if "," in header or not ages:
        return -20
    return 0 if ages[0] >= SIX_MONTHS else -10


def cookies_modifier(response) -> int:
    """cookies: the worst finding over every cookie set; +5 when all are Secure, session
    cookies HttpOnly, and every cookie has SameSite."""
    if not response.cookies:
        return 0
    hsts = hsts_passes(response)
    findings = [0]
    for name, morsel in response.cookies.items():
        session = "login" in name.lower() or "sess" in name.lower()
        samesite = morsel["samesite"].lower()
        if samesite and samesite not in {"lax", "strict", "none"}:
            findings.append(-20)
        if not morsel["secure"]:
            findings.append(-5 if hsts else -20)
            if session:
                findings.append(-10 if hsts else -40)
        if "csrf" in name.lower() and not samesite:
            findings.append(-20)
        if session and not morsel["httponly"]:
            findings.append(-30)
    worst = min(findings)
    if worst < 0:
        return worst
    return 5 if all(morsel["samesite"] for morsel in response.cookies.values()) else 0


def cors_modifier(response) -> int:
    """cross-origin-resource-sharing: -50 if any origin may read with credentials."""
    allowed = response.get("Access-Control-Allow-Origin")
    credentials = response.get("Access-Control-Allow-Credentials", "").lower() == "true"
    return -50 if allowed in {OTHER_ORIGIN, "*"} and credentials else 0


def redirection_modifier(http_response, https_url: str) -> int:
    """redirection: plain http must redirect straight to https on the same host."""
    if http_response.status_code not in {301, 302, 307, 308}:
        return -20
    target = urlsplit(http_response["Location"])
    if target.scheme != "https":
        return -20
    return 0 if target.netloc == urlsplit(https_url).netloc else -5


def referrer_modifier(response) -> int:
    header = response.get("Referrer-Policy")
    if header is None:
        return 0
    known = [
        p.strip().lower()
        for p in header.split(",")
        if p.strip().lower() in PRIVATE_REFERRERS | UNSAFE_REFERRERS
    ]
    if known and known[-1] in PRIVATE_REFERRERS:
        return 5
    return -5


def sri_modifier(response) -> int:
    """subresource-integrity: scripts from other origins need integrity and https."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return 0
    penalty = 0
    for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
        source = re.search(r'\bsrc="([^"]*)"', tag)
        if source is None or not re.match(r"(https?:)?//", source.group(1)):
            continue
        secure = source.group(1).startswith("https:")
        if "integrity=" in tag:
            penalty = min(penalty, 0 if secure else -20)
        else:
            penalty = min(penalty, -5 if secure else -50)
    return penalty


def nosniff_modifier(response) -> int:
    return 0 if response.get("X-Content-Type-Options", "").strip().lower() == "nosniff" else -5


def frame_modifier(response) -> int:
    """x-frame-options: +5 when the CSP's frame-ancestors does the job."""
    csp = parse_csp(response.get("Content-Security-Policy", "default-src *"))
    if "frame-ancestors" in csp:
        return 5
    value = response.get("X-Frame-Options", "").strip().lower()
    return 0 if value in {"deny", "sameorigin"} or value.startswith("allow-from") else -20


def corp_modifier(response) -> int:
    value = response.get("Cross-Origin-Resource-Policy", "").strip().lower()
    return {"same-origin": 10, "same-site": 10, "cross-origin": 0, "": 0}.get(value, -5)


def observatory(https_response, http_response) -> Scan:
    return Scan(
        {
            "content-security-policy": csp_modifier(https_response),
            "cookies": cookies_modifier(https_response),
            "cross-origin-resource-sharing": cors_modifier(https_response),
            "redirection": redirection_modifier(
                http_response, https_response.wsgi_request.build_absolute_uri()
            ),
            "referrer-policy": referrer_modifier(https_response),
            "strict-transport-security": hsts_modifier(https_response),
            "subresource-integrity": sri_modifier(https_response),
            "x-content-type-options": nosniff_modifier(https_response),
            "x-frame-options": frame_modifier(https_response),
            "cross-origin-resource-policy": corp_modifier(https_response),
        }
    )


@pytest.fixture
def production(settings, monkeypatch):
    """The header and cookie settings a deployment gets from the settings module with DEBUG
    off (static file storage and the database stay the test's)."""
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("SECRET_KEY", "test-only-secret-key")
    for name in SECURITY_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    deployed = runpy.run_path(settings_module.__file__)
    prefixes = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")
    names = ["DEBUG", "CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY", "X_FRAME_OPTIONS"]
    names += ["CROSS_ORIGIN_RESOURCE_POLICY"]
    for name, value in deployed.items():
        if name.startswith(prefixes) or name in names:
            setattr(settings, name, value)
    assert settings.SECURE_SSL_REDIRECT and settings.SESSION_COOKIE_SECURE
    return settings


def fetch(client, path):
    """The page over https (as a browser from another site would ask), and over plain http."""
    https = client.get(path, secure=True, HTTP_ORIGIN=OTHER_ORIGIN)
    http = client.get(path, secure=False)
    return https, http


def assert_a_plus(https, http):
    scan = observatory(https, http)
    assert scan.grade == "A+", scan.modifiers
    assert scan.score >= 100


def admin_pages():
    session = Session.objects.get(slug=SESSION_SLUG)
    return [
        reverse("admin:index"),
        reverse("admin:kb_sessions_session_changelist") + "?q=femicide",
        reverse("admin:kb_sessions_session_change", args=[session.pk]),
        reverse("admin:topics_tag_changelist"),
    ]


@pytest.mark.parametrize(
    "path", ["/", "/sessions/?tag=femicide", f"/sessions/{SESSION_SLUG}/", "/search/?q=kyoto"]
)
def test_public_pages_are_graded_a_plus(client, production, path):
    https, http = fetch(client, path)
    assert https.status_code == 200
    assert_a_plus(https, http)


def test_the_sign_in_page_and_its_cookies_are_graded_a_plus(client, production, ngo_staff):
    """The sign-in form sets the CSRF cookie, signing in the session cookie: both Secure,
    SameSite, and the session cookie HttpOnly."""
    https, http = fetch(client, reverse("login"))
    assert "csrftoken" in https.cookies
    assert_a_plus(https, http)
    signed_in = client.post(
        reverse("login"), {"username": "amina", "password": PASSWORD}, secure=True
    )
    assert "sessionid" in signed_in.cookies
    assert_a_plus(signed_in, http)


@pytest.mark.parametrize("path", [f"/sessions/{SESSION_SLUG}/", "/accounts/password/change/"])
def test_signed_in_pages_are_graded_a_plus(client, production, ngo_staff, path):
    client.force_login(ngo_staff)
    https, http = fetch(client, path)
    assert https.status_code == 200
    assert_a_plus(https, http)


def test_admin_pages_are_graded_a_plus(admin_client, production):
    for path in admin_pages():
        https, http = fetch(admin_client, path)
        assert https.status_code == 200, path
        assert_a_plus(https, http)


@pytest.mark.parametrize("path", ["/no-such-page/", "/sessions/?from=yesterday", "/search/?q=%00"])
def test_error_pages_carry_the_same_headers(client, production, path):
    response = client.get(path, secure=True)
    assert response.status_code in {400, 404}
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_policy_allows_nothing_inline_nor_foreign(client, production):
    """Scripts, styles, images and fonts come from the site only, nothing inline or eval'd;
    forms post only to the site; no other site may frame a page."""
    policy = parse_csp(client.get("/", secure=True)["Content-Security-Policy"])
    assert policy["default-src"] == {"'none'"}
    for directive in ["script-src", "style-src", "img-src", "font-src", "connect-src"]:
        assert policy[directive] == {"'self'"}
    assert policy["form-action"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["base-uri"] == {"'none'"}


def test_powerful_browser_features_are_switched_off(client, production):
    header = client.get("/", secure=True)["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in header.split(","))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features[feature] == "()"


def test_pages_carry_no_inline_scripts_or_styles(client, ngo_staff):
    """What the policy forbids, the templates do not use (so nothing is silently blocked)."""
    client.force_login(ngo_staff)
    for path in ["/", "/sessions/", f"/sessions/{SESSION_SLUG}/", "/themes/", "/search/?q=un"]:
        page = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page), path
        assert "<style" not in page and " style=" not in page, path
        assert not re.search(r"\son[a-z]+=", page), path


class TestTheGraderItself:
    """The grading above can fail: a weaker set of headers scores what the Observatory says."""

    def test_no_headers_at_all_is_an_f(self, client):
        https, http = fetch(client, "/")
        for header in ["Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options"]:
            https.headers.pop(header, None)
        https.headers.pop("X-Content-Type-Options", None)
        scan = observatory(https, http)
        assert scan.modifiers["content-security-policy"] == -25
        assert scan.modifiers["strict-transport-security"] == -20
        assert scan.modifiers["x-frame-options"] == -20
        assert scan.modifiers["redirection"] == -20
        assert scan.score < 50

    def test_unsafe_inline_scripts_cost_twenty(self, client):
        https = client.get("/", secure=True)
        https["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
        assert csp_modifier(https) == -20

    def test_a_session_cookie_without_httponly_costs_thirty(self, client, production, ngo_staff):
        signed_in = client.post(
            reverse("login"), {"username": "amina", "password": PASSWORD}, secure=True
        )
        signed_in.cookies["sessionid"]["httponly"] = ""
        assert cookies_modifier(signed_in) == -30
