"""Sessions as iCalendar (RFC 5545) events, built with the icalendar library: a meeting's
programme, any filtered session list, one session.

A session with a date and a start time is an event on its meeting's clock (with the VTIMEZONE
that clock needs), or at a floating local time where the meeting's zone is not given; one with a
date but no time is an all-day event; one without a date is left out. Event UIDs come from the
session's database id and DTSTAMP is when the session last changed, so the same session gives
the same event in every download.
"""

import datetime
from collections.abc import Iterable

from icalendar import Calendar, Event

from .feeds import summary
from .listings import Site
from .models import Session

PRODUCT = "-//CCPCJ knowledge base//Sessions//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(session: Session, site: Site) -> str:
    return f"session-{session.pk}@{site.authority}"


def event_of(session: Session, site: Site) -> Event | None:
    if session.date is None:
        return None
    if session.starts_at is not None:
        start, end = session.starts_at, session.ends_at
    else:
        start, end = session.date, session.date + datetime.timedelta(days=1)
    permalink = site.absolute(session.get_absolute_url())
    return Event.new(
        uid=event_uid(session, site),
        stamp=session.updated_at,
        last_modified=session.updated_at,
        start=start,
        end=end,
        summary=session.title,
        description=f"{summary(session)}\n\n{permalink}",
        location=session.meeting.place or session.meeting.name,
        url=permalink,
        categories=tuple(tagging.tag.name for tagging in session.tagging_list),
    )


def calendar_of(sessions: Iterable[Session], *, title: str, url: str, site: Site) -> bytes:
    """The sessions (loaded ``for_syndication``) that have a date, as one calendar; ``url`` is
    where it is downloaded from, and identifies it."""
    events = [event for session in sessions if (event := event_of(session, site))]
    calendar = Calendar.new(
        name=title,
        prodid=PRODUCT,
        uid=url,
        url=url,
        source=url,
        subcomponents=events,
    )
    years = [event.start.year for event in events]
    if years:
        # Each zone's rules over the years the events fall in, no more: a short VTIMEZONE.
        calendar.add_missing_timezones(
            first_date=datetime.date(min(years), 1, 1),
            last_date=datetime.date(max(years) + 1, 1, 1),
        )
    return calendar.to_ical()
