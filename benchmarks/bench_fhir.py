"""FHIR NDJSON writing throughput (resources per CPU second) against a naive baseline.

Run ``python benchmarks/bench_fhir.py [--members N] [--rounds R] [--quick]``. The population is
generated once, outside every timing; what is timed is turning its tables into FHIR:

* ours: ``Dataset.write(tmp, formats=["fhir-ndjson"])`` -- every resource type, column-wise
  dicts with shared sub-objects, orjson, hashed files and the manifest (end to end);
* baseline: what a team would hand-write -- ``table.to_pylist()`` rows, one nested dict per
  resource built from scratch (uuid.uuid5 ids, the same elements for the eight bulk resource
  types: Patient, Coverage, Encounter, Condition, Procedure, Immunization, Claim,
  ExplanationOfBenefit), ``json.dumps`` per resource, one ``.ndjson`` file per type;
* ours, for information: ``fhir-bundle`` and ``fhir-xml`` end to end.

Rates are resources per CPU second (``time.process_time``), medians of interleaved rounds.
The script never fails on a budget: it prints PASS or BELOW and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

import clinical_data_generator as cdg
from clinical_data_generator.serializers.fhir import NAMESPACE

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import budget_line, fmt_rate, measure, report

BUDGET = 25_000.0  # resources per CPU second into fhir-ndjson, one core
SEED = 7
OURS = "ours: Dataset.write fhir-ndjson (all types)"
BASELINE = "baseline: to_pylist + nested dicts + json.dumps"
OURS_BUNDLE = "ours: Dataset.write fhir-bundle"
OURS_XML = "ours: Dataset.write fhir-xml"

# --------------------------------------------------------------------------------------------
# The baseline: one resource at a time, nested dicts from row dicts, json.dumps.
# --------------------------------------------------------------------------------------------

SID = "https://clinical-data-generator.example.org/fhir/sid/"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
THO = "http://terminology.hl7.org/CodeSystem/"


def _id(seed: int, kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{seed}/{kind}/{key}"))


def _ref(seed: int, kind: str, key: str) -> dict[str, str]:
    return {"reference": f"{kind}/{_id(seed, kind, key)}"}


def _cc(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _money(value: Decimal) -> dict[str, Any]:
    return {"value": float(value), "currency": "USD"}


def _day(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _icd(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _patient(s: int, m: dict[str, Any]) -> dict[str, Any]:
    telecom = [{"system": "phone", "value": m[k], "use": u}
               for k, u in (("mobile_phone", "mobile"), ("home_phone", "home")) if m[k]]  # fmt: skip
    if m["email"]:
        telecom.append({"system": "email", "value": m["email"], "use": "home"})
    r = {
        "resourceType": "Patient",
        "id": _id(s, "Patient", m["member_id"]),
        "extension": [
            {"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race", "extension": [
                {"url": "ombCategory", "valueCoding": {"system": "urn:oid:2.16.840.1.113883.6.238",
                                                       "code": m["race_code"],
                                                       "display": m["race_display"]}},
                {"url": "text", "valueString": m["race_display"]}]},
            {"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity", "extension": [
                {"url": "ombCategory", "valueCoding": {"system": "urn:oid:2.16.840.1.113883.6.238",
                                                       "code": m["ethnicity_code"],
                                                       "display": m["ethnicity_display"]}},
                {"url": "text", "valueString": m["ethnicity_display"]}]},
            {"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex",
             "valueCode": m["sex"]},
        ],
        "identifier": [
            {"use": "usual", "type": _cc(THO + "v2-0203", "MB", "Member Number"),
             "system": SID + "member-id", "value": m["member_id"]},
            {"type": _cc(THO + "v2-0203", "MB", "Member Number"), "system": SID + "member-number",
             "value": m["member_number"]},
        ],
        "active": True,
        "name": [{"use": "official", "family": m["last_name"],
                  "given": [g for g in (m["first_name"], m["middle_initial"]) if g]}],
        "gender": "female" if m["sex"] == "F" else "male",
        "birthDate": _day(m["birth_date"]),
        "address": [{"use": "home", "line": [x for x in (m["address_line1"], m["address_line2"]) if x],
                     "city": m["city"], "district": m["county"], "state": m["state"],
                     "postalCode": m["zip"], "country": "US"}],
        "communication": [{"language": _cc("urn:ietf:bcp:47", m["language"]), "preferred": True}],
    }  # fmt: skip
    if telecom:
        r["telecom"] = telecom
    return r


def _coverage(s: int, c: dict[str, Any]) -> dict[str, Any]:
    period = {"start": _day(c["effective_date"])}
    if c["termination_date"]:
        period["end"] = _day(c["termination_date"])
    classes = [{"type": _cc(THO + "coverage-class", "plan"), "value": c["plan_id"]}]
    if c["group_number"]:
        classes.insert(
            0, {"type": _cc(THO + "coverage-class", "group"), "value": c["group_number"]}
        )
    return {
        "resourceType": "Coverage", "id": _id(s, "Coverage", c["coverage_id"]),
        "identifier": [{"system": SID + "coverage-id", "value": c["coverage_id"]}],
        "status": "active",
        "subscriber": _ref(s, "Patient", c["subscriber_member_id"]),
        "beneficiary": _ref(s, "Patient", c["member_id"]),
        "relationship": _cc(THO + "subscriber-relationship", "self" if c["relationship_code"] == "18" else "other"),
        "period": period, "payor": [_ref(s, "Organization", c["payer_id"])], "class": classes,
    }  # fmt: skip


def _encounter(s: int, e: dict[str, Any]) -> dict[str, Any]:
    r = {
        "resourceType": "Encounter", "id": _id(s, "Encounter", e["encounter_id"]),
        "identifier": [{"system": SID + "encounter-id", "value": e["encounter_id"]}],
        "status": "finished",
        "class": {"system": THO + "v3-ActCode", "code": "AMB", "display": "ambulatory"},
        "subject": _ref(s, "Patient", e["member_id"]),
        "period": {"start": _day(e["start_date"]), "end": _day(e["end_date"])},
        "reasonCode": [_cc(ICD, _icd(e["reason_code"]), e["reason_display"])],
        "serviceProvider": _ref(s, "Organization", e["billing_provider_id"]),
    }  # fmt: skip
    if e["rendering_provider_id"]:
        r["participant"] = [{"individual": _ref(s, "Practitioner", e["rendering_provider_id"])}]
    if e["reason_condition_id"]:
        r["reasonReference"] = [_ref(s, "Condition", e["reason_condition_id"])]
    return r


def _condition(s: int, c: dict[str, Any]) -> dict[str, Any]:
    r = {
        "resourceType": "Condition", "id": _id(s, "Condition", c["condition_id"]),
        "identifier": [{"system": SID + "condition-id", "value": c["condition_id"]}],
        "clinicalStatus": _cc(THO + "condition-clinical", "active"),
        "verificationStatus": _cc(THO + "condition-ver-status", "confirmed"),
        "category": [_cc(THO + "condition-category", "problem-list-item")],
        "code": _cc(ICD, _icd(c["code"]), c["display"]),
        "subject": _ref(s, "Patient", c["member_id"]),
        "onsetDateTime": _day(c["onset_date"]),
    }  # fmt: skip
    if c["encounter_id"]:
        r["encounter"] = _ref(s, "Encounter", c["encounter_id"])
    return r


def _procedure(s: int, p: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Procedure", "id": _id(s, "Procedure", p["procedure_id"]),
        "identifier": [{"system": SID + "procedure-id", "value": p["procedure_id"]}],
        "status": "completed", "code": _cc("http://www.ama-assn.org/go/cpt", p["code"]),
        "subject": _ref(s, "Patient", p["member_id"]),
        "encounter": _ref(s, "Encounter", p["encounter_id"]),
        "performedDateTime": _day(p["performed_date"]),
        "reasonCode": [_cc(ICD, _icd(p["diagnosis_code"]))],
    }  # fmt: skip


def _immunization(s: int, i: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Immunization", "id": _id(s, "Immunization", i["immunization_id"]),
        "identifier": [{"system": SID + "immunization-id", "value": i["immunization_id"]}],
        "status": i["status"],
        "vaccineCode": _cc("http://hl7.org/fhir/sid/cvx", i["cvx"], i["vaccine_display"]),
        "patient": _ref(s, "Patient", i["member_id"]),
        "occurrenceDateTime": _day(i["occurrence_date"]), "primarySource": True,
        "lotNumber": i["lot_number"], "expirationDate": _day(i["expiration_date"]),
        "route": _cc(THO + "v3-RouteOfAdministration", i["route"]),
        "performer": [{"actor": _ref(s, "Practitioner", i["provider_id"])}],
        "protocolApplied": [{"series": i["vaccine_group"], "doseNumberPositiveInt": i["dose_number"]}],
    }  # fmt: skip


def _claim(s: int, c: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Claim", "id": _id(s, "Claim", c["claim_id"]),
        "identifier": [{"system": SID + "claim-id", "value": c["claim_id"]}],
        "status": "active", "type": _cc(THO + "claim-type", c["claim_type"]), "use": "claim",
        "patient": _ref(s, "Patient", c["member_id"]),
        "billablePeriod": {"start": _day(c["statement_from"]), "end": _day(c["statement_to"])},
        "created": _day(c["received_date"]), "insurer": _ref(s, "Organization", c["payer_id"]),
        "provider": _ref(s, "Organization", c["billing_provider_id"]),
        "priority": _cc(THO + "processpriority", "normal"),
        "diagnosis": [{"sequence": n, "diagnosisCodeableConcept": _cc(ICD, _icd(d))}
                      for n, d in enumerate(c["diagnosis_codes"].split("|"), start=1)],
        "insurance": [{"sequence": 1, "focal": True,
                       "coverage": _ref(s, "Coverage", c["coverage_id"] or c["member_id"])}],
        "item": [{"sequence": line["line_number"],
                  "productOrService": _cc("http://www.ama-assn.org/go/cpt",
                                          line["procedure_code"] or "not-applicable"),
                  "servicedDate": _day(line["service_date"]),
                  "quantity": {"value": line["units"]}, "net": _money(line["billed_amount"])}
                 for line in lines],
        "total": _money(c["total_billed"]),
    }  # fmt: skip


_CATEGORIES = (("submitted", "billed_amount"), ("eligible", "allowed_amount"),
               ("deductible", "deductible_amount"), ("copay", "copay_amount"),
               ("coinsurance", "coinsurance_amount"), ("noncovered", "denied_amount"),
               ("benefit", "paid_amount"))  # fmt: skip


def _eob(
    s: int, a: dict[str, Any], claim: dict[str, Any], lines: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "resourceType": "ExplanationOfBenefit", "id": _id(s, "ExplanationOfBenefit", a["adjudication_id"]),
        "identifier": [{"system": SID + "adjudication-id", "value": a["adjudication_id"]}],
        "status": "active", "type": _cc(THO + "claim-type", claim["claim_type"]), "use": "claim",
        "patient": _ref(s, "Patient", a["member_id"]), "created": _day(a["adjudication_date"]),
        "insurer": _ref(s, "Organization", a["payer_id"]),
        "provider": _ref(s, "Organization", claim["billing_provider_id"]),
        "claim": _ref(s, "Claim", a["claim_id"]), "outcome": "complete",
        "insurance": [{"focal": True, "coverage": _ref(s, "Coverage", claim["coverage_id"] or a["member_id"])}],
        "item": [{"sequence": line["line_number"],
                  "productOrService": _cc("http://www.ama-assn.org/go/cpt",
                                          line["procedure_code"] or "not-applicable"),
                  "adjudication": [{"category": _cc(THO + "adjudication", k), "amount": _money(line[v])}
                                   for k, v in _CATEGORIES]}
                 for line in lines],
        "total": [{"category": _cc(THO + "adjudication", k), "amount": _money(a[v])}
                  for k, v in _CATEGORIES],
    }  # fmt: skip


def baseline_ndjson(tables: dict[str, pa.Table], seed: int, out: Path) -> int:
    """The naive writer: one nested dict per resource, json.dumps, one file per type."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[str]] = defaultdict(list)
    for m in tables["members"].to_pylist():
        files["Patient"].append(json.dumps(_patient(seed, m)))
    for c in tables["coverages"].to_pylist():
        files["Coverage"].append(json.dumps(_coverage(seed, c)))
    for e in tables["encounters"].to_pylist():
        files["Encounter"].append(json.dumps(_encounter(seed, e)))
    for c in tables["conditions"].to_pylist():
        files["Condition"].append(json.dumps(_condition(seed, c)))
    for p in tables["procedures"].to_pylist():
        files["Procedure"].append(json.dumps(_procedure(seed, p)))
    for i in tables["immunizations"].to_pylist():
        files["Immunization"].append(json.dumps(_immunization(seed, i)))
    claim_lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in tables["claim_lines"].to_pylist():
        claim_lines[line["claim_id"]].append(line)
    claims = {}
    for c in tables["claims"].to_pylist():
        claims[c["claim_id"]] = c
        files["Claim"].append(json.dumps(_claim(seed, c, claim_lines[c["claim_id"]])))
    adjudicated: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in tables["line_adjudications"].to_pylist():
        adjudicated[line["adjudication_id"]].append(line)
    for a in tables["adjudications"].to_pylist():
        eob = _eob(seed, a, claims[a["claim_id"]], adjudicated[a["adjudication_id"]])
        files["ExplanationOfBenefit"].append(json.dumps(eob))
    for kind, lines in files.items():
        (out / f"{kind}.ndjson").write_text("\n".join(lines) + "\n")
    return sum(len(v) for v in files.values())


