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
from typing import Any

import orjson
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


_CATEGORIES = (_SUBMITTED, _ELIGIBLE, _DEDUCTIBLE, _COPAY, _COINSURANCE, _NONCOVERED, _BENEFIT)


def _template(categories: tuple[Resource, ...], reason_at: int | None = None) -> str:
    """A JSON array of adjudication entries with ``%s`` where the amounts (and reason) go.

    The constant parts contain no ``%``, so ``template % values`` fills it in one step; the
    amounts are the tables' decimal texts, so JSON shows exactly "12.50".
    """
    entries = []
    for i, category in enumerate(categories):
        reason = ""
        if i == reason_at:
            reason = ',"reason":{"coding":[{"system":"' + uri.X12_CARC + '","code":"%s"}]}'
        entries.append('{"category":' + orjson.dumps(category).decode() + reason
                       + ',"amount":{"value":%s,"currency":"USD"}}')  # fmt: skip
    return "[" + ",".join(entries) + "]"


# Adjudication arrays are the bulk of an EOB and hold no references, so they are written as
# ready-made JSON (orjson fragments) instead of one dict per entry; the XML writer expands them.
_LINE = _template(_CATEGORIES)
_LINE_DENIED = _template(_CATEGORIES, reason_at=5)
_TOTAL = _template((*_CATEGORIES, _MEMBER_LIABILITY))


def _line_adjudication(values: tuple[str, ...], carc: str | None) -> orjson.Fragment:
    """(billed, allowed, deductible, copay, coinsurance, denied, paid) of one line."""
    if carc:
        return orjson.Fragment(_LINE_DENIED % (*values[:5], carc, *values[5:]))
    return orjson.Fragment(_LINE % values)


def _texts(table: pa.Table, name: str) -> list[Any]:
    """A column as Python values, decimals as their exact text ("12.50")."""
    if pa.types.is_decimal(table[name].type):
        return table[name].cast(pa.string()).to_pylist()
    return column(table, name)


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
        for row in zip(*(_texts(la, c) for c in _LINE_COLUMNS), strict=True):
            items[row[0]].append(row)
    payments: dict[str, tuple[str, str]] = {}
    if "payments" in tables:
        p = tables["payments"]
        payments = dict(zip(column(p, "payment_id"), zip(column(p, "payment_date"),
                            column(p, "trace_number"), strict=True), strict=True))  # fmt: skip
    find_coverage = coverage_for(tables)
    t = tables["adjudications"]
    cols = [_texts(t, c) for c in _ADJ_COLUMNS]
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
            item["adjudication"] = _line_adjudication(
                (l_billed, l_allowed, l_deductible, l_copay, l_coinsurance, l_denied, l_paid), carc
            )
            entries.append(item)
        if entries:
            doc["item"] = entries
        doc["total"] = orjson.Fragment(
            _TOTAL % (billed, allowed, deductible, copay, coinsurance, denied, paid, owed)
        )
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
