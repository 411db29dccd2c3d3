"""Claims, adjudication and inquiries: rates land on their targets and options take effect."""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.generators.claims import ClaimGenerator


@functools.cache
def _population(**options: float) -> cdg.Dataset:
    return cdg.Population(20_000, seed=11, claim_generator=ClaimGenerator(**options)).generate()


def _covered_denial_share(ds: cdg.Dataset) -> float:
    lines = ds.tables["line_adjudications"].join(
        ds.tables["claims"].select(["claim_id", "coverage_id", "frequency_code"]), "claim_id"
    )
    covered = lines.filter(pc.is_valid(lines["coverage_id"]))
    covered = covered.filter(pc.equal(covered["frequency_code"], "1"))
    denied = pc.sum(pc.greater(covered["denied_amount"], 0)).as_py()
    return denied / covered.num_rows


def test_denial_share_matches_the_rates() -> None:
    """Covered lines are denied at about claim_denial_rate + denial_rate (2% + 5% -> ~6.9%)."""
    share = _covered_denial_share(_population())
    assert 0.055 < share < 0.085, share


def test_no_denials_when_rates_are_zero() -> None:
    """With both rates at 0 only services outside coverage are denied."""
    ds = _population(denial_rate=0.0, claim_denial_rate=0.0)
    assert _covered_denial_share(ds) == 0
    carcs = set(pc.unique(pc.drop_null(ds.tables["line_adjudications"]["carc"])).to_pylist())
    assert carcs <= {"26", "27"}


def test_claim_lines_per_member_year() -> None:
    """About 5-12 claim lines per member for one year of history."""
    ds = _population()
    per_member = ds.tables["claim_lines"].num_rows / ds.tables["members"].num_rows
    assert 5 <= per_member <= 12, per_member


def test_claims_bill_the_reported_lab_panels() -> None:
    """Every panel code billed has its report; reported panels are billed as the rules say.

    The row-by-row rules are in ``tests/claim_rules.py``; here the shares show the rules
    have rows to bite on: panels on professional and facility claims, sent-out panels with
    modifier 90, one venipuncture per claim at most, and a 0300 line on stays with labs.
    """
    ds = _population()
    lines = ds.tables["claim_lines"].join(
        ds.tables["claims"].select(["claim_id", "encounter_id", "claim_type"]), "claim_id"
    )
    panels = {"85025", "80053", "87811", "87635", "82947", "83036", "80061", "84443", "81003"}
    billed = lines.filter(pc.is_in(lines["procedure_code"], pa.array(sorted(panels))))
    kinds = set(billed["claim_type"].to_pylist())
    assert kinds == {"professional", "institutional"}, kinds
    reports = ds.tables["diagnostic_reports"]
    assert billed.num_rows > 0.5 * reports.num_rows > 1000
    sent_out = pc.sum(pc.equal(billed["modifier_1"], "90")).as_py()
    assert 0.2 * billed.num_rows < sent_out < 0.8 * billed.num_rows, sent_out
    draws = lines.filter(pc.equal(lines["procedure_code"], "36415"))
    per_claim = draws.group_by("claim_id").aggregate([("claim_id", "count")])
    assert per_claim.num_rows > 100 and pc.max(per_claim["claim_id_count"]).as_py() == 1
    stays = ds.tables["encounters"].filter(
        pc.equal(ds.tables["encounters"]["encounter_class"], "inpatient")
    )
    lab_stays = set(
        lines.filter(pc.equal(lines["revenue_code"], "0300"))["encounter_id"].to_pylist()
    )
    assert 0.6 * stays.num_rows < len(lab_stays) <= stays.num_rows


def test_claims_do_not_depend_on_which_tables_are_asked_for() -> None:
    """Claims bill the lab panels even when the lab tables are not generated for output."""
    pop = cdg.Population(3000, seed=5)
    alone = pop.block(0, tables=["claim_lines"])["claim_lines"]
    assert alone.equals(pop.block(0)["claim_lines"])


def test_corrections_are_rare_and_reverse_the_original() -> None:
    """Replacements and voids are a few percent of claims, each with a reversal when paid."""
    ds = _population()
    claims = ds.tables["claims"]
    freq = claims["frequency_code"]
    replaced = pc.sum(pc.equal(freq, "7")).as_py()
    voided = pc.sum(pc.equal(freq, "8")).as_py()
    originals = pc.sum(pc.equal(freq, "1")).as_py()
    assert 0.01 < replaced / originals < 0.035
    assert 0.002 < voided / originals < 0.015
    reversals = pc.sum(pc.equal(ds.tables["adjudications"]["status_code"], "22")).as_py()
    assert 0 < reversals <= replaced + voided


def test_preventive_services_cost_the_member_nothing() -> None:
    """Preventive lines never carry deductible, coinsurance or copay."""
    ds = _population()
    lines = ds.tables["line_adjudications"]
    codes = ("99391", "99392", "99393", "99394", "99395", "99396", "G0439", "G0438")
    preventive = lines.filter(pc.is_in(lines["procedure_code"], value_set=pa.array(codes)))
    assert preventive.num_rows > 100
    for column in ("deductible_amount", "coinsurance_amount", "copay_amount"):
        assert pc.sum(pc.abs(preventive[column])).as_py() == 0


@pytest.mark.parametrize(
    ("option", "value"),
    [("denial_rate", 1.5), ("claim_denial_rate", -0.1), ("replacement_share", "x"),
     ("void_share", 2), ("uncovered_billed_share", None)],
)  # fmt: skip
def test_bad_options_name_the_option(option: str, value: object) -> None:
    """A bad share raises InvalidArgumentError naming the option."""
    with pytest.raises(cdg.InvalidArgumentError, match=option):
        ClaimGenerator(**{option: value})  # type: ignore[arg-type]
