"""A meeting's programme: its days, the time slots sessions share when they run in parallel, and
a session's neighbours. Plain functions over sessions already loaded, so pages decide what to
query and these rules are tested without a database round trip per session."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from typing import NamedTuple

from .models import Session


def overlaps(first: Session, second: Session) -> bool:
    """Two sessions of one day whose times overlap; a session without an end time lasts an
    instant, and sessions starting at the same time always overlap."""
    if not (first.start_time and second.start_time):
        return False
    if first.start_time == second.start_time:
        return True
    first_end = first.end_time or first.start_time
    second_end = second.end_time or second.start_time
    return first.start_time < second_end and second.start_time < first_end


def runs_parallel(first: Session, second: Session) -> bool:
    """Two different sessions of the same meeting held at the same time on the same day."""
    return (
        first.pk != second.pk
        and first.meeting_id == second.meeting_id
        and first.date is not None
        and first.date == second.date
        and overlaps(first, second)
    )


class Day(NamedTuple):
    """One day of a programme (``date`` is None for sessions whose date is not given) and its
    time slots; a slot of more than one session holds parallel sessions."""

    date: datetime.date | None
    slots: list[list[Session]]

    @property
    def anchor(self) -> str:
        """The day's fragment identifier: ``2022-05-17``, or ``date-not-given``."""
        return self.date.isoformat() if self.date else "date-not-given"


def programme_days(sessions: list[Session]) -> list[Day]:
    """Sessions in programme order grouped by day, then into time slots: sessions that overlap
    share a slot and are marked ``is_parallel``."""
    days = []
    for date, group in groupby(sessions, key=lambda session: session.date):
        slots: list[list[Session]] = []
        for session in group:
            if date and slots and any(overlaps(session, other) for other in slots[-1]):
                slots[-1].append(session)
            else:
                slots.append([session])
        for slot in slots:
            for session in slot:
                session.is_parallel = len(slot) > 1
        days.append(Day(date, slots))
    return days


def mark_parallel(sessions: list[Session], others: list[Session]) -> None:
    """Set ``is_parallel`` on each of ``sessions``: whether one of ``others`` (typically every
    session sharing a meeting and a day with them) runs at the same time."""
    for session in sessions:
        session.is_parallel = any(runs_parallel(session, other) for other in others)


@dataclass
class Neighbours:
    """Where a session sits in its meeting's programme."""

    previous: Session | None = None
    next: Session | None = None
    parallel: list[Session] = field(default_factory=list)


def neighbours(session: Session, programme: list[Session]) -> Neighbours:
    """The sessions before and after ``session`` in ``programme`` (its meeting's sessions in
    programme order), and those held at the same time."""
    position = next(i for i, other in enumerate(programme) if other.pk == session.pk)
    return Neighbours(
        previous=programme[position - 1] if position > 0 else None,
        next=programme[position + 1] if position + 1 < len(programme) else None,
        parallel=[other for other in programme if runs_parallel(session, other)],
    )
