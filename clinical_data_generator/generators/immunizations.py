"""Immunizations: the CDC schedule by age, yearly influenza and COVID-19, boosters, late doses."""

from __future__ import annotations

import datetime as dt
import functools

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, refdata, validation
from .._internal.rng import seeded_bijection, stream
from ..models import arrow_schema
from ..models.immunization import Immunization
from ._context import BlockContext
from .members import MemberBlock

__all__ = ["ImmunizationGenerator"]

_DAYS_PER_YEAR = 365.2425
# Uptake per vaccine group as (from age in years, probability) steps, applied at the age the
# dose is due. CDC coverage, rounded: NIS-Child 2021-22 births (DTaP, polio, HepB, Hib, PCV,
# MMR, varicella about 90%; HepA 85%; rotavirus 75%), NIS-Teen 2023 (Tdap 89%, MenACWY 88%,
# HPV up to date 63%), FluVaxView 2023-24 (children 55%, adults 45%, 65+ 70%), COVID-19
# 2023-24 (children 13%, adults 20%, 65+ 40%), NHIS 2022 (zoster 35% at 50+, Td/Tdap in the
# last ten years 60% of adults) and pneumococcal 65% (NHIS, adults 65+).
_UPTAKE: dict[str, tuple[tuple[int, float], ...]] = {
    "COVID-19": ((0, 0.13), (18, 0.20), (65, 0.40)),
    "DTaP": ((0, 0.90),),
    "HPV": ((0, 0.63),),
    "HepA": ((0, 0.85),),
    "HepB": ((0, 0.90),),
    "Hib": ((0, 0.90),),
    "Influenza": ((0, 0.55), (18, 0.45), (65, 0.70)),
    "MMR": ((0, 0.90),),
    "MenACWY": ((0, 0.88),),
    "Pneumococcal": ((0, 0.90), (18, 0.65)),
    "Polio": ((0, 0.92),),
    "Rotavirus": ((0, 0.75),),
    "Td/Tdap": ((0, 0.89), (18, 0.60)),
    "Varicella": ((0, 0.90),),
    "Zoster": ((0, 0.35),),
}
_DEFAULT_UPTAKE = ((0, 0.5),)  # a group added to the schedule before it gets a figure above
# Seasonal doses (repeating yearly) fall in September-December, most by the end of October
# (FluVaxView weekly cumulative coverage); COVID-19 seasons start with the 2021-22 campaign.
_SEASON_MONTHS = ((30, 0.35), (31, 0.40), (30, 0.17), (31, 0.08))  # (days, share) Sep-Dec
_SEASON_QUANTILES = 4096
_FIRST_SEASON = {"COVID-19": 2021}
_HABIT = 0.8  # chance a member follows their own propensity in a season (else a fresh draw)
_LATE_MEDIAN_DAYS = 75.0  # lognormal delay of late members, clipped to 1-12 months
_LATE_SIGMA = 0.6
_JITTER_DAYS = 14  # on-time doses are given up to two weeks after the recommended age
_LATEST_SHIFT = 365 + _JITTER_DAYS  # the most a dose can fall after its recommended age
_ADULT_DAYS = 6575  # 18 years: paediatric practitioner before, adult one from then
_THIGH_DAYS = 1096  # CDC best practices: thigh before age 3, deltoid (arm) from 3
_SITES = ("LA", "RA", "LT", "RT")
_LOTS_PER_MONTH = 4  # lots of one vaccine in use nationwide in a month
_LOT_CODES = 26 * 26 * 10_000
_MONTHS = 12 * 201  # months from 1900 to 2100, the range of any date of service
_MRN_MODULUS = 10**8


def _steps(group: str) -> tuple[np.ndarray, np.ndarray]:
    steps = _UPTAKE.get(group, _DEFAULT_UPTAKE)
    ages = np.rint(np.array([a for a, _ in steps]) * _DAYS_PER_YEAR).astype(np.int64)
    return ages, np.array([p for _, p in steps], dtype=np.float64)


