"""Immunizations: schedule invariants on every row, CDC uptake, determinism and options."""

from __future__ import annotations

import datetime as dt
import re
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
from tests.immunization_rules import YEAR, _years_before, check_immunizations


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
