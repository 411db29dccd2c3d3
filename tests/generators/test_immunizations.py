"""Immunizations: schedule invariants on every row, CDC uptake, determinism and options."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import clinical_data_generator as cdg
from clinical_data_generator._internal import refdata
from clinical_data_generator.generators._context import BlockContext
from clinical_data_generator.generators.immunizations import _UPTAKE, ImmunizationGenerator
from clinical_data_generator.models import arrow_schema
from clinical_data_generator.models.immunization import Immunization

LOT = re.compile(r"^[A-Z]{2}\d{4}$")
MRN = re.compile(r"^MRN\d{8}$")
SEASONAL = ("Influenza", "COVID-19")
YEAR = 365.2425


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("clinical_data_generator.data").joinpath(name).read_text()
    return list(csv.DictReader(text.splitlines()))


CVX = {r["cvx"]: r for r in _csv("cvx.csv")}
SCHEDULE = [
    {**r, **{k: int(r[k] or 0) for k in ("dose", "min_age_days", "max_age_days",
                                          "recommended_age_days", "repeat_every_days")}}
    for r in _csv("immunization_schedule.csv")
]  # fmt: skip


def _block(
    n: int, seed: int, *, as_of: str | None = None, **options: Any
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table, dt.date]:
    """(members, coverages, providers, immunizations, as_of) of block 0, as population.py builds it."""
    pop = cdg.Population(n, seed=seed, as_of=as_of)
    ctx = BlockContext(
        seed=seed, block=0, size=n, first_member=0, as_of=pop.as_of, reference=pop.reference()
    )
    members = pop.member_generator.block(ctx)
    cov = pop.coverage_generator.block(ctx, members).table
    assert cov is not None
    table = ImmunizationGenerator(**options).block(ctx, members, cov)
    return members.table, cov, pop.reference().tables["providers"], table, pop.as_of


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _rows_for(group: str, cvx: str, dose: int) -> list[dict[str, Any]]:
    """Schedule rows a dose can come from (a recurring row covers its later doses too)."""
    return [
        r
        for r in SCHEDULE
        if r["vaccine_group"] == group
        and r["cvx"] == cvx
        and (r["dose"] == dose or (r["repeat_every_days"] and dose >= r["dose"]))
    ]


def _earliest_age(group: str, dose: int) -> int:
    """Youngest age in days at which dose ``dose`` of a series can be given."""
    ages = [
        r["min_age_days"] + (dose - r["dose"]) * r["repeat_every_days"]
        for r in SCHEDULE
        if r["vaccine_group"] == group
        and (r["dose"] == dose or (r["repeat_every_days"] and dose >= r["dose"]))
    ]
    return min(ages)


def check_immunizations(members: pa.Table, coverages: pa.Table, providers: pa.Table,
                        table: pa.Table, as_of: dt.date, history_years: int) -> None:  # fmt: skip
    """Every rule of the immunizations table, row by row in plain Python."""
    assert table.schema.equals(arrow_schema(Immunization))
    start = _years_before(as_of, history_years)
    people = {
        r["member_id"]: r for r in members.select(["member_id", "birth_date", "sex"]).to_pylist()
    }
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for c in coverages.select(["member_id", "effective_date", "termination_date"]).to_pylist():
        spans[c["member_id"]].append((c["effective_date"], c["termination_date"]))
    practitioners = {
        p["provider_id"]
        for p in providers.select(["provider_id", "entity_type"]).to_pylist()
        if p["entity_type"] == "individual"
    }
    rows = table.to_pylist()
    assert len({r["immunization_id"] for r in rows}) == len(rows), "immunization_id not unique"
    mrn: dict[str, str] = {}
    series: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    seasons: set[tuple[str, str, int]] = set()
    seen: list[str] = []
    for r in rows:
        person = people[r["member_id"]]  # member_id resolves
        if not seen or seen[-1] != r["member_id"]:
            assert r["member_id"] not in seen[-1:], "rows of a member are not together"
            seen.append(r["member_id"])
            sequence = 1
            last_date = dt.date.min
        assert r["immunization_id"] == f"{r['member_id']}-I{sequence:03d}"
        assert r["occurrence_date"] >= last_date, "a member's rows are not by date"
        sequence, last_date = sequence + 1, r["occurrence_date"]
        assert MRN.match(r["mrn"]) and mrn.setdefault(r["member_id"], r["mrn"]) == r["mrn"]
        day, birth = r["occurrence_date"], person["birth_date"]
        assert birth <= day <= as_of and day >= start, "date outside life or the history window"
        age = (day - birth).days
        matches = _rows_for(r["vaccine_group"], r["cvx"], r["dose_number"])
        assert any(
            m["min_age_days"] <= age <= m["max_age_days"] and m["sex"] in ("", person["sex"])
            for m in matches
        ), f"{r['vaccine_group']} dose {r['dose_number']} (CVX {r['cvx']}) at {age} days"
        product = CVX[r["cvx"]]
        assert (r["mvx"], r["vaccine_display"], r["route"]) == (
            product["mvx"], product["short_description"], product["route"])  # fmt: skip
        assert product["vaccine_group"] == r["vaccine_group"] == r["vaccine_type"]
        assert r["status"] == "completed" and LOT.match(r["lot_number"])
        assert _add_months(day, 6) <= r["expiration_date"] < _add_months(day, 24)
        if r["route"] == "PO":
            assert r["site"] is None
        else:
            assert r["site"] in (("LT", "RT") if age < 3 * 365 + 1 else ("LA", "RA"))
        assert r["provider_id"] in practitioners
        covered = any(s <= day and (e is None or day <= e) for s, e in spans[r["member_id"]])
        assert r["no_insurance"] == (not covered)
        if r["vaccine_group"] in SEASONAL:
            key = (r["member_id"], r["vaccine_group"], day.year)
            assert r["dose_number"] == 1 and day.month >= 9 and key not in seasons
            seasons.add(key)
        else:
            series[(r["member_id"], r["vaccine_group"])].append(r)
    assert len(set(mrn.values())) == len(mrn), "two members share an MRN"
    for (member_id, group), doses in series.items():
        numbers = [d["dose_number"] for d in doses]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), (group, numbers)
        if numbers[0] > 1:  # the earlier doses were given before the window
            earliest = people[member_id]["birth_date"] + dt.timedelta(
                days=_earliest_age(group, numbers[0] - 1)
            )
            assert earliest < start, f"{group} starts at dose {numbers[0]} inside the window"


@pytest.mark.parametrize(
    ("n", "seed", "as_of", "history_years"),
    [(20_000, 5, None, 3), (3_000, 11, "2024-02-29", 30), (1_000, 2, "2025-10-15", 1)],
)
def test_invariants_on_every_row(n: int, seed: int, as_of: str | None, history_years: int) -> None:
    """Every row keeps the schedule, dose, date, code, lot, site, provider and insurance rules."""
    members, cov, providers, table, day = _block(n, seed, as_of=as_of, history_years=history_years)
    assert table.num_rows > n  # several doses per member in any window
    check_immunizations(members, cov, providers, table, day, history_years)


def test_every_vaccine_group_has_an_uptake_figure() -> None:
    """Each vaccine group of the schedule has its own CDC uptake figure, not the fallback."""
    assert set(refdata.immunizations().groups) <= set(_UPTAKE)


@pytest.fixture(scope="module", params=[1.0, 0.5])
def population(request: pytest.FixtureRequest) -> tuple[pa.Table, pa.Table, dt.date, float]:
    """20,000 members with ten years of immunizations at full and at half uptake."""
    members, _, _, table, as_of = _block(20_000, 5, history_years=10, uptake=request.param)
    return members, table, as_of, request.param


def _within(observed: float, expected: float, count: int) -> None:
    tolerance = 4 * np.sqrt(expected * (1 - expected) / count) + 0.01
    assert abs(observed - expected) <= tolerance, (observed, expected, count)


def test_mmr_first_dose_uptake_and_late_share(
    population: tuple[pa.Table, pa.Table, dt.date, float],
) -> None:
    """Children who turned one inside the window (and 25 months by as_of) got MMR dose 1 at 90% x uptake, 15% of them late."""
    members, table, as_of, uptake = population
    start = _years_before(as_of, 10)
    birth = dict(
        zip(members["member_id"].to_pylist(), members["birth_date"].to_pylist(), strict=True)
    )
    cohort = {m for m, b in birth.items() if b + dt.timedelta(days=365) >= start
              and b + dt.timedelta(days=365 + 380) <= as_of}  # fmt: skip
    mmr1 = {
        r["member_id"]: (r["occurrence_date"] - birth[r["member_id"]]).days
        for r in table.select(["member_id", "vaccine_group", "dose_number", "occurrence_date"]).to_pylist()
        if r["vaccine_group"] == "MMR" and r["dose_number"] == 1 and r["member_id"] in cohort
    }  # fmt: skip
    assert len(cohort) > 1500
    _within(len(mmr1) / len(cohort), 0.90 * uptake, len(cohort))
    late = sum(age > 365 + 14 for age in mmr1.values())
    _within(late / len(mmr1), 0.15, len(mmr1))


def test_influenza_uptake_per_season(population: tuple[pa.Table, pa.Table, dt.date, float]) -> None:
    """Each season, about 55% of children, 45% of adults under 65 and 70% of adults 65+ (x uptake) get a flu shot."""
    members, table, as_of, uptake = population
    birth = dict(
        zip(members["member_id"].to_pylist(), members["birth_date"].to_pylist(), strict=True)
    )
    flu = {
        (r["member_id"], r["occurrence_date"].year)
        for r in table.select(["member_id", "vaccine_group", "occurrence_date"]).to_pylist()
        if r["vaccine_group"] == "Influenza"
    }
    bands = {"children": (1, 17, 0.55), "adults": (19, 63, 0.45), "65+": (66, 200, 0.70)}
    for year in range(as_of.year - 10, as_of.year):
        september = dt.date(year, 9, 1)
        for low, high, rate in bands.values():
            group = [
                m for m, b in birth.items() if low * YEAR <= (september - b).days < high * YEAR
            ]
            observed = sum((m, year) in flu for m in group) / len(group)
            _within(observed, rate * uptake, len(group))


def test_uptake_zero_gives_no_rows() -> None:
    """uptake=0 turns immunizations off, with the table's schema kept."""
    *_, table, _ = _block(2_000, 3, uptake=0)
    assert table.num_rows == 0
    assert table.schema.equals(arrow_schema(Immunization))


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    """Two runs from one seed agree on every byte; another seed gives other rows."""
    *_, first, _ = _block(3_000, 7)
    *_, again, _ = _block(3_000, 7)
    *_, other, _ = _block(3_000, 8)
    assert first.equals(again)
    assert not first.equals(other)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"history_years": 0}, "history_years=0 is not allowed: expected an integer from 1 to 30"),
        ({"history_years": 31}, "history_years=31 is not allowed: expected an integer from 1 to 30"),
        ({"history_years": True}, "history_years=True is not allowed"),
        ({"uptake": 1.5}, "uptake=1.5 is not allowed: expected a number from 0 to 1"),
        ({"behind_schedule_share": -0.1},
         "behind_schedule_share=-0.1 is not allowed: expected a number from 0 to 1"),
    ],
)  # fmt: skip
def test_bad_options_are_named(options: dict[str, Any], message: str) -> None:
    """Out-of-range options raise InvalidArgumentError naming the option and the allowed range."""
    with pytest.raises(cdg.InvalidArgumentError, match=re.escape(message)):
        ImmunizationGenerator(**options)
