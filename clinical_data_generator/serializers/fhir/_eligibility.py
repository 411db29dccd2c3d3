"""CoverageEligibilityRequest and -Response: the inquiry tables as FHIR (X12 270 / 271).

The request asks one payer whether the member is covered for one X12 service type on one date;
the response says whether the span found is in force and, for active coverage, the plan's
deductible and out-of-pocket amounts (allowed and used this plan year), copays and coinsurance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from . import _systems as uri
from ._codes import label
from ._context import Context
from ._values import Resource, ResourceSet, column, concept, identifier

__all__ = ["build_eligibility_requests", "build_eligibility_responses"]

_PURPOSE = ["validation", "benefits"]
_DEDUCTIBLE = concept(uri.BENEFIT_TYPE, "deductible", "Deductible")
_OUT_OF_POCKET = {"text": "Out-of-pocket maximum"}  # no code for it in benefit-type
_COPAY_PRIMARY = concept(uri.BENEFIT_TYPE, "copay", "Copayment per service",
                         "Copayment, primary care visit")  # fmt: skip
_COPAY_SPECIALIST = concept(uri.BENEFIT_TYPE, "copay", "Copayment per service",
                            "Copayment, specialist visit")  # fmt: skip
_COINSURANCE = concept(uri.BENEFIT_TYPE, "copay-percent", "Copayment Percent per service",
                       "Coinsurance after the deductible")  # fmt: skip

_REQUEST_COLUMNS = ("inquiry_id", "member_id", "payer_id", "provider_id", "inquiry_date",
                    "service_type_code")  # fmt: skip
_RESPONSE_COLUMNS = (
    "inquiry_id", "member_id", "status", "coverage_id", "plan_begin_date", "plan_end_date",
    "deductible_individual", "deductible_met", "oop_max_individual", "oop_met",
    "copay_primary_care", "copay_specialist", "coinsurance_percent",
)  # fmt: skip


def _service_type(code: str) -> Resource:
    return concept(uri.X12_SERVICE_TYPE, code, None, label("service_type_codes.csv", code))


def _requests(tables: Mapping[str, pa.Table]) -> dict[str, tuple[Any, ...]]:
    t = tables["eligibility_inquiries"]
    return {row[0]: row for row in zip(*(column(t, c) for c in _REQUEST_COLUMNS), strict=True)}


def _coverage_of(tables: Mapping[str, pa.Table]) -> dict[str, str]:
    if "eligibility_responses" not in tables:
        return {}
    t = tables["eligibility_responses"]
    return {
        k: v for k, v in zip(column(t, "inquiry_id"), column(t, "coverage_id"), strict=True) if v
    }


def build_eligibility_requests(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One CoverageEligibilityRequest per inquiry (X12 270)."""
    rows = list(_requests(tables).values())
    coverage_of = _coverage_of(tables)
    ids = ctx.ids("CoverageEligibilityRequest").many(r[0] for r in rows)
    patient, organization, coverage = (
        ctx.refs("Patient"),
        ctx.refs("Organization"),
        ctx.refs("Coverage"),
    )
    out = []
    for rid, (key, member, payer, provider, day, service) in zip(ids, rows, strict=True):
        doc: Resource = {
            "resourceType": "CoverageEligibilityRequest",
            "id": rid,
            "identifier": [identifier(uri.INQUIRY_ID, key)],
            "status": "active",
            "purpose": _PURPOSE,
            "patient": patient(member),
            "servicedDate": day,
            "created": day,
            "provider": organization(provider),
            "insurer": organization(payer),
        }
        if key in coverage_of:
            doc["insurance"] = [{"focal": True, "coverage": coverage(coverage_of[key])}]
        doc["item"] = [{"category": _service_type(service)}]
        out.append(doc)
    return ResourceSet("CoverageEligibilityRequest", out, [r[1] for r in rows])


def build_eligibility_responses(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One CoverageEligibilityResponse per answered inquiry (X12 271)."""
    requests = _requests(tables)
    t = tables["eligibility_responses"]
    cols = [column(t, c) for c in _RESPONSE_COLUMNS]
    ids = ctx.ids("CoverageEligibilityResponse").many(cols[0])
    patient, organization = ctx.refs("Patient"), ctx.refs("Organization")
    coverage, request_ref = ctx.refs("Coverage"), ctx.refs("CoverageEligibilityRequest")
    out = []
    members = []
    for rid, row in zip(ids, zip(*cols, strict=True), strict=True):
        (key, member, status, covered, begin, end, deductible, deductible_met, oop, oop_met,
         copay_primary, copay_specialist, coinsurance) = row  # fmt: skip
        request = requests.get(key)
        if request is None:  # every response answers an inquiry of the same block
            continue
        _, _, payer, provider, day, service = request
        active = status == "active"
        doc: Resource = {
            "resourceType": "CoverageEligibilityResponse",
            "id": rid,
            "identifier": [identifier(uri.INQUIRY_ID, key)],
            "status": "active",
            "purpose": _PURPOSE,
            "patient": patient(member),
            "servicedDate": day,
            "created": day,
            "requestor": organization(provider),
            "request": request_ref(key),
            "outcome": "complete",
            "disposition": "Coverage in force" if active else "No coverage in force on the date",
            "insurer": organization(payer),
        }
        if covered:
            insurance: Resource = {"coverage": coverage(covered), "inforce": active}
            if begin:
                insurance["benefitPeriod"] = (
                    {"start": begin, "end": end} if end else {"start": begin}
                )
            benefits = _benefits(deductible, deductible_met, oop, oop_met, copay_primary,
                                 copay_specialist, coinsurance) if active else []  # fmt: skip
            if benefits:
                insurance["item"] = [{"category": _service_type(service), "benefit": benefits}]
            doc["insurance"] = [insurance]
        out.append(doc)
        members.append(member)
    return ResourceSet("CoverageEligibilityResponse", out, members)


def _benefits(
    deductible: Resource | None, deductible_met: Resource | None, oop: Resource | None,
    oop_met: Resource | None, copay_primary: Resource | None, copay_specialist: Resource | None,
    coinsurance: int | None,
) -> list[Resource]:  # fmt: skip
    """The 271 EB amounts as benefits (allowed = the plan's amount, used = met so far)."""
    out: list[Resource] = []
    for kind, allowed, used in ((_DEDUCTIBLE, deductible, deductible_met),
                                (_OUT_OF_POCKET, oop, oop_met)):  # fmt: skip
        if allowed is not None:
            benefit: Resource = {"type": kind, "allowedMoney": allowed}
            if used is not None:
                benefit["usedMoney"] = used
            out.append(benefit)
    for kind, amount in ((_COPAY_PRIMARY, copay_primary), (_COPAY_SPECIALIST, copay_specialist)):
        if amount is not None:
            out.append({"type": kind, "allowedMoney": amount})
    if coinsurance is not None:
        out.append({"type": _COINSURANCE, "allowedUnsignedInt": coinsurance})
    return out
