"""The FHIR resources tell the tables' story: same members, codes, dates and amounts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import clinical_data_generator as cdg
from clinical_data_generator.serializers.fhir import _systems as uri

from .support import read_ndjson


@pytest.fixture(scope="module")
def ndjson(exported: Path) -> dict[str, list[dict[str, Any]]]:
    return read_ndjson(exported / "fhir-ndjson")


def _ident(resource: dict[str, Any], system: str) -> str:
    return next(i["value"] for i in resource["identifier"] if i["system"] == system)


def _rows(ds: cdg.Dataset, table: str) -> list[dict[str, Any]]:
    return ds.tables[table].to_pylist()


def _money(value: Any) -> Decimal:
    return Decimal(str(value["value"]))


def test_patients_are_the_members(
    ndjson: dict[str, list[dict[str, Any]]], population: cdg.Dataset
) -> None:
    """One Patient per member, in table order, with the member's ids, name, sex and birth date."""
    members = _rows(population, "members")
    patients = ndjson["Patient"]
    assert [_ident(p, uri.MEMBER_ID) for p in patients] == [m["member_id"] for m in members]
    for p, m in zip(patients, members, strict=True):
        assert _ident(p, uri.MEMBER_NUMBER) == m["member_number"]
        assert p["name"][0]["family"] == m["last_name"]
        assert p["birthDate"] == m["birth_date"].isoformat()
        assert p["gender"] == {"F": "female", "M": "male"}[m["sex"]]
        race = p["extension"][0]["extension"]
        assert m["race_code"] in {e["valueCoding"]["code"] for e in race if "valueCoding" in e}


def test_coverages_match_enrollment_spans(
    ndjson: dict[str, list[dict[str, Any]]], population: cdg.Dataset
) -> None:
    """Coverage ids, periods, payers and classes come from the coverages rows."""
    spans = {c["coverage_id"]: c for c in _rows(population, "coverages")}
    orgs = {o["id"]: o for o in ndjson["Organization"]}
    assert {_ident(c, uri.COVERAGE_ID) for c in ndjson["Coverage"]} == set(spans)
    for c in ndjson["Coverage"]:
        row = spans[_ident(c, uri.COVERAGE_ID)]
        assert c["period"]["start"] == row["effective_date"].isoformat()
        assert ("end" in c["period"]) == (row["termination_date"] is not None)
        payer = orgs[c["payor"][0]["reference"].split("/")[1]]
        assert _ident(payer, uri.PAYER_ID) == row["payer_id"]
        plan = next(k for k in c["class"] if k["type"]["coding"][0]["code"] == "plan")
        assert plan["value"] == row["plan_id"]


def test_clinical_codes_match(
    ndjson: dict[str, list[dict[str, Any]]], population: cdg.Dataset
) -> None:
    """Encounter reasons and Condition codes are the tables' ICD-10-CM codes (dotted); CVX as given."""
    dotted = {e["encounter_id"]: e["reason_code"] for e in _rows(population, "encounters")}
    for e in ndjson["Encounter"]:
        code = e["reasonCode"][0]["coding"][0]
        assert code["system"] == uri.ICD10CM
        assert code["code"].replace(".", "") == dotted[_ident(e, uri.ENCOUNTER_ID)]
    conditions = {c["condition_id"]: c for c in _rows(population, "conditions")}
    for c in ndjson["Condition"]:
        row = conditions[_ident(c, uri.CONDITION_ID)]
        assert c["code"]["coding"][0]["code"].replace(".", "") == row["code"]
        assert c["onsetDateTime"] == row["onset_date"].isoformat()
    doses = {i["immunization_id"]: i for i in _rows(population, "immunizations")}
    for i in ndjson["Immunization"]:
        row = doses[_ident(i, uri.IMMUNIZATION_ID)]
        assert (i["vaccineCode"]["coding"][0]["code"], i["lotNumber"]) == (
            row["cvx"],
            row["lot_number"],
        )
        assert i["protocolApplied"][0]["doseNumberPositiveInt"] == row["dose_number"]


