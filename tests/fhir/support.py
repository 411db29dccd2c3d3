"""Helpers for the FHIR writer tests: hand-built lab and eligibility tables, readers, walkers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

import clinical_data_generator as cdg
from clinical_data_generator.models import EligibilityInquiry, EligibilityResponse, arrow_schema

SHARED = ("Organization", "Practitioner", "PractitionerRole", "Location")


def _table(model: type, rows: list[dict[str, Any]]) -> pa.Table:
    schema = arrow_schema(model)
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in rows], schema)


def lab_tables(ds: cdg.Dataset) -> dict[str, pa.Table]:
    """Reports and results for the first lab and office encounters, covering every value shape."""
    from clinical_data_generator.models.lab import DiagnosticReport, LabResult

    encounters = ds.tables["encounters"].slice(0, 12).to_pylist()
    labs = [p["provider_id"] for p in ds.tables["providers"].to_pylist()
            if p["entity_type"] == "organization"]  # fmt: skip
    reports, results = [], []
    # Collection times on both sides of the 2025 daylight-saving switches (Mar 9, Nov 2).
    times = [dt.datetime(2025, 3, 9, 1, 30), dt.datetime(2025, 3, 9, 3, 15),
             dt.datetime(2025, 11, 1, 8, 0), dt.datetime(2025, 12, 24, 23, 59)]  # fmt: skip
    for i, e in enumerate(encounters):
        report_id = f"{e['encounter_id']}-L01"
        at = times[i % len(times)]
        shapes = [
            ("718-7", "Hemoglobin [Mass/volume] in Blood", "quantitative", 13.2, None, None,
             "g/dL", 12.0, 15.5, None, "N"),
            ("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "quantitative", 131.0, None,
             None, "mg/dL", 70.0, 99.0, None, "H"),
            ("94500-6", "SARS-CoV-2 (COVID-19) RNA [Presence] in Respiratory system specimen by NAA with probe detection",
             "nominal", None, "Not detected", "LA11883-8", None, None, None, "Not detected", "N"),
            ("5803-2", "pH of Urine by Test strip", "quantitative", 6.5, None, None, None, 5.0,
             8.0, None, "N"),
            ("5804-0", "Protein [Mass/volume] in Urine by Test strip", "ordinal", None, "Trace",
             None, None, None, None, "Negative", "A"),
        ]  # fmt: skip
        for n, (code, name, kind, qty, text, answer, unit, low, high, expected, flag) in enumerate(
            shapes[: 2 + i % 4], start=1
        ):
            results.append({
                "result_id": f"{report_id}{n:02d}", "report_id": report_id,
                "member_id": e["member_id"], "encounter_id": e["encounter_id"], "code": code,
                "display": name, "value_type": kind, "value_quantity": qty, "value_string": text,
                "value_code": answer, "unit": unit, "reference_low": low, "reference_high": high,
                "reference_text": expected, "abnormal_flag": flag, "collected_at": at,
                "resulted_at": at + dt.timedelta(hours=5), "status": "final",
            })  # fmt: skip
        reports.append({
            "report_id": report_id, "member_id": e["member_id"], "encounter_id": e["encounter_id"],
            "panel": "CBC", "code": "58410-2", "display": "CBC panel - Blood by Automated count",
            "category": "LAB", "status": "final", "effective_at": at,
            "issued_at": at + dt.timedelta(hours=6),
            "ordering_provider_id": e["rendering_provider_id"] or e["billing_provider_id"],
            "performer_id": labs[i % len(labs)], "specimen_id": f"SP{i:09d}",
            "specimen_type": "Blood", "procedure_code": "85025",
            "result_count": 2 + i % 4,
        })  # fmt: skip
    return {"diagnostic_reports": _table(DiagnosticReport, reports),
            "lab_results": _table(LabResult, results)}  # fmt: skip


def eligibility_tables(ds: cdg.Dataset) -> dict[str, pa.Table]:
    """Inquiries about a few members: active with benefits, inactive, and never covered."""
    coverages = ds.tables["coverages"].slice(0, 6).to_pylist()
    orgs = [p["provider_id"] for p in ds.tables["providers"].to_pylist()
            if p["entity_type"] == "organization"]  # fmt: skip
    inquiries, responses = [], []
    for i, c in enumerate(coverages):
        key = f"{c['member_id']}-Q{i + 1:02d}"
        inquiries.append({
            "inquiry_id": key, "member_id": c["member_id"],
            "subscriber_member_id": c["subscriber_member_id"], "payer_id": c["payer_id"],
            "provider_id": orgs[i % len(orgs)], "inquiry_date": c["effective_date"],
            "service_type_code": "30" if i % 2 else "98",
        })  # fmt: skip
        active = i % 3 != 1
        response: dict[str, Any] = {
            "inquiry_id": key, "member_id": c["member_id"],
            "status": "active" if active else "inactive",
            "eligibility_code": "1" if active else "6",
        }  # fmt: skip
        if i % 3 != 2:  # the third kind: no span at all
            response |= {"coverage_id": c["coverage_id"], "plan_id": c["plan_id"],
                         "group_number": c["group_number"],
                         "plan_begin_date": c["effective_date"],
                         "plan_end_date": c["termination_date"]}  # fmt: skip
        if active and i % 3 == 0:
            response |= {
                "deductible_individual": Decimal("1500.00"), "deductible_met": Decimal("250.50"),
                "deductible_remaining": Decimal("1249.50"), "oop_max_individual": Decimal("6000.00"),
                "oop_met": Decimal("300.00"), "oop_remaining": Decimal("5700.00"),
                "copay_primary_care": Decimal("25.00"), "copay_specialist": Decimal("50.00"),
                "coinsurance_percent": 20,
            }  # fmt: skip
        responses.append(response)
    return {"eligibility_inquiries": _table(EligibilityInquiry, inquiries),
            "eligibility_responses": _table(EligibilityResponse, responses)}  # fmt: skip


def with_extras(ds: cdg.Dataset) -> cdg.Dataset:
    """``ds`` plus hand-built lab and eligibility tables (until the generators make them)."""
    tables = dict(ds.tables)
    for extra in (lab_tables(ds), eligibility_tables(ds)):
        for name, table in extra.items():
            tables.setdefault(name, table)
    return cdg.Dataset(tables, info=ds.info)


def read_ndjson(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """``{resourceType: [resource, ...]}`` from a fhir-ndjson folder (file order kept)."""
    out = {}
    for path in sorted(folder.glob("*.ndjson")):
        out[path.stem] = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    return out


def read_bundles(folder: Path) -> dict[str, dict[str, Any]]:
    """``{file stem: Bundle}`` from a fhir-bundle folder."""
    return {p.stem: orjson.loads(p.read_bytes()) for p in sorted(folder.glob("*.json"))}


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) pair below ``value``, containers included."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, f"{path}.{key}")
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from walk(child, f"{path}[{i}]")


def references(resource: dict[str, Any]) -> list[str]:
    """Every Reference.reference in a resource."""
    return [v["reference"] for _, v in walk(resource) if isinstance(v, dict) and "reference" in v]
