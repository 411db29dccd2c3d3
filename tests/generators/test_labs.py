"""Lab results: invariants on every row, value distributions, determinism and options."""

from __future__ import annotations

import csv
import datetime as dt
import re
from importlib import resources
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import clinical_data_generator as cdg
from clinical_data_generator._internal.dates import age_on
from clinical_data_generator.errors import InvalidArgumentError
from clinical_data_generator.generators._context import BlockContext
from clinical_data_generator.generators.encounters import EncounterGenerator
from clinical_data_generator.generators.labs import LabBlock, LabGenerator
from clinical_data_generator.generators.members import BLOCK_MEMBERS, MemberBlock
from clinical_data_generator.models import arrow_schema
from clinical_data_generator.models.lab import CovidTest, DiagnosticReport, LabResult

DAY = 86_400
# UCUM terms used by the packaged tests: prefixed base units, powers of ten, annotations.
UCUM_TERM = re.compile(r"^(10\*\d+|\{\}|[dcmunpf]?(g|L|mol|U|\[IU\])|%|1|\[pH\]|min)$")
COVID_START = dt.date(2020, 3, 1)


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("clinical_data_generator.data").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


TESTS = {r["loinc"]: r for r in _csv("loinc_tests.csv")}
PANELS = {r["panel"]: r for r in _csv("loinc_panels.csv")}
DETAILS = {r["panel"]: r for r in _csv("lab_panel_details.csv")}
ANSWERS = {(r["loinc"], r["answer"]): r for r in _csv("lab_answers.csv")}
PROCEDURES = {r["code"] for r in _csv("procedures.csv")}


@attrs.frozen
class Built:
    """One block's inputs and lab tables."""

    members: MemberBlock
    encounters: pa.Table
    conditions: pa.Table
    providers: pa.Table
    labs: LabBlock
    as_of: dt.date


def _build(
    n: int, seed: int, *, as_of: str | None = None, history_years: int = 1, **options: Any
) -> Built:
    """Block 0 as Population.block makes it, plus the lab tables of its encounters."""
    pop = cdg.Population(
        n, seed=seed, as_of=as_of,
        encounter_generator=EncounterGenerator(history_years=history_years),
    )  # fmt: skip
    tables = pop.block(0, tables=["encounters", "conditions"])
    ctx = BlockContext(
        seed=seed, block=0, size=min(n, BLOCK_MEMBERS), first_member=0, as_of=pop.as_of,
        reference=pop.reference(),
    )  # fmt: skip
    members = pop.member_generator.block(ctx)
    labs = LabGenerator(**options).block(ctx, members, tables["encounters"], tables["conditions"])
    providers = pop.reference().tables["providers"]
    return Built(members, tables["encounters"], tables["conditions"], providers, labs, pop.as_of)


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _unique(table: pa.Table, column: str) -> None:
    assert pc.count_distinct(table[column]).as_py() == table.num_rows, column


