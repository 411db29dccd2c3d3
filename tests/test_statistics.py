"""Distributions of a large seeded population land within stated tolerances of US figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clinical_data_generator as cdg
from clinical_data_generator._internal import refdata


@pytest.fixture(scope="module")
def members(medium: cdg.Dataset) -> pd.DataFrame:
    frame = medium.to_pandas("members")
    born = frame["birth_date"].to_numpy().astype("datetime64[D]")
    frame["age"] = (np.datetime64(cdg.DEFAULT_AS_OF) - born).astype(int) / 365.25
    return frame


def test_age_structure(members: pd.DataFrame) -> None:
    """Children are 17-27% and people 65+ are 11-22% of members (US: about 22% and 18%)."""
    assert 0.17 < (members["age"] < 18).mean() < 0.27
    assert 0.11 < (members["age"] >= 65).mean() < 0.22


def test_sex_ratio(members: pd.DataFrame) -> None:
    """Women are 47-54% of members."""
    assert 0.47 < (members["sex"] == "F").mean() < 0.54


def test_race_and_ethnicity_follow_census_mix(members: pd.DataFrame) -> None:
    """Hispanic 13-22%, Black 9-17%, Asian 3-8% (Census 2010 national shares, ZIP-weighted)."""
    assert 0.13 < (members["ethnicity_code"] == "2135-2").mean() < 0.22
    assert 0.09 < (members["race_code"] == "2054-5").mean() < 0.17
    assert 0.03 < (members["race_code"] == "2028-9").mean() < 0.08


def test_surnames_are_drawn_with_ethnicity(members: pd.DataFrame) -> None:
    """Hispanic members mostly carry surnames that are mostly Hispanic in the Census tables."""
    t = refdata.read_table("surnames.csv.gz")
    share = dict(zip(t["surname"].to_pylist(), t["hispanic"].to_pylist(), strict=True))
    hispanic = members["ethnicity_code"] == "2135-2"
    subscribers = members["relationship_code"] == "18"
    in_group = members.loc[hispanic & subscribers, "last_name"].map(share).mean()
    out_group = members.loc[~hispanic & subscribers, "last_name"].map(share).mean()
    assert in_group > 0.6
    assert out_group < 0.15


def test_first_names_fit_birth_decade_and_sex(members: pd.DataFrame) -> None:
    """Every first name is among the SSA names of the member's birth decade and sex."""
    t = refdata.read_table("first_names.csv.gz").to_pandas()
    known = set(zip(t["decade"], t["sex"], t["name"], strict=True))
    decade = np.clip(pd.to_datetime(members["birth_date"]).dt.year // 10 * 10, 1880, 2010)
    keys = zip(decade, members["sex"], members["first_name"], strict=True)
    assert all(k in known for k in keys)


def test_lines_of_business(members: pd.DataFrame) -> None:
    """Most people 65+ are on Medicare; Medicaid and individual plans cover a share of the rest."""
    seniors = members[members["age"] >= 65]
    assert (seniors["line_of_business"] == "medicare").mean() > 0.7
    assert 0.12 < (members["line_of_business"] == "medicaid").mean() < 0.30
    assert 0.04 < (members["line_of_business"] == "individual").mean() < 0.14


def test_zip_codes_are_population_weighted(members: pd.DataFrame) -> None:
    """California holds 9-15% of members and Wyoming under 1% (Census 2010: 12% and 0.2%)."""
    households = members[members["relationship_code"] == "18"]
    assert 0.09 < (households["state"] == "CA").mean() < 0.15
    assert (households["state"] == "WY").mean() < 0.01


def test_spanish_speakers_are_mostly_hispanic(members: pd.DataFrame) -> None:
    """Spanish is 8-18% of preferred languages, and over 85% of its speakers are Hispanic.

    (Language is per household, so non-Hispanic spouses in Spanish-speaking homes count too.)
    """
    spanish = members["language"] == "es"
    assert 0.08 < spanish.mean() < 0.18
    assert (members.loc[spanish, "ethnicity_code"] == "2135-2").mean() > 0.85
