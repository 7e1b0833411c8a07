"""Where a meeting was held sets the clock its programme is written in: a meeting's time zone is
an IANA name (Europe/Vienna), and its sessions' dates and times are local to it."""

import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError

# Names in the database that say where no place is: this machine's own zone, and a placeholder.
NOT_A_PLACE = {"localtime", "Factory"}


@cache
def known_time_zones() -> frozenset[str]:
    """Every IANA time zone name the zone database holds (read once: it scans the database)."""
    return frozenset(available_timezones() - NOT_A_PLACE)


def validate_time_zone(name: str) -> None:
    if name and name not in known_time_zones():
        raise ValidationError(
            "“%(name)s” is not a time zone: give its IANA name, such as Europe/Vienna or "
            "Asia/Tokyo.",
            code="unknown_time_zone",
            params={"name": name},
        )


def zone_of(name: str) -> ZoneInfo | None:
    """The zone called ``name``, or None when none is given or the database does not know it."""
    if not name or name not in known_time_zones():
        return None
    return ZoneInfo(name)


def place_of(name: str) -> str:
    """The place a zone is named after: "Vienna" for Europe/Vienna, "Buenos Aires" for
    America/Argentina/Buenos_Aires; names without a place (UTC) as they are."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


def utc_offset(moment: datetime.datetime) -> str:
    """The offset of an aware ``moment`` as people write it: "UTC+2", "UTC+5:30", "UTC-3"."""
    minutes = round(moment.utcoffset().total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
