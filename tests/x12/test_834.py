"""x12-834 enrollment files: valid for pyx12, well formed, and faithful to the tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.compute as pc
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.serializers.x12 import X12Format, X12Options
from tests.x12 import pyx12_check
from tests.x12.conftest import output, population, write
from tests.x12.x12parse import Transaction, check_envelopes, parse

VERSION = "005010X220A1"
SINCE = dt.date(2025, 7, 1)


def _members(t: Transaction) -> list[list]:
    """The INS loops of a transaction as lists of segments."""
    loops: list[list] = []
    for seg in t.segments:
        if seg.id == "INS":
            loops.append([seg])
        elif loops and seg.id not in ("SE",):
            loops[-1].append(seg)
    return loops


@pytest.mark.parametrize("change", [False, True], ids=["full", "change"])
def test_pyx12_accepts_every_file(small_size: tuple[int, int], change: bool) -> None:
    """pyx12 finds no error in any 834 file, full or change mode."""
    fmt = X12Format("x12-834", options=X12Options(change_since=SINCE if change else None))
    files = output(*small_size, fmt)
    assert files
    for path, data in files.items():
        assert pyx12_check.errors(data) == [], path


def test_envelopes_counts_and_totals(size: tuple[int, int]) -> None:
    """Envelopes count right, control numbers are unique, QTY totals match the INS loops."""
    files = output(*size, "x12-834")
    seen_isa, seen_st = set(), set()
    for data in files.values():
        doc = parse(data)
        check_envelopes(doc, VERSION)
        for ic in doc.interchanges:
            assert ic.isa[13] not in seen_isa
            seen_isa.add(ic.isa[13])
            for t in ic.transactions:
                assert t.segments[0][2] not in seen_st
                seen_st.add(t.segments[0][2])
                assert t.find("BGN")[0][8] == "4"
                ins = t.find("INS")
                qty = {q[1]: int(q[2]) for q in t.find("QTY")}
                assert qty["TO"] == len(ins)
                assert qty["ET"] == sum(1 for s in ins if s[1] == "Y")
                assert qty["DT"] == sum(1 for s in ins if s[1] == "N")
                assert {s[3] for s in ins} == {"030"}


def test_full_file_round_trips(size: tuple[int, int]) -> None:
    """Every coverage span not ended before as_of appears once with its member's data."""
    files = output(*size, "x12-834")
    dataset = population(*size)
    as_of = dt.date.fromisoformat(str(dataset.info["as_of"]))
    members = {m["member_number"]: m for m in dataset.tables["members"].to_pylist()}
    expected = Counter(
        (c["member_id"], c["plan_id"], c["effective_date"].strftime("%Y%m%d"))
        for c in dataset.tables["coverages"].to_pylist()
        if c["termination_date"] is None or c["termination_date"] >= as_of
    )
    found: Counter[tuple[str, str, str]] = Counter()
    for path, data in files.items():
        payer_id = Path(path).stem
        for ic in parse(data).interchanges:
            for t in ic.transactions:
                for loop in _members(t):
                    ref = {s[1]: s[2] for s in loop if s.id == "REF"}
                    member = members[ref["23"]]
                    assert ref["0F"] == member["subscriber_number"]
                    nm1 = next(s for s in loop if s.id == "NM1" and s[1] == "IL")
                    assert nm1[3] == member["last_name"].upper()
                    dmg = next(s for s in loop if s.id == "DMG")
                    assert dmg[2] == member["birth_date"].strftime("%Y%m%d")
                    assert dmg[3] == member["sex"]
                    plans = [s[2] for s in loop if s.id == "REF" and s[1] == "CE"]
                    starts = [s[3] for s in loop if s.id == "DTP" and s[1] == "348"]
                    assert len(plans) == len(starts) == sum(1 for s in loop if s.id == "HD")
                    for plan, start in zip(plans, starts, strict=True):
                        assert plan.startswith(payer_id)
                        found[(member["member_id"], plan, start)] += 1
    assert found == expected


def test_change_file_maintenance_codes(size: tuple[int, int]) -> None:
    """A change file holds exactly the additions (021) and terminations (024) of the window."""
    fmt = X12Format("x12-834", options=X12Options(change_since=SINCE))
    files = output(*size, fmt)
    dataset = population(*size)
    as_of = dt.date.fromisoformat(str(dataset.info["as_of"]))
    expected = {}
    for c in dataset.tables["coverages"].to_pylist():
        end = c["termination_date"]
        if end is not None and SINCE < end <= as_of:
            expected[c["coverage_id"]] = "024"
        elif SINCE < c["effective_date"] <= as_of:
            expected[c["coverage_id"]] = "021"
    members = {m["member_number"]: m["member_id"] for m in dataset.tables["members"].to_pylist()}
    by_member = defaultdict(list)
    for cov_id, code in expected.items():
        by_member[cov_id.rsplit("-", 1)[0]].append(code)
    found = defaultdict(list)
    for data in files.values():
        doc = parse(data)
        check_envelopes(doc, VERSION)
        for ic in doc.interchanges:
            for t in ic.transactions:
                assert t.find("BGN")[0][8] == "2"
                for loop in _members(t):
                    ins = loop[0]
                    member = members[next(s[2] for s in loop if s.id == "REF" and s[1] == "23")]
                    codes = [s[1] for s in loop if s.id == "HD"]
                    found[member].extend(codes)
                    want = "001" if {"021", "024"} <= set(codes) else codes[0]
                    assert ins[3] == want
                    assert len(set(codes)) == 1 or ins[3] == "001"
    assert {k: sorted(v) for k, v in found.items()} == {k: sorted(v) for k, v in by_member.items()}


def test_transactions_per_sponsor_and_payer(tmp_path: Path) -> None:
    """Group members sit in their sponsor's transaction, the others in their payer's."""
    ds = cdg.generate(members=400, seed=7)
    files = write(ds, tmp_path, "x12-834")
    sponsors = {s["tax_id"].replace("-", ""): s for s in ds.tables["sponsors"].to_pylist()}
    group_numbers = {}
    for c in ds.tables["coverages"].to_pylist():
        group_numbers[c["member_id"]] = c["group_number"]
    members = {m["member_number"]: m["member_id"] for m in ds.tables["members"].to_pylist()}
    for data in files.values():
        for ic in parse(data).interchanges:
            for t in ic.transactions:
                p5 = t.find("N1", "P5")[0]
                sponsor = sponsors.get(p5[4])
                for loop in _members(t):
                    member = members[next(s[2] for s in loop if s.id == "REF" and s[1] == "23")]
                    ref1l = [s[2] for s in loop if s.id == "REF" and s[1] == "1L"]
                    if sponsor is None:
                        assert ref1l == []
                    else:
                        assert ref1l == [sponsor["group_number"]]
                        assert t.find("REF", "38")[0][2] == sponsor["group_number"]
                        assert group_numbers[member] is not None


def test_no_output_for_an_empty_change_window(tmp_path: Path) -> None:
    """A change window with no events writes no 834 file at all."""
    ds = cdg.generate(members=60, seed=1)
    as_of = dt.date.fromisoformat(str(ds.info["as_of"]))
    fmt = X12Format("x12-834", options=X12Options(change_since=as_of))
    assert write(ds, tmp_path, fmt) == {}
    assert pc.sum(pc.greater(ds.tables["coverages"]["effective_date"], as_of)).as_py() in (0, None)
