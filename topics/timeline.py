"""How a theme, a country or an organisation ran across meetings and years: the figures of a
small bar chart, drawn on the server as SVG (no script), and the same figures as a table.

A handful of meetings read best one bar each, oldest at the top; beyond that (a knowledge base
many times the size) bars per meeting would be too thin to read, so the chart counts sessions
per year instead, every year in the range shown, also those without a session.
"""

import datetime
import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Max, Min

# Up to this many meetings, one bar each; more, one bar per year.
MOST_MEETING_BARS = 10
# Geometry of the drawing, in SVG user units; it scales with the width of the page.
WIDTH = 640
LABEL_HEIGHT = 18  # a meeting's name above its bar
BAR_HEIGHT = 16
ROW_GAP = 12
AXIS_HEIGHT = 24
COLUMN_AREA_HEIGHT = 160
PLOT_LEFT = 8
PLOT_RIGHT = WIDTH - 48  # room for the count after the longest bar
LONGEST_LABEL = 70  # characters of a meeting's name shown on the chart (the table has it whole)


@dataclass
class Bar:
    label: str
    count: int
    url: str = ""
    # Drawing coordinates, filled in by the layout.
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    label_x: float = 0
    label_y: float = 0
    value_x: float = 0
    value_y: float = 0

    @property
    def short_label(self) -> str:
        if len(self.label) <= LONGEST_LABEL:
            return self.label
        return self.label[: LONGEST_LABEL - 1].rstrip() + "…"


@dataclass
class Tick:
    value: int
    position: float


@dataclass
class Timeline:
    per: str  # "meeting" or "year"
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    total: int

    @property
    def summary(self) -> str:
        """The chart in one sentence, for those who cannot see it."""
        parts = "; ".join(f"{bar.label}: {bar.count}" for bar in self.bars)
        return f"Sessions per {self.per}, oldest first. {parts}."

    @property
    def by_meeting(self) -> bool:
        return self.per == "meeting"


def timeline_of(sessions, *, among, url_for_meeting=None) -> Timeline | None:
    """The timeline of ``sessions`` against every meeting and year of the sessions ``among``
    (so a meeting where the theme did not come up shows as such), in at most five queries;
    None when there are no ``sessions``. ``url_for_meeting(slug)`` links each meeting's row in
    the table."""
    rows = _counts(sessions)
    if not rows:
        return None
    if len({slug for slug, *_ in rows}) <= MOST_MEETING_BARS:
        meetings_among = among.order_by().values("meeting").distinct()[: MOST_MEETING_BARS + 1]
        if len(meetings_among) <= MOST_MEETING_BARS:
            return _per_meeting(_meetings_counted(rows, among), url_for_meeting)
    # The years ``among`` spans, from the ends of an index: counting a million sessions per
    # meeting and day to find them would read every one.
    span = among.aggregate(first=Min("date"), last=Max("date"))
    return _per_year(rows, [date.year for date in span.values() if date])


def _meetings_counted(rows, among) -> dict[str, list]:
    """Each meeting of ``among``: its name, start, years, and the count of ``rows`` there."""
    counted = {(slug, year): count for slug, _name, _start, year, count in rows}
    rows = [
        (slug, name, start, year, counted.get((slug, year), 0))
        for slug, name, start, year, _count in _counts(among)
    ]
    meetings: dict[str, list] = {}
    for slug, name, start, year, count in rows:
        entry = meetings.setdefault(slug, [name, start, set(), 0])
        if year:
            entry[2].add(year)
        entry[3] += count
    return meetings


def _counts(sessions) -> list[tuple]:
    """(meeting slug, name, start date, year, number of sessions) of ``sessions``."""
    # Counted per meeting and day by their ids, the meetings' names then read for those counted
    # and the years taken here: grouping hundreds of thousands of sessions by name compares
    # strings, and SQLite would call a Python function on every session to extract its year.
    per_day = sessions.order_by().values_list("meeting", "date").annotate(count=Count("pk"))
    counts: Counter = Counter()
    for meeting_id, date, count in per_day:
        counts[meeting_id, date.year if date else None] += count
    if not counts:
        return []
    meeting_model = sessions.model._meta.get_field("meeting").related_model
    meetings = {
        pk: (slug, name, start)
        for pk, slug, name, start in meeting_model.objects.filter(
            pk__among={meeting_id for meeting_id, _year in counts}
        ).values_list("pk", "slug", "name", "start_date")
    }
    return [(*meetings[meeting_id], year, count) for (meeting_id, year), count in counts.items()]


