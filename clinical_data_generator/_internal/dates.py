"""Calendar arithmetic on numpy date arrays."""

from __future__ import annotations

import numpy as np


def age_on(birth: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whole years of age on ``day`` for people born on ``birth`` (calendar birthdays).

    Someone born on Feb 29 turns a year older on Mar 1 in common years, as with
    ``day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))``.
    """
    birth_month = birth.astype("datetime64[M]")
    day_month = day.astype("datetime64[M]")
    months = (day_month - birth_month).astype(np.int64)
    day_of_month = (day - day_month.astype("datetime64[D]")).astype(np.int64)
    birth_day_of_month = (birth - birth_month.astype("datetime64[D]")).astype(np.int64)
    months -= day_of_month < birth_day_of_month
    return months // 12
