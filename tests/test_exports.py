"""Lists as downloads: every list downloads as CSV a spreadsheet opens as it is (UTF-8 with a
byte order mark, a header row, one row per record, ISO dates, several values joined with "; ",
no cell a spreadsheet would run as a formula) and as JSON; a filtered session list downloads
with its filters, and refuses the filters the page refuses. The whole knowledge base downloads
as one file in the fixtures' own format, with its sources and terms of reuse."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse

from sessions.exports import BYTE_ORDER_MARK
from sessions.filters import SessionFilters
from sessions.models import Meeting, Session, Speaker
from tests.factories import add_speaker, make_meeting, make_session, make_speaker, make_theme
from topics.models import Country, Document, Organisation, Programme, SourceDocument, Tag

pytestmark = pytest.mark.django_db

# Each list's downloads, and the records it lists when unfiltered.
LISTS = {
    "sessions:export": Session.objects.all,
    "sessions:meeting-export": Meeting.objects.all,
    "sessions:speaker-export": Speaker.objects.all,
    "topics:theme-export": Tag.objects.listed,
    "topics:document-export": Document.objects.all,
    "topics:organisation-export": Organisation.objects.all,
    "topics:country-export": Country.objects.all,
    "topics:programme-export": Programme.objects.all,
    "topics:source-export": SourceDocument.objects.all,
}


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith(BYTE_ORDER_MARK), "spreadsheets need the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK))))


def absolute(path: str) -> str:
    return f"http://testserver{path}"


@pytest.mark.parametrize("name", LISTS)
def test_every_list_downloads_as_csv_with_one_row_per_record(client, name):
    response = client.get(reverse(name, args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = csv_rows(response)
    records = list(LISTS[name]())
    assert len(rows) == len(records)
    assert {row["url"] for row in rows} == {absolute(r.get_absolute_url()) for r in records}
    assert all(row["slug"] for row in rows)


@pytest.mark.parametrize("name", LISTS)
def test_every_list_downloads_as_json_with_the_same_records(client, name):
    response = client.get(reverse(name, args=["json"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    records = list(LISTS[name]())
    assert document["count"] == len(records) == len(document["records"])
    assert [r["url"] for r in document["records"]] == [
        row["url"] for row in csv_rows(client.get(reverse(name, args=["csv"])))
    ]


def test_a_session_row_has_iso_dates_and_joined_values(client):
    """Times as 16:40, dates as 2022-05-17, several speakers in one cell, yes/no for flags;
    JSON keeps the speakers as a list."""
    theme = make_theme(name="Test export theme")
    session = make_session(
        title="Export panel",
        date="2031-03-04",
        start_time="09:05",
        end_time="10:00",
        tags=[theme],
        has_notes=False,
    )
    for name in ["Ada Speaker", "Bo Speaker"]:
        add_speaker(session, make_speaker(name=name))
    query = f"?meeting={session.meeting.slug}"
    (row,) = csv_rows(client.get(reverse("sessions:export", args=["csv"]) + query))
    assert row["date"] == "2031-03-04"
    assert (row["start_time"], row["end_time"]) == ("09:05", "10:00")
    assert row["speakers"] == "Ada Speaker; Bo Speaker"
    assert row["themes"] == "Test export theme"
    assert row["has_notes"] == "no"
    assert row["meeting"] == session.meeting.name
    (record,) = client.get(reverse("sessions:export", args=["json"]) + query).json()["records"]
    assert record["speakers"] == ["Ada Speaker", "Bo Speaker"]
    assert record["has_notes"] is False
    assert record["date"] == "2031-03-04"


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(client):
    """CSV injection: a cell starting with = + - @ gets a leading apostrophe; JSON is as is."""
    meeting = make_meeting(name='=HYPERLINK("http://evil.example","click")')
    make_session(meeting=meeting, title="+1 and more", note_taker="@SUM(A1)", notes="-2")
    query = f"?meeting={meeting.slug}"
    (row,) = csv_rows(client.get(reverse("sessions:export", args=["csv"]) + query))
    assert row["meeting"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["title"] == "'+1 and more"
    assert row["note_taker"] == "'@SUM(A1)"
    assert row["notes"] == "'-2"
    (record,) = client.get(reverse("sessions:export", args=["json"]) + query).json()["records"]
    assert record["title"] == "+1 and more"


FILTERED = [
    "?tag=femicide",
    "?meeting=ccpcj-31&kind=side-event&sort=-date",
    "?organisation=unodc&notes=yes",
    "?resolution=A/RES/70/176",
    "?from=2022-05-17&to=2022-05-18&utm_campaign=newsletter",
]


@pytest.mark.parametrize("query", FILTERED)
def test_a_filtered_session_list_downloads_the_sessions_it_lists(client, query):
    """The same filters as the page, in the page's order, every page at once."""
    response = client.get(reverse("sessions:export", args=["csv"]) + query)
    filters = SessionFilters.from_query(QueryDict(query.removeprefix("?")))
    listed = filters.apply(Session.objects.all())
    assert [row["url"] for row in csv_rows(response)] == [
        absolute(session.get_absolute_url()) for session in listed
    ]


