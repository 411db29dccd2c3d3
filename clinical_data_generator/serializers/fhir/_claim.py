"""Claim (one per ``claims`` row, with its ``claim_lines`` as items).

Professional and institutional claims as billed (X12 837P / 837I): diagnoses in claim order
(principal first), lines with CPT / HCPCS codes or NUBC revenue codes, modifiers, units and
charges, the coverage billed, and for institutional claims the type of bill, admission,
discharge status and MS-DRG as ``supportingInfo``. Replacements and voids point at the claim
they correct through ``related`` (relationship ``prior``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import pyarrow as pa

from . import _systems as uri
from ._codes import diagnosis, drg, label, modifier, product_or_service, revenue
from ._context import Context
from ._encounter import nubc
from ._values import Resource, ResourceSet, column, concept, identifier, money

__all__ = ["ClaimLines", "build_claims", "claim_type", "coverage_for", "serviced"]

_TYPE = {
    "professional": concept(uri.CLAIM_TYPE, "professional", "Professional"),
    "institutional": concept(uri.CLAIM_TYPE, "institutional", "Institutional"),
}
_NORMAL = concept(uri.PROCESS_PRIORITY, "normal", "Normal")
_PRIOR = concept(uri.RELATED_CLAIM, "prior", "Prior Claim")
_PRIMARY = concept(uri.CARE_TEAM_ROLE, "primary", "Primary provider")
_PRINCIPAL = [concept(uri.DIAGNOSIS_TYPE, "principal", "Principal Diagnosis")]
_INFO = concept(uri.INFORMATION_CATEGORY, "info", "Information")
_HOSPITALIZED = concept(uri.INFORMATION_CATEGORY, "hospitalized", "Hospitalized")
_DISCHARGE = concept(uri.INFORMATION_CATEGORY, "discharge", "Discharge")

_CLAIM_COLUMNS = (
    "claim_id", "encounter_id", "member_id", "payer_id", "claim_type", "billing_provider_id",
    "statement_from", "statement_to", "received_date", "diagnosis_codes", "total_billed",
    "coverage_id", "original_claim_id", "rendering_provider_id", "facility_provider_id",
    "place_of_service", "type_of_bill", "admission_date", "admission_type", "admission_source",
    "discharge_status", "drg",
)  # fmt: skip
_LINE_COLUMNS = (
    "claim_id", "line_number", "service_date", "service_end_date", "units", "billed_amount",
    "procedure_id", "code_system", "procedure_code", "modifier_1", "modifier_2", "revenue_code",
    "diagnosis_pointers",
)  # fmt: skip


@functools.cache
def _pointers(text: str) -> list[int]:
    """Claim line diagnosis pointers '1,3' -> [1, 3] (shared lists; never mutated)."""
    return [int(p) for p in text.split(",")]


@functools.cache
def _place(code: str) -> Resource:
    """A CMS place-of-service code with our label as text."""
    return concept(uri.POS, code, None, label("place_of_service.csv", code))


def claim_type(kind: str) -> Resource:
    """Claim.type / ExplanationOfBenefit.type."""
    return _TYPE[kind]


def serviced(start: str, end: str) -> tuple[str, Any]:
    """``servicedDate`` for one day, ``servicedPeriod`` for a span."""
    return (
        ("servicedDate", start)
        if start == end
        else ("servicedPeriod", {"start": start, "end": end})
    )


class ClaimLines:
    """The claim lines of a block, by claim and line number, with product/service codes."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        text: dict[str, str] = {}
        if "procedures" in tables:
            p = tables["procedures"]
            text = dict(zip(column(p, "procedure_id"), column(p, "display"), strict=True))
        self.by_claim: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.by_line: dict[tuple[str, int], tuple[Any, ...]] = {}
        self.text = text
        if "claim_lines" not in tables:
            return
        t = tables["claim_lines"]
        for row in zip(*(column(t, c) for c in _LINE_COLUMNS), strict=True):
            self.by_claim[row[0]].append(row)
            self.by_line[(row[0], row[1])] = row

    def product(self, row: tuple[Any, ...]) -> Resource:
        """ProductOrService of one line."""
        return product_or_service(row[7], row[8], self.text.get(row[6]) if row[6] else None)


def coverage_for(tables: Mapping[str, pa.Table]) -> Callable[[str, str, str | None], str | None]:
    """``(member, payer, coverage_id) -> coverage_id`` with a fallback for uncovered claims.

    A claim for a day without coverage went to the member's last known payer and was denied;
    it still needs a Coverage (``Claim.insurance.coverage`` is required), so it gets the
    member's latest span with that payer, else their latest span.
    """
    latest: dict[tuple[str, str], str] = {}
    any_span: dict[str, str] = {}
    if "coverages" in tables:
        c = tables["coverages"]
        for key, member, payer in zip(
            column(c, "coverage_id"), column(c, "member_id"), column(c, "payer_id"), strict=True
        ):
            latest[(member, payer)] = key
            any_span[member] = key

    def find(member: str, payer: str, coverage: str | None) -> str | None:
        return coverage or latest.get((member, payer)) or any_span.get(member)

    return find