def check_labs(b: Built) -> None:
    """Every rule of the three lab tables, row by row."""
    reports, results, covid = b.labs.reports, b.labs.results, b.labs.covid_tests
    assert reports.schema.equals(arrow_schema(DiagnosticReport))
    assert results.schema.equals(arrow_schema(LabResult))
    assert covid.schema.equals(arrow_schema(CovidTest))
    for table, column in ((reports, "report_id"), (reports, "specimen_id"),
                          (results, "result_id"), (covid, "result_id"), (covid, "kit_id")):  # fmt: skip
        _unique(table, column)

    as_of = dt.datetime.combine(b.as_of, dt.time())
    members = b.members.table
    birth = dict(
        zip(members["member_id"].to_pylist(), members["birth_date"].to_pylist(), strict=True)
    )
    female = dict(zip(members["member_id"].to_pylist(), b.members.female.tolist(), strict=True))
    visits = {r["encounter_id"]: r for r in _rows(b.encounters)}
    providers = {r["provider_id"]: r["entity_type"] for r in _rows(b.providers)}

    report_of: dict[str, dict[str, Any]] = {}
    for r in _rows(reports):
        report_of[r["report_id"]] = r
        visit = visits[r["encounter_id"]]  # resolves
        assert r["member_id"] == visit["member_id"]
        assert r["report_id"].startswith(r["encounter_id"] + "-L")
        assert r["code"] == PANELS[r["panel"]]["loinc"]
        assert r["display"] == PANELS[r["panel"]]["name"]
        assert r["specimen_type"] == DETAILS[r["panel"]]["specimen"]
        assert r["procedure_code"] == DETAILS[r["panel"]]["procedure_code"] in PROCEDURES
        assert (r["category"], r["status"]) == ("LAB", "final")
        collected, issued = r["effective_at"], r["issued_at"]
        assert visit["start_date"] <= collected.date() <= visit["end_date"]
        assert collected < issued <= as_of
        minutes = (issued - collected).total_seconds() / 60
        low = float(DETAILS[r["panel"]]["turnaround_min_minutes"])
        high = float(DETAILS[r["panel"]]["turnaround_max_minutes"])
        assert minutes <= high + 1, r
        # Results due after as_of are pulled back before it (only late collections can be).
        assert minutes >= low or collected + dt.timedelta(minutes=high) > as_of, r
        assert providers[r["ordering_provider_id"]] == "individual"
        assert providers[r["performer_id"]] == "organization"
        if r["panel"].startswith("COVID"):
            assert collected.date() >= COVID_START

    counts: dict[str, int] = {}
    by_report: dict[str, dict[str, float | None]] = {}
    for r in _rows(results):
        report = report_of[r["report_id"]]
        counts[r["report_id"]] = counts.get(r["report_id"], 0) + 1
        assert r["result_id"].startswith(r["report_id"])
        assert (r["member_id"], r["encounter_id"]) == (report["member_id"], report["encounter_id"])
        assert (r["collected_at"], r["resulted_at"]) == (
            report["effective_at"],
            report["issued_at"],
        )
        assert r["status"] == "final"
        spec = TESTS[r["code"]]
        assert spec["panel"] == report["panel"]
        assert (r["display"], r["value_type"]) == (spec["long_common_name"], spec["value_type"])
        assert r["unit"] == (spec["unit"] or None)
        if r["unit"]:
            terms = re.split(r"[/.]", re.sub(r"\{[^{}]*\}", "{}", r["unit"]))
            assert all(UCUM_TERM.match(term) for term in terms), r["unit"]
        day = np.datetime64(r["collected_at"].date(), "D")
        child = int(age_on(np.datetime64(birth[r["member_id"]], "D"), day)) < 18
        assert not (child and spec["loinc"] == "98979-8"), "eGFR is for adults only"
        by_report.setdefault(r["report_id"], {})[r["code"]] = r["value_quantity"]
        if spec["value_type"] == "quantitative":
            low, high = (
                ("child_low", "child_high") if child
                else ("low_f", "high_f") if female[r["member_id"]] else ("low_m", "high_m")
            )  # fmt: skip
            assert (r["reference_low"], r["reference_high"]) == (
                float(spec[low]),
                float(spec[high]),
            )
            value = r["value_quantity"]
            assert value is not None and r["value_string"] is None
            assert value == round(value, int(spec["decimals"]))
            expected = (
                "L" if value < r["reference_low"] else "H" if value > r["reference_high"] else "N"
            )
            assert r["abnormal_flag"] == expected, r
        else:
            answer = ANSWERS[(r["code"], r["value_string"])]
            assert r["value_quantity"] is None and r["reference_low"] is None
            assert r["value_code"] == (answer["answer_code"] or None)
            assert ANSWERS[(r["code"], r["reference_text"])]["normal"] == "1"
            assert r["abnormal_flag"] == ("N" if answer["normal"] == "1" else "A")
    assert counts == {k: v["result_count"] for k, v in report_of.items()}
    _check_derived(by_report, report_of, birth, female)

    lab_rows = {r["result_id"]: r for r in _rows(results) if r["code"] in ("94500-6", "94558-4")}
    assert covid.num_rows == len(lab_rows)
    symptoms = ("fever", "cough", "shortness_of_breath", "fatigue", "muscle_aches", "headache",
                "loss_of_taste_or_smell", "sore_throat")  # fmt: skip
    for r in _rows(covid):
        result = lab_rows[r["result_id"]]
        report = report_of[r["report_id"]]
        assert result["report_id"] == r["report_id"]
        assert (r["member_id"], r["encounter_id"]) == (report["member_id"], report["encounter_id"])
        assert r["specimen_id"] == report["specimen_id"]
        assert r["code"] == result["code"] and r["result"] == result["value_string"]
        assert r["test_type"] == ("PCR" if r["code"] == "94500-6" else "antigen")
        assert r["positive"] == (r["result"] in ("Detected", "Positive"))
        assert r["screened_at"] < r["collected_at"] < r["resulted_at"] <= as_of
        assert r["screened_at"].date() == r["collected_at"].date()
        assert (r["collected_at"], r["resulted_at"]) == (
            result["collected_at"],
            result["resulted_at"],
        )
        assert r["symptomatic"] == any(r[s] for s in symptoms)
        assert (r["symptom_onset_date"] is not None) == r["symptomatic"]
        if r["symptomatic"]:
            assert r["symptom_onset_date"] <= r["collected_at"].date()
        assert r["ordering_site"] == visits[r["encounter_id"]]["encounter_class"]
        assert r["ordering_site_id"] == report["performer_id"]
        assert r["test_reason"] in ("symptoms", "exposure", "screening")
    first = [r["member_id"] for r in _rows(covid) if r["first_test"]]
    assert len(first) == len(set(first)) == len(set(covid["member_id"].to_pylist()))


