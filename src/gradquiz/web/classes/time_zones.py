"""Time zones an instructor may enter a class window in; stored times are always UTC."""

import zoneinfo
from datetime import UTC, datetime, tzinfo
from functools import lru_cache

from gradquiz.errors import InvalidInput

DEFAULT = "UTC"
# IANA's regions for places; leaves out aliases such as US/Eastern, Etc/GMT+5 and SystemV.
_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """UTC, then every place's zone by name (from the system's or tzdata's database)."""
    places = (name for name in zoneinfo.available_timezones() if name.startswith(_REGIONS))
    return (DEFAULT, *sorted(places))


def zone(name: str) -> tzinfo:
    """The time zone called `name`; InvalidInput if it is not one of `zone_names()`."""
    if name == DEFAULT:
        return UTC
    if name not in zone_names():
        raise InvalidInput("Choose the time zone from the list.")
    return zoneinfo.ZoneInfo(name)


def wall_clock(moment: datetime, name: str) -> str:
    """`moment` as a form's date-and-time field shows it in the zone `name`."""
    return moment.astimezone(zone(name)).strftime("%Y-%m-%dT%H:%M")