def build_claims(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One Claim per ``claims`` row."""
    t = tables["claims"]
    lines = ClaimLines(tables)
    pcs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if "procedures" in tables:
        p = tables["procedures"]
        for enc, system, code, day in zip(column(p, "encounter_id"), column(p, "code_system"),
                                          column(p, "code"), column(p, "performed_date"),
                                          strict=True):  # fmt: skip
            if system == "ICD-10-PCS":
                pcs[enc].append((code, day))
    find_coverage = coverage_for(tables)
    cols = [column(t, c) for c in _CLAIM_COLUMNS]
    ids = ctx.ids("Claim").many(cols[0])
    patient, claim_ref, encounter_ref = (
        ctx.refs("Patient"),
        ctx.refs("Claim"),
        ctx.refs("Encounter"),
    )
    organization, location, coverage_ref = (
        ctx.refs("Organization"),
        ctx.refs("Location"),
        ctx.refs("Coverage"),
    )
    provider = ctx.provider_refs()
    out = []
    for rid, row in zip(ids, zip(*cols, strict=True), strict=True):
        (key, encounter, member, payer, kind, billing, start, end, received, codes, total,
         coverage, original, rendering, facility, pos, tob, admitted, admission_type,
         admission_source, discharge, drg_code) = row  # fmt: skip
        doc: Resource = {
            "resourceType": "Claim",
            "id": rid,
            "identifier": [identifier(uri.CLAIM_ID, key)],
            "status": "active",
            "type": _TYPE[kind],
            "use": "claim",
            "patient": patient(member),
            "billablePeriod": {"start": start, "end": end},
            "created": received,
            "insurer": organization(payer),
            "provider": provider(billing),
            "priority": _NORMAL,
        }
        if original:
            doc["related"] = [{"claim": claim_ref(original), "relationship": _PRIOR}]
        if facility:
            doc["facility"] = location(facility)
        if rendering:
            doc["careTeam"] = [{"sequence": 1, "provider": provider(rendering), "role": _PRIMARY}]
        if kind == "institutional":
            info = _supporting_info(tob, admitted, end, admission_type, admission_source,
                                    discharge, drg_code)  # fmt: skip
            if info:
                doc["supportingInfo"] = info
        doc["diagnosis"] = [
            {"sequence": i, "diagnosisCodeableConcept": diagnosis(code), "type": _PRINCIPAL}
            if i == 1
            else {"sequence": i, "diagnosisCodeableConcept": diagnosis(code)}
            for i, code in enumerate(codes.split("|"), start=1)
        ]
        if kind == "institutional" and pcs.get(encounter):
            doc["procedure"] = [
                {"sequence": i, "date": day, "procedureCodeableConcept":
                 product_or_service("ICD-10-PCS", code, None)}
                for i, (code, day) in enumerate(pcs[encounter], start=1)
            ]  # fmt: skip
        covered = find_coverage(member, payer, coverage)
        if covered:
            doc["insurance"] = [{"sequence": 1, "focal": True, "coverage": coverage_ref(covered)}]
        items = []
        for line in lines.by_claim.get(key, ()):
            (_, number, day, last, units, billed, _, _, _, mod1, mod2, rev, pointers) = line
            item: Resource = {"sequence": number}
            if rendering:
                item["careTeamSequence"] = [1]
            if pointers:
                item["diagnosisSequence"] = _pointers(pointers)
            if rev:
                item["revenue"] = revenue(rev)
            item["productOrService"] = lines.product(line)
            mods = [modifier(m) for m in (mod1, mod2) if m]
            if mods:
                item["modifier"] = mods
            name, value = serviced(day, last)
            item[name] = value
            if pos:
                item["locationCodeableConcept"] = _place(pos)
            item["quantity"] = {"value": units}
            item["net"] = money(billed)
            item["encounter"] = [encounter_ref(encounter)]
            items.append(item)
        if items:
            doc["item"] = items
        doc["total"] = money(total)
        out.append(doc)
    return ResourceSet("Claim", out, cols[2])


def _supporting_info(
    tob: str | None,
    admitted: str | None,
    discharged: str,
    admission_type: str | None,
    admission_source: str | None,
    discharge: str | None,
    drg_code: str | None,
) -> list[Resource]:
    """UB-04 facts of institutional claims (type of bill FL 4, admission FL 12-15, FL 17, DRG)."""
    info: list[Resource] = []
    if tob:
        info.append({"category": _INFO, "code": concept(uri.NUBC_TYPE_OF_BILL, tob, None,
                                                        label("type_of_bill.csv", tob))})  # fmt: skip
    if admitted:
        info.append(
            {"category": _HOSPITALIZED, "timingPeriod": {"start": admitted, "end": discharged}}
        )
    if admission_type:
        info.append({"category": _INFO, "code": nubc(uri.NUBC_ADMISSION_TYPE, "admission_types.csv",
                                                     admission_type)})  # fmt: skip
    if admission_source:
        info.append({"category": _INFO, "code": nubc(uri.NUBC_POINT_OF_ORIGIN,
                                                     "admission_sources.csv", admission_source)})  # fmt: skip
    if discharge:
        info.append({"category": _DISCHARGE, "code": nubc(uri.NUBC_DISCHARGE,
                                                          "discharge_status.csv", discharge)})  # fmt: skip
    if drg_code:
        info.append({"category": _INFO, "code": drg(drg_code)})
    # supportingInfo.sequence comes first in FHIR element order.
    return [{"sequence": i, **entry} for i, entry in enumerate(info, start=1)]
