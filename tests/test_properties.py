"""Property tests with our own Hypothesis strategies: invariants hold for any valid options."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import clinical_data_generator as cdg
from clinical_data_generator.extra.hypothesis import member_generators, populations
from tests.invariants import check_dataset

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(populations(max_members=1_500))
@example(  # infants on their first birthday once got a newborn-only code (approximate ages)
    cdg.Population(
        348,
        seed=1,
        as_of=dt.date(2000, 1, 1),
        member_generator=cdg.MemberGenerator(max_age=1, dependents=False),
        payer_generator=cdg.PayerGenerator(count=1),
    )
)
def test_any_population_satisfies_the_invariants(population: cdg.Population) -> None:
    """Every row of any generated population obeys the keys, dates, household and safety rules."""
    check_dataset(population.generate(), population.as_of)


@SETTINGS
@given(member_generators(), st.integers(1, 800), st.integers(0, 2**32))
def test_cohort_options_hold_on_every_member(
    generator: cdg.MemberGenerator, members: int, seed: int
) -> None:
    """Ages, states and lines of business stay inside the requested cohort."""
    as_of = cdg.DEFAULT_AS_OF
    ds = cdg.Population(members, seed=seed, member_generator=generator).generate()
    m = ds.tables["members"]
    assert m.num_rows == members
    for row in m.select(
        ["birth_date", "state", "line_of_business", "relationship_code"]
    ).to_pylist():
        born: dt.date = row["birth_date"]
        age = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
        assert (
            (generator.min_age or 0)
            <= age
            <= (105 if generator.max_age is None else generator.max_age)
        )
        if generator.states:
            assert row["state"] in generator.states
        if generator.lines_of_business:
            assert row["line_of_business"] in generator.lines_of_business
        if not generator.dependents:
            assert row["relationship_code"] == "18"


@settings(max_examples=10, deadline=None)
@given(populations(max_members=600))
def test_seeded_twins_agree(population: cdg.Population) -> None:
    """Two populations built from equal options generate equal tables (seeded twins)."""
    twin = attrs.evolve(population)
    first, second = population.generate(), twin.generate()
    for name, table in first.tables.items():
        assert table.equals(second.tables[name]), name
