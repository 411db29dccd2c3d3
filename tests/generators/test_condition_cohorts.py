"""Condition cohorts: members drawn directly with a condition, realistic ages and comorbidities."""

from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pyarrow.compute as pc
import pytest

import clinical_data_generator as cdg
from tests.invariants import check_dataset


@functools.cache
def _cohort(*conditions: str) -> cdg.Dataset:
    return cdg.generate(members=6_000, seed=21, conditions=list(conditions))


@functools.cache
def _everyone() -> cdg.Dataset:
    return cdg.generate(members=6_000, seed=21, tables=["members", "conditions"])


def _mean_age(ds: cdg.Dataset) -> float:
    born = ds.tables["members"]["birth_date"].to_numpy().astype("datetime64[D]")
    return float(((np.datetime64(cdg.DEFAULT_AS_OF) - born).astype(int) / 365.2425).mean())


def _share(ds: cdg.Dataset, condition: str) -> float:
    c = ds.tables["conditions"]
    having = pc.unique(c.filter(pc.equal(c["condition"], condition))["member_id"])
    return len(having) / ds.tables["members"].num_rows


def test_every_member_has_the_cohort_condition_and_the_data_holds() -> None:
    """A diabetes cohort has exactly the requested size, all diabetic, every invariant true."""
    ds = _cohort("diabetes")
    assert ds.tables["members"].num_rows == 6_000
    assert _share(ds, "diabetes") == 1.0
    check_dataset(ds)


def test_cohort_ages_and_comorbidities_follow_the_condition() -> None:
    """Diabetics are older than the population and more often hypertensive (shared risk)."""
    cohort, everyone = _cohort("diabetes"), _everyone()
    assert _mean_age(cohort) > _mean_age(everyone) + 15
    assert _share(cohort, "hypertension") > 2 * _share(everyone, "hypertension")


def test_several_conditions_at_once() -> None:
    """Every member of a two-condition cohort has both conditions."""
    ds = cdg.generate(members=500, seed=3, conditions=["asthma", "depression"],
                      tables=["members", "conditions"])  # fmt: skip
    assert _share(ds, "asthma") == _share(ds, "depression") == 1.0


def test_unknown_condition_names_the_option() -> None:
    """A misspelt condition is refused with the list of known ones."""
    with pytest.raises(cdg.InvalidArgumentError, match=r"conditions=.*'diabetes'"):
        cdg.MemberGenerator(conditions=["diabets"])


def test_cli_condition_flag() -> None:
    """`cdg generate --condition diabetes` writes a diabetic cohort; a bad name exits 2."""
    bad = subprocess.run(
        [sys.executable, "-m", "clinical_data_generator", "generate", "--members", "20",
         "--condition", "diabets", "--format", "csv", "--out", "unused"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "--condition" in bad.stderr


def test_product_type_cohort_keeps_every_span_in_its_types() -> None:
    """product_types=["HMO"] gives HMO plans only, plan changes included; HDHP is commercial."""
    ds = cdg.generate(members=2_000, seed=2, product_types=["HMO"])
    plans = dict(zip(ds.tables["plans"]["plan_id"].to_pylist(),
                     ds.tables["plans"]["product_type"].to_pylist(), strict=True))  # fmt: skip
    assert {plans[p] for p in ds.tables["coverages"]["plan_id"].to_pylist()} == {"HMO"}
    assert {plans[p] for p in ds.tables["members"]["plan_id"].to_pylist()} == {"HMO"}
    check_dataset(ds)
    hdhp = cdg.generate(members=300, seed=2, product_types=["HDHP"], tables=["coverages"])
    assert set(hdhp.tables["coverages"]["line_of_business"].to_pylist()) == {"commercial"}


def test_product_type_with_no_line_selling_it_is_refused() -> None:
    """HDHP plans are not sold to Medicare members: the error says who sells them."""
    with pytest.raises(cdg.InvalidArgumentError, match=r"product_types=.*commercial"):
        cdg.MemberGenerator(product_types=["HDHP"], lines_of_business=["medicare"])
