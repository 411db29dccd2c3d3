"""ExplanationOfBenefit (one per ``adjudications`` row, items from ``line_adjudications``).

The amounts are the adjudication tables' amounts, to the cent (the same ones the X12 835
reports): per line and in ``total``, ``submitted`` = billed, ``eligible`` = allowed,
``deductible``, ``copay``, ``coinsurance``, ``noncovered`` = denied (with the CARC as reason),
``benefit`` = paid, and in ``total`` also ``memberliability`` = patient responsibility.
Contractual adjustments (CO-45) are ``submitted - eligible - noncovered`` on every line and are
not repeated. ``coinsurance``, ``noncovered`` and ``memberliability`` come from the CARIN Blue
Button adjudication code system, the others from the base FHIR one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pyarrow as pa

from . import _systems as uri
from ._claim import ClaimLines, claim_type, coverage_for, serviced
from ._codes import revenue
from ._context import Context
from ._values import Resource, ResourceSet, column, concept, identifier, money

__all__ = ["build_explanations"]

_SUBMITTED = concept(uri.ADJUDICATION, "submitted", "Submitted Amount")
_ELIGIBLE = concept(uri.ADJUDICATION, "eligible", "Eligible Amount")
_DEDUCTIBLE = concept(uri.ADJUDICATION, "deductible", "Deductible")
_COPAY = concept(uri.ADJUDICATION, "copay", "CoPay")
_BENEFIT = concept(uri.ADJUDICATION, "benefit", "Benefit Amount")
_COINSURANCE = concept(uri.C4BB_ADJUDICATION, "coinsurance")
_NONCOVERED = concept(uri.C4BB_ADJUDICATION, "noncovered")
_MEMBER_LIABILITY = concept(uri.C4BB_ADJUDICATION, "memberliability")
_COMPLETE = concept(uri.PAYMENT_TYPE, "complete", "Complete")
_DISPOSITION = {
    "1": "Processed as primary",
    "4": "Denied",
    "22": "Reversal of previous payment",
}

_ADJ_COLUMNS = (
    "adjudication_id", "claim_id", "member_id", "payer_id", "payment_id", "status_code",
    "payer_claim_control_number", "adjudication_date", "billed_amount", "allowed_amount",
    "paid_amount", "patient_responsibility", "deductible_amount", "coinsurance_amount",
    "copay_amount", "denied_amount",
)  # fmt: skip
_LINE_COLUMNS = (
    "adjudication_id", "claim_id", "line_number", "units", "billed_amount", "allowed_amount",
    "paid_amount", "deductible_amount", "coinsurance_amount", "copay_amount", "denied_amount",
    "carc",
)  # fmt: skip
_CLAIM_COLUMNS = ("claim_id", "member_id", "claim_type", "billing_provider_id", "statement_from",
                  "statement_to", "coverage_id", "facility_provider_id")  # fmt: skip


def _amounts(
    billed: Decimal, allowed: Decimal, deductible: Decimal, copay: Decimal,
    coinsurance: Decimal, denied: Decimal, paid: Decimal, carc: str | None = None,
) -> list[Resource]:  # fmt: skip
    noncovered: Resource = {"category": _NONCOVERED}
    if carc:
        noncovered["reason"] = concept(uri.X12_CARC, carc)
    noncovered["amount"] = money(denied)
    return [
        {"category": _SUBMITTED, "amount": money(billed)},
        {"category": _ELIGIBLE, "amount": money(allowed)},
        {"category": _DEDUCTIBLE, "amount": money(deductible)},
        {"category": _COPAY, "amount": money(copay)},
        {"category": _COINSURANCE, "amount": money(coinsurance)},
        noncovered,
        {"category": _BENEFIT, "amount": money(paid)},
    ]


def build_explanations(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One ExplanationOfBenefit per adjudication (original decisions and reversals)."""
    claims = tables["claims"]
    claim_rows = {
        row[0]: row for row in zip(*(column(claims, c) for c in _CLAIM_COLUMNS), strict=True)
    }
    lines = ClaimLines(tables)
    items: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    if "line_adjudications" in tables:
        la = tables["line_adjudications"]
        for row in zip(*(column(la, c) for c in _LINE_COLUMNS), strict=True):
            items[row[0]].append(row)
    payments: dict[str, tuple[str, str]] = {}
    if "payments" in tables:
        p = tables["payments"]
        payments = dict(zip(column(p, "payment_id"), zip(column(p, "payment_date"),
                            column(p, "trace_number"), strict=True), strict=True))  # fmt: skip
    find_coverage = coverage_for(tables)
    t = tables["adjudications"]
    cols = [column(t, c) for c in _ADJ_COLUMNS]
    ids = ctx.ids("ExplanationOfBenefit").many(cols[0])
    patient, claim_ref, organization = (
        ctx.refs("Patient"),
        ctx.refs("Claim"),
        ctx.refs("Organization"),
    )
    location, coverage_ref, provider = (
        ctx.refs("Location"),
        ctx.refs("Coverage"),
        ctx.provider_refs(),
    )
    out = []
    members = []
    for rid, row in zip(ids, zip(*cols, strict=True), strict=True):
        (key, claim_id, member, payer, payment_id, status, pcn, decided, billed, allowed, paid,
         owed, deductible, coinsurance, copay, denied) = row  # fmt: skip
        claim = claim_rows.get(claim_id)
        if claim is None:  # the claim is always in the same block; a hand-built edge case
            continue
        _, _, kind, billing, start, end, coverage, facility = claim
        doc: Resource = {
            "resourceType": "ExplanationOfBenefit",
            "id": rid,
            "identifier": [
                identifier(uri.ADJUDICATION_ID, key),
                identifier(uri.PAYER_CLAIM_NUMBER, pcn),
            ],
            "status": "active",
            "type": claim_type(kind),
            "use": "claim",
            "patient": patient(member),
            "billablePeriod": {"start": start, "end": end},
            "created": decided,
            "insurer": organization(payer),
            "provider": provider(billing),
        }
        if facility:
            doc["facility"] = location(facility)
        doc["claim"] = claim_ref(claim_id)
        doc["outcome"] = "complete"
        if status in _DISPOSITION:
            doc["disposition"] = _DISPOSITION[status]
        covered = find_coverage(member, payer, coverage)
        if covered:
            doc["insurance"] = [{"focal": True, "coverage": coverage_ref(covered)}]
        entries = []
        for line in items.get(key, ()):
            (_, _, number, units, l_billed, l_allowed, l_paid, l_deductible, l_coinsurance,
             l_copay, l_denied, carc) = line  # fmt: skip
            billed_line = lines.by_line.get((claim_id, number))
            item: Resource = {"sequence": number}
            if billed_line is not None:
                if billed_line[11]:
                    item["revenue"] = revenue(billed_line[11])
                item["productOrService"] = lines.product(billed_line)
                name, value = serviced(billed_line[2], billed_line[3])
                item[name] = value
            else:
                item["productOrService"] = lines.product((None,) * 9)
            item["quantity"] = {"value": units}
            item["net"] = money(l_billed)
            item["adjudication"] = _amounts(l_billed, l_allowed, l_deductible, l_copay,
                                            l_coinsurance, l_denied, l_paid, carc)  # fmt: skip
            entries.append(item)
        if entries:
            doc["item"] = entries
        totals = _amounts(billed, allowed, deductible, copay, coinsurance, denied, paid)
        totals.append({"category": _MEMBER_LIABILITY, "amount": money(owed)})
        doc["total"] = totals
        if payment_id in payments:
            day, trace = payments[payment_id]
            doc["payment"] = {
                "type": _COMPLETE,
                "date": day,
                "amount": money(paid),
                "identifier": identifier(uri.TRACE_NUMBER, trace),
            }
        out.append(doc)
        members.append(member)
    return ResourceSet("ExplanationOfBenefit", out, members)