def _check_derived(by_report: dict[str, dict[str, float | None]], report_of: dict[str, dict[str, Any]],
                   birth: dict[str, dt.date], female: dict[str, bool]) -> None:  # fmt: skip
    """Computed tests agree with the values they are computed from, as reported."""
    for report_id, v in by_report.items():
        if "2093-3" in v:  # Friedewald
            assert v["2093-3"] == v["13457-7"] + v["2085-9"] + round(v["2571-8"] / 5)  # type: ignore[operator]
            assert v["43396-1"] == v["2093-3"] - v["2085-9"]  # type: ignore[operator]
        if "4544-3" in v:  # hematocrit from hemoglobin and MCHC (each rounded to 0.1)
            assert abs(v["4544-3"] - v["718-7"] / v["786-4"] * 100) <= 0.06  # type: ignore[operator]
        if "98979-8" in v:  # CKD-EPI 2021
            report = report_of[report_id]
            day = report["effective_at"].date()
            age = int((day - birth[report["member_id"]]).days / 365.2425)
            is_female = female[report["member_id"]]
            kappa, alpha = (0.7, -0.241) if is_female else (0.9, -0.302)
            ratio = v["2160-0"] / kappa  # type: ignore[operator]
            egfr = 142 * min(ratio, 1) ** alpha * max(ratio, 1) ** -1.2 * 0.9938**age
            egfr *= 1.012 if is_female else 1.0
            assert abs(v["98979-8"] - egfr) <= 0.51 + 1e-9  # type: ignore[operator]


@pytest.fixture(scope="module")
def large() -> Built:
    """20,000 members with two years of encounters and their lab tables."""
    return _build(20_000, 5, history_years=2)


def test_invariants_on_every_row(large: Built) -> None:
    """Keys resolve, codes and units come from the packaged data, flags fit ranges, times are in order."""
    assert large.labs.reports.num_rows > 10_000
    check_labs(large)


@pytest.mark.parametrize(
    ("n", "seed", "as_of", "history_years"),
    [(3_000, 11, "2024-02-29", 1), (2_000, 3, "2022-06-01", 5)],
)
def test_invariants_other_dates(n: int, seed: int, as_of: str, history_years: int) -> None:
    """The rules hold for another as_of (a leap day) and a history reaching back before COVID-19."""
    built = _build(n, seed, as_of=as_of, history_years=history_years, covid_test_rate=3)
    check_labs(built)
    if history_years == 5:
        days = built.labs.covid_tests["collected_at"].to_pylist()
        assert days and min(days).date() >= COVID_START
        assert {d.year for d in days} >= {2020, 2021}


def _values(b: Built, code: str) -> tuple[np.ndarray, np.ndarray]:
    """(values, member ids) of one test."""
    rows = b.labs.results.filter(pc.equal(b.labs.results["code"], code))
    return rows["value_quantity"].to_numpy(), np.asarray(rows["member_id"].to_pylist())


def _with(b: Built, condition: str) -> set[str]:
    c = b.conditions
    return set(c.filter(pc.equal(c["condition"], condition))["member_id"].to_pylist())


def test_diabetics_have_higher_hba1c(large: Built) -> None:
    """Diabetics' mean HbA1c is at least 1.5 points above the others' (target: about 2)."""
    value, member = _values(large, "4548-4")
    diabetic = np.isin(member, list(_with(large, "diabetes")))
    assert diabetic.sum() > 300 and (~diabetic).sum() > 300
    assert value[diabetic].mean() - value[~diabetic].mean() >= 1.5
    assert 5.1 <= value[~diabetic].mean() <= 5.7


def test_ckd_lowers_egfr(large: Built) -> None:
    """Members with chronic kidney disease have a mean eGFR at least 20 lower."""
    value, member = _values(large, "98979-8")
    ckd = np.isin(member, list(_with(large, "ckd")))
    assert value[~ckd].mean() - value[ckd].mean() >= 20


def test_abnormal_share_of_chloride(large: Built) -> None:
    """Chloride (no condition effects) is flagged in about 5% of results, as N(102, 2.5) against 98-107 implies."""
    rows = large.labs.results.filter(pc.equal(large.labs.results["code"], "2075-0"))
    flagged = pc.sum(pc.not_equal(rows["abnormal_flag"], "N")).as_py() / rows.num_rows
    expected = 0.0359 + 0.0139  # P(X < 97.5) + P(X > 107.5) for X ~ N(102, 2.5)
    assert rows.num_rows > 2_000
    assert abs(flagged - expected) <= 4 * np.sqrt(expected * (1 - expected) / rows.num_rows)