@pytest.mark.parametrize(
    "query",
    ["?tag=no-such-theme", "?meeting=a&meeting=b", "?from=17-05-2022", "?kind=banquet", "?to=x"],
)
def test_a_download_refuses_the_filters_the_list_refuses(client, query):
    page = client.get("/sessions/" + query)
    for export_format in ["csv", "json"]:
        response = client.get(reverse("sessions:export", args=[export_format]) + query)
        assert 400 <= response.status_code < 500
        assert response.status_code == page.status_code


def test_an_unknown_format_is_not_found(client):
    assert client.get("/sessions/export.xlsx").status_code == 404
    assert client.get("/countries/export.pdf").status_code == 404


def test_an_index_downloads_with_its_filter(client):
    rows = csv_rows(client.get("/documents/export.csv?kind=resolution"))
    assert rows
    assert {row["kind"] for row in rows} == {"Resolution"}
    assert len(rows) == Document.objects.filter(kind="resolution").count()


def test_a_document_row_links_to_its_official_text(client):
    rows = csv_rows(client.get("/documents/export.csv"))
    by_symbol = {row["symbol"]: row for row in rows if row["symbol"]}
    assert by_symbol["A/RES/70/176"]["official_text"] == "https://undocs.org/A/RES/70/176"


@pytest.mark.parametrize(
    ("listed_at", "download"),
    [
        ("/sessions/?tag=femicide&utm_source=mail", "/sessions/export.csv?tag=femicide"),
        ("/sessions/?tag=femicide&page=1", "/sessions/export.json?tag=femicide"),
        ("/meetings/", "/meetings/export.csv"),
        ("/speakers/", "/speakers/export.json"),
        ("/themes/", "/themes/export.csv"),
        ("/documents/?kind=resolution", "/documents/export.csv?kind=resolution"),
        ("/organisations/", "/organisations/export.csv"),
        ("/countries/?member=1", "/countries/export.json?member=1"),
        ("/programmes/", "/programmes/export.csv"),
        ("/sources/", "/sources/export.json"),
    ],
)
def test_each_list_links_to_its_downloads_with_its_filters(client, listed_at, download):
    assert f'href="{download}"' in client.get(listed_at).content.decode()


# The most queries each download may run, measured on ten times the shipped data.
EXPORT_QUERY_LIMITS = {
    "/sessions/export.csv": 10,
    "/sessions/export.json?tag=femicide&meeting=ccpcj-31": 13,
    "/meetings/export.csv": 5,
    "/speakers/export.csv": 3,
    "/themes/export.csv": 1,
    "/documents/export.csv": 4,
    "/organisations/export.csv": 3,
    "/countries/export.csv": 3,
    "/programmes/export.csv": 4,
    "/sources/export.csv": 1,
    # Records added in the site (none in the shipped data) cost a few queries per kind.
    "/download/ccpcj-kb.json": 88,
}


@pytest.mark.parametrize(("url", "limit"), EXPORT_QUERY_LIMITS.items())
def test_downloads_stay_constant_query(
    client, scaled_kb, django_assert_max_num_queries, url, limit
):
    """Guards against N+1 queries: each download's limit holds with ten times the records."""
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


def test_the_whole_knowledge_base_downloads_in_the_fixtures_format(client):
    """One JSON file: each fixture file as the database holds it, with a note on the format,
    the sources and the licence."""
    response = client.get("/download/ccpcj-kb.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ccpcj-kb.json"'
    download = response.json()
    shipped = {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(settings.KB_FIXTURES_DIR.glob("*.json"))
    }
    assert download["files"] == shipped
    about = download["about"]
    assert "MIT" in about["licence"]
    assert "source documents" in about["licence"]
    assert about["format"]
    assert [source["title"] for source in about["sources"]] == [
        source.title for source in SourceDocument.objects.all()
    ]
    assert all(
        source["url"].startswith("http://testserver/sources/") for source in about["sources"]
    )


def test_the_download_holds_corrections_made_in_the_site(client):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    session.title = "Corrected title"
    session.save()
    files = client.get("/download/ccpcj-kb.json").json()["files"]
    titles = {
        entry["slug"]: entry["title"]
        for content in files.values()
        for entry in content.get("sessions", [])
    }
    assert titles["ccpcj-31-femicide"] == "Corrected title"


def test_without_its_fixture_files_the_site_says_the_download_is_unavailable(
    client, settings, tmp_path
):
    settings.KB_FIXTURES_DIR = tmp_path
    response = client.get("/download/ccpcj-kb.json")
    assert response.status_code == 503
    assert "the lists still can" in response.content.decode()
    assert client.get("/sessions/export.csv").status_code == 200


def test_the_download_page_offers_every_download_and_the_terms(client):
    page = client.get("/download/").content.decode()
    assert 'href="/download/ccpcj-kb.json"' in page
    for name in LISTS:
        for export_format in ["csv", "json"]:
            assert f'href="{reverse(name, args=[export_format])}"' in page
    assert "MIT licence" in page
    for source in SourceDocument.objects.all():
        assert f'href="{source.get_absolute_url()}"' in page
    assert 'href="/download/"' in client.get("/").content.decode()
