"""x12-835 remittance files: valid for pyx12, balanced to the cent, faithful to the tables."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from clinical_data_generator.serializers.x12 import X12Format, X12Options
from tests.x12 import pyx12_check
from tests.x12.conftest import output, population, write
from tests.x12.x12parse import Segment, Transaction, check_envelopes, parse

VERSION = "005010X221A1"
SHARE = {"1": "deductible_amount", "2": "coinsurance_amount", "3": "copay_amount"}


def _claims(t: Transaction) -> list[dict]:
    """CLP loops with their segments and SVC loops."""
    out: list[dict] = []
    line: dict | None = None
    for seg in t.segments:
        if seg.id == "CLP":
            out.append({"clp": seg, "cas": [], "nm1": {}, "lines": []})
            line = None
        elif seg.id == "SVC":
            line = {"svc": seg, "cas": [], "dtm": {}, "ref": {}, "amt": {}, "lq": []}
            out[-1]["lines"].append(line)
        elif out and seg.id in ("PLB", "SE"):
            line = None
        elif out and line is None:
            if seg.id == "CAS":
                out[-1]["cas"].append(seg)
            elif seg.id == "NM1":
                out[-1]["nm1"][seg[1]] = seg
        elif line is not None:
            if seg.id == "CAS":
                line["cas"].append(seg)
            elif seg.id == "DTM":
                line["dtm"][seg[1]] = seg[2]
            elif seg.id == "REF":
                line["ref"][seg[1]] = seg[2]
            elif seg.id == "AMT":
                line["amt"][seg[1]] = Decimal(seg[2])
            elif seg.id == "LQ":
                line["lq"].append(seg[2])
    return out


def _cas(segments: list[Segment]) -> dict[tuple[str, str], Decimal]:
    """(group, reason) -> amount of CAS segments (triples of reason, amount, quantity)."""
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for cas in segments:
        for i in range(2, len(cas.elements), 3):
            out[(cas[1], cas[i])] += Decimal(cas[i + 1])
    return out


def test_pyx12_accepts_every_file(small_size: tuple[int, int]) -> None:
    """pyx12 finds no error in any 835 file."""
    files = output(*small_size, "x12-835")
    assert files
    for path, data in files.items():
        assert pyx12_check.errors(data) == [], path


def test_balances_to_the_cent(size: tuple[int, int]) -> None:
    """BPR02 = sum CLP04 - sum PLB; CLP03 - CLP04 = all CAS; SVC02 - SVC03 = line CAS."""
    files = output(*size, "x12-835")
    for data in files.values():
        doc = parse(data)
        check_envelopes(doc, VERSION)
        for ic in doc.interchanges:
            for t in ic.transactions:
                assert len(t.segments[0].elements) == 3, "835 ST03 is Not Used"
                claims = _claims(t)
                plb = sum((Decimal(p[4]) for p in t.find("PLB")), Decimal(0))
                paid = sum((Decimal(c["clp"][4]) for c in claims), Decimal(0))
                assert Decimal(t.find("BPR")[0][2]) == paid - plb
                for c in claims:
                    lines = sum(sum(_cas(x["cas"]).values()) for x in c["lines"])
                    own = sum(_cas(c["cas"]).values())
                    assert Decimal(c["clp"][3]) - Decimal(c["clp"][4]) == own + lines
                    for x in c["lines"]:
                        svc = x["svc"]
                        assert Decimal(svc[2]) - Decimal(svc[3]) == sum(_cas(x["cas"]).values())


def test_round_trip(size: tuple[int, int]) -> None:
    """Payments, adjudications and line adjudications read back equal to the tables."""
    files = output(*size, "x12-835")
    dataset = population(*size)
    t = dataset.tables
    payments = {p["trace_number"]: p for p in t["payments"].to_pylist()}
    adjudications = {(a["claim_id"], a["payer_claim_control_number"]): a
                     for a in t["adjudications"].to_pylist()}  # fmt: skip
    lines = {
        (x["adjudication_id"], x["line_number"]): x for x in t["line_adjudications"].to_pylist()
    }
    sources = {(x["claim_id"], x["line_number"]): x for x in t["claim_lines"].to_pylist()}
    providers = {p["provider_id"]: p for p in t["providers"].to_pylist()}
    members = {m["member_id"]: m for m in t["members"].to_pylist()}
    seen_payments, seen_adjudications = set(), set()
    for path, data in files.items():
        for ic in parse(data).interchanges:
            for tr in ic.transactions:
                bpr, trn = tr.find("BPR")[0], tr.find("TRN")[0]
                payment = payments[trn[2]]
                seen_payments.add(payment["payment_id"])
                assert payment["payer_id"] == Path(path).stem
                assert Decimal(bpr[2]) == payment["amount"]
                assert (
                    bpr[4] == payment["payment_method"]
                    and bpr[16] == f"{payment['payment_date']:%Y%m%d}"
                )
                assert tr.find("N1", "PE")[0][4] == providers[payment["billing_provider_id"]]["npi"]
                plb = tr.find("PLB")
                if payment["provider_adjustment"]:
                    assert [Decimal(p[4]) for p in plb] == [payment["provider_adjustment"]]
                else:
                    assert plb == []
                claims = _claims(tr)
                assert len(claims) == payment["claim_count"]
                for c in claims:
                    clp = c["clp"]
                    a = adjudications[(clp[1], clp[7])]
                    seen_adjudications.add(a["adjudication_id"])
                    assert a["payment_id"] == payment["payment_id"]
                    assert clp[2] == a["status_code"]
                    assert [Decimal(clp[3]), Decimal(clp[4])] == [
                        a["billed_amount"],
                        a["paid_amount"],
                    ]
                    assert Decimal(clp[5] or 0) == a["patient_responsibility"]
                    patient = members[a["member_id"]]
                    assert c["nm1"]["QC"][9] == patient["member_number"]
                    assert c["cas"] == [], "adjustments are reported on the lines"
                    for x in c["lines"]:
                        number = int(x["ref"]["6R"].rsplit("-", 1)[1])
                        src = lines[(a["adjudication_id"], number)]
                        billed = sources[(a["claim_id"], number)]
                        svc = x["svc"]
                        assert [Decimal(svc[2]), Decimal(svc[3])] == [
                            src["billed_amount"],
                            src["paid_amount"],
                        ]
                        assert int(svc[5] or 1) == src["units"]
                        assert int(svc[7] or svc[5] or 1) == billed["units"]
                        code = svc[1].split(":")
                        if src["procedure_code"]:
                            assert code[:2] == ["HC", src["procedure_code"]]
                            assert svc[4] == (src["revenue_code"] or "")
                        else:
                            assert code == ["NU", src["revenue_code"]]
                        cas = _cas(x["cas"])
                        assert cas.pop(("CO", "45"), Decimal(0)) == src["contractual_amount"]
                        for reason, name in SHARE.items():
                            assert cas.pop(("PR", reason), Decimal(0)) == src[name]
                        if src["denied_amount"]:
                            assert cas == {
                                (src["group_code"] or "CO", src["carc"]): src["denied_amount"]
                            }
                        else:
                            assert cas == {}
                        assert x["lq"] == ([src["rarc"]] if src["rarc"] else [])
                        start, end = billed["service_date"], billed["service_end_date"]
                        if start == end:
                            assert x["dtm"] == {"472": f"{start:%Y%m%d}"}
                        else:
                            assert x["dtm"] == {"150": f"{start:%Y%m%d}", "151": f"{end:%Y%m%d}"}
    assert seen_payments == set(t["payments"]["payment_id"].to_pylist())
    assert seen_adjudications == set(t["adjudications"]["adjudication_id"].to_pylist())


def test_reversals_and_denials_are_present() -> None:
    """The validated populations include reversals (22), denials (4) and forward balances."""
    ds = population(120, 7)
    statuses = set(ds.tables["adjudications"]["status_code"].to_pylist())
    assert {"1", "4", "22"} <= statuses
    assert any(p["provider_adjustment"] for p in population(700, 23).tables["payments"].to_pylist())


def test_payments_per_interchange(tmp_path: Path) -> None:
    """transactions_per_interchange caps the payments of each interchange."""
    options = X12Options(transactions_per_interchange=3)
    files = write(population(40, 1), tmp_path, X12Format("x12-835", options=options))
    for data in files.values():
        doc = parse(data)
        check_envelopes(doc, VERSION)
        assert all(1 <= len(ic.transactions) <= 3 for ic in doc.interchanges)
