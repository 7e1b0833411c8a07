"""Public pages as a delegate uses them: browsing, filtering, searching, and bad input.

Each test builds the records it looks at with the factories, beside the shipped knowledge base,
and asserts only about those records, so editing the fixtures never breaks these tests; checks
of the shipped knowledge base itself are in tests/test_shipped_data.py.
"""

import re

import pytest

from sessions.models import Annotation, Session
from tests.factories import (
    PROGRAMME_DAYS,
    add_speaker,
    make_country,
    make_membership,
    make_programme,
    make_session,
    make_tag,
)

pytestmark = pytest.mark.django_db

DAY_ONE, DAY_TWO = PROGRAMME_DAYS


@pytest.fixture
def kb():
    """One meeting's programme of test records (see ``make_programme``)."""
    return make_programme()


def listed_slugs(response):
    return [session.slug for session in response.context["sessions"]]


def slugs(*sessions):
    return [session.slug for session in sessions]


def html(response) -> str:
    return response.content.decode()


def test_home_shows_counts_themes_meetings_and_recent_sessions(client, kb):
    """The home page counts the sessions and links to every theme, every meeting and the most
    recent sessions."""
    page = html(client.get("/"))
    assert f"<strong>{Session.objects.count()}</strong> sessions" in page
    assert f'href="{kb.theme.get_absolute_url()}"' in page
    assert f'href="{kb.meeting.get_absolute_url()}"' in page
    recent = page.split('id="recent-heading"')[1]
    assert f'href="{kb.plenary.get_absolute_url()}"' in recent
    assert 'name="q"' in page


def test_a_session_is_two_clicks_from_home(client, kb):
    """Home → a theme → a session carrying it."""
    assert f'href="{kb.theme.get_absolute_url()}"' in html(client.get("/"))
    theme_page = html(client.get(kb.theme.get_absolute_url()))
    assert f'href="{kb.panel.get_absolute_url()}"' in theme_page


def test_meeting_programme_marks_the_parallel_sessions(client, kb):
    """The programme is grouped by day; the two 12:30 side events are marked parallel and the
    plenary without notes says so."""
    page = html(client.get(kb.meeting.get_absolute_url()))
    assert "Monday 10 March 2031" in page
    assert "Tuesday 11 March 2031" in page
    assert page.count("Parallel session") == 2
    assert page.count("No notes") == 1
    for session in (kb.parallel_a, kb.parallel_b, kb.panel, kb.plenary):
        assert f'href="{session.get_absolute_url()}"' in page


def test_session_detail_shows_everything_linked(client, kb):
    """A session page shows its title, times, speakers, themes (as filters), the source it
    was distilled from and its neighbours in the programme."""
    response = client.get(kb.panel.get_absolute_url())
    page = html(response)
    assert response.status_code == 200
    assert "<h1>Panel on restorative justice</h1>" in page
    assert "16:00\N{EN DASH}17:30" in page
    assert f'href="{kb.speaker.get_absolute_url()}"' in page
    assert f'href="{kb.second_speaker.get_absolute_url()}"' in page
    assert f'href="{kb.organisation.get_absolute_url()}"' in page
    assert f'href="{kb.country.get_absolute_url()}"' in page
    assert f'href="{kb.resolution.get_absolute_url()}"' in page
    assert f'href="/sessions/?tag={kb.theme.slug}"' in page
    assert f'href="{kb.source.get_absolute_url()}"' in page
    assert "Day one" in page
    assert f'href="{kb.parallel_b.get_absolute_url()}" rel="prev"' in page
    assert f'href="{kb.plenary.get_absolute_url()}" rel="next"' in page


def test_a_parallel_session_links_to_the_other_one(client, kb):
    """Sessions held at the same time name each other; a session alone in its slot does not."""
    page = html(client.get(kb.parallel_a.get_absolute_url()))
    assert "<dt>Parallel with</dt>" in page
    assert f'href="{kb.parallel_b.get_absolute_url()}"' in page
    assert "Parallel with" not in html(client.get(kb.panel.get_absolute_url()))


def test_meeting_cards_do_not_repeat_the_meeting(client, kb):
    """On a meeting's programme, session cards leave out the meeting they all belong to."""
    page = html(client.get(kb.meeting.get_absolute_url()))
    assert page.count(f'href="{kb.meeting.get_absolute_url()}"') <= 1


