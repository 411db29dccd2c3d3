"""Local clock times (the lab tables' timestamps) as FHIR dateTimes with a UTC offset.

FHIR requires a time zone whenever a dateTime has a time. The tables record local clock times,
so the offset is the member's state's main time zone with US daylight saving time (since 2007:
from 02:00 on the second Sunday of March to 02:00 on the first Sunday of November; Arizona,
Hawaii and the territories do not observe it).
"""

from __future__ import annotations

import datetime as dt
import functools

__all__ = ["local_datetime"]

# Standard offset (hours) of each state's most populous time zone.
_EASTERN = "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV"
_CENTRAL = "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI"
_MOUNTAIN = "AZ CO ID MT NM UT WY"
_PACIFIC = "CA NV OR WA"
_OFFSET = {
    **dict.fromkeys(_EASTERN.split(), -5),
    **dict.fromkeys(_CENTRAL.split(), -6),
    **dict.fromkeys(_MOUNTAIN.split(), -7),
    **dict.fromkeys(_PACIFIC.split(), -8),
    "AK": -9,
    "HI": -10,
    "PR": -4,
    "VI": -4,
    "GU": 10,
}
_NO_DST = frozenset({"AZ", "HI", "PR", "VI", "GU"})


@functools.cache
def _dst_bounds(year: int) -> tuple[str, str]:
    """Local start and end of daylight saving time in ``year`` as sortable strings."""
    march = dt.date(year, 3, 1)
    second_sunday = 1 + (6 - march.weekday()) % 7 + 7
    november = dt.date(year, 11, 1)
    first_sunday = 1 + (6 - november.weekday()) % 7
    return f"{year}-03-{second_sunday:02d}T02:00:00", f"{year}-11-{first_sunday:02d}T02:00:00"


@functools.lru_cache(maxsize=65_536)
def local_datetime(timestamp: str, state: str | None) -> str:
    """``YYYY-MM-DD HH:MM:SS`` local time in ``state`` as ``YYYY-MM-DDTHH:MM:SS±hh:mm``."""
    text = timestamp.replace(" ", "T")
    if state not in _OFFSET:
        return text + "Z"  # unknown place: treat the clock time as UTC
    offset = _OFFSET[state]
    if state not in _NO_DST:
        start, end = _dst_bounds(int(text[:4]))
        if start <= text < end:
            offset += 1
    sign = "-" if offset < 0 else "+"
    return f"{text}{sign}{abs(offset):02d}:00"
