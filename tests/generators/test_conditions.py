"""Chronic conditions: prevalence by sex and age band, clustering, and options."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clinical_data_generator as cdg
from clinical_data_generator._internal import refdata


@pytest.fixture(scope="module")
def people(medium: cdg.Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    members = medium.to_pandas("members")
    born = members["birth_date"].to_numpy().astype("datetime64[D]")
    age = ((np.datetime64(cdg.DEFAULT_AS_OF) - born).astype(int) / 365.2425).astype(int)
    members["band"] = np.searchsorted(refdata.AGE_BANDS, age, side="right") - 1
    return members, medium.to_pandas("conditions")


def test_prevalence_matches_the_table(people: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Observed prevalence per condition, sex and age band is within 4 standard errors (+0.5 pt)."""
    members, conditions = people
    table = refdata.conditions()
    checked = 0
    for k, key in enumerate(table.keys):
        having = set(conditions.loc[conditions["condition"] == key, "member_id"])
        for s, sex in enumerate(("F", "M")):
            for band in range(4):
                group = members[(members["sex"] == sex) & (members["band"] == band)]
                if len(group) < 300:
                    continue
                expected = table.prevalence[k, s, band]
                observed = group["member_id"].isin(having).mean()
                tolerance = 4 * np.sqrt(expected * (1 - expected) / len(group)) + 0.005
                assert abs(observed - expected) <= tolerance, (key, sex, band, observed, expected)
                checked += 1
    assert checked >= 8 * len(table.keys) * 0.75


def test_comorbidities_cluster(people: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Diabetes and hypertension co-occur more often than if independent (about 60% of diabetics 45+ are hypertensive)."""
    members, conditions = people
    adults = members[members["band"] >= 2]["member_id"]
    has = {
        key: set(conditions.loc[conditions["condition"] == key, "member_id"]) & set(adults)
        for key in ("diabetes", "hypertension")
    }
    n = len(adults)
    p_d, p_h = len(has["diabetes"]) / n, len(has["hypertension"]) / n
    both = len(has["diabetes"] & has["hypertension"]) / n
    assert both / (p_d * p_h) > 1.25  # about 1.4 with the default correlation of 0.5


def test_prevalence_scale_zero_gives_no_conditions() -> None:
    """prevalence_scale=0 turns chronic conditions off (acute problems remain); members are unchanged."""
    base = cdg.Population(500, seed=3)
    none = cdg.Population(
        500, seed=3, condition_generator=cdg.ConditionGenerator(prevalence_scale=0)
    )
    categories = set(none.generate().tables["conditions"]["category"].to_pylist())
    assert categories == {"encounter-diagnosis"}
    assert none.generate().tables["members"].equals(base.generate().tables["members"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"prevalence_scale": -1},
            "prevalence_scale=-1 is not allowed: expected a number from 0 to 10",
        ),
        ({"correlation": 0.95}, "correlation=0.95 is not allowed: expected a number from 0 to 0.9"),
    ],
)
def test_bad_options_are_named(options: dict[str, float], message: str) -> None:
    """Out-of-range options raise InvalidArgumentError naming the option."""
    with pytest.raises(cdg.InvalidArgumentError, match=message.replace("(", r"\(")):
        cdg.ConditionGenerator(**options)
