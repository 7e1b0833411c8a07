"""Found and shared: the sitemap lists every public page, robots.txt keeps crawlers out of the
admin, the accounts and the addresses that change things, and every page names its canonical
address and describes itself (description and Open Graph tags) so that a link pasted into a
chat or an e-mail previews with its title and summary."""

import datetime
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from protego import Protego

from ccpcj_kb.pagecache import invalidate
from sessions.models import Meeting, Session, Speaker
from tests.factories import make_programme, make_session, make_source, make_working_paper
from topics.models import Country, Document, Organisation, Programme, SourceDocument, Tag
from topics.services import tag_record

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://testserver"
# Every kind of record with a page of its own, and the records that have one.
RECORDS_WITH_PAGES = [
    Session.objects.all,
    Meeting.objects.all,
    Speaker.objects.all,
    Tag.objects.listed,
    Document.objects.all,
    Organisation.objects.all,
    Country.objects.all,
    Programme.objects.all,
    SourceDocument.objects.all,
]
LISTS = [
    "/",
    "/sessions/",
    "/meetings/",
    "/speakers/",
    "/themes/",
    "/documents/",
    "/organisations/",
    "/countries/",
    "/programmes/",
    "/sources/",
    "/download/",
]


def sitemap_entries(client) -> dict[str, str | None]:
    """Each address the sitemaps list, through the index and every page of each sitemap,
    with its lastmod (None where it has none)."""
    entries = {}
    for sitemap in read_xml(client, "/sitemap.xml").iter(f"{SITEMAP}sitemap"):
        for url in read_xml(client, sitemap.findtext(f"{SITEMAP}loc")).iter(f"{SITEMAP}url"):
            location = url.findtext(f"{SITEMAP}loc")
            assert location not in entries, f"{location} is listed twice"
            entries[location] = url.findtext(f"{SITEMAP}lastmod")
    return entries


def read_xml(client, address: str) -> ElementTree.Element:
    response = client.get(address.removeprefix(HOST))
    assert response.status_code == 200, address
    return ElementTree.fromstring(response.content)


def test_the_sitemap_lists_every_public_page(client):
    """The home page, every list, and the page of every record of every kind in the database
    (as loaded by load_kb), each once."""
    expected = {HOST + path for path in LISTS}
    for records in RECORDS_WITH_PAGES:
        expected |= {HOST + record.get_absolute_url() for record in records()}
    listed = set(sitemap_entries(client))
    assert listed == expected
    for location in listed:
        assert client.get(location.removeprefix(HOST)).status_code == 200, location


def test_the_sitemap_follows_new_records(client):
    kb = make_programme()
    listed = sitemap_entries(client)
    for record in [kb.panel, kb.meeting, kb.speaker, kb.theme, kb.resolution, kb.source]:
        assert HOST + record.get_absolute_url() in listed


def test_lastmod_is_when_a_record_was_last_changed_in_the_site(client, editor, ngo_staff):
    """An edit in the admin and a tag added by staff date a record; a record changed
    neither way has no lastmod."""
    country = Country.objects.get(slug="malta")
    LogEntry.objects.log_actions(
        user_id=editor.pk, queryset=[country], action_flag=CHANGE, change_message="Renamed."
    )
    session = make_session()
    tag_record(record=session, name="Test lastmod tag", user=ngo_staff)
    untouched = Organisation.objects.get(slug="unodc")
    entries = sitemap_entries(client)
    today = datetime.datetime.now(datetime.UTC).date()
    for record in [country, session]:
        lastmod = entries[HOST + record.get_absolute_url()]
        assert lastmod is not None
        assert abs(datetime.date.fromisoformat(lastmod[:10]) - today) <= datetime.timedelta(1)
    assert entries[HOST + untouched.get_absolute_url()] is None


def test_no_sitemap_lists_more_than_its_limit_and_together_they_list_every_page(
    client, monkeypatch
):
    """The protocol allows 50,000 addresses to a sitemap; past the limit a kind's sitemap is
    split into pages, each listed in the index, which together list every page once."""
    every_page = sitemap_entries(client)
    monkeypatch.setattr(Sitemap, "limit", 4)
    invalidate()  # the pages cached above were made with the limit of 50,000
    index = read_xml(client, "/sitemap.xml")
    sitemaps = [sitemap.findtext(f"{SITEMAP}loc") for sitemap in index.iter(f"{SITEMAP}sitemap")]
    sessions = Session.objects.count()
    assert f"{HOST}/sitemap-sessions.xml?p={-(-sessions // 4)}" in sitemaps
    for address in sitemaps:
        assert len(list(read_xml(client, address).iter(f"{SITEMAP}url"))) <= 4, address
    assert sitemap_entries(client) == every_page


@pytest.mark.parametrize("address", ["/sitemap-nothing.xml", "/sitemap-sessions.xml?p=99"])
def test_a_sitemap_that_does_not_exist_is_a_404(client, address):
    assert client.get(address).status_code == 404


