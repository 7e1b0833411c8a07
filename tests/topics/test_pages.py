"""Pages about the records sessions refer to: organisations, documents, sources, speakers and
themes, as a visitor reads them."""

import datetime
import re

import pytest

from tests.factories import (
    add_speaker,
    cite,
    make_country,
    make_document,
    make_meeting,
    make_organisation,
    make_session,
    make_source,
    make_speaker,
    make_tag,
    make_theme,
)
from topics.models import Document, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    """An NGO named in one session, noting another, and both at a third."""
    organisation = make_organisation(name="AAA Test NGO", slug="test-aaa-ngo")
    named = make_session(title="Named there")
    named.organisations.add(organisation)
    make_session(title="Noted for it", note_taker_organisation=organisation)
    both = make_session(title="Both", note_taker_organisation=organisation)
    both.organisations.add(organisation)
    return organisation


def test_an_organisations_session_count_includes_the_sessions_noted_for_it(client, organisation):
    """Sessions whose notes were taken for an organisation count among its sessions, once."""
    counted = Organisation.objects.with_session_counts().get(pk=organisation.pk)
    assert counted.session_count == 3
    page = client.get("/organisations/").content.decode()
    assert 'AAA Test NGO</a> <span class="muted">(NGO; 3 sessions)</span>' in page


def test_an_organisations_page_lists_every_session_it_took_part_in(client, organisation):
    """Its page lists the three sessions and says for how many notes were taken for it."""
    response = client.get(organisation.get_absolute_url())
    assert sorted(s.title for s in response.context["sessions"]) == [
        "Both",
        "Named there",
        "Noted for it",
    ]
    assert "Notes of 2 of these sessions were taken for AAA Test NGO." in (
        response.content.decode()
    )


@pytest.fixture
def publisher():
    """An organisation with three editions of one report, a handbook and a resolution."""
    publisher = make_organisation(name="Test publisher")
    for year in (2009, 2018, 2014):
        make_document(
            title="Global Report on Testing",
            kind=Document.Kind.REPORT,
            year=year,
            issued_by=publisher,
        )
    make_document(title="Handbook on tests", kind=Document.Kind.HANDBOOK, issued_by=publisher)
    make_document(
        symbol="A/RES/900/3",
        title="Testing resolution",
        kind=Document.Kind.RESOLUTION,
        year=2015,
        issued_by=publisher,
    )
    make_document(
        title="An older report", kind=Document.Kind.REPORT, year=2006, issued_by=publisher
    )
    return publisher


def test_documents_are_grouped_by_kind_with_editions_listed_once(publisher):
    """Kinds come in their declared order; editions of one title are one entry, newest
    first; entries run newest first."""
    groups = publisher.documents.all().grouped_by_kind()
    assert [kind for kind, _ in groups] == ["Resolution", "Report", "Handbook"]
    reports = dict(groups)["Report"]
    assert [entry.title for entry in reports] == ["Global Report on Testing", "An older report"]
    assert [d.year for d in reports[0].editions] == [2018, 2014, 2009]


def test_an_organisations_page_groups_its_documents(client, publisher):
    """The page shows each kind under its own heading and a repeated title once, with a link
    to each edition by year."""
    page = client.get(publisher.get_absolute_url()).content.decode()
    assert page.count("Global Report on Testing") == 1
    assert re.search(r"<h3>Report <span class=\"muted\">\(2\)</span></h3>", page)
    editions = re.search(r"Global Report on Testing: 3 editions,(.*?)</li>", page, re.S).group(1)
    assert re.findall(r">(\d{4})<span class=\"visually-hidden\"> edition", editions) == [
        "2018",
        "2014",
        "2009",
    ]
    assert page.index("<h3>Resolution") < page.index("<h3>Report") < page.index("<h3>Handbook")


def test_a_document_says_how_the_source_writes_its_symbol(client):
    """A symbol written differently in the source reads "The source writes it as …"."""
    document = make_document(symbol="A/Res/900/2", title="A test resolution")
    page = client.get(document.get_absolute_url()).content.decode()
    assert "<dt>The source writes it as</dt><dd>A/Res/900/2</dd>" in page
    assert "Written as" not in page


def test_internal_file_names_are_not_shown_to_visitors(client):
    """Citations and source pages name a source by its title, never by its file name."""
    source = make_source(file_name="test_9f8e7d.txt", title="Notes of the test week")
    session = make_session()
    cite(session, source=source, location="Day one")
    for url in [session.get_absolute_url(), "/sources/", source.get_absolute_url()]:
        page = client.get(url).content.decode()
        assert "Notes of the test week" in page, url
        assert "test_9f8e7d" not in page, url


def test_a_speaker_shows_function_and_affiliation_and_dated_sessions(client):
    """Beside the name: function, organisation and country; then each session with its date."""
    speaker = make_speaker(
        name="Ada Tester",
        function="Head of testing",
        organisation=make_organisation(name="Test Office"),
        country=make_country(name="Testland"),
    )
    session = make_session(title="Testing justice", date=datetime.date(2022, 5, 17))
    add_speaker(session, speaker, role="Speaker 1", affiliation="Testland")
    page = client.get(speaker.get_absolute_url()).content.decode()
    heading = re.search(r"<h1>Ada Tester</h1>\s*<p class=\"lede\">(.*?)</p>", page, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", heading) == "Head of testing, Test Office · Testland"
    assert re.search(
        r'<time datetime="2022-05-17">Tuesday 17 May 2022</time>:\s*<a href="[^"]+">'
        r"Testing justice</a>",
        page,
    )


def test_themes_and_tags_are_labelled_theme_and_tag(client):
    """A curated theme's page calls it "Theme", a staff tag's page "Tag", as the index does."""
    theme, tag = make_theme(name="Test theme"), make_tag(name="test tag")
    make_session(tags=[theme, tag])
    assert (
        ">Theme</span> curated by editors" in client.get(theme.get_absolute_url()).content.decode()
    )
    assert ">Tag</span> added by staff" in client.get(tag.get_absolute_url()).content.decode()
    index = client.get("/themes/").content.decode()
    assert "(Tag, 1 session)" in index and "(Theme, 1 session)" in index


def test_home_lists_only_meetings_with_dates_or_sessions(client):
    """A meeting the sources only mention is not among the home page's meetings."""
    mentioned = make_meeting(name="Only mentioned test meeting")
    response = client.get("/")
    assert mentioned not in response.context["meetings"]
    assert "Only mentioned test meeting" not in response.content.decode()
