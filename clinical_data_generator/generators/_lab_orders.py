"""Which panels are ordered at which encounters (``lab_orders.csv``), COVID-19 tests included.

Every encounter gets a key (class, age band, reason class, combination of diagnosed
conditions) into the rule table of :func:`_lab_data.orders`. Panels other than COVID-19 tests
are drawn independently with their chances, except at lab-only visits, which order at least
one panel: there the draw is conditioned on "at least one" (sequentially: panel *k* is taken
with ``p_k / P(some panel from k on)`` until one is). COVID-19 tests have their own chances,
scaled by the season and by the era of COVID-19 testing.
"""

from __future__ import annotations

import functools

import attrs
import numpy as np

from . import _lab_data

_DAYS_PER_YEAR = 365.2425
# COVID-19 testing volume relative to the 2020-22 peak, by calendar year: none before March
# 2020, falling after the public-health emergency ended in May 2023 (CDC COVID Data Tracker,
# test volumes; rounded). Later years keep the last figure.
_COVID_ERA = {2020: 1.0, 2021: 1.0, 2022: 0.85, 2023: 0.5, 2024: 0.3}
_COVID_START = np.datetime64("2020-03-01", "D").astype(np.int64)
# Respiratory-season profile by month (January first): winter peaks and a late-summer wave.
_SEASON = np.array([1.0, 0.9, 0.8, 0.55, 0.45, 0.45, 0.65, 0.75, 0.65, 0.7, 0.85, 1.0])


@attrs.frozen
class Visits:
    """Per-encounter arrays the lab generator works from (encounter rows, in table order)."""

    member: np.ndarray  # position of the member in the block
    cls: np.ndarray  # index into LabOrders.classes
    day: np.ndarray  # start date, days since 1970
    end: np.ndarray  # end date, days since 1970
    reason: np.ndarray  # reason class, index into LabOrders.reasons (or 'other')
    age_days: np.ndarray  # member's age on ``day``, in days
    combo: np.ndarray  # bit c: diagnosed with LabOrders.conditions[c] by ``day``


@attrs.frozen
class _Chances:
    """The rule table split for drawing: the chance of any non-COVID panel, then each."""

    any_panel: np.ndarray  # (keys,)
    panels: np.ndarray  # (keys, non-COVID panels)
    covid: np.ndarray  # (keys, COVID panels)
    any_covid: np.ndarray  # (keys,) whether a COVID-19 test is possible at all
    regular: np.ndarray  # panel indices of ``panels`` columns
    covid_panels: np.ndarray  # panel indices of ``covid`` columns


@functools.lru_cache(maxsize=8)
def _chances(scale: float) -> _Chances:
    orders = _lab_data.orders()
    keys = _lab_data.panels().keys
    covid = np.array([i for i, k in enumerate(keys) if k.startswith("COVID")], dtype=np.int64)
    regular = np.array([i for i in range(len(keys)) if i not in covid], dtype=np.int64)
    table = orders.table.reshape(-1, len(keys))
    p = np.minimum(table[:, regular] * scale, 1.0)
    any_panel = 1.0 - np.prod(1.0 - p, axis=1)
    covid_chance = table[:, covid]
    return _Chances(any_panel, p, covid_chance, covid_chance.max(axis=1) > 0, regular, covid)


def keys(visits: Visits) -> np.ndarray:
    """Row of the rule table for each encounter."""
    orders = _lab_data.orders()
    edges = np.rint(orders.age_edges * _DAYS_PER_YEAR).astype(np.int64)
    band = np.searchsorted(edges, visits.age_days, side="right") - 1
    combos = 2**orders.conditions.size
    key = (visits.cls * edges.size + band) * (len(orders.reasons) + 1) + visits.reason
    return key * combos + visits.combo


def covid_factor(day: np.ndarray) -> np.ndarray:
    """Season x era multiplier of COVID-19 testing on each day (0 before March 2020)."""
    month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    year = month // 12 + 1970
    era = np.array([_COVID_ERA.get(y, 0.0) for y in range(2020, 2025)])
    factor = (
        np.where(year >= 2020, era[np.clip(year - 2020, 0, era.size - 1)], 0.0)
        * _SEASON[month % 12]
    )
    return np.where(day >= _COVID_START, factor, 0.0)


def order(
    rng: np.random.Generator, visits: Visits, *, panel_scale: float, covid_scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(encounter row, panel)`` of every ordered panel, by encounter then panel order."""
    chances = _chances(panel_scale)
    key = keys(visits)
    n_panels = chances.regular.size + chances.covid_panels.size

    # Regular panels: decide "any" first, then which ones given that.
    chosen = np.flatnonzero(rng.random(key.size) < chances.any_panel[key])
    p = chances.panels[key[chosen]]
    survive = np.cumprod((1.0 - p)[:, ::-1], axis=1)[:, ::-1]  # P(none from k on)
    some_from = 1.0 - survive
    none_yet = np.ones(chosen.size, dtype=bool)
    taken = np.zeros(p.shape, dtype=bool)
    draws = rng.random(p.shape)
    for k in range(p.shape[1]):
        given = np.divide(p[:, k], some_from[:, k], out=np.zeros(chosen.size), where=none_yet)
        taken[:, k] = draws[:, k] < np.where(none_yet & (some_from[:, k] > 0), given, p[:, k])
        none_yet &= ~taken[:, k]

    # COVID-19 tests: independent chances scaled by season and era.
    candidates = np.flatnonzero(chances.any_covid[key])
    day = visits.day[candidates]
    first = int(day.min(initial=0))
    per_day = covid_factor(np.arange(first, int(day.max(initial=0)) + 1)) * covid_scale
    factor = per_day[day - first]
    chance = np.minimum(chances.covid[key[candidates]] * factor[:, None], 1.0)
    covid_taken = rng.random(chance.shape) < chance
    tested = candidates[covid_taken.any(axis=1)]

    mark = np.zeros(key.size, dtype=bool)
    mark[chosen] = True
    mark[tested] = True
    rows = np.flatnonzero(mark)
    matrix = np.zeros((rows.size, n_panels), dtype=bool)
    matrix[np.ix_(np.searchsorted(rows, chosen), chances.regular)] = taken
    covid_rows = covid_taken.any(axis=1)
    matrix[np.ix_(np.searchsorted(rows, tested), chances.covid_panels)] = covid_taken[covid_rows]
    row, panel = np.nonzero(matrix)
    return rows[row], panel
