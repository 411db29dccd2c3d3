"""COVID-19 tests: symptoms, positivity and the legacy testing-site timeline.

Whether the person has symptoms depends on why they came (a respiratory complaint or a
COVID-19 diagnosis, a known exposure, screening, anything else); the chance of a positive
test is the test's base positivity (``loinc_tests.csv`` mean) raised for symptomatic people,
lowered for the others, and near certain when the visit's diagnosis is COVID-19 itself.
Symptoms are drawn given the result: positive people lose taste or smell far more often.
"""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa

from .._internal import arrow
from ..models import arrow_schema
from ..models.lab import CovidTest
from . import _lab_columns, _lab_data

SYMPTOMS = (
    "fever", "cough", "shortness_of_breath", "fatigue", "muscle_aches", "headache",
    "loss_of_taste_or_smell", "sore_throat",
)  # fmt: skip
# Share of symptomatic people with each symptom (SYMPTOMS order), among those who test
# positive and those who test negative (other respiratory infections). Rounded from CDC
# COVID-19 case surveillance and MMWR symptom reports, 2020-2022.
_SYMPTOM_SHARE = np.array(
    [
        [0.45, 0.65, 0.25, 0.55, 0.40, 0.50, 0.20, 0.50],  # positive
        [0.35, 0.55, 0.20, 0.40, 0.25, 0.35, 0.04, 0.50],  # negative
    ]
)
_SYMPTOMATIC = {"covid": 0.95, "respiratory": 0.9, "covid_exposure": 0.35, "covid_screening": 0.05}
_SYMPTOMATIC_OTHER = 0.25
_POSITIVE_IF_DIAGNOSED = 0.95  # visit diagnosis U07.1: the test confirmed it
_SYMPTOMATIC_FACTOR, _ASYMPTOMATIC_FACTOR, _EXPOSURE_FACTOR = 2.5, 0.5, 1.5
_MAX_POSITIVITY = 0.9
REASONS = ("symptoms", "exposure", "screening")


@attrs.frozen
class CovidDraws:
    """Per COVID-19 test: result, symptoms, reason and screening time."""

    positive: np.ndarray
    symptoms: np.ndarray  # (tests, len(SYMPTOMS)) bool
    symptomatic: np.ndarray
    onset: np.ndarray  # days since 1970 (meaningful where symptomatic)
    reason: np.ndarray  # index into REASONS
    screened: np.ndarray  # seconds since 1970


def draw(
    rng: np.random.Generator, test: np.ndarray, reason: np.ndarray, collected: np.ndarray
) -> CovidDraws:
    """Draw the COVID-19 tests' results and symptoms.

    Args:
        rng: The COVID-19 stream of the block.
        test: Row of LabTests of each test.
        reason: Reason class of each test's encounter.
        collected: Collection time, seconds since 1970.
    """
    t = _lab_data.tests()
    reasons = _lab_data.orders().reasons
    n = test.size
    name = np.array([*reasons, "other"])[reason]
    chance = np.full(n, _SYMPTOMATIC_OTHER)
    for key, value in _SYMPTOMATIC.items():
        chance[name == key] = value
    symptomatic = rng.random(n) < chance
    base = t.mean[test, 0]
    positivity = base * np.where(symptomatic, _SYMPTOMATIC_FACTOR, _ASYMPTOMATIC_FACTOR)
    positivity *= np.where(name == "covid_exposure", _EXPOSURE_FACTOR, 1.0)
    positivity = np.where(
        name == "covid", _POSITIVE_IF_DIAGNOSED, np.minimum(positivity, _MAX_POSITIVITY)
    )
    positive = rng.random(n) < positivity
    share = _SYMPTOM_SHARE[np.where(positive, 0, 1)]
    symptoms = (rng.random((n, len(SYMPTOMS))) < share) & symptomatic[:, None]
    # Symptomatic means at least one symptom: cough, the commonest, when none was drawn.
    symptoms[:, 1] |= symptomatic & ~symptoms.any(axis=1)
    day = collected // 86400
    onset = day - np.minimum(rng.geometric(0.35, n) - 1, 10)
    why = np.where(
        name == "covid_exposure",
        1,
        np.where((name == "covid_screening") | ~symptomatic, 2, 0),
    )
    screened = collected - 60 * (5 + (rng.random(n) * 36).astype(np.int64))
    return CovidDraws(positive, symptoms, symptomatic, onset, why, screened)


def table(
    draws: CovidDraws,
    ids: dict[str, pa.Array],
    member: np.ndarray,
    test: np.ndarray,
    times: tuple[np.ndarray, np.ndarray],
    site: tuple[pa.Array, pa.Array],
    kit_id: pa.Array,
    answer: np.ndarray,
) -> pa.Table:
    """The ``covid_tests`` rows (one per COVID-19 result, in result order).

    Args:
        draws: From :func:`draw`.
        ids: ``result_id``, ``report_id``, ``member_id``, ``encounter_id`` and ``specimen_id``.
        member: Member position of each test (rows are member-major).
        test: Row of LabTests of each test.
        times: Collection and result times, seconds since 1970.
        site: Ordering site (encounter class) and the testing facility or practice.
        kit_id: Kit identifiers.
        answer: Row of LabTests.answers of each result (as in ``lab_results``).
    """
    t = _lab_data.tests()
    first = np.ones(test.size, dtype=bool)
    first[1:] = member[1:] != member[:-1]
    pcr = t.codes.take(pa.array(test)).to_numpy(zero_copy_only=False) == "94500-6"
    columns: dict[str, pa.Array] = {
        "result_id": ids["result_id"],
        "report_id": ids["report_id"],
        "member_id": ids["member_id"],
        "encounter_id": ids["encounter_id"],
        "kit_id": kit_id,
        "specimen_id": ids["specimen_id"],
        "test_type": arrow.codes(("antigen", "PCR"), pcr.astype(np.int64)),
        "code": t.codes.take(pa.array(test)),
        "result": t.answers.take(pa.array(answer)),
        "positive": pa.array(draws.positive, pa.bool_()),
        "screened_at": _lab_columns.timestamps(draws.screened),
        "collected_at": _lab_columns.timestamps(times[0]),
        "resulted_at": _lab_columns.timestamps(times[1]),
        "test_reason": arrow.codes(REASONS, draws.reason),
        "first_test": pa.array(first, pa.bool_()),
        "symptomatic": pa.array(draws.symptomatic, pa.bool_()),
        "symptom_onset_date": arrow.dates(
            draws.onset.astype("datetime64[D]"), mask=~draws.symptomatic
        ),
    }
    for k, symptom in enumerate(SYMPTOMS):
        columns[symptom] = pa.array(draws.symptoms[:, k], pa.bool_())
    columns["ordering_site"] = site[0]
    columns["ordering_site_id"] = site[1]
    return pa.table(columns, schema=arrow_schema(CovidTest))