@functools.cache
def _season_days() -> np.ndarray:
    """Day of the season (0 = 1 September) at evenly spaced quantiles: a one-lookup sampler."""
    weights = np.concatenate([np.full(days, share / days) for days, share in _SEASON_MONTHS])
    quantiles = (np.arange(_SEASON_QUANTILES) + 0.5) / _SEASON_QUANTILES
    return refdata.sample_with(refdata.cumulative(weights), quantiles)


def _takes_up(
    steps: tuple[np.ndarray, np.ndarray], draw: np.ndarray, age: np.ndarray, scale: float
) -> np.ndarray:
    """Whether a uniform ``draw`` falls under the uptake at ``age`` days (none before birth)."""
    ages, probability = steps
    if ages.size == 1:
        return (draw < probability[0] * scale) & (age >= ages[0])
    index = np.searchsorted(ages, age, side="right") - 1
    return draw < np.where(index >= 0, probability[np.maximum(index, 0)] * scale, 0.0)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _days(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


@attrs.frozen
class _Draws:
    """What a block's doses are built from: members, the window and the per-member draws."""

    birth: np.ndarray  # days since 1970
    female: np.ndarray
    start: int  # first day of the history window
    as_of: int
    propensity: np.ndarray  # (groups, members): uptake draw, once per member and group
    late: np.ndarray  # (groups, members): the group's doses are late
    delay: np.ndarray  # per member: days late, when late
    jitter: np.ndarray  # (visits, members): days after the recommended age
    visit: np.ndarray  # per schedule row: its visit (row of ``jitter``)
    scale: float


@attrs.frozen
class _Doses:
    """Doses collected from the schedule loops: member row, schedule row, day, dose number."""

    member: list[np.ndarray] = attrs.field(factory=list)
    row: list[np.ndarray] = attrs.field(factory=list)
    day: list[np.ndarray] = attrs.field(factory=list)
    dose: list[np.ndarray] = attrs.field(factory=list)

    def add(self, member: np.ndarray, row: np.ndarray | int, day: np.ndarray, dose: int) -> None:
        self.member.append(member)
        self.row.append(np.broadcast_to(np.asarray(row, dtype=np.int64), member.shape))
        self.day.append(day)
        self.dose.append(np.full(member.size, dose, dtype=np.int64))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The doses, member-major and by date (ties in schedule order)."""
        empty = [np.zeros(0, dtype=np.int64)]
        member, row, day, dose = (
            np.concatenate([*empty, *parts])
            for parts in (self.member, self.row, self.day, self.dose)
        )
        if member.size == 0:
            return member, row, day, dose
        # One sort on a combined key: (member, day, row) is unique, so the order is total.
        low, rows = int(day.min()), int(row.max()) + 1
        key = (member * (int(day.max()) - low + 1) + (day - low)) * rows + row
        order = np.argsort(key)
        return member[order], row[order], day[order], dose[order]


def _series(doses: _Doses, d: _Draws, group: int, rows: np.ndarray,
            steps: tuple[np.ndarray, np.ndarray]) -> None:  # fmt: skip
    """Doses of one series (``rows`` in dose order), boosters repeating every period.

    Only members still in the series are carried from dose to dose: a member drops out at
    the first dose not given (past the maximum age, other sex, not taken up) or once their
    doses fall after ``as_of``, so dose *k* is given only after dose *k - 1* (possibly
    before the window).
    """
    imm = refdata.immunizations()
    idx = np.flatnonzero(_could_fall_inside(d, rows))
    birth = d.birth[idx]
    draw = d.propensity[group, idx]
    base = birth + np.where(d.late[group, idx], d.delay[idx], 0)
    previous = birth - 1
    for r in rows:
        period = int(imm.repeat[r])
        repeats = 1 + (int(imm.max_age[r] - imm.recommended_age[r]) // period if period else 0)
        for j in range(repeats):
            due = base + (int(imm.recommended_age[r]) + j * period) + d.jitter[d.visit[r], idx]
            day = np.maximum(due, previous + 1)
            age = day - birth
            ok = (age <= imm.max_age[r]) & _takes_up(steps, draw, age, d.scale)
            if imm.sex[r]:
                ok &= d.female[idx] == (imm.sex[r] == "F")
            emit = np.flatnonzero(ok & (day >= d.start) & (day <= d.as_of))
            doses.add(idx[emit], int(r), day[emit], int(imm.dose[r]) + j)
            keep = np.flatnonzero(ok & (day <= d.as_of))
            if keep.size == 0:
                return
            if keep.size < idx.size:
                idx, birth, draw, base, day = (
                    idx[keep],
                    birth[keep],
                    draw[keep],
                    base[keep],
                    day[keep],
                )
            previous = day


def _could_fall_inside(d: _Draws, rows: np.ndarray) -> np.ndarray:
    """Members some dose of the series (``rows`` in dose order) could fall inside the window for.

    Dose ``r`` (repeat ``j``) is due ``rec + j * period`` days after birth and given at most
    ``_LATEST_SHIFT`` days later (a late dose also pushes the next ones no further than that).
    Other members have nothing to emit, so the series is only worked out for these.
    """
    imm = refdata.immunizations()
    out = np.zeros(d.birth.size, dtype=bool)
    latest = -1
    for r in rows:
        rec = int(imm.recommended_age[r])
        latest = min(max(rec + _LATEST_SHIFT, latest + 1), int(imm.max_age[r]))
        period = max(int(imm.repeat[r]), 1)
        repeats = (int(imm.max_age[r]) - rec) // period if imm.repeat[r] else 0
        # Repeats j with birth + rec + j * period <= as_of and birth + latest + j * period >= start.
        high = np.minimum(np.floor_divide(d.as_of - d.birth - rec, period), repeats)
        low = np.maximum(-np.floor_divide(d.birth + latest - d.start, period), 0)
        out |= low <= high
    return out


def _seasons(doses: _Doses, d: _Draws, rng: np.random.Generator, groups: np.ndarray,
             years: range, steps: list[tuple[np.ndarray, np.ndarray]]) -> None:  # fmt: skip
    """Yearly doses: at most one per member and September-December season, product by age."""
    imm = refdata.immunizations()
    n = d.birth.size
    season_days = _season_days()
    for year in years:
        september = _days(dt.date(year, 9, 1))
        if september + season_days[-1] < d.start or september > d.as_of:
            continue
        for g in groups:
            if year < _FIRST_SEASON.get(imm.groups[g], year):
                continue
            rows = np.flatnonzero(imm.group == g)
            rows = rows[np.argsort(imm.min_age[rows], kind="stable")]
            day = september + season_days[(rng.random(n) * season_days.size).astype(np.int64)]
            # Habit: most members do this season what their once-drawn propensity says.
            draw = np.where(rng.random(n) < _HABIT, d.propensity[g], rng.random(n))
            age = day - d.birth
            row = rows[np.maximum(np.searchsorted(imm.min_age[rows], age, side="right") - 1, 0)]
            ok = (age >= imm.min_age[row]) & (age <= imm.max_age[row])
            ok &= (day >= d.start) & (day <= d.as_of) & _takes_up(steps[g], draw, age, d.scale)
            if (imm.sex[rows] != "").any():
                ok &= (imm.sex[row] == "") | (d.female == (imm.sex[row] == "F"))
            member = np.flatnonzero(ok)
            doses.add(member, row[member], day[member], 1)


@attrs.frozen
class ImmunizationGenerator:
    """Vaccine doses on the CDC child and adult schedules, with some members behind schedule.

    A member takes up a vaccine group (or not) once, with CDC coverage by age, so series stay
    complete or skipped as a whole: dose *k* is given only after dose *k - 1*. Influenza and
    COVID-19 recur every September-December season, Td boosters every ten years.

    Args:
        history_years: Doses given in the last 1-30 years before ``as_of`` are emitted.
        uptake: Multiplies every vaccine's uptake probability, 0 (nobody) to 1 (CDC coverage).
        behind_schedule_share: Share of members, per vaccine group, who get that group's doses
            late by 1-12 months (lognormal, median about 2.5 months).
    """

    history_years: int = attrs.field(
        default=3, validator=validation.integer_field("history_years", 1, 30)
    )
    uptake: float = attrs.field(default=1.0, validator=validation.share_field("uptake"))
    behind_schedule_share: float = attrs.field(
        default=0.15, validator=validation.share_field("behind_schedule_share")
    )

    def block(self, ctx: BlockContext, members: MemberBlock, coverages: pa.Table) -> pa.Table:
        """The immunizations of the members of one block (member-major, by date)."""
        rng = stream(ctx.seed, "immunizations", ctx.block)
        imm = refdata.immunizations()
        n = members.birth_date.size
        n_groups = len(imm.groups)
        steps = [_steps(g) for g in imm.groups]
        # Doses due at the same age share a visit: one jitter per member and recommended age.
        visit_ages, visit = np.unique(imm.recommended_age, return_inverse=True)
        bound = 1 + np.minimum(_JITTER_DAYS, visit_ages // 4)
        d = _Draws(
            birth=members.birth_date.astype("datetime64[D]").astype(np.int64),
            female=members.female,
            start=_days(_years_before(ctx.as_of, self.history_years)),
            as_of=_days(ctx.as_of),
            propensity=rng.random((n_groups, n)),
            late=rng.random((n_groups, n)) < self.behind_schedule_share,
            delay=np.clip(
                np.rint(rng.lognormal(np.log(_LATE_MEDIAN_DAYS), _LATE_SIGMA, n)), 30, 365
            ).astype(np.int64),
            jitter=(rng.random((visit_ages.size, n)) * bound[:, None]).astype(np.int64),
            visit=visit,
            scale=self.uptake,
        )
        doses = _Doses()
        seasonal = np.array([(imm.repeat[imm.group == g] == 365).any() for g in range(n_groups)])
        for g in np.flatnonzero(~seasonal):
            rows = np.flatnonzero(imm.group == g)
            _series(doses, d, int(g), rows[np.argsort(imm.dose[rows], kind="stable")], steps[g])
        years = range(ctx.as_of.year - self.history_years, ctx.as_of.year + 1)
        _seasons(doses, d, rng, np.flatnonzero(seasonal), years, steps)
        return _table(ctx, members, coverages, d, *doses.arrays())


def _table(ctx: BlockContext, members: MemberBlock, coverages: pa.Table, d: _Draws,
           member: np.ndarray, row: np.ndarray, day: np.ndarray, dose: np.ndarray) -> pa.Table:  # fmt: skip
    """Columns of the doses: identifiers, products, lots, sites, providers, insurance."""
    imm = refdata.immunizations()
    size = member.size
    age = day - d.birth[member]
    cvx = imm.cvx_row[row]
    group = imm.group[row]

    # Sequence of each dose within its member (rows are member-major).
    change = np.ones(size, dtype=bool)
    change[1:] = member[1:] != member[:-1]
    sequence = np.arange(size) - np.maximum.accumulate(np.where(change, np.arange(size), 0)) + 1
    ids = arrow.take(members.table["member_id"].combine_chunks(), member)

    # Administering practitioner: a paediatric and an adult one per member, in their state.
    provider_rng = stream(ctx.seed, "immunizations.provider", ctx.block)
    state = refdata.zip_codes().state_codes[members.zip_index]
    child = np.flatnonzero(d.birth + _ADULT_DAYS > d.start)  # under 18 at some time in the window
    adult = np.flatnonzero(d.birth + _ADULT_DAYS <= d.as_of)
    practitioner = np.zeros((2, state.size), dtype=np.int64)
    practitioner[0, child] = ctx.reference.roles.pick(provider_rng, "pcp_child", state[child])
    practitioner[1, adult] = ctx.reference.roles.pick(provider_rng, "pcp_adult", state[adult])
    provider = practitioner[(age >= _ADULT_DAYS).astype(np.int64), member]

    # Lots are shared nationwide: one of a few per vaccine and month, each with one expiry.
    detail_rng = stream(ctx.seed, "immunizations.lot", ctx.block)
    window = np.arange(d.start, d.as_of + 1).astype("datetime64[D]")
    month = window.astype("datetime64[M]").astype(np.int64)[day - d.start]
    since_1900 = np.maximum(month - (1900 - 1970) * 12, 0)
    lot_key = (cvx * _MONTHS + since_1900) * _LOTS_PER_MONTH + detail_rng.integers(
        0, _LOTS_PER_MONTH, size
    )
    lot = seeded_bijection(lot_key, seed=ctx.seed, name="immunizations.lot", modulus=_LOT_CODES)
    letters = np.column_stack([lot // 10_000 // 26, lot // 10_000 % 26]) + ord("A")
    first_month = int(month.min(initial=0))
    month_days = (
        np.arange(first_month, int(month.max(initial=0)) + 26)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
    )
    expires = month_days[month - first_month + 7 + lot % 18] - np.timedelta64(1, "D")
    side = detail_rng.integers(0, 2, size)
    site = arrow.codes(_SITES, side + 2 * (age < _THIGH_DAYS))
    oral = imm.site.is_null().to_numpy(zero_copy_only=False)[cvx]

    group_names = arrow.codes(imm.groups, group)
    columns = {
        "immunization_id": arrow.fixed(
            size, arrow.chars(ids, 10), "-I", arrow.digit_chars(sequence, 3)
        ),
        "member_id": ids,
        "mrn": arrow.take(members.table["mrn"].combine_chunks(), member),  # the member's MRN
        "occurrence_date": arrow.dates(day.astype("datetime64[D]")),
        "vaccine_group": group_names,
        "cvx": arrow.take(imm.cvx, cvx),
        "vaccine_display": arrow.take(imm.display, cvx),
        "mvx": arrow.take(imm.mvx, cvx),
        "dose_number": pa.array(dose, pa.int32()),
        "lot_number": arrow.fixed(
            size, letters.astype(np.uint8), arrow.digit_chars(lot % 10_000, 4)
        ),
        "expiration_date": arrow.dates(expires),
        "route": arrow.take(imm.route, cvx),
        "provider_id": arrow.take(ctx.reference.provider_ids, provider),
        "status": pa.repeat(pa.scalar("completed", pa.string()), size),
        "no_insurance": pa.array(_uninsured(members, coverages, member, day), pa.bool_()),
        "vaccine_type": group_names,
        "encounter_id": pa.nulls(size, pa.string()),  # filled by the population (visits)
        "site": arrow.choose(~oral, site, None),
    }
    return pa.table(columns, schema=arrow_schema(Immunization))


def _owners(ids: pa.Array, member_ids: pa.ChunkedArray) -> np.ndarray:
    """Position in the block of each coverage row's member (-1 if not in the block)."""
    member_id = member_ids.combine_chunks()
    if len(ids):
        # Fast path: rows grouped by member in block order, every member present (what
        # CoverageGenerator makes): positions are run numbers, checked exactly.
        change = np.ones(len(ids), dtype=bool)
        change[1:] = pc.not_equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)
        heads = np.flatnonzero(change)
        if heads.size == len(member_id) and arrow.take(ids, heads).equals(member_id):
            return np.cumsum(change) - 1
    position = pc.index_in(ids, value_set=member_id)
    return pc.fill_null(position, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _uninsured(
    members: MemberBlock, coverages: pa.Table, member: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """True where no coverage span of the dose's member covers its day.

    Coverage rows are mapped to member positions by ``member_id`` and grouped by member; a
    dose is then checked against the k-th span of its member, one k at a time.
    """
    owner = _owners(coverages["member_id"].combine_chunks(), members.table["member_id"])
    effective = coverages["effective_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    termination = coverages["termination_date"]
    ends = np.where(
        termination.is_null().to_numpy(zero_copy_only=False),
        np.iinfo(np.int64).max,
        pc.fill_null(termination, pa.scalar(0, pa.date32()))
        .to_numpy()
        .astype("datetime64[D]")
        .astype(np.int64),
    )
    known = np.flatnonzero(owner >= 0)
    order = known[np.argsort(owner[known], kind="stable")]
    owner, effective, ends = owner[order], effective[order], ends[order]
    count = np.bincount(owner, minlength=members.birth_date.size)
    first = np.cumsum(count) - count
    spans, slot0 = count[member], first[member]
    covered = np.zeros(member.size, dtype=bool)
    for k in range(int(count.max(initial=0))):
        has = k < spans
        slot = np.where(has, slot0 + k, 0)
        covered |= has & (effective[slot] <= day) & (ends[slot] >= day)
    return ~covered
