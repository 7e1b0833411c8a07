"""No request, however hostile, is a server error.

NUL bytes and 10,000-character values in every path segment and query parameter of every page,
and in every field of every form, are answered with a clear 400 or 404, or the form again with
its error; never a 5xx. PostgreSQL refuses NUL bytes in text, so these are the requests that used
to reach it and fail.
"""

import socket
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ccpcj_kb.middleware import RETRY_AFTER_SECONDS
from sessions.models import Annotation, Session
from topics.models import SourceDocument
from topics.services import tag_record

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = {"a NUL byte": "femicide\x00", "10,000 characters": "x" * 10_000}
# Marks a path argument in a reversed URL, to be replaced by a hostile value.
MARK = "hostile-mark"
SESSION_SLUG = "ccpcj-31-femicide"
STAFF_TAG = "hostile-input-tag"
STAFF_PASSWORD = "pw-amina"

# The query parameters each page reads; every page also gets parameters it does not know.
SESSION_FILTERS = [
    "tag",
    "meeting",
    "speaker",
    "organisation",
    "country",
    "resolution",
    "from",
    "to",
    "sort",
    "page",
]
QUERY_PARAMETERS = {
    "api:session-list": [
        "tag",
        "meeting",
        "speaker",
        "organisation",
        "country",
        "resolution",
        "kind",
        "notes",
        "from",
        "to",
        "sort",
        "q",
        "page",
        "page_size",
    ],
    "api:document-list": ["kind", "page", "page_size"],
    "api:schema": ["format"],
    "api:docs": ["script"],
    "sessions:list": SESSION_FILTERS,
    "sessions:search": ["q"],
    "sessions:briefing": ["tag", "meeting", "speaker", "organisation", "country", "from", "to"],
    "topics:document-list": ["kind", "page"],
    "topics:country-list": ["member", "page"],
    "topics:source-detail": ["cite"],
    "sessions:export": ["tag", "meeting", "speaker", "organisation", "resolution", "from", "to"],
    "topics:document-export": ["kind"],
    "topics:country-export": ["member"],
    "login": ["next"],
    "sessions:feed": SESSION_FILTERS,
    "sessions:calendar": SESSION_FILTERS,
    "sessions:search-feed": ["q", "meeting", "theme", "from", "to"],
}
EVERY_PAGE_PARAMETERS = ["page", "utm_campaign", "fbclid"]
# Pages that only accept POST.
POST_ONLY = {
    "sessions:add-tag",
    "sessions:remove-tag",
    "sessions:add-annotation",
    "sessions:delete-annotation",
    "logout",
}


