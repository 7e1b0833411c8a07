"""Public pages as a delegate uses them: browsing, filtering, searching, and bad input."""

import re

import pytest
from django.urls import reverse

from sessions.models import Session
from tests.factories import make_session
from topics.models import Tag

pytestmark = pytest.mark.django_db

FEMICIDE_SESSION = "/sessions/ccpcj-31-femicide/"


def listed_slugs(response):
    return [session.slug for session in response.context["sessions"]]


def test_home_shows_counts_themes_meetings_and_recent_sessions(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<strong>{Session.objects.count()}</strong> sessions" in page
    assert 'href="/themes/femicide/"' in page
    assert 'href="/meetings/ccpcj-31/"' in page
    assert 'name="q"' in page


def test_femicide_session_is_two_clicks_from_home(client):
    home = client.get("/").content.decode()
    assert 'href="/themes/femicide/"' in home
    theme = client.get("/themes/femicide/").content.decode()
    assert f'href="{FEMICIDE_SESSION}"' in theme


def test_meeting_programme_marks_the_parallel_sessions(client):
    response = client.get("/meetings/ccpcj-31/")
    days = dict(response.context["programme"])
    assert len(days) == 5
    parallel_slots = [slot for slots in days.values() for slot in slots if len(slot) > 1]
    assert len(parallel_slots) == 1
    assert [s.start_time.strftime("%H:%M") for s in parallel_slots[0]] == ["12:30", "12:30"]
    assert all(s.is_parallel for s in parallel_slots[0])
    assert response.content.decode().count("Parallel session") == 2
    assert "No notes" in response.content.decode()


def test_session_detail_shows_everything_linked(client):
    response = client.get(FEMICIDE_SESSION)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Combating and criminalizing gender-based violence, including femicide</h1>" in page
    assert 'href="/speakers/lara-dimitrijevic/"' in page
    assert 'href="/sessions/?tag=femicide"' in page
    assert "000_2d7a714670a9477c.txt" in page
    assert "17:30" in page
    assert 'rel="prev"' in page and 'rel="next"' in page


def test_a_parallel_session_links_to_the_other_one(client):
    page = client.get("/sessions/ccpcj-31-online-child-sexual-abuse/").content.decode()
    assert "<dt>Parallel with</dt>" in page
    assert 'href="/sessions/ccpcj-31-access-to-justice-for-women/"' in page
    assert "Parallel with" not in client.get(FEMICIDE_SESSION).content.decode()


def test_meeting_cards_do_not_repeat_the_meeting(client):
    page = client.get("/meetings/ccpcj-31/").content.decode()
    assert page.count('href="/meetings/ccpcj-31/"') <= 1


def test_session_without_notes_says_so(client):
    session = Session.objects.get(has_notes=False, meeting__slug="ccpcj-31")
    page = client.get(session.get_absolute_url()).content.decode()
    assert "No notes were taken at this session." in page


def test_notes_html_is_sanitized(client):
    session = make_session(notes='<p onclick="x()">Kept</p><script>alert("owned")</script>')
    page = client.get(session.get_absolute_url()).content.decode()
    assert "<p>Kept</p>" in page
    assert 'alert("owned")' not in page
    assert "onclick" not in page


def test_parallel_table_paragraphs_render_as_paragraphs(client):
    session = Session.objects.get(slug__contains="online-child")
    page = client.get(session.get_absolute_url()).content.decode()
    assert "<p>Information was shared on OCSEA" in page
    assert "&lt;p&gt;" not in page


def test_speaker_page_lists_every_session_they_spoke_at(client):
    response = client.get("/speakers/lara-dimitrijevic/")
    page = response.content.decode()
    assert f'href="{FEMICIDE_SESSION}"' in page


@pytest.mark.parametrize(
    "written", ["A/Res/70/176", "a/res/70/176", "resolution%2070/176", "70/176"]
)
def test_any_written_form_of_a_symbol_redirects_to_the_resolution(client, written):
    response = client.get(f"/documents/{written}/")
    assert response.status_code == 301
    assert response["Location"] == "/documents/A/RES/70/176/"


def test_resolution_page_lists_its_citations(client):
    response = client.get("/documents/A/RES/70/176/")
    assert response.status_code == 200
    assert "001_f6926b351bc99b20.txt" in response.content.decode()


def test_unknown_document_is_a_helpful_404(client):
    response = client.get("/documents/A/RES/99/999/")
    assert response.status_code == 404
    assert "No document “A/RES/99/999”" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/",
        "/speakers/",
        "/themes/",
        "/documents/",
        "/organisations/",
        "/organisations/unodc/",
        "/countries/",
        "/countries/?member=1",
        "/countries/malta/",
        "/sources/",
        "/sources/ccpcj-31-observer-notes/",
        "/themes/femicide/",
    ],
)
def test_index_and_detail_pages_answer(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_member_filter_lists_the_twenty_members(client):
    response = client.get("/countries/?member=1")
    assert len(response.context["country_list"]) == 20


class TestSessionFilters:
    def test_several_themes_mean_all_of_them(self, client):
        femicide = set(listed_slugs(client.get("/sessions/?tag=femicide")))
        trafficking = set(listed_slugs(client.get("/sessions/?tag=trafficking")))
        both = client.get("/sessions/?tag=femicide&tag=trafficking")
        assert set(listed_slugs(both)) == femicide & trafficking
        assert "<strong>all</strong>" in both.content.decode()

    def test_active_filters_are_removable_chips(self, client):
        response = client.get("/sessions/?tag=femicide&tag=trafficking")
        chips = {chip.label: chip.remove_url for chip in response.context["filters"].chips()}
        assert chips["Theme: Femicide"] == "/sessions/?tag=trafficking"
        assert chips["Theme: Trafficking in persons"] == "/sessions/?tag=femicide"

    def test_theme_counts_are_within_the_current_result(self, client):
        response = client.get("/sessions/?meeting=ccpcj-31")
        counts = {tag.slug: tag.session_count for tag, _ in response.context["tag_facets"]}
        for slug, count in counts.items():
            expected = Session.objects.filter(
                meeting__slug="ccpcj-31", tagged_items__tag__slug=slug
            )
            assert count == expected.count()

    def test_meeting_and_date_range(self, client):
        response = client.get("/sessions/?meeting=ccpcj-31&from=2022-05-17&to=2022-05-18")
        dates = {s.date.day for s in response.context["sessions"]}
        assert dates == {17, 18}
        assert response.context["page_obj"].paginator.count == 6

    def test_speaker_organisation_country_and_resolution(self, client):
        assert listed_slugs(client.get("/sessions/?speaker=lara-dimitrijevic")) == [
            "ccpcj-31-femicide"
        ]
        assert "ccpcj-31-femicide" in listed_slugs(client.get("/sessions/?country=malta"))
        session = Session.objects.filter(documents__isnull=False).first()
        document = session.documents.first()
        key = document.normalized_symbol or document.slug
        assert session.slug in listed_slugs(client.get("/sessions/", {"resolution": key}))
        organisation = (
            session.organisations.first()
            or Session.objects.filter(organisations__isnull=False).first().organisations.first()
        )
        assert listed_slugs(client.get("/sessions/", {"organisation": organisation.slug}))

    def test_sort_newest_first_with_undated_sessions_last(self, client):
        dates = [s.date for s in client.get("/sessions/?sort=-date").context["sessions"]]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=True)
        assert dates[: len(dated)] == dated

    def test_a_staff_tag_is_a_filter_at_once(self, client):
        tag = Tag.objects.create(name="Data gaps", slug="data-gaps")
        Session.objects.get(slug="ccpcj-31-femicide").tags.add(tag)
        assert listed_slugs(client.get("/sessions/?tag=data-gaps")) == ["ccpcj-31-femicide"]

    def test_empty_result_has_a_clear_empty_state(self, client):
        response = client.get("/sessions/?tag=femicide&from=2030-01-01")
        assert response.status_code == 200
        assert "No session matches these filters." in response.content.decode()


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
    ("/sessions/?colour=blue", 400),
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
    response = client.get(url)
    assert response.status_code == status
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "<b>x</b>" not in page
    assert re.search(r"<h1[^>]*>", page)