def test_session_without_notes_says_so(client, kb):
    """A session nobody took notes at says so instead of showing an empty section."""
    page = html(client.get(kb.plenary.get_absolute_url()))
    assert "No notes were taken at this session." in page


def test_notes_html_is_sanitized(client):
    """Markup in notes is kept where harmless; scripts and event handlers never reach a page."""
    session = make_session(notes='<p onclick="x()">Kept</p><script>alert("owned")</script>')
    page = html(client.get(session.get_absolute_url()))
    assert "<p>Kept</p>" in page
    assert 'alert("owned")' not in page
    assert "onclick" not in page


def test_speaker_page_lists_every_session_they_spoke_at(client, kb):
    """A speaker's page links to each session they spoke at, in any meeting."""
    elsewhere = make_session(date=DAY_TWO)
    add_speaker(elsewhere, kb.speaker)
    page = html(client.get(kb.speaker.get_absolute_url()))
    assert f'href="{kb.panel.get_absolute_url()}"' in page
    assert f'href="{elsewhere.get_absolute_url()}"' in page


@pytest.mark.parametrize("written", ["A/Res/900/7", "a/res/900/7", "resolution%20900/7", "900/7"])
def test_any_written_form_of_a_symbol_redirects_to_the_resolution(client, kb, written):
    """A resolution's page lives at its normalised symbol; other forms redirect there."""
    response = client.get(f"/documents/{written}/")
    assert response.status_code == 301
    assert response["Location"] == "/documents/A/RES/900/7/"


def test_resolution_page_lists_its_sources_and_the_sessions_citing_it(client, kb):
    """A resolution's page names the sources citing it and links to the sessions that do."""
    response = client.get(kb.resolution.get_absolute_url())
    assert response.status_code == 200
    assert f'href="{kb.source.get_absolute_url()}"' in html(response)
    assert "Annex" in html(response)
    assert f'href="{kb.panel.get_absolute_url()}"' in html(response)


def test_unknown_document_is_a_helpful_404(client):
    """An unknown symbol is a 404 that names the symbol asked for."""
    response = client.get("/documents/A/RES/99/999/")
    assert response.status_code == 404
    assert "No document “A/RES/99/999”" in html(response)


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/",
        "/speakers/",
        "/themes/",
        "/documents/",
        "/organisations/",
        "/countries/",
        "/countries/?member=1",
        "/sources/",
    ],
)
def test_index_pages_answer(client, kb, url):
    """Each index answers with a page headed once."""
    response = client.get(url)
    assert response.status_code == 200
    assert html(response).count("<h1") == 1


