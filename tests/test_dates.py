"""Calendar ages on numpy date arrays."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from clinical_data_generator._internal.dates import age_on, month_of, year_of


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), st.integers(0, 40_000))
def test_age_on_matches_calendar_birthdays(birth: dt.date, days: int) -> None:
    """age_on agrees with the calendar rule, Feb 29 birthdays and leap years included."""
    day = birth + dt.timedelta(days=days)
    expected = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    got = age_on(np.array([birth], dtype="datetime64[D]"), np.array([day], dtype="datetime64[D]"))
    assert int(got[0]) == expected


def test_age_on_outside_the_lookup_years_and_with_broadcasting() -> None:
    """Dates outside 1800-2299 take the slower path; a single day broadcasts over births."""
    births = np.array(["1700-02-28", "1996-02-29", "2000-03-01"], dtype="datetime64[D]")
    days = np.array(["1750-02-27", "2024-02-28", "2026-03-01"], dtype="datetime64[D]")
    assert age_on(births, days).tolist() == [49, 27, 26]
    on = np.datetime64("2025-03-01", "D")
    assert age_on(births[1:], on).tolist() == [29, 25]


def test_year_of_inside_and_outside_the_lookup_years() -> None:
    days = np.array(["1799-12-31", "1800-01-01", "2024-12-31", "2299-12-31"], dtype="datetime64[D]")
    assert year_of(days).tolist() == [1799, 1800, 2024, 2299]
    assert year_of(days[1:]).tolist() == [1800, 2024, 2299]
    assert year_of(days[:0]).tolist() == []


def test_month_of_matches_numpy_inside_and_outside_the_lookup_years() -> None:
    days = np.array(["1799-12-31", "1800-01-01", "2024-02-29", "2299-12-31"], dtype="datetime64[D]")
    every = np.arange(np.datetime64("1899-12-01"), np.datetime64("2101-02-01"))
    for sample in (days, days[1:], every, days[:0]):
        assert np.array_equal(month_of(sample), sample.astype("datetime64[M]"))
