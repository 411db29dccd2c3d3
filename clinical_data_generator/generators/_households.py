"""Household structure of one block: who lives with whom, their ages and lines of business."""

from __future__ import annotations

import attrs
import numpy as np

from .._internal import refdata
from ._lookup import COMMERCIAL, INDIVIDUAL, MEDICAID, MEDICARE

# Adult (18+) age distribution by band, US Census 2020 (share of adults, percent).
_ADULT_BANDS = ((18, 24, 11.9), (25, 34, 17.6), (35, 44, 16.6), (45, 54, 15.6), (55, 64, 16.4),
                (65, 74, 15.5), (75, 84, 8.5), (85, 105, 3.2))  # fmt: skip

# Line of business of the subscriber by age: commercial, individual, medicare, medicaid.
_LOB_UNDER_65 = np.array([0.66, 0.10, 0.0, 0.24])
_LOB_65_PLUS = np.array([0.12, 0.0, 0.88, 0.0])
_LOB_CHILD_ONLY = np.array([0.2, 0.1, 0.0, 0.7])  # child-only policies: mostly Medicaid/CHIP
_ANY = np.ones(4)
_NOT_MEDICARE = np.array([1.0, 1.0, 0.0, 1.0])

# Chance of a covered spouse and of covered children by subscriber age band (18-24, 25-34, ...).
_SPOUSE = np.array([0.10, 0.40, 0.55, 0.58, 0.55, 0.50, 0.45, 0.35])
_CHILDREN = np.array([0.12, 0.42, 0.55, 0.38, 0.10, 0.01, 0.0, 0.0])
_CHILD_COUNT = refdata.cumulative(np.array([42.0, 38.0, 14.0, 6.0]))  # 1..4 children

ROLE_SUBSCRIBER, ROLE_SPOUSE, ROLE_CHILD = 0, 1, 2


@attrs.frozen
class AgeRange:
    """Inclusive age limits for every member (cohorts by age band)."""

    low: int = 0
    high: int = 105
    # Relative weight per age 0..105 multiplying the population age structure (condition
    # cohorts: how common the condition is at each age), or None.
    weight: tuple[float, ...] | None = None


@attrs.frozen
class Households:
    """Member-level arrays of a block, in household order (subscriber, spouse, children)."""

    household: np.ndarray  # household index within the block, per member
    role: np.ndarray
    age: np.ndarray
    lob: np.ndarray  # per household
    start: np.ndarray  # first member row of each household
    size: np.ndarray  # members per household (after trimming to the block size)

    @property
    def count(self) -> int:
        return int(self.start.size)


def _adult_ages(
    rng: np.random.Generator, n: int, low: int, high: int, weight: tuple[float, ...] | None
) -> np.ndarray:
    ages = np.arange(18, 106)
    weights = np.zeros(ages.size)
    for lo, hi, share in _ADULT_BANDS:
        band = (ages >= lo) & (ages <= hi)
        weights[band] = share / band.sum()
    if weight is not None:
        weights *= np.asarray(weight)[ages]
    weights[(ages < low) | (ages > high)] = 0.0  # callers guarantee 18 <= low <= high <= 105
    return ages[refdata.sample(rng, refdata.cumulative(weights), n)]


@attrs.frozen
class _Drawn:
    """Household-level draws before trimming to the block size."""

    sub_age: np.ndarray
    lob: np.ndarray
    has_spouse: np.ndarray
    child_high: np.ndarray
    size: np.ndarray

    @staticmethod
    def concat(parts: list[_Drawn]) -> _Drawn:
        if len(parts) == 1:
            return parts[0]
        fields = attrs.fields(_Drawn)
        return _Drawn(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields))


