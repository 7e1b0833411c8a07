"""The session list's filters: every filter the address accepts is offered, each choice counts the
sessions it would list, and filters combine rather than replace one another."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.http import QueryDict

from ccpcj_kb.pagecache import invalidate
from sessions.filters import SessionFilters
from sessions.models import Session
from tests.factories import (
    add_speaker,
    make_country,
    make_document,
    make_meeting,
    make_organisation,
    make_session,
    make_speaker,
    make_tag,
    make_theme,
)

pytestmark = pytest.mark.django_db

DAY_ONE = datetime.date(2022, 5, 17)
DAY_TWO = datetime.date(2022, 5, 18)
FILTERS = ["meeting", "speaker", "organisation", "country", "resolution", "kind", "notes"]


@pytest.fixture
def week():
    """A meeting of five sessions over two days, each linked to different records."""
    meeting = make_meeting(slug="test-week", name="Test week", start_date=DAY_ONE)
    theme, tag = make_theme(name="Test theme"), make_tag(name="test tag")
    speaker, other_speaker = make_speaker(name="Ada Speaker"), make_speaker(name="Bo Speaker")
    named, noting = make_organisation(name="Named NGO"), make_organisation(name="Noting NGO")
    country, document = make_country(name="Testland"), make_document(symbol="A/RES/900/1")
    sessions = SimpleNamespace(
        opening=make_session(meeting=meeting, title="Opening", kind="plenary", date=DAY_ONE),
        panel=make_session(meeting=meeting, title="Panel", kind="panel", date=DAY_ONE),
        side=make_session(meeting=meeting, title="Side event", date=DAY_TWO, tags=[theme, tag]),
        quiet=make_session(meeting=meeting, title="Quiet", date=DAY_TWO, has_notes=False),
        noted=make_session(
            meeting=meeting, title="Noted", date=DAY_TWO, note_taker_organisation=noting
        ),
    )
    sessions.opening.tags.add(theme)
    add_speaker(sessions.opening, speaker)
    add_speaker(sessions.panel, speaker)
    add_speaker(sessions.panel, other_speaker)
    sessions.panel.organisations.add(named, noting)
    sessions.side.countries.add(country)
    sessions.side.documents.add(document)
    return SimpleNamespace(
        meeting=meeting,
        theme=theme,
        tag=tag,
        speaker=speaker,
        named=named,
        noting=noting,
        country=country,
        document=document,
        sessions=sessions,
    )


def listed(response) -> list[str]:
    return [session.title for session in response.context["sessions"]]


def facets(response) -> dict:
    return {facet.name: facet for facet in response.context["facets"]}


def test_every_filter_the_address_accepts_is_offered(client, week):
    """Besides themes, the sidebar offers meeting, speaker, organisation, country, resolution,
    kind, notes and the first and last day, each as a labelled choice."""
    response = client.get("/sessions/", {"meeting": week.meeting.slug})
    assert list(facets(response)) == [*FILTERS, "from", "to"]
    page = response.content.decode()
    for name in [*FILTERS, "from", "to"]:
        assert f'<label for="filter-{name}">' in page
        assert f'<select id="filter-{name}" name="{name}">' in page
    offered = facets(response)
    assert {o.label for o in offered["speaker"].options} == {"Ada Speaker", "Bo Speaker"}
    assert {o.label for o in offered["kind"].options} == {"Plenary", "Panel", "Side event"}
    assert {o.value for o in offered["notes"].options} == {"yes", "no"}
    assert offered["resolution"].options[0].value == "A/RES/900/1"


@pytest.mark.parametrize(
    "query",
    [
        {"meeting": "test-week"},
        {"meeting": "test-week", "kind": "side-event"},
        {"meeting": "test-week", "speaker": "__speaker__", "from": "2022-05-17"},
        {"meeting": "test-week", "organisation": "__noting__", "notes": "yes"},
    ],
)
def test_each_choice_counts_the_sessions_it_lists(client, week, query):
    """Every number beside a choice is exactly how many sessions choosing it lists, within
    the other filters already applied."""
    query = {
        name: {"__speaker__": week.speaker.slug, "__noting__": week.noting.slug}.get(v, v)
        for name, v in query.items()
    }
    response = client.get("/sessions/", query)
    checked = 0
    for facet in response.context["facets"]:
        for option in facet.options:
            invalidate()  # a choice already made lists the page read above: read it afresh
            chosen = client.get("/sessions/", {**query, facet.name: option.value})
            assert chosen.status_code == 200, (facet.name, option.value)
            assert chosen.context["page_obj"].paginator.count == option.count, (
                facet.name,
                option.label,
            )
            checked += 1
    for tag, add_url in response.context["tag_facets"]:
        assert client.get(add_url).context["page_obj"].paginator.count == tag.session_count
    assert checked >= 5


def test_a_selected_choice_stays_selected_even_when_it_lists_nothing(client, week):
    """Combining a speaker with a day they did not speak on keeps the speaker chosen, at 0."""
    response = client.get(
        "/sessions/", {"speaker": week.speaker.slug, "from": "2022-05-18", "to": "2022-05-18"}
    )
    assert listed(response) == []
    (selected,) = [o for o in facets(response)["speaker"].options if o.selected]
    assert (selected.value, selected.count) == (week.speaker.slug, 0)


def test_kind_and_notes_narrow_the_list(client, week):
    """``kind`` lists one kind of session, ``notes=no`` those nobody took notes at."""
    meeting = week.meeting.slug
    assert listed(client.get("/sessions/", {"meeting": meeting, "kind": "panel"})) == ["Panel"]
    response = client.get("/sessions/", {"meeting": meeting, "notes": "no"})
    assert listed(response) == ["Quiet"]
    assert [chip.label for chip in response.context["filters"].chips()] == [
        "Meeting: Test week",
        "No notes taken",
    ]
    with_notes = listed(client.get("/sessions/", {"meeting": meeting, "notes": "yes"}))
    assert "Quiet" not in with_notes and len(with_notes) == 4


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=keynote", "There is no kind of session called “keynote”."),
        ("notes=maybe", "“notes” is “yes” (notes were taken) or “no”."),
        ("kind=panel&kind=plenary", "Give “kind” once only."),
    ],
)
def test_a_bad_kind_or_notes_value_is_explained(client, query, message):
    """A kind or notes value the list does not know is a 400 that says what is accepted."""
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_organisation_lists_the_sessions_noted_for_it(client, week):
    """Filtering by an organisation lists the sessions naming it and those whose notes were
    taken for it, each once."""
    response = client.get("/sessions/", {"organisation": week.noting.slug})
    assert sorted(listed(response)) == ["Noted", "Panel"]
    counts = {o.value: o.count for o in facets(client.get("/sessions/"))["organisation"].options}
    assert counts[week.noting.slug] == 2
    assert counts[week.named.slug] == 1


def test_the_filters_form_leaves_unchosen_fields_out_of_the_address(client, week):
    """Submitting the form sends every field; the list answers at the short address."""
    response = client.get("/sessions/?tag=&meeting=test-week&speaker=&kind=panel&from=")
    assert response.status_code == 302
    assert response["Location"] == "/sessions/?meeting=test-week&kind=panel"
    assert client.get("/sessions/?meeting=&speaker=")["Location"] == "/sessions/"


def test_a_theme_badge_in_a_result_adds_to_the_current_filters(client, week):
    """In the list, a session's theme badge narrows the current list rather than starting a
    new one; elsewhere it starts a list of that theme alone."""
    response = client.get("/sessions/", {"meeting": week.meeting.slug, "kind": "plenary"})
    page = response.content.decode()
    assert f'href="/sessions/?meeting=test-week&amp;kind=plenary&amp;tag={week.theme.slug}"' in page
    assert "(add to the filters)" in page
    assert "choosing one in a session adds it to these filters" in page
    theme_page = client.get(week.theme.get_absolute_url()).content.decode()
    assert f'href="/sessions/?tag={week.theme.slug}"' in theme_page


def test_staff_tags_are_labelled_tag_and_themes_theme(client, week):
    """Chips, facets and badges call a curated theme "Theme" and a staff tag "Tag"."""
    response = client.get("/sessions/", {"tag": [week.theme.slug, week.tag.slug]})
    assert [chip.label for chip in response.context["filters"].chips()] == [
        "Theme: Test theme",
        "Tag: test tag",
    ]
    page = response.content.decode()
    assert '<span class="visually-hidden">Tag: </span>test tag' in page
    assert '<span class="visually-hidden">Theme: </span>Test theme' in page
    assert re.search(
        r"test tag</strong> \(1, selected\) <span class=\"badge badge-tag\">Tag<", page
    )


def test_dates_are_chosen_and_shown_in_the_sites_date_format(client, week):
    """The first and last day are chosen among the days sessions were held, written as the
    site writes dates; the chips say "From 17 May 2022"."""
    response = client.get("/sessions/", {"meeting": week.meeting.slug, "from": "2022-05-17"})
    days = facets(response)["from"].options
    assert [(o.label, o.count, o.selected) for o in days] == [
        ("Tuesday 17 May 2022", 5, True),
        ("Wednesday 18 May 2022", 3, False),
    ]
    assert "From 17 May 2022" in [chip.label for chip in response.context["filters"].chips()]
    page = response.content.decode()
    assert 'type="date"' not in page
    assert '<option value="2022-05-18">Wednesday 18 May 2022 (3)</option>' in page


def test_a_day_given_in_the_address_stays_chosen(client, week):
    """A day nothing was held on, typed into the address, is still shown as chosen."""
    response = client.get("/sessions/", {"meeting": week.meeting.slug, "to": "2022-05-30"})
    chosen = [o for o in facets(response)["to"].options if o.selected]
    assert [(o.label, o.count) for o in chosen] == [("Monday 30 May 2022", 5)]


def test_on_a_phone_the_filters_control_comes_before_the_results(client, week):
    """The filters sit in a "Filters" disclosure placed before the first result, so a phone
    shows it at the top; it works without JavaScript."""
    page = client.get("/sessions/", {"meeting": week.meeting.slug}).content.decode()
    panel = page.index('<details class="filter-panel">')
    assert page.index("<summary>Filters", panel) < page.index('class="session-card"')
    assert "<script" not in page and "style=" not in page


def test_filters_apply_can_leave_one_filter_out():
    """Counting a choice leaves its own filter out and keeps every other."""
    filters = SessionFilters(kind="panel", has_notes=True, query=QueryDict())
    kinds = filters.apply(Session.objects.all(), without={"kind"})
    assert not kinds.filter(has_notes=False).exists()
    assert kinds.exclude(kind="panel").exists()


# The most queries the list may run, measured on ten times the shipped data.
LIST_QUERY_LIMITS = {
    "/sessions/": 15,
    "/sessions/?tag=femicide": 16,
    "/sessions/?tag=trafficking&tag=victim-centred-justice&sort=-date": 17,
    "/sessions/?speaker=lara-dimitrijevic&organisation=unodc&country=malta": 18,
    "/sessions/?meeting=ccpcj-31&kind=side-event&notes=yes&from=2022-05-17&to=2022-05-18": 16,
    "/sessions/?resolution=A/RES/70/176&page=1": 16,
}


@pytest.mark.parametrize(("url", "limit"), LIST_QUERY_LIMITS.items())
def test_the_list_and_its_counts_stay_constant_query(
    client, scaled_kb, django_assert_max_num_queries, url, limit
):
    """Guards against N+1 queries: every filter's counts and the parallel marks take a fixed
    number of queries with ten times the records."""
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
