"""837P rendering throughput (claims per CPU second) against a naive per-claim baseline.

Run ``python benchmarks/bench_x12.py [--members N] [--rounds R] [--quick]``. Both contenders
render the professional claims of one built Dataset into per-payer 837P files in memory:

- ours: the registered ``x12-837p`` writer (columnar: every segment is a pyarrow string
  column built with ``pyarrow.compute``, interleaved with one ``take``);
- baseline: what a team would hand-write: loop over the claims as Python dicts and build each
  segment one element at a time, with the same loops, HL tree, cleaning and envelopes.

Rates are claims per CPU second (``time.process_time``), medians of interleaved rounds. The
script never fails on the budget: it prints PASS or BELOW next to it and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import clinical_data_generator as cdg
from clinical_data_generator.serializers.x12 import X12Format

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import budget_line, fmt_bytes, fmt_rate, measure, report

BUDGET = 50_000.0  # 837P claims rendered per CPU second, one core
SEED = 7
REFERENCE = ("payers", "plans", "sponsors", "providers")
OURS = "ours: x12-837p writer (columnar)"
NAIVE = "baseline: per claim, element by element"


class _Sink:
    """An in-memory DocumentSink: one BytesIO per file."""

    def __init__(self) -> None:
        self.files: dict[str, io.BytesIO] = {}

    def open(self, relative_path: str) -> io.BytesIO:
        stream = self.files[relative_path] = io.BytesIO()
        return stream

    def size(self) -> int:
        return sum(len(f.getvalue()) for f in self.files.values())

    def segments(self) -> int:
        return sum(f.getvalue().count(b"~") for f in self.files.values())


# --------------------------------------------------------------------------------------------
# The baseline: one claim at a time, one element at a time.
# --------------------------------------------------------------------------------------------

DELIMITERS = "*:^~"


def _clean(value: Any, size: int) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    for mark in DELIMITERS:
        text = text.replace(mark, " ")
    return " ".join(text.split()).upper()[:size].rstrip()


def _segment(tag: str, *elements: Any) -> str:
    out = tag
    for element in elements:
        out += "*"
        out += "" if element is None else str(element)
    return out.rstrip("*") + "~"


def _money(value: Any) -> str:
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def naive_837p(tables: dict[str, pa.Table], as_of: dt.date, per: int = 5000) -> dict[str, str]:
    """837P files by payer, built the obvious way (dicts, loops, string concatenation)."""
    claims = [c for c in tables["claims"].to_pylist() if c["claim_type"] == "professional"]
    lines = defaultdict(list)
    for line in tables["claim_lines"].to_pylist():
        lines[line["claim_id"]].append(line)
    members = {m["member_id"]: m for m in tables["members"].to_pylist()}
    coverages = {c["coverage_id"]: c for c in tables["coverages"].to_pylist()}
    providers = {p["provider_id"]: p for p in tables["providers"].to_pylist()}
    payers = {p["payer_id"]: p for p in tables["payers"].to_pylist()}
    plans = {p["plan_id"]: p for p in tables["plans"].to_pylist()}
    pcn = {a["claim_id"]: a["payer_claim_control_number"]
           for a in tables["adjudications"].to_pylist() if a["status_code"] != "22"}  # fmt: skip
    by_payer = defaultdict(list)
    for claim in claims:
        by_payer[claim["payer_id"]].append(claim)
    out = {}
    control = 0
    for payer_id in sorted(by_payer):
        payer = payers[payer_id]
        text = ""
        batch = by_payer[payer_id]
        for lo in range(0, len(batch), per):
            control += 1
            text += _interchange(batch[lo : lo + per], payer, control, as_of, lines, members,
                                 coverages, providers, plans, pcn)  # fmt: skip
        out[f"{payer_id}.x12"] = text
    return out


def _interchange(claims, payer, control, as_of, lines, members, coverages, providers, plans, pcn):  # type: ignore[no-untyped-def]
    rows = []
    for claim in claims:
        coverage = coverages.get(claim["coverage_id"])
        dependent = coverage is not None and coverage["relationship_code"] != "18"
        subscriber = claim["subscriber_member_id"] if coverage else claim["member_id"]
        holder = members[subscriber]
        number = (
            holder["subscriber_number"]
            if coverage
            else members[claim["member_id"]]["member_number"]
        )
        plan = plans[claim["plan_id"]]
        filing = {"medicare": "16", "medicaid": "MC"}.get(plan["line_of_business"]) or {
            "HMO": "HM", "PPO": "12", "POS": "13", "EPO": "14"}.get(plan["product_type"], "CI")  # fmt: skip
        group = (coverage or {}).get("group_number")
        key = (claim["billing_provider_id"], subscriber, number, group or "", filing, dependent,
               claim["member_id"], claim["claim_id"])  # fmt: skip
        rows.append((key, claim, holder, number, group, filing, dependent, coverage))
    rows.sort(key=lambda r: r[0])
    date, isa_date = _date(as_of), as_of.strftime("%y%m%d")
    out = (f"ISA*00*          *00*          *ZZ*{'CDGCLEARHOUSE':<15}*ZZ*{payer['payer_code']:<15}"
           f"*{isa_date}*1200*^*00501*{control:09d}*0*T*:~")  # fmt: skip
    out += _segment("GS", "HC", "CDGCLEARHOUSE", payer["payer_code"], date, "1200", control, "X",
                    "005010X222A1")  # fmt: skip
    body = [_segment("ST", "837", f"{control:04d}", "005010X222A1"),
            _segment("BHT", "0019", "00", f"{control:09d}{control:04d}", date, "1200", "CH"),
            _segment("NM1", "41", "2", "CDG CLEARINGHOUSE", None, None, None, None, "46",
                     "CDGCLEARHOUSE"),
            _segment("PER", "IC", "EDI SUPPORT", "TE", "8005550100"),
            _segment("NM1", "40", "2", _clean(payer["name"], 60), None, None, None, None, "46",
                     payer["payer_code"])]  # fmt: skip
    hl = 0
    last_a = last_b = last_c = None
    a_id = b_id = 0
    count_b = count_c = 0
    for key, claim, holder, number, group, filing, dependent, coverage in rows:
        patient = members[claim["member_id"]]
        if key[0] != last_a:
            hl += 1
            a_id = hl
            last_a, last_b, last_c = key[0], None, None
            bill = providers[claim["billing_provider_id"]]
            body.append(_segment("HL", hl, None, "20", "1"))
            body.append(_segment("PRV", "BI", "PXC", bill["taxonomy_code"]))
            body.append(_segment("NM1", "85", "2", _clean(bill["organization_name"] or bill["name"], 60),
                                 None, None, None, None, "XX", bill["npi"]))  # fmt: skip
            body.append(_segment("N3", _clean(bill["address_line1"], 55)))
            body.append(_segment("N4", _clean(bill["city"], 30), bill["state"],
                                 bill["zip"] + bill["zip4"]))  # fmt: skip
            body.append(_segment("REF", "EI", (bill["tax_id"] or "").replace("-", "")))
        split = count_b >= 100 if not dependent else False
        if key[:6] != last_b or split:
            hl += 1
            b_id = hl
            last_b, last_c, count_b = key[:6], None, 0
            body.append(_segment("HL", hl, a_id, "22", "1" if dependent else "0"))
            body.append(_segment("SBR", "P", None if dependent else "18", group, None, None, None,
                                 None, None, filing))  # fmt: skip
            body.append(_segment("NM1", "IL", "1", _clean(holder["last_name"], 60),
                                 _clean(holder["first_name"], 35),
                                 _clean(holder["middle_initial"], 25), None, None, "MI", number))  # fmt: skip
            if not dependent:
                body.append(_segment("N3", _clean(patient["address_line1"], 55),
                                     _clean(patient["address_line2"], 55)))  # fmt: skip
                body.append(
                    _segment("N4", _clean(patient["city"], 30), patient["state"], patient["zip"])
                )
                body.append(_segment("DMG", "D8", _date(patient["birth_date"]), patient["sex"]))
            body.append(_segment("NM1", "PR", "2", _clean(payer["name"], 60), None, None, None,
                                 None, "PI", payer["payer_code"]))  # fmt: skip
        if dependent and (key[6] != last_c or count_c >= 100):
            hl += 1
            last_c, count_c = key[6], 0
            relationship = {"01": "01", "19": "19"}.get(coverage["relationship_code"], "G8")
            body.append(_segment("HL", hl, b_id, "23", "0"))
            body.append(_segment("PAT", relationship))
            body.append(_segment("NM1", "QC", "1", _clean(patient["last_name"], 60),
                                 _clean(patient["first_name"], 35),
                                 _clean(patient["middle_initial"], 25)))  # fmt: skip
            body.append(_segment("N3", _clean(patient["address_line1"], 55),
                                 _clean(patient["address_line2"], 55)))  # fmt: skip
            body.append(
                _segment("N4", _clean(patient["city"], 30), patient["state"], patient["zip"])
            )
            body.append(_segment("DMG", "D8", _date(patient["birth_date"]), patient["sex"]))
        count_b += 1
        count_c += 1
        body.append(_segment("CLM", claim["claim_id"], _money(claim["total_billed"]), None, None,
                             f"{claim['place_of_service']}:B:{claim['frequency_code']}", "Y", "A",
                             "Y", "Y"))  # fmt: skip
        if claim["place_of_service"] in ("21", "51", "61"):
            body.append(_segment("DTP", "435", "D8",
                                 _date(claim["admission_date"] or claim["statement_from"])))  # fmt: skip
        if claim["frequency_code"] in ("7", "8"):
            body.append(_segment("REF", "F8", pcn.get(claim["original_claim_id"],
                                                      claim["original_claim_id"])))  # fmt: skip
        codes = claim["diagnosis_codes"].split("|")
        body.append(_segment("HI", "ABK:" + codes[0], *("ABF:" + c for c in codes[1:])))
        doc = claim["rendering_provider_id"]
        if doc and doc != claim["billing_provider_id"]:
            p = providers[doc]
            body.append(_segment("NM1", "82", "1", _clean(p["last_name"], 60), _clean(p["first_name"], 35),
                                 _clean(p["middle_initial"], 25), None, None, "XX", p["npi"]))  # fmt: skip
            body.append(_segment("PRV", "PE", "PXC", p["taxonomy_code"]))
        site = claim["facility_provider_id"]
        if site and site != claim["billing_provider_id"]:
            f = providers[site]
            body.append(_segment("NM1", "77", "2", _clean(f["organization_name"] or f["name"], 60),
                                 None, None, None, None, "XX", f["npi"]))  # fmt: skip
            body.append(_segment("N3", _clean(f["address_line1"], 55)))
            body.append(_segment("N4", _clean(f["city"], 30), f["state"], f["zip"] + f["zip4"]))
        for i, line in enumerate(
            sorted(lines[claim["claim_id"]], key=lambda x: x["line_number"]), 1
        ):
            procedure = "HC:" + line["procedure_code"]
            for modifier in (line["modifier_1"], line["modifier_2"]):
                if modifier:
                    procedure += ":" + modifier
            pointers = (line["diagnosis_pointers"] or "1").replace(",", ":")
            body.append(_segment("LX", i))
            body.append(_segment("SV1", procedure, _money(line["billed_amount"]), "UN", line["units"],
                                 None, None, pointers))  # fmt: skip
            start, end = line["service_date"], line["service_end_date"]
            if start == end:
                body.append(_segment("DTP", "472", "D8", _date(start)))
            else:
                body.append(_segment("DTP", "472", "RD8", _date(start) + "-" + _date(end)))
            body.append(_segment("REF", "6R", f"{claim['claim_id']}-{i}"))
    body.append(_segment("SE", len(body) + 1, f"{control:04d}"))
    return out + "".join(body) + _segment("GE", 1, control) + _segment("IEA", 1, f"{control:09d}")


# --------------------------------------------------------------------------------------------
# The benchmark.
# --------------------------------------------------------------------------------------------


ENVELOPE = ("ISA", "GS", "ST", "BHT", "SE", "GE", "IEA")


def ours_files(reference: dict[str, pa.Table], block: dict[str, pa.Table],
               info: Any) -> dict[str, str]:  # fmt: skip
    """Our 837P files as text, by file name."""
    sink = _Sink()
    writer = X12Format("x12-837p").open(sink, reference, info)
    writer.write_block(block)
    writer.close()
    return {name: f.getvalue().decode() for name, f in sink.files.items()}


def _same_claims(ours: dict[str, str], naive: dict[str, str]) -> bool:
    """Both outputs hold the same segments in the same order, envelope control numbers aside."""

    def body(text: str) -> list[str]:
        return [s for s in text.split("~") if s.split("*", 1)[0] not in ENVELOPE]

    return sorted(ours) == sorted(naive) and all(body(ours[k]) == body(naive[k]) for k in ours)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=None, help="population (default 40,000)")
    parser.add_argument(
        "--baseline-members",
        type=int,
        default=None,
        help="population of the baseline runs (default min(N, 8,000)); rates are per claim",
    )
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="smoke mode: 4,000 members, 2 rounds")
    args = parser.parse_args(argv)
    members = args.members or (4_000 if args.quick else 40_000)
    rounds = args.rounds or (2 if args.quick else 5)
    baseline_members = args.baseline_members or min(members, 8_000)

    print(
        f"bench_x12  {dt.datetime.now().isoformat(timespec='seconds')}  "
        f"python {platform.python_version()}  clinical_data_generator {cdg.__version__}  "
        f"pyarrow {pa.__version__}  numpy {np.__version__}"
    )
    print(f"machine: {platform.machine()}  {os.cpu_count()} logical CPUs  {platform.platform()}")
    ds = cdg.generate(members=members, seed=SEED)
    tables = dict(ds.tables)
    reference = {n: t for n, t in tables.items() if n in REFERENCE}
    block = {n: t for n, t in tables.items() if n not in REFERENCE}
    claims = int(pc.sum(pc.equal(tables["claims"]["claim_type"], "professional")).as_py())
    as_of = dt.date.fromisoformat(str(ds.info["as_of"]))
    print(
        f"population: {members:,} members, seed {SEED}; {claims:,} professional claims, "
        f"{tables['claim_lines'].num_rows:,} claim lines (all types); {rounds} interleaved "
        "rounds; rates are claims per CPU second (time.process_time), median of rounds"
    )
    small = ds if baseline_members == members else cdg.generate(members=baseline_members, seed=SEED)
    small_tables = dict(small.tables)
    small_claims = int(
        pc.sum(pc.equal(small_tables["claims"]["claim_type"], "professional")).as_py()
    )
    print(
        f"baseline population: {baseline_members:,} members, {small_claims:,} professional claims"
    )
    sizes: dict[str, tuple[int, int]] = {}

    def ours() -> int:
        sink = _Sink()
        writer = X12Format("x12-837p").open(sink, reference, ds.info)
        writer.write_block(block)
        writer.close()
        sizes[OURS] = (sink.size(), sink.segments())
        return claims

    def baseline() -> int:
        files = naive_837p(small_tables, as_of)
        sizes[NAIVE] = (
            sum(len(t) for t in files.values()),
            sum(t.count("~") for t in files.values()),
        )
        return small_claims

    small_reference = {n: t for n, t in small_tables.items() if n in REFERENCE}
    small_block = {n: t for n, t in small_tables.items() if n not in REFERENCE}
    same = _same_claims(
        ours_files(small_reference, small_block, small.info), naive_837p(small_tables, as_of)
    )
    print(f"outputs agree segment for segment (envelopes aside): {'yes' if same else 'NO'}")
    rates = measure({OURS: ours, NAIVE: baseline}, rounds, warmup=True, progress=print)
    medians = report("837P rendering (claims per CPU second)", rates, unit="claims/s")
    print("")
    for name, (size, segments) in sizes.items():
        count = claims if name == OURS else small_claims
        print(f"  {name:<42} {count:,} claims: {fmt_bytes(size)}, {segments:,} segments")
    ratio = medians[OURS] / medians[NAIVE]
    print("")
    print(f"  ratio ours / baseline: {ratio:.1f}x")
    print("Budgets")
    print(budget_line("837P claims per CPU second (ours)", medians[OURS], BUDGET,
                      f"{fmt_rate(medians[OURS])} / >= {fmt_rate(BUDGET)}"))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
