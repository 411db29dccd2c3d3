"""Encounter (one per ``encounters`` row): US Core Encounter.

``class`` comes from HL7 v3 ActCode, ``type`` from SNOMED CT (the US Core Encounter Type
binding), ``reasonCode`` is the ICD-10-CM reason and ``reasonReference`` the conditions row;
stays carry NUBC point of origin and discharge status in ``hospitalization``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pyarrow as pa

from ..._internal import refdata
from . import _systems as uri
from ._context import Context
from ._values import Resource, ResourceSet, column, concept, dotted_icd10, identifier

__all__ = ["build_encounters"]

_META = {"profile": [uri.US_CORE + "us-core-encounter"]}
_CLASS = {
    "office": ("AMB", "ambulatory"),
    "outpatient": ("AMB", "ambulatory"),
    "urgent_care": ("AMB", "ambulatory"),
    "lab": ("AMB", "ambulatory"),
    "vaccination": ("AMB", "ambulatory"),
    "telehealth": ("VR", "virtual"),
    "emergency": ("EMER", "emergency"),
    "inpatient": ("IMP", "inpatient encounter"),
}
_SYMPTOM = concept(uri.SNOMED, "185345009", "Encounter for symptom")
_FOLLOW_UP = concept(uri.SNOMED, "390906007", "Follow-up encounter")
_TYPE = {
    "telehealth": concept(uri.SNOMED, "448337001", "Telemedicine consultation with patient"),
    "emergency": concept(uri.SNOMED, "50849002", "Emergency room admission"),
    "inpatient": concept(uri.SNOMED, "32485007", "Hospital admission"),
    "lab": concept(uri.SNOMED, "108252007", "Laboratory procedure"),
    "vaccination": concept(
        uri.SNOMED, "33879002", "Administration of vaccine to produce active immunity"
    ),
}
_PERFORMER = [concept(uri.V3_PARTICIPATION, "PPRF", "primary performer")]
_ATTENDER = [concept(uri.V3_PARTICIPATION, "ATND", "attender")]

_COLUMNS = ("encounter_id", "member_id", "encounter_class", "start_date", "end_date",
            "reason_code", "reason_display", "billing_provider_id", "reason_condition_id",
            "rendering_provider_id", "facility_provider_id", "admission_source",
            "discharge_status")  # fmt: skip


@functools.cache
def _labels(name: str) -> dict[str, str]:
    t = refdata.read_table(name, {"code": pa.string()})
    return dict(zip(t["code"].to_pylist(), t["label"].to_pylist(), strict=True))


def nubc(system: str, file: str, code: str) -> Resource:
    """A NUBC code; our label goes to ``text`` (NUBC displays are licensed, ours are not them)."""
    return concept(system, code, None, _labels(file).get(code))


def build_encounters(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One Encounter per visit or stay."""
    t = tables["encounters"]
    cols = [column(t, c) for c in _COLUMNS]
    ids = ctx.ids("Encounter").many(cols[0])
    patient, condition_ref = ctx.refs("Patient"), ctx.refs("Condition")
    location, provider = ctx.refs("Location"), ctx.provider_refs()
    out = []
    for rid, (key, member, kind, start, end, reason, reason_display, billing, condition,
              rendering, facility, source, discharge) in zip(ids, zip(*cols, strict=True),
                                                             strict=True):  # fmt: skip
        code, display = _CLASS[kind]
        acute = bool(condition) and condition.endswith("-D")  # acute: encounter_id + '-D'
        doc: Resource = {
            "resourceType": "Encounter",
            "id": rid,
            "meta": _META,
            "identifier": [identifier(uri.ENCOUNTER_ID, key)],
            "status": "finished",
            "class": {"system": uri.V3_ACT_CODE, "code": code, "display": display},
            "type": [_TYPE.get(kind) or (_SYMPTOM if acute else _FOLLOW_UP)],
            "subject": patient(member),
        }
        if rendering:
            doc["participant"] = [{
                "type": _ATTENDER if kind == "inpatient" else _PERFORMER,
                "individual": provider(rendering),
            }]  # fmt: skip
        doc["period"] = {"start": start, "end": end}
        doc["reasonCode"] = [concept(uri.ICD10CM, dotted_icd10(reason), reason_display)]
        if condition:  # vaccination visits (reason Z23) have no conditions row
            doc["reasonReference"] = [condition_ref(condition)]
        if source or discharge:
            stay: Resource = {}
            if source:
                stay["admitSource"] = nubc(
                    uri.NUBC_POINT_OF_ORIGIN, "admission_sources.csv", source
                )
            if discharge:
                stay["dischargeDisposition"] = nubc(
                    uri.NUBC_DISCHARGE, "discharge_status.csv", discharge
                )
            doc["hospitalization"] = stay
        if facility:
            doc["location"] = [{"location": location(facility)}]
        doc["serviceProvider"] = provider(billing)
        out.append(doc)
    return ResourceSet("Encounter", out, cols[1])
