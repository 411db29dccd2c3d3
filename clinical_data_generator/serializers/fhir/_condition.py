"""Condition (one per ``conditions`` row): US Core problem-list items and encounter diagnoses.

Chronic rows are ``problem-list-item`` Conditions; acute problems are ``encounter-diagnosis``
Conditions linked to their Encounter. An abatement after ``as_of`` has not happened yet, so the
Condition is still active and carries no abatement (FHIR invariant con-4).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from . import _systems as uri
from ._context import Context
from ._values import Resource, ResourceSet, column, concept, dotted_icd10, identifier

__all__ = ["build_conditions"]

_PROBLEM_META = {"profile": [uri.US_CORE + "us-core-condition-problems-health-concerns"]}
_DIAGNOSIS_META = {"profile": [uri.US_CORE + "us-core-condition-encounter-diagnosis"]}
_ACTIVE = concept(uri.CONDITION_CLINICAL, "active", "Active")
_RESOLVED = concept(uri.CONDITION_CLINICAL, "resolved", "Resolved")
_CONFIRMED = concept(uri.CONDITION_VERIFICATION, "confirmed", "Confirmed")
_PROBLEM = [concept(uri.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")]
_DIAGNOSIS = [concept(uri.CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")]

_COLUMNS = ("condition_id", "member_id", "code", "display", "category", "onset_date",
            "encounter_id", "abatement_date")  # fmt: skip


def build_conditions(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One Condition per chronic condition or acute problem."""
    t = tables["conditions"]
    cols = [column(t, c) for c in _COLUMNS]
    ids = ctx.ids("Condition").many(cols[0])
    as_of = ctx.as_of
    patient, encounter_ref = ctx.refs("Patient"), ctx.refs("Encounter")
    out = []
    for rid, (key, member, code, display, category, onset, encounter, abated) in zip(
        ids, zip(*cols, strict=True), strict=True
    ):
        resolved = abated is not None and abated <= as_of  # ISO dates compare as strings
        chronic = category == "chronic"
        doc: Resource = {
            "resourceType": "Condition",
            "id": rid,
            "meta": _PROBLEM_META if chronic else _DIAGNOSIS_META,
            "identifier": [identifier(uri.CONDITION_ID, key)],
            "clinicalStatus": _RESOLVED if resolved else _ACTIVE,
            "verificationStatus": _CONFIRMED,
            "category": _PROBLEM if chronic else _DIAGNOSIS,
            "code": concept(uri.ICD10CM, dotted_icd10(code), display),
            "subject": patient(member),
        }
        if encounter:
            doc["encounter"] = encounter_ref(encounter)
        doc["onsetDateTime"] = onset
        if resolved:
            doc["abatementDateTime"] = abated
        doc["recordedDate"] = onset
        out.append(doc)
    return ResourceSet("Condition", out, cols[1])
