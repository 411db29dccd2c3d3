"""Observation (``lab_results``) and DiagnosticReport (``diagnostic_reports``): US Core lab.

Results are LOINC-coded with UCUM quantities and the member's sex- and age-specific reference
range, or a coded answer (LOINC answer code where there is one); HL7 table 0078 flags become
v3 ObservationInterpretation codes. Reports carry the panel's LOINC code and reference their
results. Times are the tables' local clock times with the member's UTC offset (see _time.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from . import _systems as uri
from ._context import Context
from ._time import local_datetime
from ._values import Resource, ResourceSet, column, concept, identifier

__all__ = ["build_observations", "build_reports"]

_OBSERVATION_META = {"profile": [uri.US_CORE + "us-core-observation-lab"]}
_REPORT_META = {"profile": [uri.US_CORE + "us-core-diagnosticreport-lab"]}
_LABORATORY = [concept(uri.OBSERVATION_CATEGORY, "laboratory", "Laboratory")]
_LAB = [concept(uri.DIAGNOSTIC_SERVICE, "LAB", "Laboratory")]
_INTERPRETATION = {
    "L": [concept(uri.V3_OBSERVATION_INTERPRETATION, "L", "Low")],
    "H": [concept(uri.V3_OBSERVATION_INTERPRETATION, "H", "High")],
    "N": [concept(uri.V3_OBSERVATION_INTERPRETATION, "N", "Normal")],
    "A": [concept(uri.V3_OBSERVATION_INTERPRETATION, "A", "Abnormal")],
}

_RESULT_COLUMNS = (
    "result_id", "report_id", "member_id", "encounter_id", "code", "display", "value_type",
    "value_quantity", "value_string", "value_code", "unit", "reference_low", "reference_high",
    "reference_text", "abnormal_flag", "collected_at", "resulted_at", "status",
)  # fmt: skip
_REPORT_COLUMNS = ("report_id", "member_id", "encounter_id", "code", "display", "status",
                   "effective_at", "issued_at", "performer_id")  # fmt: skip


def _times(table: pa.Table, name: str) -> list[str | None]:
    return table[name].cast(pa.string()).to_pylist()  # "YYYY-MM-DD HH:MM:SS"


def _states(tables: Mapping[str, pa.Table]) -> dict[str, str]:
    if "members" not in tables:
        return {}
    m = tables["members"]
    return dict(zip(column(m, "member_id"), column(m, "state"), strict=True))


def _quantity(value: float, unit: str | None) -> Resource:
    if unit:
        return {"value": value, "unit": unit, "system": uri.UCUM, "code": unit}
    return {"value": value}


def build_observations(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One laboratory Observation per ``lab_results`` row."""
    t = tables["lab_results"]
    performer: dict[str, str] = {}
    if "diagnostic_reports" in tables:
        r = tables["diagnostic_reports"]
        performer = dict(zip(column(r, "report_id"), column(r, "performer_id"), strict=True))
    state = _states(tables)
    cols: list[list[Any]] = [
        _times(t, c) if c.endswith("_at") else column(t, c) for c in _RESULT_COLUMNS
    ]
    ids = ctx.ids("Observation").many(cols[0])
    patient, encounter_ref, organization = (
        ctx.refs("Patient"),
        ctx.refs("Encounter"),
        ctx.refs("Organization"),
    )
    out = []
    for rid, row in zip(ids, zip(*cols, strict=True), strict=True):
        (key, report, member, encounter, code, display, _, quantity, text, answer,
         unit, low, high, expected, flag, collected, resulted, status) = row  # fmt: skip
        where = state.get(member)
        doc: Resource = {
            "resourceType": "Observation",
            "id": rid,
            "meta": _OBSERVATION_META,
            "identifier": [identifier(uri.LAB_RESULT_ID, key)],
            "status": status,
            "category": _LABORATORY,
            "code": concept(uri.LOINC, code, display),
            "subject": patient(member),
            "encounter": encounter_ref(encounter),
            "effectiveDateTime": local_datetime(collected, where),
            "issued": local_datetime(resulted, where),
        }
        if report in performer:
            doc["performer"] = [organization(performer[report])]
        if quantity is not None:
            doc["valueQuantity"] = _quantity(quantity, unit)
        elif text:
            doc["valueCodeableConcept"] = (
                concept(uri.LOINC, answer, text, text) if answer else {"text": text}
            )
        else:
            doc["dataAbsentReason"] = concept(uri.DATA_ABSENT, "unknown", "Unknown")
        if flag in _INTERPRETATION:
            doc["interpretation"] = _INTERPRETATION[flag]
        ranges: Resource = {}
        if low is not None:
            ranges["low"] = _quantity(low, unit)
        if high is not None:
            ranges["high"] = _quantity(high, unit)
        if expected:
            ranges["text"] = expected
        if ranges:
            doc["referenceRange"] = [ranges]
        out.append(doc)
    return ResourceSet("Observation", out, cols[2])


def build_reports(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One laboratory DiagnosticReport per ordered panel, referencing its results."""
    t = tables["diagnostic_reports"]
    results: dict[str, list[str]] = defaultdict(list)
    if "lab_results" in tables:
        lr = tables["lab_results"]
        for result, report in zip(column(lr, "result_id"), column(lr, "report_id"), strict=True):
            results[report].append(result)
    state = _states(tables)
    cols: list[list[Any]] = [
        _times(t, c) if c.endswith("_at") else column(t, c) for c in _REPORT_COLUMNS
    ]
    ids = ctx.ids("DiagnosticReport").many(cols[0])
    patient, encounter_ref, organization = (
        ctx.refs("Patient"),
        ctx.refs("Encounter"),
        ctx.refs("Organization"),
    )
    observation = ctx.refs("Observation")
    out = []
    for rid, (key, member, encounter, code, display, status, effective, issued, lab) in zip(
        ids, zip(*cols, strict=True), strict=True
    ):
        where = state.get(member)
        doc: Resource = {
            "resourceType": "DiagnosticReport",
            "id": rid,
            "meta": _REPORT_META,
            "identifier": [identifier(uri.REPORT_ID, key)],
            "status": status,
            "category": _LAB,
            "code": concept(uri.LOINC, code, display),
            "subject": patient(member),
            "encounter": encounter_ref(encounter),
            "effectiveDateTime": local_datetime(effective, where),
            "issued": local_datetime(issued, where),
            "performer": [organization(lab)],
        }
        if results.get(key):
            doc["result"] = [observation(r) for r in results[key]]
        out.append(doc)
    return ResourceSet("DiagnosticReport", out, cols[1])