def test_unknown_theme_names_it_and_points_to_the_themes(client):
    page = client.get("/sessions/?tag=femicid").content.decode()
    assert "There is no theme or tag called “femicid”." in page
    assert 'href="/themes/"' in page


def test_page_numbers_out_of_range_say_which_exist(client):
    page = client.get("/sessions/?page=999999").content.decode()
    assert "There is no page 999999: pages run from 1 to 1." in page


def search_results(client, query, group_label):
    """The records the search page lists under one kind, in order."""
    response = client.get("/search/", {"q": query})
    groups = {group["label"]: group for group in response.context["groups"]}
    return [record for record, _, _ in groups[group_label]["results"]]


class TestSearch:
    def test_speaker_surname_finds_the_speaker_and_their_session(self, client):
        sessions = [s.slug for s in search_results(client, "Dimitrijevic", "Sessions")]
        speakers = [s.slug for s in search_results(client, "Dimitrijevic", "Speakers")]
        assert "ccpcj-31-femicide" in sessions
        assert speakers == ["lara-dimitrijevic"]

    @pytest.mark.parametrize(
        "query", ["A/RES/70/176", "A/Res/70/176", "70/176", "resolution 70/176"]
    )
    def test_resolution_symbol_in_any_form(self, client, query):
        found = search_results(client, query, "Resolutions and documents")
        assert "A/RES/70/176" in [document.normalized_symbol for document in found]

    def test_popular_name_finds_the_bangkok_rules(self, client):
        response = client.get("/search/", {"q": "Bangkok Rules"})
        page = response.content.decode()
        assert "A/RES/65/229" in page

    def test_several_words_match_all_of_them_in_any_field(self, client):
        session = make_session(title="Legal aid for women", notes="A talk on Kenya.")
        make_session(title="Legal aid elsewhere", notes="Nothing more.")
        found = search_results(client, "legal kenya", "Sessions")
        assert [s.slug for s in found] == [session.slug]

    def test_quoted_phrase_matches_exactly(self, client):
        exact = make_session(title="Zebra crossing rules", notes="")
        make_session(title="Crossing the zebra plains", notes="")
        found = search_results(client, '"zebra crossing"', "Sessions")
        assert [s.slug for s in found] == [exact.slug]

    def test_matches_are_highlighted_in_snippets(self, client):
        page = client.get("/search/", {"q": "Prantner"}).content.decode()
        assert "<mark>Prantner</mark>" in page

    def test_empty_query_explains_what_to_type(self, client):
        response = client.get("/search/", {"q": "   "})
        assert response.status_code == 200
        assert "Type something to search for" in response.content.decode()

    def test_absurdly_long_query_is_refused_with_a_message(self, client):
        response = client.get("/search/", {"q": "x" * 5000})
        assert response.status_code == 400
        assert "Searches are limited to 200 characters" in response.content.decode()
        assert "x" * 300 not in response.content.decode()

    @pytest.mark.parametrize(
        "query",
        [
            "<script>alert(1)</script>",
            "' OR '1'='1",
            "femicide'; DROP TABLE kb_sessions_session; --",
            '"unbalanced quote',
            "%_\\",
            "!!! &&& |||",
        ],
    )
    def test_hostile_queries_are_just_text(self, client, query):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()
        assert Session.objects.exists()