# --------------------------------------------------------------------------------------------


def _count(folder: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in folder.glob("*.ndjson"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=None, help="members (default 10,000)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="smoke mode: 1,500 members, 2 rounds")
    parser.add_argument("--json", type=Path, default=None, help="also write the medians here")
    args = parser.parse_args(argv)
    n = args.members or (1_500 if args.quick else 10_000)
    rounds = args.rounds or (2 if args.quick else 5)

    print(
        f"bench_fhir  {dt.datetime.now().isoformat(timespec='seconds')}  "
        f"python {platform.python_version()}  clinical_data_generator {cdg.__version__}  "
        f"pyarrow {pa.__version__}  orjson {orjson.__version__}"
    )
    print(f"machine: {platform.machine()}  {os.cpu_count()} logical CPUs  {platform.platform()}")
    ds = cdg.generate(members=n, seed=SEED)  # generated once, never timed
    counts = ", ".join(f"{k} {t.num_rows:,}" for k, t in ds.tables.items())
    print(f"population: {n:,} members, seed {SEED}: {counts}")
    print(f"{rounds} interleaved rounds; rates are resources per CPU second, median of rounds")

    tmp = Path(tempfile.mkdtemp(prefix="cdg-bench-fhir-"))
    tables = dict(ds.tables)
    try:
        ds.write(tmp / "warm", formats=["fhir-ndjson"])  # warm caches (code tables, imports)
        ours_count = _count(tmp / "warm" / "fhir-ndjson")
        baseline_count = baseline_ndjson(tables, SEED, tmp / "warm-baseline")
        print(f"resources per run: ours {ours_count:,} (every type); baseline {baseline_count:,} "
              "(the eight bulk types)")  # fmt: skip

        def writer(fmt: str) -> Callable[[], int]:
            def run() -> int:
                ds.write(tmp / fmt, formats=[fmt])
                return ours_count

            return run

        def baseline() -> int:
            return baseline_ndjson(tables, SEED, tmp / "baseline")

        contenders = {
            OURS: writer("fhir-ndjson"),
            BASELINE: baseline,
            OURS_BUNDLE: writer("fhir-bundle"),
            OURS_XML: writer("fhir-xml"),
        }
        rates = measure(contenders, rounds, progress=print)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    medians = report("Throughput (resources per CPU second)", rates, unit="resources/s")
    ratio = medians[OURS] / medians[BASELINE]
    print("")
    print(f"Ratio ours / baseline (fhir-ndjson): {ratio:.2f}x")
    print("")
    print("Budgets")
    print(budget_line("fhir-ndjson resources per CPU second", medians[OURS], BUDGET,
                      f"{fmt_rate(medians[OURS])} (>= {fmt_rate(BUDGET)})"))  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"members": n, "rounds": rounds, "medians": medians,
                                         "ratio": ratio}, indent=2) + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
