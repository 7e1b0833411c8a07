"""The read-only JSON API as a developer uses it: records at their natural keys, linked to each
other and to their pages, the session list's filters meaning what the site's mean, pages, and
every kind of bad request answered with a JSON message.

Tests build their records with the factories beside the shipped knowledge base; those comparing
the API with the site's own pages use the shipped records.
"""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse

from ccpcj_kb.middleware import RETRY_AFTER_SECONDS
from sessions.models import Session
from tests.factories import (
    cite_passages,
    make_document,
    make_heading,
    make_organisation,
    make_passage,
    make_programme,
    make_source,
)

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
LISTS = [
    "sessions",
    "meetings",
    "speakers",
    "organisations",
    "countries",
    "documents",
    "themes",
    "programmes",
    "sources",
]


@pytest.fixture
def kb():
    """One meeting's programme of test records (see ``make_programme``)."""
    return make_programme()


def path(url: str) -> str:
    """The path and query of an absolute API address, to ask the test client for it."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == ORIGIN, url
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def get(client, url: str, **params):
    response = client.get(path(url) if url.startswith(ORIGIN) else url, params)
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response


def read_all(client, url: str, **params) -> list[dict]:
    """Every record of a list, following its ``next`` links."""
    records, response = [], get(client, url, **params).json()
    records += response["results"]
    while response["next"]:
        response = get(client, response["next"]).json()
        records += response["results"]
    return records


def links_in(value) -> list[str]:
    """Every API address in a record, however deep."""
    if isinstance(value, str):
        return [value] if value.startswith(f"{ORIGIN}/api/v1/") else []
    if isinstance(value, dict):
        return [link for item in value.values() for link in links_in(item)]
    if isinstance(value, list):
        return [link for item in value for link in links_in(item)]
    return []


def test_the_root_links_every_list_the_schema_and_the_documentation(client):
    root = get(client, "/api/v1/").json()
    for name in LISTS:
        listed = get(client, root[name]).json()
        assert set(listed) == {"count", "count_exact", "next", "previous", "results"}, name
        assert listed["count"] > 0, name
    schema = client.get(path(root["schema"]), {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    assert client.get(path(root["docs"])).status_code == 200


def test_a_session_links_to_its_records_by_their_api_addresses(client, kb):
    session = get(client, f"/api/v1/sessions/{kb.panel.slug}/").json()
    assert session["api_url"] == f"{ORIGIN}/api/v1/sessions/{kb.panel.slug}/"
    assert session["url"] == f"{ORIGIN}{kb.panel.get_absolute_url()}"
    assert session["meeting"] == f"{ORIGIN}/api/v1/meetings/{kb.meeting.slug}/"
    assert session["speakers"][0] == {
        "speaker": f"{ORIGIN}/api/v1/speakers/{kb.speaker.slug}/",
        "role": "Speaker 1",
        "affiliation": "",
    }
    assert session["documents"] == [f"{ORIGIN}/api/v1/documents/A/RES/900/7/"]
    assert session["countries"] == [f"{ORIGIN}/api/v1/countries/{kb.country.slug}/"]
    assert session["organisations"] == [f"{ORIGIN}/api/v1/organisations/{kb.organisation.slug}/"]
    assert set(session["tags"]) == {
        f"{ORIGIN}/api/v1/themes/{kb.theme.slug}/",
        f"{ORIGIN}/api/v1/themes/{kb.other_theme.slug}/",
    }
    assert session["sources"] == [
        {
            "source": f"{ORIGIN}/api/v1/sources/{kb.source.slug}/",
            "location": "Day one",
            "passages": [],
        }
    ]
    assert (session["start_time"], session["end_time"]) == ("16:00", "17:30")


@pytest.mark.parametrize(
    ("name", "listed_in"),
    [
        ("panel", "sessions"),
        ("meeting", "meetings"),
        ("speaker", "speakers"),
        ("organisation", "organisations"),
        ("country", "countries"),
        ("theme", "themes"),
        ("resolution", "documents"),
        ("source", "sources"),
    ],
)
def test_every_link_leads_to_a_record_and_every_url_to_its_page(client, kb, name, listed_in):
    record = getattr(kb, name)
    (shown,) = [
        found
        for found in read_all(client, f"/api/v1/{listed_in}/", page_size=100)
        if found["url"] == f"{ORIGIN}{record.get_absolute_url()}"
    ]
    assert client.get(path(shown["url"])).status_code == 200
    for link in links_in(shown):
        assert client.get(path(link)).status_code == 200, link


def test_a_document_is_at_its_symbol_and_other_written_forms_redirect(client, kb):
    address = f"{ORIGIN}/api/v1/documents/A/RES/900/7/"
    document = get(client, "/api/v1/documents/A/RES/900/7/").json()
    assert (document["api_url"], document["key"]) == (address, "A/RES/900/7")
    for other_form in ["A/Res/900/7", "900/7", kb.resolution.slug]:
        response = client.get(f"/api/v1/documents/{other_form}/")
        assert (response.status_code, response["Location"]) == (301, address), other_form
    publication = make_document(title="A handbook without a symbol")
    assert get(client, f"/api/v1/documents/{publication.slug}/").json()["key"] == publication.slug


def test_a_document_lists_every_body_that_issued_it(client):
    issuer = make_organisation(name="Test Assembly")
    issued = make_document(symbol="A/RES/900/8", issued_by=issuer)
    unissued = make_document(symbol="A/RES/900/9")
    assert get(client, f"/api/v1/documents/{issued.normalized_symbol}/").json()["issued_by"] == [
        f"{ORIGIN}/api/v1/organisations/{issuer.slug}/"
    ]
    assert get(client, f"/api/v1/documents/{unissued.normalized_symbol}/").json()["issued_by"] == []


def test_the_essential_services_package_lists_its_five_issuers(client):
    key = "essential-services-package-for-women-and-girls-subject-to-violence"
    issued_by = get(client, f"/api/v1/documents/{key}/").json()["issued_by"]
    assert sorted(issued_by) == [
        f"{ORIGIN}/api/v1/organisations/{slug}/"
        for slug in ("un-women", "undp", "unfpa", "unodc", "who")
    ]


def test_a_country_says_whether_the_commission_lists_it(client):
    assert get(client, "/api/v1/countries/argentina/").json()["commission_member"] is True
    assert get(client, "/api/v1/countries/india/").json()["commission_member"] is False


def test_a_record_asked_for_by_its_former_slug_redirects(client, kb):
    old = kb.meeting.slug
    kb.meeting.slug = "test-renamed-meeting"
    kb.meeting.save()
    response = client.get(f"/api/v1/meetings/{old}/")
    assert response.status_code == 301
    assert response["Location"] == f"{ORIGIN}/api/v1/meetings/test-renamed-meeting/"


def test_records_link_to_the_sessions_linked_to_them(client, kb):
    """``sessions`` on a speaker, theme or document is the session list filtered by it."""
    theme = get(client, f"/api/v1/themes/{kb.theme.slug}/").json()
    listed = read_all(client, theme["sessions"])
    assert {session["slug"] for session in listed} == {kb.parallel_a.slug, kb.panel.slug}
    document = get(client, "/api/v1/documents/A/RES/900/7/").json()
    assert [session["slug"] for session in read_all(client, document["sessions"])] == [
        kb.panel.slug
    ]
    assert theme["session_count"] == 2


def test_a_source_lists_its_passages_in_order_each_under_its_heading(client, kb):
    source = make_source(title="Test paper")
    heading = make_heading(source, "Findings")
    paragraph = make_passage(source, label="1", text="Data were collected.", heading=heading)
    cite_passages(kb.panel, paragraph, location="para. 1")
    found = get(client, f"/api/v1/sources/{source.slug}/").json()
    assert found["passage_count"] == 2
    passages = read_all(client, found["passages"])
    assert [passage["anchor"] for passage in passages] == [heading.anchor, "para-1"]
    assert passages[1]["heading"] == passages[0]["api_url"]
    assert passages[1]["url"] == f"{ORIGIN}{source.get_absolute_url()}#para-1"
    session = get(client, f"/api/v1/sessions/{kb.panel.slug}/").json()
    assert passages[1]["api_url"] in session["sources"][-1]["passages"]


# The site's session list and the API's list the same sessions in the same order for the same
# query string (shipped records).
SHARED_QUERIES = [
    "",
    "tag=femicide",
    "tag=trafficking&tag=victim-centred-justice",
    "meeting=ccpcj-31&from=2022-05-17&to=2022-05-18",
    "speaker=lara-dimitrijevic",
    "organisation=unodc&sort=-date",
    "country=malta",
    "resolution=E/RES/2002/12",
    "kind=side-event&notes=yes",
    "utm_campaign=newsletter",
]


@pytest.mark.parametrize("query", SHARED_QUERIES)
def test_the_session_list_lists_what_the_sites_list_lists(client, query):
    page = client.get(f"/sessions/?{query}")
    assert page.status_code == 200
    on_the_site = [session.slug for session in page.context["sessions"]]
    listed = read_all(client, f"/api/v1/sessions/?{query}&page_size=100")
    assert [session["slug"] for session in listed] == on_the_site


def test_several_tags_list_the_sessions_carrying_all_of_them(client, kb):
    listed = read_all(client, "/api/v1/sessions/", tag=[kb.theme.slug, kb.other_theme.slug])
    assert [session["slug"] for session in listed] == [kb.panel.slug]


@pytest.mark.parametrize(
    "words", ["trafficking", "femicides", "Dimitrijević", '"victim-centred"', "A/RES/70/176"]
)
def test_q_finds_the_sessions_the_search_finds(client, words):
    page = client.get("/search/", {"q": words, "kind": "session"})
    groups = [group for group in page.context["outcome"].groups if group.kind == "session"]
    found = {hit.record.slug for group in groups for hit in group.hits}
    listed = read_all(client, "/api/v1/sessions/", q=words)
    assert {session["slug"] for session in listed} == found


def test_q_narrows_the_other_filters(client, kb):
    listed = read_all(client, "/api/v1/sessions/", q="quaresmavieux", meeting=kb.meeting.slug)
    assert [session["slug"] for session in listed] == [kb.panel.slug]
    assert read_all(client, "/api/v1/sessions/", q="quaresmavieux", meeting="ccpcj-31") == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tag": "no-such-theme"}, "There is no theme or tag called “no-such-theme”."),
        ({"meeting": "no-such-meeting"}, "There is no meeting called “no-such-meeting”."),
        ({"resolution": "A/RES/1/1"}, "There is no resolution or document “A/RES/1/1”."),
        ({"from": "2022-13-01"}, "“from” must be a date written like 2022-05-17."),
        ({"from": "2022-05-18", "to": "2022-05-17"}, "The “to” date is before the “from” date."),
        ({"kind": "banquet"}, "There is no kind of session called “banquet”."),
        ({"notes": "maybe"}, "“notes” is “yes” (notes were taken) or “no”."),
        ({"sort": "title"}, "Sort by “date” (oldest first) or “-date” (newest first)."),
        ({"tag": ["femicide"] * 11}, "Filter by at most 10 themes at once."),
        ({"meeting": ["ccpcj-31", "ccpcj-31"]}, "Give “meeting” once only."),
        ({"q": "x" * 201}, "Searches are limited to 200 characters"),
        ({"q": ["trafficking", "femicide"]}, "Give “q” once only."),
        ({"q": "the of"}, "“q” holds only words too common to search for"),
        ({"page": "first"}, "“first” is not a page number."),
    ],
)
def test_a_bad_filter_is_a_400_saying_what_is_wrong(client, params, message):
    response = get(client, "/api/v1/sessions/", **params)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)


def test_other_bad_requests_are_json_errors_too(client):
    assert get(client, "/api/v1/documents/", kind="banquet").status_code == 400
    missing_page = get(client, "/api/v1/sessions/", page=99)
    assert missing_page.status_code == 404
    assert missing_page.json()["detail"].startswith("There is no page 99: pages run from 1 to")
    missing = get(client, "/api/v1/speakers/no-such-speaker/")
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": "There is no speaker “no-such-speaker”."},
    )
    assert get(client, "/api/v1/sources/no-such-source/passages/").status_code == 404
    assert get(client, "/api/v1/no-such-list/").status_code == 404
    nul = get(client, "/api/v1/sessions/", q="a\x00b")
    assert nul.status_code == 400
    assert "NUL" in nul.json()["detail"]


def test_while_the_database_is_unreachable_the_api_answers_a_json_503(client):
    database = connections[DEFAULT_DB_ALIAS]
    refused = database.Database.OperationalError("connection refused")
    with mock.patch.object(database, "create_cursor", side_effect=refused):
        response = get(client, "/api/v1/sessions/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "briefly unavailable" in response.json()["detail"]
    assert get(client, "/api/v1/sessions/").status_code == 200


def test_a_mistyped_rate_limit_stops_the_site_from_starting():
    environment = {**os.environ, "API_THROTTLE_RATE": "60 a minute"}
    started = subprocess.run(
        [sys.executable, "-c", "import ccpcj_kb.settings"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert started.returncode != 0
    assert "API_THROTTLE_RATE is a number of requests per second, minute" in started.stderr


def test_pages_link_to_the_next_and_previous_ones(client):
    first = get(client, "/api/v1/sessions/", page_size=5).json()
    assert first["previous"] is None
    second = get(client, first["next"]).json()
    assert get(client, second["previous"]).json() == first
    listed = read_all(client, "/api/v1/sessions/", page_size=5)
    assert len(listed) == len({session["slug"] for session in listed}) == first["count"]
    assert first["count"] == Session.objects.count()


def test_only_reading_is_allowed(client):
    for method in [client.post, client.put, client.patch, client.delete]:
        response = method("/api/v1/sessions/")
        assert response.status_code == 405, method
        assert response["Content-Type"] == "application/json"
    head = client.head("/api/v1/sessions/")
    assert (head.status_code, head.content) == (200, b"")
    assert client.options("/api/v1/sessions/").status_code == 200


def test_any_site_may_read_the_api_without_credentials(client):
    response = client.get("/api/v1/sessions/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        "/api/v1/sessions/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    allowed = {method.strip() for method in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    page = client.get("/sessions/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_too_many_requests_from_one_address_are_a_429_with_retry_after(client, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    for _ in range(3):
        assert client.get("/api/v1/", REMOTE_ADDR="192.0.2.1").status_code == 200
    throttled = client.get("/api/v1/themes/", REMOTE_ADDR="192.0.2.1")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 61  # a minute, and a slice of it (throttling)
    assert "throttled" in throttled.json()["detail"]
    assert client.get("/api/v1/", REMOTE_ADDR="192.0.2.2").status_code == 200
    assert client.get("/sessions/", REMOTE_ADDR="192.0.2.1").status_code == 200


def test_the_schema_describes_every_list_and_the_session_filters(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for name in LISTS:
        assert f"/api/v1/{name}/" in schema["paths"], name
    assert "/api/v1/documents/{key}/" in schema["paths"]
    assert "/api/v1/sources/{source}/passages/{anchor}/" in schema["paths"]
    parameters = {
        parameter["name"] for parameter in schema["paths"]["/api/v1/sessions/"]["get"]["parameters"]
    }
    assert parameters >= {"tag", "meeting", "from", "to", "speaker", "organisation", "country"}
    assert parameters >= {"resolution", "q", "page", "page_size"}


def test_the_documentation_alone_may_show_data_images(client):
    """Swagger UI's icons are data: images; every script stays a file of this site's."""
    docs = client.get(reverse("api:docs"))
    page = docs.content.decode()
    assert "data:" in docs["Content-Security-Policy"]
    assert "<script>" not in page and "<style" not in page
    assert "data:" not in client.get("/sessions/")["Content-Security-Policy"]
    assert "data:" not in client.get("/api/v1/")["Content-Security-Policy"]
