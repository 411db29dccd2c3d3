"""Calendar arithmetic on numpy date arrays."""

from __future__ import annotations

import functools

import numpy as np

_FIRST_DAY = np.datetime64("1800-01-01", "D")
_LAST_DAY = np.datetime64("2299-12-31", "D")


def age_on(birth: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whole years of age on ``day`` for people born on ``birth`` (calendar birthdays).

    Someone born on Feb 29 turns a year older on Mar 1 in common years, as with
    ``day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))``.
    """
    birth = np.asarray(birth, dtype="datetime64[D]")
    day = np.asarray(day, dtype="datetime64[D]")
    if birth.size and day.size and _in_table(birth) and _in_table(day):
        year, month_day = _calendar()
        b = (birth - _FIRST_DAY).astype(np.int64)
        d = (day - _FIRST_DAY).astype(np.int64)
        later = month_day[d] < month_day[b]
        return (year[d].astype(np.int64) - year[b]) - later
    return _age_on_months(birth, day)


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each date (int64)."""
    days = np.asarray(days, dtype="datetime64[D]")
    if days.size and _in_table(days):
        return _calendar()[0][(days - _FIRST_DAY).astype(np.int64)].astype(np.int64)
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month of each date, as ``datetime64[M]``."""
    days = np.asarray(days, dtype="datetime64[D]")
    if days.size and _in_table(days):
        year, month_day = _calendar()
        at = (days - _FIRST_DAY).astype(np.int64)
        months = (year[at].astype(np.int64) - 1970) * 12 + month_day[at] // 32 - 1
        return months.astype("datetime64[M]")
    return days.astype("datetime64[M]")


def _in_table(days: np.ndarray) -> bool:
    return bool(days.min() >= _FIRST_DAY) and bool(days.max() <= _LAST_DAY)


@functools.cache
def _calendar() -> tuple[np.ndarray, np.ndarray]:
    """Per day from 1800 to 2299: the year, and month * 32 + day of month."""
    days = np.arange(_FIRST_DAY, _LAST_DAY + 1)
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year.astype(np.int16), (month * 32 + day_of_month).astype(np.int16)


def _age_on_months(birth: np.ndarray, day: np.ndarray) -> np.ndarray:
    birth_month = birth.astype("datetime64[M]")
    day_month = day.astype("datetime64[M]")
    months = (day_month - birth_month).astype(np.int64)
    day_of_month = (day - day_month.astype("datetime64[D]")).astype(np.int64)
    birth_day_of_month = (birth - birth_month.astype("datetime64[D]")).astype(np.int64)
    months -= day_of_month < birth_day_of_month
    return months // 12
