"""Row-level invariants of generated populations (fixed seeds and cohorts)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import clinical_data_generator as cdg
from tests.invariants import check_coverages, check_dataset, check_members, check_safety


def test_small_population_invariants(small: cdg.Dataset) -> None:
    """Every row of a 3,000-member population obeys the keys, dates and safety rules."""
    check_dataset(small)


def test_medium_population_invariants(medium: cdg.Dataset) -> None:
    """The same rules hold on 20,000 members (five blocks)."""
    check_dataset(medium)


def test_members_count_is_exact() -> None:
    """``members=N`` yields exactly N member rows, subscribers and dependents together."""
    block = cdg.BLOCK_MEMBERS
    for n in (1, 2, block - 1, block, block + 1):
        assert cdg.generate(members=n, seed=n).tables["members"].num_rows == n


@pytest.mark.parametrize(
    "options",
    [
        {"min_age": 65, "lines_of_business": ["medicare"]},
        {"max_age": 17},
        {"min_age": 30, "max_age": 40, "states": ["VT", "NH"]},
        {"dependents": False, "lines_of_business": ["individual"]},
        {"lines_of_business": ["medicaid"], "states": ["TX"]},
        {"min_age": 20, "max_age": 40, "lines_of_business": ["medicare"]},
        {"min_age": 90},
        {"min_age": 10, "max_age": 12, "lines_of_business": ["commercial"]},
    ],
)
def test_cohorts_respect_their_filters(options: dict[str, object]) -> None:
    """Age, state, line-of-business and dependents options hold on every member."""
    as_of = dt.date(2025, 6, 30)
    ds = cdg.generate(members=1_500, seed=3, as_of=as_of, **options)  # type: ignore[arg-type]
    check_dataset(ds, as_of)
    m = ds.tables["members"]
    birth = m["birth_date"].to_pylist()
    ages = [as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day)) for b in birth]
    assert min(ages) >= options.get("min_age", 0)  # type: ignore[operator]
    assert max(ages) <= options.get("max_age", 105)  # type: ignore[operator]
    if "states" in options:
        assert set(m["state"].to_pylist()) <= set(options["states"])  # type: ignore[arg-type]
    if "lines_of_business" in options:
        assert set(m["line_of_business"].to_pylist()) <= set(options["lines_of_business"])  # type: ignore[arg-type]
    if options.get("dependents") is False:
        assert set(m["relationship_code"].to_pylist()) == {"18"}


def test_households_have_dependents(small: cdg.Dataset) -> None:
    """Spouses, children and stepchildren all occur, and most dependents keep the family name."""
    m = small.tables["members"]
    codes = set(m["relationship_code"].to_pylist())
    assert {"18", "01", "19", "17"} <= codes
    rows = m.select(
        ["member_id", "subscriber_member_id", "last_name", "relationship_code"]
    ).to_pylist()
    last = {r["member_id"]: r["last_name"] for r in rows}
    children = [r for r in rows if r["relationship_code"] == "19"]
    same = sum(r["last_name"] == last[r["subscriber_member_id"]] for r in children)
    assert same / len(children) > 0.85


def test_coverage_scenarios_occur(medium: cdg.Dataset) -> None:
    """Terminations, plan changes and gaps all appear with the configured shares (±3 points)."""
    c = medium.tables["coverages"]
    subscribers = c.filter(pc.equal(c["relationship_code"], "18"))
    per_member = pc.value_counts(subscribers["member_id"]).field("counts").to_numpy()
    two_spans = (per_member == 2).mean()
    reasons = subscribers["termination_reason"].to_pylist()
    plan_changes = reasons.count("plan_change") / len(per_member)
    ended = sum(r is not None for r in reasons) / len(per_member)
    assert 0.04 < plan_changes < 0.11
    assert 0.09 < two_spans < 0.17  # plan changes + gaps, minus households too new for them
    assert 0.15 < ended < 0.25


def test_invariant_checks_catch_corruption(small: cdg.Dataset) -> None:
    """The invariant helpers fail on a dataset with a broken SSN, a bad date or a dangling key."""
    tables = dict(small.tables)
    m = tables["members"]
    ssn = m["ssn"].to_pylist()
    ssn[0] = "123-45-6789"
    broken = cdg.Dataset(
        {**tables, "members": m.set_column(m.schema.get_field_index("ssn"), "ssn", pa.array(ssn))}
    )
    with pytest.raises(AssertionError, match="SSN"):
        check_safety(broken)
    c = tables["coverages"]
    dates = c["effective_date"].to_pylist()
    dates[0] = dt.date(1800, 1, 1)
    broken = cdg.Dataset(
        {
            **tables,
            "coverages": c.set_column(
                c.schema.get_field_index("effective_date"), "effective_date", pa.array(dates)
            ),
        }
    )
    with pytest.raises(AssertionError, match="before birth"):
        check_coverages(broken, cdg.DEFAULT_AS_OF)
    sub = m["subscriber_member_id"].to_pylist()
    sub[5] = "M000000000X"
    broken = cdg.Dataset(
        {
            **tables,
            "members": m.set_column(
                m.schema.get_field_index("subscriber_member_id"),
                "subscriber_member_id",
                pa.array(sub),
            ),
        }
    )
    with pytest.raises(AssertionError, match="resolve"):
        check_members(broken, cdg.DEFAULT_AS_OF)


def test_per_record_conveniences_return_models() -> None:
    """build(), batch(n) and stream(n) give frozen Member models matching generate()."""
    generator = cdg.MemberGenerator(states=["OR"])
    one = generator.build(seed=4)
    assert isinstance(one, cdg.Member)
    assert one.state == "OR"
    assert one.relationship_code == "18"
    batch = generator.batch(25, seed=4)
    assert len(batch) == 25
    assert generator.build(seed=4) == one
    streamed = list(generator.stream(25, seed=4))
    assert streamed == batch
    table = cdg.Population(25, seed=4, member_generator=generator).generate().tables["members"]
    assert [m.member_id for m in batch] == table["member_id"].to_pylist()


def test_leap_day_as_of_keeps_ages_exact() -> None:
    """With as_of on Feb 29, every member's age at as_of still respects the cohort bounds."""
    as_of = dt.date(2024, 2, 29)
    ds = cdg.generate(members=3_000, seed=2, as_of=as_of, min_age=1, max_age=1)
    for born in ds.tables["members"]["birth_date"].to_pylist():
        assert as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day)) == 1