def named_urls(patterns=None, namespace=""):
    """Every named URL of the site outside the admin (swept through its forms below)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


@pytest.fixture
def annotation(ngo_staff):
    return Annotation.objects.create(
        session=Session.objects.get(slug=SESSION_SLUG), author=ngo_staff, body="My note"
    )


@pytest.fixture
def examples(ngo_staff, annotation):
    """The path arguments of each page, naming real records of the shipped knowledge base."""
    session = Session.objects.get(slug=SESSION_SLUG)
    tag_record(record=session, name=STAFF_TAG, user=ngo_staff)
    source = SourceDocument.objects.order_by("slug")[0]
    return {
        "api:root": {},
        "api:schema": {},
        "api:docs": {},
        "api:session-list": {},
        "api:session-detail": {"slug": SESSION_SLUG},
        "api:meeting-list": {},
        "api:meeting-detail": {"slug": "ccpcj-31"},
        "api:speaker-list": {},
        "api:speaker-detail": {"slug": "lara-dimitrijevic"},
        "api:organisation-list": {},
        "api:organisation-detail": {"slug": "unodc"},
        "api:country-list": {},
        "api:country-detail": {"slug": "malta"},
        "api:document-list": {},
        "api:document-detail": {"key": "A/RES/70/176"},
        "api:tag-list": {},
        "api:tag-detail": {"slug": "femicide"},
        "api:programme-list": {},
        "api:programme-detail": {"slug": "glo-act"},
        "api:source-list": {},
        "api:source-detail": {"slug": source.slug},
        "api:passage-list": {"source": source.slug},
        "api:passage-detail": {"source": source.slug, "anchor": source.passages.first().anchor},
        "sessions:home": {},
        "sessions:search": {},
        "sessions:list": {},
        "sessions:briefing": {},
        "sessions:detail": {"slug": SESSION_SLUG},
        "sessions:add-tag": {"slug": SESSION_SLUG},
        "sessions:remove-tag": {"slug": SESSION_SLUG, "tag_slug": STAFF_TAG},
        "sessions:add-annotation": {"slug": SESSION_SLUG},
        "sessions:edit-annotation": {"pk": annotation.pk},
        "sessions:delete-annotation": {"pk": annotation.pk},
        "sessions:meeting-list": {},
        "sessions:meeting-detail": {"slug": "ccpcj-31"},
        "sessions:speaker-list": {},
        "sessions:speaker-detail": {"slug": "lara-dimitrijevic"},
        "topics:theme-list": {},
        "topics:theme-detail": {"slug": "femicide"},
        "topics:document-list": {},
        "topics:document-detail": {"key": "A/RES/70/176"},
        "topics:organisation-list": {},
        "topics:organisation-detail": {"slug": "unodc"},
        "topics:country-list": {},
        "topics:country-detail": {"slug": "malta"},
        "topics:programme-list": {},
        "topics:programme-detail": {"slug": "glo-act"},
        "topics:source-list": {},
        "topics:source-detail": {"slug": SourceDocument.objects.order_by("slug")[0].slug},
        "login": {},
        "logout": {},
        "password_change": {},
        "password_change_done": {},
        "sessions:latest-feed": {},
        "sessions:feed": {},
        "sessions:search-feed": {},
        "sessions:calendar": {},
        "sessions:calendar-event": {"slug": SESSION_SLUG},
        "sessions:meeting-feed": {"slug": "ccpcj-31"},
        "sessions:meeting-calendar": {"slug": "ccpcj-31"},
        "sessions:speaker-feed": {"slug": "lara-dimitrijevic"},
        "topics:theme-feed": {"slug": "femicide"},
        "topics:document-feed": {"key": "A/RES/70/176"},
        "topics:organisation-feed": {"slug": "unodc"},
        "topics:country-feed": {"slug": "malta"},
        "topics:programme-feed": {"slug": "glo-act"},
        "sessions:export": {"export_format": "csv"},
        "sessions:meeting-export": {"export_format": "json"},
        "sessions:speaker-export": {"export_format": "csv"},
        "topics:theme-export": {"export_format": "csv"},
        "topics:document-export": {"export_format": "json"},
        "topics:organisation-export": {"export_format": "csv"},
        "topics:country-export": {"export_format": "csv"},
        "topics:programme-export": {"export_format": "json"},
        "topics:source-export": {"export_format": "csv"},
        "sessions:download": {},
        "sessions:download-kb": {},
        "sitemap": {},
        "sitemap-section": {"section": "sessions"},
        "robots": {},
    }


def hostile_path(name: str, kwargs: dict, argument: str, value: str) -> str:
    """The page's address with one path argument replaced by a hostile value."""
    marker = "987654" if isinstance(kwargs[argument], int) else MARK
    path = reverse(name, kwargs={**kwargs, argument: marker})
    return path.replace(marker, quote(value, safe=""))


def send(client, method: str, path: str, data=None, **extra):
    response = getattr(client, method)(path, data or {}, **extra)
    return response.status_code


@pytest.fixture
def sweeping_client(client):
    """A client that reports server errors as responses (to be counted), not exceptions."""
    client.raise_request_exception = False
    return client


def test_every_page_shape_is_swept(examples):
    """A new page fails here until it has example path arguments, so the sweep stays complete."""
    assert set(named_urls()) == set(examples)


