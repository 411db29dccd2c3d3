"""x12-270/271 eligibility and x12-276/277 claim status files: structure and round trips."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import clinical_data_generator as cdg
from clinical_data_generator.serializers.x12 import X12Format, X12Options
from tests.x12.conftest import output, population, write
from tests.x12.x12parse import check_envelopes, first, hl_tree, inquiries, parse

VERSION = {"x12-270": "005010X279A1", "x12-271": "005010X279A1", "x12-276": "005010X212",
           "x12-277": "005010X212"}  # fmt: skip
FORMATS = list(VERSION)


@pytest.mark.parametrize("fmt", FORMATS)
def test_envelopes_and_hl_tree(size: tuple[int, int], fmt: str) -> None:
    """Envelopes count right, HL trees nest, at most 99 inquiries per transaction."""
    files = output(*size, fmt)
    assert files
    for data in files.values():
        doc = parse(data)
        check_envelopes(doc, VERSION[fmt])
        for ic in doc.interchanges:
            for t in ic.transactions:
                hl_tree(t)
                assert 1 <= len(t.find("TRN")) <= 99


def _people(ds: cdg.Dataset) -> dict:
    return {m["member_id"]: m for m in ds.tables["members"].to_pylist()}


def _check_patient(found: dict, member: dict, subscriber: dict, number: str) -> None:
    """Subscriber NM1*IL id; patient name in NM1*IL (self) or the dependent NM1 (03/QC)."""
    nm1_il = first(found["subscriber"], "NM1", "IL")
    assert nm1_il is not None and nm1_il[9] == number
    assert nm1_il[3] == subscriber["last_name"].upper()
    if member["member_id"] == subscriber["member_id"]:
        assert found["level"] == "22"
    else:
        assert found["level"] == "23"
        nm1 = first(found["segments"], "NM1")
        assert nm1 is not None and nm1[1] in ("03", "QC") and nm1[3] == member["last_name"].upper()


@pytest.mark.parametrize("fmt", ["x12-270", "x12-271"])
def test_eligibility_round_trip(size: tuple[int, int], fmt: str) -> None:
    """Every inquiry appears once with its member, provider, date, service type and answer."""
    files = output(*size, fmt)
    dataset = population(*size)
    t = dataset.tables
    asked = {q["inquiry_id"]: q for q in t["eligibility_inquiries"].to_pylist()}
    answers = {r["inquiry_id"]: r for r in t["eligibility_responses"].to_pylist()}
    providers = {p["provider_id"]: p for p in t["providers"].to_pylist()}
    people = _people(dataset)
    seen = []
    for path, data in files.items():
        for found in inquiries(parse(data)):
            trn = first(found["segments"], "TRN")
            assert trn is not None and trn[1] == ("2" if fmt == "x12-271" else "1")
            q = asked[trn[2]]
            seen.append(q["inquiry_id"])
            assert q["payer_id"] == Path(path).stem
            assert found["provider"][9] == providers[q["provider_id"]]["npi"]
            assert trn[3] == "1" + providers[q["provider_id"]]["tax_id"].replace("-", "")
            member, holder = people[q["member_id"]], people[q["subscriber_member_id"]]
            _check_patient(found, member, holder, holder["subscriber_number"])
            segs = found["segments"]
            dmg = first(segs, "DMG")
            assert dmg is not None and dmg[2] == f"{member['birth_date']:%Y%m%d}"
            if fmt == "x12-270":
                assert first(segs, "EQ")[1] == q["service_type_code"]
                assert first(segs, "DTP", "291")[3] == f"{q['inquiry_date']:%Y%m%d}"
            else:
                _check_answer(segs, answers[q["inquiry_id"]], q)
    assert sorted(seen) == sorted(asked)


def _check_answer(segs: list, r: dict, q: dict) -> None:
    ebs = [s for s in segs if s.id == "EB"]
    if r["eligibility_code"] == "6":
        assert [s.elements for s in ebs] == [["EB", "6", "", "30"]]
    else:
        assert ebs[0][1] == "1" and ebs[0][3] == "30"
        if q["service_type_code"] != "30":
            assert ebs[1].elements == ["EB", "1", "", q["service_type_code"]]
        money = {(s[1], s[6], s[7]) for s in ebs if s[7]}
        for code, period, column in (("C", "23", "deductible_individual"),
                                     ("C", "24", "deductible_met"),
                                     ("C", "29", "deductible_remaining"),
                                     ("G", "23", "oop_max_individual"), ("G", "24", "oop_met"),
                                     ("G", "29", "oop_remaining")):  # fmt: skip
            wanted = r[column]
            got = [Decimal(s[7]) for s in ebs if (s[1], s[6]) == (code, period)]
            assert got == ([wanted] if wanted is not None else [])
        copays = [Decimal(s[7]) for s in ebs if s[1] == "B"]
        assert copays == [r["copay_primary_care"], r["copay_specialist"]]
        coinsurance = [Decimal(s[8]) * 100 for s in ebs if s[1] == "A"]
        assert coinsurance == [r["coinsurance_percent"]]
        assert money
    assert first(segs, "REF", "18")[2] == r["plan_id"]
    group = first(segs, "REF", "6P")
    assert (group[2] if group else None) == r["group_number"]
    begin, end = first(segs, "DTP", "346"), first(segs, "DTP", "347")
    assert begin[3] == f"{r['plan_begin_date']:%Y%m%d}"
    assert (end[3] if end else None) == (
        f"{r['plan_end_date']:%Y%m%d}" if r["plan_end_date"] else None
    )


@pytest.mark.parametrize("fmt", ["x12-276", "x12-277"])
def test_claim_status_round_trip(size: tuple[int, int], fmt: str) -> None:
    """Every status inquiry appears once with its claim, parties, charge, dates and status."""
    files = output(*size, fmt)
    dataset = population(*size)
    t = dataset.tables
    asked = {q["inquiry_id"]: q for q in t["claim_status_inquiries"].to_pylist()}
    answers = {r["inquiry_id"]: r for r in t["claim_status_responses"].to_pylist()}
    claims = {c["claim_id"]: c for c in t["claims"].to_pylist()}
    providers = {p["provider_id"]: p for p in t["providers"].to_pylist()}
    people = _people(dataset)
    seen = []
    for path, data in files.items():
        for found in inquiries(parse(data)):
            segs = found["segments"]
            trn = first(segs, "TRN")
            q = asked[trn[2]]
            seen.append(q["inquiry_id"])
            claim = claims[q["claim_id"]]
            assert q["payer_id"] == Path(path).stem
            assert found["provider"][9] == providers[q["billing_provider_id"]]["npi"]
            member = people[q["member_id"]]
            if claim["coverage_id"] is None:
                _check_patient(found, member, member, member["member_number"])
            else:
                holder = people[claim["subscriber_member_id"]]
                _check_patient(found, member, holder, holder["subscriber_number"])
            assert first(segs, "REF", "EJ")[2] == claim["claim_id"]
            blt = first(segs, "REF", "BLT")
            bill_type = claim["type_of_bill"][1:] if claim["type_of_bill"] else None
            assert (blt[2] if blt else None) == bill_type
            start, end = claim["statement_from"], claim["statement_to"]
            dtp = first(segs, "DTP", "472")
            want = f"{start:%Y%m%d}" if start == end else f"{start:%Y%m%d}-{end:%Y%m%d}"
            assert dtp[3] == want
            if fmt == "x12-276":
                assert trn[1] == "1"
                assert Decimal(first(segs, "AMT", "T3")[2]) == claim["total_billed"]
                continue
            r = answers[q["inquiry_id"]]
            stc = first(segs, "STC")
            assert stc[1].split(":") == [r["status_category"], r["status_code"]]
            assert stc[2] == f"{r['status_date']:%Y%m%d}"
            assert Decimal(stc[4]) == r["total_billed"] == claim["total_billed"]
            assert (Decimal(stc[5]) if stc[5] else None) == r["paid_amount"]
            paid_on = r["payment_date"]
            assert stc[8] == (f"{paid_on:%Y%m%d}" if paid_on else "")
            assert stc[9] == (r["trace_number"] or "")
            ref = first(segs, "REF", "1K")
            assert (ref[2] if ref else None) == r["payer_claim_control_number"]
    assert sorted(seen) == sorted(asked)


def test_inquiries_per_transaction(tmp_path: Path) -> None:
    """inquiries_per_transaction and transactions_per_interchange batch the 27x files."""
    options = X12Options(inquiries_per_transaction=4, transactions_per_interchange=2)
    files = write(population(120, 7), tmp_path, X12Format("x12-271", options=options))
    for data in files.values():
        doc = parse(data)
        check_envelopes(doc, VERSION["x12-271"])
        for ic in doc.interchanges:
            assert 1 <= len(ic.transactions) <= 2
            for t in ic.transactions:
                hl_tree(t)
                assert 1 <= len(t.find("TRN")) <= 4