def test_the_sitemaps_stay_constant_query(client, scaled_kb, django_assert_max_num_queries):
    """Guards against N+1 queries: the index counts each kind of record and reads when it was
    last changed; a kind's sitemap reads a page of records and their changes."""
    with django_assert_max_num_queries(45):
        assert client.get("/sitemap.xml").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/sitemap-sessions.xml").status_code == 200


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_writes(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    robots = Protego.parse(response.content.decode())
    assert list(robots.sitemaps) == [f"{HOST}/sitemap.xml"]
    session = Session.objects.get(slug="ccpcj-31-femicide")
    for path in [
        "/",
        session.get_absolute_url(),
        "/sessions/?tag=femicide",
        "/documents/A/RES/70/176/",
        "/sources/ccpcj-31-observer-notes/",
        "/sitemap.xml",
    ]:
        assert robots.can_fetch(HOST + path, "AnyBot"), path
    for path in [
        reverse("admin:index"),
        reverse("admin:kb_sessions_session_changelist"),
        reverse("login"),
        reverse("password_change"),
        reverse("sessions:add-tag", args=[session.slug]),
        reverse("sessions:remove-tag", args=[session.slug, "femicide"]),
        reverse("sessions:add-annotation", args=[session.slug]),
        reverse("sessions:edit-annotation", args=[7]),
        reverse("sessions:delete-annotation", args=[7]),
    ]:
        assert not robots.can_fetch(HOST + path, "AnyBot"), path


class HeadTags(HTMLParser):
    """The canonical link and the <meta> tags of a page, with their values unescaped."""

    def __init__(self, html: str):
        super().__init__()
        self.canonical: list[str] = []
        self.meta: dict[str, list[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "canonical":
            self.canonical.append(attributes["href"])
        if tag == "meta":
            name = attributes.get("name") or attributes.get("property")
            if name:
                self.meta.setdefault(name, []).append(attributes.get("content", ""))


def head(client, url) -> HeadTags:
    response = client.get(url)
    assert response.status_code == 200, url
    return HeadTags(response.content.decode())


SHARED_TAGS = ["description", "og:title", "og:description", "og:url", "og:type", "og:site_name"]


def public_pages(kb, paper):
    """(address as shared, with tracking parameters, and its canonical address) of every kind of
    page."""
    for _ in range(21):  # enough sessions for a second page of them
        make_session()
    tracking = "utm_source=newsletter&fbclid=abc123"
    pages = [
        ("/", "/"),
        ("/sessions/", "/sessions/"),
        (f"/sessions/?tag={kb.theme.slug}&page=1", f"/sessions/?tag={kb.theme.slug}"),
        (
            f"/sessions/?tag={kb.theme.slug}&tag={kb.other_theme.slug}&sort=-date",
            # Fixed order: the same themes in any order are the same list.
            "/sessions/?sort=-date&"
            + "&".join(f"tag={slug}" for slug in sorted([kb.theme.slug, kb.other_theme.slug])),
        ),
        ("/sessions/?page=2", "/sessions/?page=2"),
        ("/documents/?kind=resolution", "/documents/?kind=resolution"),
        ("/countries/?member=1", "/countries/?member=1"),
        ("/search/?kind=session&q=restorative", "/search/?q=restorative&kind=session"),
        ("/download/", "/download/"),
        (f"{paper.get_absolute_url()}?cite=para-1", paper.get_absolute_url()),
    ]
    pages += [(path, path) for path in LISTS[2:10]]
    for record in [
        kb.panel,
        kb.meeting,
        kb.speaker,
        kb.theme,
        kb.resolution,
        kb.organisation,
        kb.country,
        kb.source,
        paper,
        Programme.objects.first(),
    ]:
        pages.append((record.get_absolute_url(), record.get_absolute_url()))
    return [
        (f"{shared}{'&' if '?' in shared else '?'}{tracking}", canonical)
        for shared, canonical in pages
    ]


def test_every_page_names_its_canonical_address_without_tracking_parameters(client):
    kb = make_programme()
    paper = make_working_paper()
    for shared, canonical in public_pages(kb, paper):
        tags = head(client, shared)
        assert tags.canonical == [HOST + canonical], shared
        assert tags.meta["og:url"] == [HOST + canonical], shared


def test_every_page_describes_itself_for_link_previews(client):
    kb = make_programme()
    paper = make_working_paper()
    for shared, _canonical in public_pages(kb, paper):
        tags = head(client, shared)
        for name in SHARED_TAGS:
            assert len(tags.meta.get(name, [])) == 1, (shared, name)
            assert tags.meta[name][0].strip(), (shared, name)
        assert len(tags.meta["description"][0]) <= 160, shared
        assert tags.meta["og:site_name"] == ["CCPCJ knowledge base"]


def test_a_session_previews_with_its_title_and_the_start_of_its_notes(client):
    long_notes = "**Opening.** The chair welcomed <em>everyone</em> & set out the day. " * 10
    session = make_session(title='Fish & "chips" <script>alert(1)</script>', notes=long_notes)
    response = client.get(session.get_absolute_url())
    html = response.content.decode()
    tags = HeadTags(html)
    assert tags.meta["og:title"] == [session.title]
    assert tags.meta["og:type"] == ["article"]
    description = tags.meta["description"][0]
    assert description.startswith("Opening. The chair welcomed everyone & set out the day.")
    assert description.endswith("…")
    assert len(description) <= 160
    assert "<" not in description and "*" not in description
    assert tags.meta["og:description"] == [description]
    # Escaped in the markup: nothing of the title or the notes opens an element.
    assert "<script>alert(1)</script>" not in html
    assert 'content="Fish &amp; &quot;chips&quot; &lt;script&gt;' in html


def test_a_record_without_a_description_is_described_by_what_its_page_holds(client):
    source = make_source(title="Plain source", description="")
    tags = head(client, source.get_absolute_url())
    assert tags.meta["description"] == ["Plain source"]
    session = make_session(title="Quiet session", has_notes=False, date="2031-01-02")
    tags = head(client, session.get_absolute_url())
    assert tags.meta["description"][0].startswith("Side event at the ")
    assert "2 January 2031" in tags.meta["description"][0]
