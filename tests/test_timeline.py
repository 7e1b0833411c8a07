"""Theme, country and organisation pages chart how their sessions ran across meetings and
years (SVG drawn on the server, with the figures as a table), then list the sessions grouped
by meeting, newest meeting first."""

import re

import pytest

from sessions.models import Session
from tests.factories import multiply_knowledge_base
from topics.models import Country, Organisation, Tag
from topics.timeline import MOST_MEETING_BARS, timeline_of

pytestmark = pytest.mark.django_db


def table_rows(page: str) -> list[tuple[str, str]]:
    table = re.search(r'<details class="timeline-table">.*?</details>', page, re.S)[0]
    return [
        (re.sub(r"<[^>]+>", "", label), count)
        for label, count in re.findall(
            r'<tr><th scope="row">(.*?)</th><td class="number">(\d+)</td></tr>', table
        )
    ]


def test_femicide_runs_across_the_shipped_meetings_oldest_first(client):
    """Every meeting holding sessions is a row, those without femicide at zero, so the
    chart shows where the theme came up and where it did not."""
    page = client.get("/themes/femicide/").content.decode()
    assert '<svg class="timeline-chart"' in page
    rows = table_rows(page)
    assert [label[:4] for label, _count in rows] == sorted(label[:4] for label, _ in rows)
    assert (
        "2022 · 31st session of the Commission on Crime Prevention and Criminal Justice",
        "2",
    ) in rows
    assert sum(int(count) for _label, count in rows) == 2
    assert page.count('class="timeline-bar"') == 1


def test_sessions_are_grouped_by_meeting_newest_first(client):
    page = client.get("/themes/trafficking/").content.decode()
    groups = re.findall(
        r'<section class="meeting-group" aria-labelledby="theme-meeting-([^"]+)"', page
    )
    assert len(groups) == len(set(groups)) > 1
    assert groups[0] == "constructive-dialogue-trafficking-in-persons-2"


@pytest.mark.parametrize(
    "address",
    ["/themes/femicide/", "/countries/malta/", "/organisations/unodc/"],
)
def test_country_and_organisation_pages_have_the_timeline_too(client, address):
    page = client.get(address).content.decode()
    assert '<div class="timeline">' in page
    assert table_rows(page)


def test_with_twenty_times_the_data_the_chart_counts_per_year(
    client, django_assert_max_num_queries
):
    """Hundreds of meetings would make bars too thin to read: the chart then has one column
    per year, every year in the range, and the page stays constant-query."""
    multiply_knowledge_base(20)  # in bulk: the search index, not needed here, stays as it is
    tag = Tag.objects.get(slug="femicide")
    timeline = timeline_of(Session.objects.tagged_with_all([tag]), among=Session.objects.all())
    assert timeline.per == "year"
    years = [int(bar.label) for bar in timeline.bars]
    assert years == list(range(years[0], years[-1] + 1)) and 2022 in years
    assert timeline.total == 2 * 20
    for address, limit in [
        ("/themes/femicide/", 14),
        (Country.objects.get(slug="malta").get_absolute_url(), 24),
        # One more: whether the knowledge base has few meetings (one bar each) or many.
        (Organisation.objects.get(slug="unodc").get_absolute_url(), 26),
    ]:
        with django_assert_max_num_queries(limit):
            page = client.get(address).content.decode()
        assert len(re.findall(r'class="timeline-bar"', page)) <= 4
    assert Session.objects.values("meeting").distinct().count() > MOST_MEETING_BARS


def test_meetings_known_only_by_their_sessions_dates_take_their_place():
    """A meeting without dates of its own sits at the year of its sessions, among the
    others."""
    from tests.factories import make_meeting, make_session, make_theme

    theme = make_theme(name="Test theme: courts")
    undated = make_meeting(name="Test meeting without dates")
    dated = make_meeting(name="Test meeting of 2022", start_date="2022-03-01")
    make_session(
        meeting=undated, title="Undated meeting's session", date="2022-06-01", tags=[theme]
    )
    make_session(meeting=dated, title="Dated meeting's session", date="2022-03-01", tags=[theme])
    tagged = Session.objects.tagged_with_all([theme])
    timeline = timeline_of(tagged, among=tagged)
    assert [bar.label for bar in timeline.bars] == [
        "2022 · Test meeting of 2022",
        "2022 · Test meeting without dates",
    ]
