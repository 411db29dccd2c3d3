"""Reference data of the encounter generator: visit rates, acute problems, UB-04 codes."""

from __future__ import annotations

import functools

import attrs
import numpy as np
import pyarrow as pa

from .refdata import Alias, GroupedAlias, WeightedStrings, icd10cm, read_table

RATE_BANDS = (
    0,
    2,
    18,
    45,
    65,
)  # lower bounds of age_0_1, age_2_17, age_18_44, age_45_64, age_65_plus
SETTINGS = ("office", "telehealth", "urgent_care", "emergency", "inpatient", "lab", "any")
MAX_AGE = 110
FALLBACK_CODE = "R69"  # Illness, unspecified: for the rare age/sex/setting with no listed problem


@attrs.frozen
class EncounterRates:
    classes: tuple[str, ...]
    place_of_service: tuple[str, ...]
    rate: np.ndarray  # (classes, bands) visits per person-year
    female_18_44: np.ndarray  # (classes,)
    chronic: np.ndarray  # (classes,)


@functools.cache
def encounter_rates() -> EncounterRates:
    t = read_table("encounter_rates.csv", {"place_of_service": pa.string()})
    bands = ("age_0_1", "age_2_17", "age_18_44", "age_45_64", "age_65_plus")
    return EncounterRates(
        classes=tuple(t["encounter_class"].to_pylist()),
        place_of_service=tuple(t["place_of_service"].to_pylist()),
        rate=np.column_stack([t[b].to_numpy() for b in bands]).astype(np.float64),
        female_18_44=t["female_18_44_factor"].to_numpy().astype(np.float64),
        chronic=t["chronic_factor"].to_numpy().astype(np.float64),
    )


def problem_group(setting: np.ndarray, female: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Index of the (setting, sex, exact age) group used by :func:`acute_problems`."""
    sex = np.where(female, 0, 1)
    return (setting * 2 + sex) * (MAX_AGE + 1) + np.clip(age, 0, MAX_AGE)


@functools.cache
def acute_problems() -> GroupedAlias:
    """Acute problems per (setting, sex, age): codes valid there, drawn by weight.

    Values are rows of ``icd10cm()``. Rows of setting ``any`` join every setting.
    """
    t = read_table(
        "acute_problems.csv", {"code": pa.string(), "sex": pa.string(), "weight": pa.int64()}
    )
    icd = icd10cm()
    code_row = np.array([icd.row[c] for c in t["code"].to_pylist()], dtype=np.int64)
    setting = np.asarray(t["setting"].to_pylist())
    sex = np.asarray(t["sex"].to_pylist())
    low, high = t["age_min"].to_numpy(), t["age_max"].to_numpy()
    weight = t["weight"].to_numpy().astype(np.float64)
    fallback = np.array([icd.row[FALLBACK_CODE]])
    samplers, values = [], []
    built: dict[bytes, Alias] = {}  # many groups share one set of codes
    for s in SETTINGS:
        in_setting = (setting == s) | (setting == "any")
        for member_sex in ("F", "M"):
            fits_sex = in_setting & ((sex == "") | (sex == member_sex))
            for age in range(MAX_AGE + 1):
                rows = np.flatnonzero(fits_sex & (low <= age) & (age <= high))
                if rows.size:
                    key = rows.tobytes()
                    if key not in built:
                        built[key] = Alias.from_weights(weight[rows])
                    samplers.append(built[key])
                    values.append(code_row[rows])
                else:
                    samplers.append(Alias.from_weights(np.ones(1)))
                    values.append(fallback)
    return GroupedAlias.build(samplers, values)


@functools.cache
def ub04(name: str) -> WeightedStrings:
    """A ``code,label,weight`` UB-04 table (admission types and sources, discharge status)."""
    return WeightedStrings.from_table(
        read_table(name, {"code": pa.string(), "weight": pa.int64()}), "code"
    )