def test_claims_carry_the_billed_amounts(
    ndjson: dict[str, list[dict[str, Any]]], population: cdg.Dataset
) -> None:
    """Claim totals, line charges, units and codes equal the claims and claim_lines rows."""
    claims = {c["claim_id"]: c for c in _rows(population, "claims")}
    lines = {(r["claim_id"], r["line_number"]): r for r in _rows(population, "claim_lines")}
    assert {_ident(c, uri.CLAIM_ID) for c in ndjson["Claim"]} == set(claims)
    for c in ndjson["Claim"]:
        key = _ident(c, uri.CLAIM_ID)
        assert _money(c["total"]) == claims[key]["total_billed"]
        assert (
            c["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["code"].replace(".", "")
            == claims[key]["principal_diagnosis"]
        )
        for item in c.get("item", []):
            line = lines[(key, item["sequence"])]
            assert _money(item["net"]) == line["billed_amount"]
            assert item["quantity"]["value"] == line["units"]
            code = item["productOrService"]["coding"][0]["code"]
            assert code == (line["procedure_code"] or "not-applicable")


_LINE = {"submitted": "billed_amount", "eligible": "allowed_amount", "deductible": "deductible_amount",
         "copay": "copay_amount", "coinsurance": "coinsurance_amount", "noncovered": "denied_amount",
         "benefit": "paid_amount"}  # fmt: skip


def test_eob_amounts_equal_the_adjudication_tables(
    ndjson: dict[str, list[dict[str, Any]]], population: cdg.Dataset
) -> None:
    """Every EOB line and total adjudication amount equals line_adjudications / adjudications."""
    decisions = {a["adjudication_id"]: a for a in _rows(population, "adjudications")}
    lines: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in _rows(population, "line_adjudications"):
        lines[row["adjudication_id"]][row["line_number"]] = row
    assert {_ident(e, uri.ADJUDICATION_ID) for e in ndjson["ExplanationOfBenefit"]} == set(
        decisions
    )
    for eob in ndjson["ExplanationOfBenefit"]:
        key = _ident(eob, uri.ADJUDICATION_ID)
        row = decisions[key]
        totals = {t["category"]["coding"][0]["code"]: _money(t["amount"]) for t in eob["total"]}
        assert totals == {**{k: row[v] for k, v in _LINE.items()},
                          "memberliability": row["patient_responsibility"]}  # fmt: skip
        assert _ident(eob, uri.PAYER_CLAIM_NUMBER) == row["payer_claim_control_number"]
        assert [i["sequence"] for i in eob.get("item", [])] == sorted(lines[key])
        for item in eob.get("item", []):
            line = lines[key][item["sequence"]]
            got = {
                a["category"]["coding"][0]["code"]: _money(a["amount"])
                for a in item["adjudication"]
            }
            assert got == {k: line[v] for k, v in _LINE.items()}
            reasons = [
                a["reason"]["coding"][0]["code"] for a in item["adjudication"] if "reason" in a
            ]
            assert reasons == ([line["carc"]] if line["carc"] else [])
        if "payment" in eob:
            assert _money(eob["payment"]["amount"]) == row["paid_amount"]


def test_eligibility_mirrors_inquiries_and_responses(
    ndjson: dict[str, list[dict[str, Any]]], population: cdg.Dataset
) -> None:
    """One request and one response per inquiry; in-force flag and deductible amounts as in the 271."""
    responses = {r["inquiry_id"]: r for r in _rows(population, "eligibility_responses")}
    got = {_ident(r, uri.INQUIRY_ID): r for r in ndjson["CoverageEligibilityResponse"]}
    assert set(got) == set(responses)
    assert {_ident(r, uri.INQUIRY_ID) for r in ndjson["CoverageEligibilityRequest"]} == set(
        responses
    )
    for key, resource in got.items():
        row = responses[key]
        if row["coverage_id"] is None:
            assert "insurance" not in resource
            continue
        insurance = resource["insurance"][0]
        assert insurance["inforce"] == (row["status"] == "active")
        for item in insurance.get("item", []):
            deductible = next(
                b
                for b in item["benefit"]
                if b["type"].get("coding", [{}])[0].get("code") == "deductible"
            )
            assert _money(deductible["allowedMoney"]) == row["deductible_individual"]
            assert _money(deductible["usedMoney"]) == row["deductible_met"]


def test_lab_results_and_reports(
    ndjson: dict[str, list[dict[str, Any]]], population: cdg.Dataset
) -> None:
    """Observations carry the result's LOINC code, value and unit; reports list their results."""
    results = {r["result_id"]: r for r in _rows(population, "lab_results")}
    by_id = {o["id"]: o for o in ndjson["Observation"]}
    for o in ndjson["Observation"]:
        row = results[_ident(o, uri.LAB_RESULT_ID)]
        assert o["code"]["coding"][0]["code"] == row["code"]
        if row["value_quantity"] is not None:
            assert o["valueQuantity"]["value"] == row["value_quantity"]
            assert o["valueQuantity"].get("code") == row["unit"]
        else:
            assert o["valueCodeableConcept"]["text"] == row["value_string"]
        assert o["effectiveDateTime"].startswith(row["collected_at"].isoformat())
    for report in ndjson["DiagnosticReport"]:
        key = _ident(report, uri.REPORT_ID)
        members = [
            _ident(by_id[r["reference"].split("/")[1]], uri.LAB_RESULT_ID) for r in report["result"]
        ]
        assert members == [k for k, r in results.items() if r["report_id"] == key]