def _draw(
    rng: np.random.Generator, h: int, ages: AgeRange, lob_allowed: np.ndarray, dependents: bool
) -> _Drawn:
    child_only = ages.high < 18
    if child_only:
        # Child-only policies (e.g. CHIP): the child is the subscriber.
        if ages.weight is None:
            sub_age = rng.integers(ages.low, ages.high + 1, h)
        else:
            span = np.arange(ages.low, ages.high + 1)
            cum = refdata.cumulative(np.asarray(ages.weight)[span])
            sub_age = span[refdata.sample(rng, cum, h)]
    else:
        low = max(ages.low, 18)
        if not lob_allowed[[COMMERCIAL, INDIVIDUAL, MEDICAID]].any() and ages.high >= 65:
            low = max(low, 65)  # Medicare only: 65+ (under-65 cohorts get disability Medicare)
        sub_age = _adult_ages(rng, h, low, ages.high, ages.weight)
    lob = _lines_of_business(rng, sub_age, lob_allowed, child_only)

    band = np.clip(np.searchsorted([25, 35, 45, 55, 65, 75, 85], sub_age, side="right"), 0, 7)
    can_have = dependents & (lob != MEDICARE) & ~child_only
    spouse_ok = can_have & (ages.high >= 18)
    has_spouse = spouse_ok & (rng.random(h) < _SPOUSE[band])
    max_child = np.where(lob == MEDICAID, 18, 25)
    child_high = np.minimum(np.minimum(max_child, sub_age - 16), ages.high)
    has_children = can_have & (child_high >= max(ages.low, 0)) & (rng.random(h) < _CHILDREN[band])
    n_children = np.where(has_children, 1 + refdata.sample(rng, _CHILD_COUNT, h), 0)
    size = 1 + has_spouse.astype(np.int64) + n_children
    return _Drawn(sub_age, lob, has_spouse, child_high, size)


def build(
    rng: np.random.Generator,
    n: int,
    *,
    ages: AgeRange,
    lob_allowed: np.ndarray,
    dependents: bool,
) -> Households:
    """Draw households until they hold exactly ``n`` members (the last one may be trimmed)."""
    # Households average about 1.8 members: two thirds of n households nearly always suffice,
    # and more are drawn from the same stream in the rare case they do not.
    parts = [_draw(rng, n * 2 // 3 + 64, ages, lob_allowed, dependents)]
    while sum(int(p.size.sum()) for p in parts) < n:
        parts.append(_draw(rng, n, ages, lob_allowed, dependents))
    drawn = _Drawn.concat(parts)
    sub_age, lob, has_spouse, child_high, size = (
        drawn.sub_age, drawn.lob, drawn.has_spouse, drawn.child_high, drawn.size,
    )  # fmt: skip
    child_low = max(ages.low, 0)

    total = np.cumsum(size)
    k = int(np.searchsorted(total, n)) + 1  # households needed to reach n members
    size = size[:k].copy()
    size[-1] -= int(total[k - 1] - n)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    household = np.repeat(np.arange(k), size)
    position = np.arange(n) - start[household]
    spouse = has_spouse[:k][household]
    role = np.where(
        position == 0, ROLE_SUBSCRIBER, np.where(spouse & (position == 1), ROLE_SPOUSE, ROLE_CHILD)
    )

    age = sub_age[:k][household].astype(np.int64)
    spouse_rows = role == ROLE_SPOUSE
    spouse_age = age[spouse_rows] + np.round(rng.normal(-1.5, 4.0, int(spouse_rows.sum()))).astype(
        np.int64
    )
    age[spouse_rows] = np.clip(spouse_age, max(ages.low, 18), max(ages.high, 18))
    child_rows = role == ROLE_CHILD
    hi = child_high[:k][household][child_rows]
    age[child_rows] = child_low + np.floor(
        rng.random(int(child_rows.sum())) * (hi - child_low + 1)
    ).astype(np.int64)
    return Households(household=household, role=role, age=age, lob=lob[:k], start=start, size=size)


def _lines_of_business(
    rng: np.random.Generator, sub_age: np.ndarray, allowed: np.ndarray, child_only: bool
) -> np.ndarray:
    """Line of business per household: the usual mix for the age, limited to ``allowed``.

    An age whose usual lines are all excluded takes the allowed lines it is eligible for
    (Medicare needs 65+), and failing that any allowed line (e.g. disability Medicare).
    """
    u = rng.random(sub_age.size)
    out = np.empty(sub_age.size, dtype=np.int64)
    senior = sub_age >= 65
    usual_young = _LOB_CHILD_ONLY if child_only else _LOB_UNDER_65
    for rows, usual, eligible in (
        (senior, _LOB_65_PLUS, _ANY),
        (~senior, usual_young, _NOT_MEDICARE),
    ):
        weights = usual * allowed
        if weights.sum() == 0:
            weights = eligible * allowed
        if weights.sum() == 0:
            weights = allowed.astype(np.float64)
        out[rows] = refdata.sample_with(refdata.cumulative(weights), u[rows])
    return out
