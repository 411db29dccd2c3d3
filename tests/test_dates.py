"""Calendar ages on numpy date arrays."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from clinical_data_generator._internal.dates import age_on


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), st.integers(0, 40_000))
def test_age_on_matches_calendar_birthdays(birth: dt.date, days: int) -> None:
    """age_on agrees with the calendar rule, Feb 29 birthdays and leap years included."""
    day = birth + dt.timedelta(days=days)
    expected = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    got = age_on(np.array([birth], dtype="datetime64[D]"), np.array([day], dtype="datetime64[D]"))
    assert int(got[0]) == expected