@pytest.mark.parametrize("name", sorted(named_urls()))
def test_hostile_path_and_query_values_never_give_a_server_error(
    sweeping_client, ngo_staff, examples, name
):
    """Signed in as staff (who may use every page), each path argument and query parameter of
    the page gets each hostile value in turn."""
    method = "post" if name in POST_ONLY else "get"
    kwargs = examples[name]
    failures = []
    for label, value in HOSTILE_VALUES.items():
        for argument in kwargs:
            sweeping_client.force_login(ngo_staff)
            path = hostile_path(name, kwargs, argument, value)
            status = send(sweeping_client, method, path)
            if status >= 500:
                failures.append(f"{status}: {method.upper()} {name} with {label} in {argument}")
        for parameter in QUERY_PARAMETERS.get(name, []) + EVERY_PAGE_PARAMETERS:
            sweeping_client.force_login(ngo_staff)
            path = f"{reverse(name, kwargs=kwargs)}?{urlencode({parameter: value})}"
            status = send(sweeping_client, method, path)
            if status >= 500:
                failures.append(f"{status}: {method.upper()} {name} with {label} in ?{parameter}")
    assert failures == []


def form_cases():
    """(url name, valid form data, who fills it in) for every form of the site."""
    return [
        ("login", {"username": "amina", "password": "wrong", "next": "/"}, None),
        ("sessions:add-tag", {"name": "a new tag"}, "staff"),
        ("sessions:add-annotation", {"body": "A note", "visibility": "shared"}, "staff"),
        ("sessions:edit-annotation", {"body": "A note", "visibility": "private"}, "staff"),
        (
            "password_change",
            {
                "old_password": STAFF_PASSWORD,
                "new_password1": "another-long-phrase-42",
                "new_password2": "another-long-phrase-42",
            },
            "staff",
        ),
        ("admin:login", {"username": "admin", "password": "wrong", "next": "/admin/"}, None),
    ]


@pytest.mark.parametrize(
    ("name", "data", "who"), form_cases(), ids=[case[0] for case in form_cases()]
)
def test_hostile_form_fields_never_give_a_server_error(
    sweeping_client, ngo_staff, superuser, examples, name, data, who
):
    """Each field of the form gets each hostile value in turn, the others being valid."""
    path = reverse(name, kwargs=examples.get(name, {}))
    failures = []
    for label, value in HOSTILE_VALUES.items():
        for field in data:
            sweeping_client.logout()
            if who == "staff":
                sweeping_client.force_login(ngo_staff)
            status = send(sweeping_client, "post", path, {**data, field: value})
            if status >= 500:
                failures.append(f"{status}: POST {name} with {label} in {field}")
    assert failures == []