def test_panel_volume_per_member_year(large: Built) -> None:
    """About one panel per member-year, lab-only visits mostly have one, telehealth none."""
    reports = large.labs.reports
    per_member_year = reports.num_rows / (large.members.table.num_rows * 2)
    assert 0.5 <= per_member_year <= 1.5
    joined = reports.join(
        large.encounters.select(["encounter_id", "encounter_class"]), "encounter_id"
    )
    classes = set(joined["encounter_class"].to_pylist())
    assert "telehealth" not in classes and {"lab", "office", "emergency", "inpatient"} <= classes
    lab_visits = pc.sum(pc.equal(large.encounters["encounter_class"], "lab")).as_py()
    with_panel = pc.count_distinct(
        joined.filter(pc.equal(joined["encounter_class"], "lab"))["encounter_id"]
    ).as_py()
    assert 0.35 <= with_panel / lab_visits <= 0.8


def test_covid_positivity_follows_symptoms() -> None:
    """Symptomatic people test positive more often than people tested for screening."""
    covid = _build(
        5_000, 8, as_of="2022-06-01", history_years=2, covid_test_rate=5
    ).labs.covid_tests
    assert covid.num_rows > 500
    rate = {
        flag: np.mean(
            covid.filter(pc.equal(covid["symptomatic"], flag))["positive"].to_numpy(
                zero_copy_only=False
            )
        )
        for flag in (True, False)
    }
    assert rate[True] > 2 * rate[False]


def test_tables_alone_give_the_population_lab_tables() -> None:
    """Labs built from the tables alone equal the population's own.

    The population passes the generators' member positions, classes and code rows instead.
    """
    built = _build(3000, 17)
    pop = cdg.Population(3000, seed=17)
    own = pop.block(0, tables=["diagnostic_reports", "lab_results", "covid_tests"])
    assert own["diagnostic_reports"].num_rows > 100
    assert own["diagnostic_reports"].equals(built.labs.reports)
    assert own["lab_results"].equals(built.labs.results)
    assert own["covid_tests"].equals(built.labs.covid_tests)


def test_same_seed_same_tables_other_seed_other_tables() -> None:
    """Two runs from one seed agree on every value; another seed gives other rows."""
    first, again, other = (_build(3_000, s).labs for s in (7, 7, 8))
    for name in ("results", "reports", "covid_tests"):
        assert getattr(first, name).equals(getattr(again, name))
    assert not first.results.equals(other.results)


def test_options_turn_panels_off_and_scale_effects() -> None:
    """panel_scale and covid_test_rate 0 give empty tables; condition_effect 0 erases the diabetes shift."""
    none = _build(2_000, 4, panel_scale=0, covid_test_rate=0).labs
    for table, model in (
        (none.results, LabResult),
        (none.reports, DiagnosticReport),
        (none.covid_tests, CovidTest),
    ):
        assert table.num_rows == 0 and table.schema.equals(arrow_schema(model))
    only_covid = _build(2_000, 4, panel_scale=0).labs.reports
    assert set(only_covid["panel"].to_pylist()) <= {"COVID_PCR", "COVID_AG"}
    flat = _build(8_000, 4, condition_effect=0, panel_scale=3)
    value, member = _values(flat, "4548-4")
    diabetic = np.isin(member, list(_with(flat, "diabetes")))
    assert abs(value[diabetic].mean() - value[~diabetic].mean()) < 0.4


@pytest.mark.parametrize(
    ("option", "value"),
    [("panel_scale", -0.1), ("panel_scale", 11), ("panel_scale", "1"), ("covid_test_rate", True),
     ("covid_test_rate", 10.5), ("condition_effect", 3.5), ("condition_effect", None)],
)  # fmt: skip
def test_bad_options_raise(option: str, value: object) -> None:
    """Out-of-range or non-numeric options fail at construction, naming the option."""
    with pytest.raises(InvalidArgumentError, match=option) as info:
        LabGenerator(**{option: value})
    assert info.value.argument == option


def test_hand_made_edge_cases() -> None:
    """No encounters give empty tables; encounters of members outside the block are refused."""
    built = _build(500, 2)
    ctx = BlockContext(
        seed=2, block=0, size=500, first_member=0, as_of=built.as_of,
        reference=cdg.Population(500, seed=2).reference(),
    )  # fmt: skip
    empty = LabGenerator().block(ctx, built.members, built.encounters.slice(0, 0), built.conditions)
    assert empty.results.num_rows == empty.reports.num_rows == empty.covid_tests.num_rows == 0
    stranger = built.encounters.set_column(
        1, "member_id", pa.array(["M000000000"] * built.encounters.num_rows)
    )
    with pytest.raises(InvalidArgumentError, match="encounters"):
        LabGenerator().block(ctx, built.members, stranger, built.conditions)