# Each page and the most queries it may run, measured on ten times the shipped data.
PAGE_QUERY_LIMITS = {
    "/": 12,
    "/sessions/": 6,
    "/sessions/?tag=femicide": 7,
    "/sessions/?tag=trafficking&tag=victim-centred-justice&sort=-date": 8,
    "/sessions/?speaker=lara-dimitrijevic": 7,
    "/sessions/?page=2": 6,
    FEMICIDE_SESSION: 18,
    "/meetings/": 2,
    "/meetings/ccpcj-31/": 6,
    "/speakers/": 2,
    "/speakers/lara-dimitrijevic/": 3,
    "/themes/": 2,
    "/themes/femicide/": 7,
    "/documents/": 2,
    "/documents/A/RES/70/176/": 5,
    "/organisations/": 2,
    "/organisations/unodc/": 9,
    "/countries/": 2,
    "/countries/malta/": 8,
    "/sources/": 1,
    "/sources/ccpcj-31-observer-notes/": 8,
    "/search/?q=femicide": 9,
    "/search/?q=A/RES/70/176": 7,
}


@pytest.mark.parametrize(("url", "limit"), PAGE_QUERY_LIMITS.items())
def test_pages_stay_constant_query_at_ten_times_the_data(
    client, scaled_kb, django_assert_max_num_queries, url, limit
):
    """Guards against N+1 queries: each page's limit holds with ten times the records."""
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


def test_staff_session_page_stays_constant_query(
    client, scaled_kb, django_user_model, django_assert_max_num_queries
):
    """Tag suggestions and annotations for signed-in staff load in fixed queries too."""
    from django.contrib.auth.models import Group

    from sessions.models import Annotation

    user = django_user_model.objects.create_user("amina")
    user.groups.add(Group.objects.get(name="NGO staff"))
    session = Session.objects.get(slug="ccpcj-31-femicide")
    for number in range(30):
        Annotation.objects.create(session=session, author=user, body=f"Note {number}")
    client.force_login(user)
    with django_assert_max_num_queries(24):
        response = client.get(FEMICIDE_SESSION)
    assert response.content.decode().count('class="annotation"') == 30


def test_scaled_data_is_ten_times_the_seeds(scaled_kb):
    assert Session.objects.filter(meeting__slug__startswith="ccpcj-31").count() == 100


def test_every_public_url_reverses_and_resolves():
    assert reverse("sessions:detail", args=["ccpcj-31-femicide"]) == FEMICIDE_SESSION
    assert reverse("topics:document-detail", args=["A/RES/70/176"]) == "/documents/A/RES/70/176/"
    assert reverse("topics:theme-detail", args=["femicide"]) == "/themes/femicide/"