def test_admin_search_and_filters_never_give_a_server_error(sweeping_client, superuser):
    """Every admin list's search box, and an unknown filter, with each hostile value."""
    sweeping_client.force_login(superuser)
    failures = []
    for model in admin.site._registry:
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for label, value in HOSTILE_VALUES.items():
            for parameter in ["q", "utm_campaign"]:
                status = send(sweeping_client, "get", path, {parameter: value})
                if status >= 500:
                    failures.append(f"{status}: {path} with {label} in ?{parameter}")
    assert failures == []


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("HTTP_USER_AGENT", "Mozilla\x00"),
        ("HTTP_ACCEPT", "text/html\x00"),
        ("HTTP_COOKIE", "sessionid=abcdefgh\x00ijklmnop"),
        ("HTTP_COOKIE", "csrftoken=\x00"),
        ("HTTP_COOKIE", "sessionid=" + "x" * 10_000),
    ],
)
def test_hostile_headers_on_a_failed_sign_in_never_give_a_server_error(
    sweeping_client, ngo_staff, header, value
):
    """A failed sign-in records the client's headers; hostile ones never break that."""
    response = sweeping_client.post(
        reverse("login"), {"username": "amina", "password": "wrong"}, **{header: value}
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/sessions/?tag=femicide%00",
        "/search/?q=%00",
        "/documents/A/RES/70/176%00/",
        "/sessions/%00/",
        "/themes/?utm_campaign=%00",
    ],
)
def test_a_nul_byte_is_a_clear_bad_request_on_the_sites_own_page(client, path):
    """The 400 is the site's error page (with its navigation and search), saying why."""
    response = client.get(path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Request not understood" in page
    assert "NUL character" in page
    assert 'role="search"' in page


def test_a_nul_byte_in_a_form_field_is_refused_and_changes_nothing(client, ngo_staff):
    """A tag name carrying a NUL is refused before it reaches the view or the database."""
    session = Session.objects.get(slug=SESSION_SLUG)
    client.force_login(ngo_staff)
    response = client.post(reverse("sessions:add-tag", args=[SESSION_SLUG]), {"name": "evil\x00"})
    assert response.status_code == 400
    assert not session.tags.filter(name__startswith="evil").exists()


def test_an_over_long_username_is_a_form_error_on_sign_in(client):
    """The sign-in form says the username is too long instead of failing."""
    response = client.post(reverse("login"), {"username": "x" * 10_000, "password": "anything"})
    assert response.status_code == 200
    assert (
        "Ensure this value has at most 150 characters (it has 10000)." in response.content.decode()
    )


@pytest.mark.parametrize("extra", ["utm_campaign=x", "fbclid=IwAR0abc-xyz_123", "utm_source=fb"])
def test_shared_links_with_tracking_parameters_show_the_same_sessions(client, extra):
    """Parameters other sites add to a shared link are ignored: the filtered list is the same,
    and the links the page builds (chips, pagination) do not repeat them."""
    plain = client.get("/sessions/?tag=femicide")
    shared = client.get(f"/sessions/?tag=femicide&{extra}")
    assert shared.status_code == 200
    assert list(shared.context["sessions"]) == list(plain.context["sessions"])
    assert extra.split("=")[0] not in shared.content.decode()


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=femicide", "/themes/", "/sessions/ccpcj-31-femicide/"]
)
def test_every_page_ignores_tracking_parameters(client, path):
    separator = "&" if "?" in path else "?"
    assert client.get(f"{path}{separator}utm_campaign=x&fbclid=abc").status_code == 200


def test_invalid_values_of_known_filters_are_still_a_clear_400(client):
    """Ignoring unknown parameters does not hide a mistake in a filter that exists."""
    response = client.get("/sessions/?tag=femicide&from=yesterday&utm_campaign=x")
    assert response.status_code == 400
    assert "must be a date" in response.content.decode()


@pytest.fixture
def database_refuses():
    """A context in which every query fails as when the database server cannot be reached."""
    wrapper = connections[DEFAULT_DB_ALIAS]

    def refuse(error):
        return mock.patch.object(wrapper, "create_cursor", side_effect=error("connection refused"))

    return lambda error_name: refuse(getattr(wrapper.Database, error_name))


@pytest.mark.parametrize("error_name", ["OperationalError", "InterfaceError"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "staff"])
def test_pages_answer_503_while_the_database_is_unreachable_then_recover(
    client, ngo_staff, database_refuses, error_name, signed_in
):
    """503 with Retry-After and the site's own error page, for visitors and signed-in staff
    alike; the next request once the database is back is served as usual."""
    if signed_in:
        client.force_login(ngo_staff)
    with database_refuses(error_name):
        response = client.get("/sessions/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "The knowledge base is briefly unavailable" in page
    assert 'role="search"' in page
    assert client.get("/sessions/").status_code == 200


def test_signing_in_while_the_database_is_unreachable_is_a_503(client, ngo_staff, database_refuses):
    with database_refuses("OperationalError"):
        response = client.post(reverse("login"), {"username": "amina", "password": STAFF_PASSWORD})
    assert response.status_code == 503


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_a_refused_postgresql_connection_is_a_503_and_the_site_reconnects(client, monkeypatch):
    """The real thing: the connection is pointed at a closed port, then back."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    if wrapper.vendor != "postgresql":
        pytest.skip("an in-memory SQLite test database has no server to lose")
    wrapper.close()
    monkeypatch.setitem(wrapper.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(wrapper.settings_dict, "PORT", closed_port())
    response = client.get("/sessions/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    monkeypatch.undo()
    wrapper.close()
    assert client.get("/sessions/").status_code == 200