@pytest.mark.parametrize(
    ("record", "name"),
    [
        ("meeting", "Test meeting on justice"),
        ("speaker", "Ottoline Quaresmavieux"),
        ("theme", "Test theme: restorative circles"),
        ("resolution", "A/RES/900/7"),
        ("organisation", "Test Organisation for Justice"),
        ("country", "Test Republic"),
        ("source", "Test notes of the meeting"),
    ],
)
def test_detail_pages_are_headed_by_their_record(client, kb, record, name):
    """Each kind of record has a page whose one heading names it, listing the panel that
    links to it."""
    response = client.get(getattr(kb, record).get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    assert re.search(rf"<h1[^>]*>[^<]*{re.escape(name)}", page)
    assert f'href="{kb.panel.get_absolute_url()}"' in page


def test_member_filter_lists_only_the_members(client):
    """ "Members" lists the Commission's members and leaves other countries out."""
    member = make_country(name="Aaland Test Member")
    make_membership(member)
    other = make_country(name="Aaland Test Observer")
    page = html(client.get("/countries/?member=1"))
    assert f'href="{member.get_absolute_url()}"' in page
    assert f'href="{other.get_absolute_url()}"' not in page


class TestSessionFilters:
    def test_several_themes_mean_all_of_them(self, client, kb):
        """Two themes list the sessions carrying both, and the page says "all"."""
        response = client.get("/sessions/", {"tag": [kb.theme.slug, kb.other_theme.slug]})
        assert listed_slugs(response) == slugs(kb.panel)
        assert "<strong>all</strong>" in html(response)

    def test_active_filters_are_removable_chips(self, client, kb):
        """Each active theme is a chip whose link removes that theme only."""
        response = client.get("/sessions/", {"tag": [kb.theme.slug, kb.other_theme.slug]})
        chips = {chip.label: chip.remove_url for chip in response.context["filters"].chips()}
        assert chips == {
            f"Theme: {kb.theme.name}": f"/sessions/?tag={kb.other_theme.slug}",
            f"Theme: {kb.other_theme.name}": f"/sessions/?tag={kb.theme.slug}",
        }

    def test_theme_counts_are_within_the_current_result(self, client, kb):
        """The sidebar counts, for each theme, the sessions of the current result carrying it."""
        response = client.get("/sessions/", {"meeting": kb.meeting.slug})
        counts = {tag.slug: tag.session_count for tag, _ in response.context["tag_facets"]}
        assert counts == {kb.theme.slug: 2, kb.other_theme.slug: 2}

    def test_meeting_and_date_range(self, client, kb):
        """A meeting and a date range combine: that meeting's sessions on those days."""
        response = client.get(
            "/sessions/", {"meeting": kb.meeting.slug, "from": DAY_ONE, "to": DAY_ONE}
        )
        assert listed_slugs(response) == slugs(kb.parallel_a, kb.parallel_b, kb.panel)
        assert "<strong>3</strong> sessions" in html(response)

    @pytest.mark.parametrize(
        ("name", "record"),
        [("speaker", "speaker"), ("organisation", "organisation"), ("country", "country")],
    )
    def test_speaker_organisation_and_country(self, client, kb, name, record):
        """Filtering by a speaker, an organisation or a country lists the sessions linked to it."""
        response = client.get("/sessions/", {name: getattr(kb, record).slug})
        assert listed_slugs(response) == slugs(kb.panel)

    @pytest.mark.parametrize("written", ["A/RES/900/7", "resolution 900/7", "900/7"])
    def test_resolution_in_any_written_form(self, client, kb, written):
        """The resolution filter accepts any written form of the symbol."""
        assert listed_slugs(client.get("/sessions/", {"resolution": written})) == slugs(kb.panel)

    def test_sort_newest_first_with_undated_sessions_last(self, client, kb):
        """Newest first orders by date and time, and sessions without a date come last."""
        undated = make_session(meeting=kb.meeting, title="Undated side event")
        response = client.get("/sessions/", {"meeting": kb.meeting.slug, "sort": "-date"})
        assert listed_slugs(response) == slugs(
            kb.plenary, kb.panel, kb.parallel_a, kb.parallel_b, undated
        )

    def test_a_staff_tag_is_a_filter_at_once(self, client, kb):
        """A tag added by staff filters the list as soon as it exists."""
        tag = make_tag(name="Data gaps in testing")
        kb.panel.tags.add(tag)
        assert listed_slugs(client.get("/sessions/", {"tag": tag.slug})) == slugs(kb.panel)

    def test_empty_result_has_a_clear_empty_state(self, client, kb):
        """Filters matching nothing say so on a normal page."""
        response = client.get("/sessions/", {"tag": kb.theme.slug, "from": "2099-01-01"})
        assert response.status_code == 200
        assert "No session matches these filters." in html(response)


BAD_INPUT = [
    ("/sessions/?tag=no-such-theme", 404),
    ("/sessions/?tag=<script>alert(1)</script>", 404),
    ("/sessions/?tag=' OR 1=1 --", 404),
    ("/sessions/?meeting=nope", 404),
    ("/sessions/?speaker=nope", 404),
    ("/sessions/?organisation=nope", 404),
    ("/sessions/?country=nope", 404),
    ("/sessions/?resolution=A/RES/1/1", 404),
    ("/sessions/?from=yesterday", 400),
    ("/sessions/?from=2022-02-30", 400),
    ("/sessions/?from=2022-05-20&to=2022-05-16", 400),
    ("/sessions/?sort=title;DROP TABLE", 400),
    ("/sessions/?meeting=a&meeting=b", 400),
    ("/sessions/?page=0", 404),
    ("/sessions/?page=abc", 404),
    ("/sessions/?page=999999", 404),
    ("/sessions/?page=-1", 404),
    ("/themes/<b>x</b>/", 404),
    ("/sessions/no-such-session/", 404),
    ("/speakers/nobody/", 404),
    ("/meetings/none/", 404),
    ("/organisations/none/", 404),
    ("/countries/atlantis/", 404),
    ("/sources/none/", 404),
    ("/documents/<script>/", 404),
    ("/speakers/?page=abc", 404),
    ("/documents/?page=999999", 404),
]


@pytest.mark.parametrize(("url", "status"), BAD_INPUT)
def test_bad_input_gets_a_helpful_4xx_and_is_never_echoed_raw(client, url, status):
    """Unknown records, malformed values and page numbers get a 4xx page with a heading;
    what was typed is never echoed as markup."""
    response = client.get(url)
    assert response.status_code == status
    page = html(response)
    assert "<script>alert" not in page
    assert "<b>x</b>" not in page
    assert re.search(r"<h1[^>]*>", page)


def test_unknown_theme_names_it_and_points_to_the_themes(client):
    """Filtering by a theme that does not exist names it and links to the list of themes."""
    page = html(client.get("/sessions/?tag=no-such-theme"))
    assert "There is no theme or tag called “no-such-theme”." in page
    assert 'href="/themes/"' in page


def test_page_numbers_out_of_range_say_which_exist(client):
    """21 sessions make two pages of twenty; asking for page 9 names the pages there are."""
    tag = make_tag()
    for _ in range(21):
        make_session(tags=[tag])
    page = html(client.get("/sessions/", {"tag": tag.slug, "page": 9}))
    assert "There is no page 9: pages run from 1 to 2." in page


@pytest.fixture
def ten_programmes():
    """Ten programmes sharing themes, a speaker, an organisation, a country, a resolution and
    a source: every list and detail page below shows ten times what one programme gives."""
    first = make_programme()
    for _ in range(9):
        make_programme(shared=first)
    return first


# Each page and the most queries it may run with ten programmes besides the shipped data;
# {names} are filled in from the first programme.
PAGE_QUERY_LIMITS = {
    "/": 12,
    "/sessions/": 14,
    "/sessions/?tag={theme_slug}": 15,
    "/sessions/?tag={theme_slug}&tag={other_theme_slug}&sort=-date": 15,
    "/sessions/?speaker={speaker_slug}": 15,
    "/sessions/?page=2": 14,
    "{panel}": 19,  # and its related sessions (one)
    "/meetings/": 3,
    "{meeting}": 7,
    "/speakers/": 2,
    "{speaker}": 7,  # mentioned: counts, sessions, paragraphs (three); its sessions counted
    "/themes/": 2,
    "{theme}": 13,  # its timeline (three); who spoke on it: speakers, countries, organisations
    "/documents/": 3,  # and their issuers
    "{resolution}": 13,  # where it is mentioned (three), related documents (one)
    "/organisations/": 2,
    "{organisation}": 23,  # programmes, members 1 each; mentions 3; timeline 3; themes 6
    "/countries/": 3,  # and the latest membership listing
    "{country}": 21,  # memberships, citations, passages; mentions 3; timeline 3; themes 6
    "/sources/": 1,
    "{source}": 8,
    # Three of them read the candidates ranked (sessions, speakers, the other kinds); two
    # (after a write) where the newest sessions and speakers start.
    "/search/?q=restorative": 14,
    "/search/?q=A/RES/900/7": 13,
}


@pytest.mark.parametrize(("url", "limit"), PAGE_QUERY_LIMITS.items())
def test_pages_stay_constant_query_with_ten_times_the_records(
    client, ten_programmes, django_assert_max_num_queries, url, limit
):
    """Guards against N+1 queries: each page's limit holds with ten programmes of records."""
    kb = ten_programmes
    url = url.format(
        theme_slug=kb.theme.slug,
        other_theme_slug=kb.other_theme.slug,
        speaker_slug=kb.speaker.slug,
        **{
            name: getattr(kb, name).get_absolute_url()
            for name in [
                "panel",
                "meeting",
                "speaker",
                "theme",
                "resolution",
                "organisation",
                "country",
                "source",
            ]
        },
    )
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


def test_staff_session_page_stays_constant_query(
    client, kb, ngo_staff, django_assert_max_num_queries
):
    """Tag suggestions and annotations for signed-in staff load in fixed queries too."""
    for number in range(30):
        Annotation.objects.create(session=kb.panel, author=ngo_staff, body=f"Note {number}")
    client.force_login(ngo_staff)
    with django_assert_max_num_queries(24):
        response = client.get(kb.panel.get_absolute_url())
    assert html(response).count('class="annotation"') == 30
