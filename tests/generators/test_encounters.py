"""Encounters: visit rates by setting, age and chronic burden; options; links to conditions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clinical_data_generator as cdg
from tests.invariants import check_dataset


@pytest.fixture(scope="module")
def visits(medium: cdg.Dataset) -> pd.DataFrame:
    members = medium.to_pandas("members")
    born = members["birth_date"].to_numpy().astype("datetime64[D]")
    members["age"] = ((np.datetime64(cdg.DEFAULT_AS_OF) - born).astype(int) / 365.2425).astype(int)
    chronic = medium.to_pandas("conditions").query("category == 'chronic'")
    members["chronic"] = members["member_id"].map(chronic["member_id"].value_counts()).fillna(0)
    encounters = medium.to_pandas("encounters")
    counts = encounters.groupby(["member_id", "encounter_class"]).size().unstack(fill_value=0)
    joined = members.join(counts, on="member_id")
    return joined.fillna(dict.fromkeys(counts.columns, 0))


def test_rates_per_member_year_are_plausible(visits: pd.DataFrame) -> None:
    """Office 2.5-4.5, emergency 0.3-0.6 and inpatient 0.05-0.15 per member-year (US surveys)."""
    assert 2.5 < visits["office"].mean() < 4.5
    assert 0.3 < visits["emergency"].mean() < 0.6
    assert 0.05 < visits["inpatient"].mean() < 0.15


def test_visits_rise_with_age_and_chronic_burden(visits: pd.DataFrame) -> None:
    """People 65+ and people with 3+ chronic conditions see doctors more often."""
    young = visits[(visits["age"] >= 18) & (visits["age"] < 45)]
    old = visits[visits["age"] >= 65]
    assert old["office"].mean() > 1.5 * young["office"].mean()
    assert old["inpatient"].mean() > 2 * young["inpatient"].mean()
    adults = visits[visits["age"] >= 18]
    many, none = adults[adults["chronic"] >= 3], adults[adults["chronic"] == 0]
    assert many["office"].mean() > 1.5 * none["office"].mean()


def test_follow_ups_and_acute_problems(medium: cdg.Dataset) -> None:
    """About half the office visits of chronic patients follow up a chronic condition."""
    e = medium.to_pandas("encounters")
    c = medium.to_pandas("conditions").set_index("condition_id")
    office = e[e["encounter_class"] == "office"]
    chronic_members = set(c[c["category"] == "chronic"]["member_id"])
    theirs = office[office["member_id"].isin(chronic_members)]
    follow_up = (c.loc[theirs["reason_condition_id"], "category"] == "chronic").mean()
    assert 0.4 < follow_up < 0.6
    acute = c[c["category"] == "encounter-diagnosis"]
    assert (
        len(acute)
        == (c.loc[e["reason_condition_id"].dropna(), "category"] == "encounter-diagnosis").sum()
    )


def test_options_and_invariants_over_a_longer_history() -> None:
    """history_years=3 spreads visits over 3 years; visit_scale=0 leaves vaccination visits."""
    pop = cdg.Population(1_500, seed=4, encounter_generator=cdg.EncounterGenerator(history_years=3))
    ds = pop.generate()
    starts = ds.tables["encounters"]["start_date"].to_pylist()
    assert min(starts).year <= cdg.DEFAULT_AS_OF.year - 3 + 1
    none = cdg.Population(300, seed=4, encounter_generator=cdg.EncounterGenerator(visit_scale=0))
    quiet = none.generate()
    classes = set(quiet.tables["encounters"]["encounter_class"].to_pylist())
    assert classes <= {"vaccination"}
    check_dataset(quiet)


def test_uninsured_visits_have_no_coverage() -> None:
    """Visits while a member had no coverage carry no coverage_id (claims will be denied)."""
    pop = cdg.Population(
        4_000,
        seed=9,
        coverage_generator=cdg.CoverageGenerator(
            terminated_share=0.5, gap_share=0.3, plan_change_share=0.0
        ),
    )
    ds = pop.generate()
    check_dataset(ds)
    assert ds.tables["encounters"]["coverage_id"].null_count > 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"history_years": 0}, "history_years=0 is not allowed: expected an integer from 1 to 10"),
        ({"visit_scale": -2}, "visit_scale=-2 is not allowed: expected a number from 0 to 10"),
        ({"follow_up_share": 2}, "follow_up_share=2 is not allowed: expected a number from 0 to 1"),
    ],
)
def test_bad_options_are_named(options: dict[str, float], message: str) -> None:
    """Out-of-range options raise InvalidArgumentError naming the option."""
    with pytest.raises(cdg.InvalidArgumentError, match=message):
        cdg.EncounterGenerator(**options)
