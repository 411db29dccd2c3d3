"""Invariants of the claims family (procedures, claims, lines, adjudications, payments).

Checked on every row by the fixed-seed tests and the Hypothesis property tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import defaultdict
from decimal import Decimal
from importlib import resources

import pyarrow as pa

import clinical_data_generator as cdg

_AMOUNTS = ("deductible_amount", "coinsurance_amount", "copay_amount", "contractual_amount",
            "denied_amount")  # fmt: skip


def _csv_rows(name: str) -> list[dict[str, str]]:
    source = resources.files("clinical_data_generator.data").joinpath(name)
    with source.open("rb") as raw:
        data = gzip.decompress(raw.read()) if name.endswith(".gz") else raw.read()
    return list(csv.DictReader(data.decode().splitlines()))


def _codes(name: str, column: str = "code") -> set[str]:
    return {row[column] for row in _csv_rows(name)}


def _rows(table: pa.Table) -> list[dict[str, object]]:
    return table.to_pylist()


def check_claims(ds: cdg.Dataset, as_of: dt.date) -> None:
    """Every claims-family rule, on every row."""
    t = ds.tables
    encounters = {r["encounter_id"]: r for r in _rows(t["encounters"])}
    coverages = {r["coverage_id"]: r for r in _rows(t["coverages"])}
    members = {r["member_id"]: r for r in _rows(t["members"])}
    cpt, hcpcs = _codes("procedures.csv"), _codes("hcpcs.csv")
    pcs, icd = _codes("icd10pcs.csv"), _codes("icd10cm.csv.gz")
    revenue = _codes("revenue_codes.csv")

    procedures = _rows(t["procedures"])
    assert len({p["procedure_id"] for p in procedures}) == len(procedures)
    doses = (
        {r["immunization_id"]: r for r in _rows(t["immunizations"])} if "immunizations" in t else {}
    )
    for p in procedures:
        if p["immunization_id"] is not None and doses:
            # Vaccine product and administration bill the dose at its vaccination visit.
            assert doses[p["immunization_id"]]["encounter_id"] == p["encounter_id"], p
            assert p["category"] in ("vaccine", "vaccine_admin"), p
    for p in procedures:
        e = encounters[p["encounter_id"]]
        assert p["member_id"] == e["member_id"]
        assert e["start_date"] <= p["performed_date"] <= e["end_date"], p
        system = {"CPT": cpt, "HCPCS": hcpcs, "ICD-10-PCS": pcs}[p["code_system"]]
        assert p["code"] in system, p
        assert p["units"] >= 1

    claims = _rows(t["claims"])
    by_claim = {c["claim_id"]: c for c in claims}
    assert len(by_claim) == len(claims), "claim ids are not unique"
    lines_of: dict[str, list[dict[str, object]]] = defaultdict(list)
    for line in _rows(t["claim_lines"]):
        lines_of[str(line["claim_id"])].append(line)
    procedure_ids = {p["procedure_id"] for p in procedures}
    for c in claims:
        e = encounters[c["encounter_id"]]
        assert c["member_id"] == e["member_id"] and c["member_id"] in members
        assert c["statement_from"] <= c["statement_to"] <= c["received_date"] <= as_of, c
        assert e["start_date"] <= c["statement_from"] and c["statement_to"] <= e["end_date"]
        codes = str(c["diagnosis_codes"]).split("|")
        assert codes[0] == c["principal_diagnosis"] and len(codes) <= 12
        assert codes[0] == e["reason_code"] and len(set(codes)) == len(codes), c
        assert all(code in icd for code in codes)
        lines = lines_of[str(c["claim_id"])]
        assert [ln["line_number"] for ln in lines] == list(range(1, len(lines) + 1))
        assert len(lines) == c["line_count"] and 1 <= len(lines) <= 50
        assert sum(ln["billed_amount"] for ln in lines) == c["total_billed"]
        professional = c["claim_type"] == "professional"
        assert (c["place_of_service"] is not None) == professional
        assert (c["type_of_bill"] is not None) == (not professional)
        if not professional:
            assert str(c["type_of_bill"]).endswith(str(c["frequency_code"]))
        assert (c["drg"] is not None) == (not professional and e["encounter_class"] == "inpatient")
        if c["coverage_id"] is not None:
            span = coverages[c["coverage_id"]]
            assert span["member_id"] == c["member_id"] and span["payer_id"] == c["payer_id"]
            assert span["effective_date"] <= c["statement_from"]
            assert (
                span["termination_date"] is None or c["statement_from"] <= span["termination_date"]
            )
        if c["frequency_code"] == "1":
            assert c["original_claim_id"] is None
        else:
            original = by_claim[c["original_claim_id"]]
            assert (
                original["frequency_code"] == "1" and original["total_billed"] == c["total_billed"]
            )
            assert original["received_date"] < c["received_date"]
        for ln in lines:
            assert (
                c["statement_from"]
                <= ln["service_date"]
                <= ln["service_end_date"]
                <= c["statement_to"]
            )
            assert ln["billed_amount"] > 0 and ln["units"] >= 1
            assert ln["procedure_id"] is None or ln["procedure_id"] in procedure_ids
            if professional:
                assert ln["procedure_code"] is not None and ln["revenue_code"] is None
                pointers = [int(p) for p in str(ln["diagnosis_pointers"]).split(",")]
                assert 1 <= len(pointers) <= 4 and max(pointers) <= len(codes)
            else:
                assert ln["revenue_code"] in revenue and ln["diagnosis_pointers"] is None
            if ln["procedure_code"] is not None:
                assert ln["procedure_code"] in (cpt | hcpcs)

    _check_adjudications(ds, by_claim, lines_of, as_of)
    if "diagnostic_reports" in t:
        _check_lab_billing(t, encounters, claims, lines_of)


def _check_lab_billing(
    t: dict[str, pa.Table],
    encounters: dict[object, dict[str, object]],
    claims: list[dict[str, object]],
    lines_of: dict[str, list[dict[str, object]]],
) -> None:
    """Claims bill exactly the panels of diagnostic_reports (see docs/explanation/claims.md).

    A visit's claim of the right kind, when billed, carries each reported panel's code on the
    collection day (hospital stays: one 0300 lab line), with modifier 90 when a practice sent
    the specimen out; no claim bills a panel code that no report of its encounter has.
    """
    panel_codes = _codes("lab_panel_details.csv", "procedure_code")
    point_of_care = {
        r["procedure_code"] for r in _csv_rows("lab_panel_details.csv") if r["point_of_care"] == "1"
    }
    reported: dict[tuple[object, str], dict[str, object]] = {}
    for r in _rows(t["diagnostic_reports"]):
        reported[(r["encounter_id"], str(r["procedure_code"]))] = r
    billed: dict[tuple[object, object], list[dict[str, object]]] = {}
    for c in claims:
        lines = lines_of[str(c["claim_id"])]
        for ln in lines:
            code = ln["procedure_code"]
            if code in panel_codes:
                assert (c["encounter_id"], code) in reported, (c, ln)
        if c["frequency_code"] == "1" and len(lines) < 50:
            billed[(c["encounter_id"], c["claim_type"])] = lines
    facility_classes = ("emergency", "outpatient", "inpatient")
    for (encounter_id, code), report in reported.items():
        e = encounters[encounter_id]
        kind = "institutional" if e["encounter_class"] in facility_classes else "professional"
        lines = billed.get((encounter_id, kind))
        if lines is None:
            continue  # not billed yet (received after as_of) or self-pay
        if e["encounter_class"] == "inpatient":
            assert any(ln["revenue_code"] == "0300" for ln in lines), (report, lines)
            continue
        match = [ln for ln in lines if ln["procedure_code"] == code]
        assert len(match) == 1, (report, lines)
        assert match[0]["service_date"] == report["effective_at"].date(), (report, match)
        sent_out = e["facility_provider_id"] is None and code not in point_of_care
        assert (match[0]["modifier_1"] == "90") == sent_out, (report, match, e)


def _check_adjudications(
    ds: cdg.Dataset,
    claims: dict[str, dict[str, object]],
    lines_of: dict[str, list[dict[str, object]]],
    as_of: dt.date,
) -> None:
    t = ds.tables
    payments = {p["payment_id"]: p for p in _rows(t["payments"])}
    adjudications = _rows(t["adjudications"])
    assert len({a["adjudication_id"] for a in adjudications}) == len(adjudications)
    assert len({a["payer_claim_control_number"] for a in adjudications}) == len(adjudications)
    line_rows: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in _rows(t["line_adjudications"]):
        line_rows[str(row["adjudication_id"])].append(row)
    per_payment: dict[str, list[Decimal]] = defaultdict(list)
    for a in adjudications:
        c = claims[str(a["claim_id"])]
        payment = payments[a["payment_id"]]
        assert payment["payer_id"] == c["payer_id"] == a["payer_id"]
        assert payment["billing_provider_id"] == c["billing_provider_id"]
        assert c["received_date"] <= a["adjudication_date"] < payment["payment_date"] <= as_of
        per_payment[str(a["payment_id"])].append(a["paid_amount"])  # type: ignore[arg-type]
        # Balance: billed - paid = adjustments, claim and line level, to the cent.
        assert a["billed_amount"] - a["paid_amount"] == sum(a[k] for k in _AMOUNTS), a
        assert (
            a["patient_responsibility"]
            >= a["deductible_amount"] + a["coinsurance_amount"] + a["copay_amount"]
            if a["status_code"] != "22"
            else True
        )
        rows = line_rows[str(a["adjudication_id"])]
        assert [r["line_number"] for r in rows] == [
            ln["line_number"] for ln in lines_of[str(a["claim_id"])]
        ]
        for key in ("billed_amount", "allowed_amount", "paid_amount", *_AMOUNTS):
            assert sum(r[key] for r in rows) == a[key], (key, a)
        sign = -1 if a["status_code"] == "22" else 1
        for r, ln in zip(rows, lines_of[str(a["claim_id"])], strict=True):
            assert r["billed_amount"] == sign * ln["billed_amount"]
            assert r["billed_amount"] - r["paid_amount"] == sum(r[k] for k in _AMOUNTS), r
            amounts = [sign * r[k] for k in ("allowed_amount", "paid_amount", *_AMOUNTS)]
            assert all(v >= 0 for v in amounts), r
            assert sign * r["allowed_amount"] <= sign * r["billed_amount"]
            assert (r["carc"] is None) == (r["denied_amount"] == 0), r
        if c["coverage_id"] is None:
            # Outside coverage: denied, never paid.
            assert a["paid_amount"] == 0 and a["status_code"] == "4", a
            assert all(r["carc"] in ("26", "27") and r["group_code"] == "PR" for r in rows)
        if a["status_code"] == "22":
            assert a["reversed_adjudication_id"] is not None
            assert c["frequency_code"] == "1"
    for payment_id, paid in per_payment.items():
        p = payments[payment_id]
        assert p["claim_count"] == len(paid)
        assert p["total_paid"] == sum(paid)
        assert p["amount"] == p["total_paid"] - p["provider_adjustment"] and p["amount"] >= 0
        assert (p["payment_method"] == "NON") == (p["amount"] == 0)
    assert set(per_payment) == set(payments), "a payment reports no adjudication"


def check_inquiries(ds: cdg.Dataset, as_of: dt.date) -> None:
    """Eligibility and claim-status answers agree with coverage, accumulators and adjudication."""
    t = ds.tables
    coverages = {r["coverage_id"]: r for r in _rows(t["coverages"])}
    plans = {r["plan_id"]: r for r in _rows(t["plans"])}
    inquiries = _rows(t["eligibility_inquiries"])
    responses = _rows(t["eligibility_responses"])
    assert [q["inquiry_id"] for q in inquiries] == [r["inquiry_id"] for r in responses]
    assert len({q["inquiry_id"] for q in inquiries}) == len(inquiries)
    for q, r in zip(inquiries, responses, strict=True):
        span = coverages[r["coverage_id"]]
        assert span["member_id"] == q["member_id"] and span["payer_id"] == q["payer_id"]
        day = q["inquiry_date"]
        covers = span["effective_date"] <= day and (
            span["termination_date"] is None or day <= span["termination_date"]
        )
        assert (r["status"] == "active") == covers == (r["eligibility_code"] == "1"), (q, r)
        assert day <= as_of
        if covers:
            plan = plans[r["plan_id"]]
            assert r["deductible_individual"] == plan["deductible_individual"]
            assert 0 <= r["deductible_met"] <= r["deductible_individual"], r
            assert r["deductible_remaining"] == r["deductible_individual"] - r["deductible_met"]
            assert r["oop_remaining"] == max(r["oop_max_individual"] - r["oop_met"], 0)
    adjudications = {a["adjudication_id"]: a for a in _rows(t["adjudications"])}
    claims = {c["claim_id"]: c for c in _rows(t["claims"])}
    asked = _rows(t["claim_status_inquiries"])
    answers = _rows(t["claim_status_responses"])
    assert [q["inquiry_id"] for q in asked] == [r["inquiry_id"] for r in answers]
    for q, r in zip(asked, answers, strict=True):
        claim = claims[q["claim_id"]]
        assert claim["received_date"] < q["inquiry_date"] <= as_of
        assert r["total_billed"] == claim["total_billed"]
        decision = adjudications.get(f"{q['claim_id']}-A1")
        if r["status_category"] == "P1":
            assert decision is None or decision["adjudication_date"] > q["inquiry_date"]
            assert r["payer_claim_control_number"] is None
        else:
            assert decision is not None and decision["adjudication_date"] <= q["inquiry_date"]
            assert r["payer_claim_control_number"] == decision["payer_claim_control_number"]
        if r["status_category"] in ("F1", "F2"):
            assert r["paid_amount"] == decision["paid_amount"]  # type: ignore[index]
            assert (r["status_category"] == "F2") == (decision["status_code"] == "4")  # type: ignore[index]