def _year_of(start, years: set) -> int | None:
    return start.year if start else (min(years) if years else None)


def _per_meeting(meetings: dict, url_for_meeting) -> Timeline:
    def oldest_first(item):
        _slug, (name, start, years, _count) = item
        year = _year_of(start, years)
        return (year is None, year or 0, start or datetime.date.max, name)

    bars = []
    for slug, (name, start, years, count) in sorted(meetings.items(), key=oldest_first):
        year = _year_of(start, years)
        label = f"{year} · {name}" if year else name
        bars.append(Bar(label, count, url_for_meeting(slug) if url_for_meeting else ""))
    largest = max(bar.count for bar in bars)
    scale = (PLOT_RIGHT - PLOT_LEFT) / _axis_top(largest)
    row = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    for index, bar in enumerate(bars):
        top = index * row
        bar.label_x, bar.label_y = PLOT_LEFT, top + LABEL_HEIGHT - 5
        bar.x, bar.y = PLOT_LEFT, top + LABEL_HEIGHT
        bar.width, bar.height = bar.count * scale, BAR_HEIGHT
        bar.value_x, bar.value_y = bar.x + bar.width + 6, bar.y + BAR_HEIGHT - 3
    plot_height = len(bars) * row
    ticks = [
        Tick(value, PLOT_LEFT + value * scale)
        for value in range(0, _axis_top(largest) + 1, _step(largest))
    ]
    return Timeline("meeting", bars, ticks, WIDTH, plot_height + AXIS_HEIGHT, _total(bars))


def _per_year(rows, span: list[int]) -> Timeline:
    """One bar per year of ``rows``, every year from the first to the last of them and of
    ``span`` included."""
    counts: dict[int | None, int] = {}
    for _slug, _name, start, year, count in rows:
        year = year or (start.year if start else None)
        counts[year] = counts.get(year, 0) + count
    years = sorted([*(year for year in counts if year is not None), *span])
    labels = [str(year) for year in range(years[0], years[-1] + 1)] if years else []
    bars = [Bar(label, counts.get(int(label), 0)) for label in labels]
    if None in counts:
        bars.append(Bar("Undated", counts[None]))
    largest = max(bar.count for bar in bars)
    top = _axis_top(largest)
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(bars)
    column = min(slot * 0.7, 64)
    for index, bar in enumerate(bars):
        bar.height = bar.count / top * COLUMN_AREA_HEIGHT
        bar.width = column
        bar.x = PLOT_LEFT + index * slot + (slot - column) / 2
        bar.y = LABEL_HEIGHT + COLUMN_AREA_HEIGHT - bar.height
        bar.value_x, bar.value_y = bar.x + column / 2, bar.y - 4
        bar.label_x, bar.label_y = bar.x + column / 2, LABEL_HEIGHT + COLUMN_AREA_HEIGHT + 16
    ticks = [
        Tick(value, LABEL_HEIGHT + COLUMN_AREA_HEIGHT - value / top * COLUMN_AREA_HEIGHT)
        for value in range(0, top + 1, _step(largest))
    ]
    height = LABEL_HEIGHT + COLUMN_AREA_HEIGHT + AXIS_HEIGHT
    return Timeline("year", bars, ticks, WIDTH, height, _total(bars))


def _step(largest: int, most_ticks: int = 5) -> int:
    """A round step (1, 2, 5, 10, 20, 50…) giving at most ``most_ticks`` gridlines."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(largest / step) <= most_ticks:
                return step
        magnitude *= 10


def _axis_top(largest: int) -> int:
    step = _step(largest)
    return max(math.ceil(largest / step) * step, step)


def _total(bars: list[Bar]) -> int:
    return sum(bar.count for bar in bars)
