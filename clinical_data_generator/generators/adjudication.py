"""Adjudication: allowed amounts, denials and cost sharing against yearly accumulators.

Allowed amounts follow the plan's line of business: a payer-specific multiple of the fee
schedule for commercial and individual plans, the fee schedule for Medicare Advantage, 72% of it
for Medicaid; hospitals' revenue-code-only lines are paid a share of charges, and inpatient
stays a DRG rate (relative weight x base rate) spread over the lines. Then, in service-date
order per member, plan and calendar year: preventive services cost the member nothing, visit copays
apply to the visit line, other lines go to the deductible until it is met and then to
coinsurance, and the member's share stops at the plan's out-of-pocket maximum. Every amount is
integer cents, so ``billed - paid = contractual + deductible + coinsurance + copay + denied``
holds exactly.
"""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, billing_data
from .._internal.dates import year_of
from .._internal.rng import stream
from .._internal.sorting import stable_order
from ._context import BlockContext
from ._lookup import LINES_OF_BUSINESS

__all__ = ["LineDecisions", "LineFacts", "decide"]

# Base rate of a DRG with relative weight 1.0, per line of business (cents).
_DRG_BASE = {"commercial": 1_150_000, "individual": 1_000_000, "medicare": 700_000,
             "medicaid": 600_000}  # fmt: skip
_SHARE_OF_CHARGES = {"commercial": 0.55, "individual": 0.5, "medicare": 0.35, "medicaid": 0.3}
_OUTPATIENT_FACILITY = 1.8  # hospital outpatient rates above the physician fee schedule
NO_COVERAGE_RARC = "N30"


@attrs.frozen
class LineDecisions:
    """Per adjudicated line: amounts in cents and the denial reason (-1 none)."""

    allowed: np.ndarray
    deductible: np.ndarray
    coinsurance: np.ndarray
    copay: np.ndarray
    contractual: np.ndarray
    denied: np.ndarray
    paid: np.ndarray
    carc: pa.Array  # string, null when paid
    rarc: pa.Array
    patient_denied: np.ndarray  # denied amount the patient owes (group PR)


@attrs.frozen
class LineFacts:
    """What adjudication needs to know about each line (all arrays per line)."""

    member: np.ndarray
    claim: np.ndarray  # claim index, lines grouped by claim
    service_day: np.ndarray  # datetime64[D]
    billed: np.ndarray
    fee: np.ndarray  # fee schedule cents for all units, -1 when not fee-based
    category: np.ndarray  # billing_data.CATEGORIES row, -1 for revenue-code-only lines
    institutional: np.ndarray
    inpatient: np.ndarray
    plan: np.ndarray  # plans row
    payer: np.ndarray  # payers row
    covered: np.ndarray
    before_coverage: np.ndarray
    drg_weight: np.ndarray  # per line: weight of its stay's DRG (0 outside stays)
    copay_kind: np.ndarray  # per line: 0 none, 1 primary care, 2 specialist, 3 urgent, 4 ER


def decide(
    ctx: BlockContext,
    facts: LineFacts,
    *,
    denial_rate: float,
    claim_denial_rate: float,
) -> LineDecisions:
    """Adjudicate lines (grouped by claim, any order of claims)."""
    rng = stream(ctx.seed, "adjudication", ctx.block)
    plans = ctx.reference.tables["plans"]
    lob = ctx.reference.plan_lob[facts.plan]  # rows of LINES_OF_BUSINESS
    payer_factor = 1.2 + 0.45 * stream(ctx.seed, "adjudication.payer_factor").random(
        len(ctx.reference.payer_ids)
    )
    factor = np.select([lob == 0, lob == 1, lob == 2], [payer_factor[facts.payer],
                       0.9 * payer_factor[facts.payer], np.ones(lob.size)], 0.72)  # fmt: skip
    share = np.array([_SHARE_OF_CHARGES[v] for v in LINES_OF_BUSINESS])[lob]
    fee_based = facts.fee >= 0
    allowed = np.where(
        fee_based,
        facts.fee * factor * np.where(facts.institutional, _OUTPATIENT_FACILITY, 1.0),
        facts.billed * share,
    )
    # Inpatient stays: the DRG payment spread over the claim's lines in proportion to charges.
    base = np.array([_DRG_BASE[v] for v in LINES_OF_BUSINESS], np.float64)[lob]
    claim_billed = np.bincount(facts.claim, weights=facts.billed)
    stay_payment = facts.drg_weight * base
    allowed = np.where(
        facts.inpatient,
        facts.billed * np.minimum(1.0, stay_payment / np.maximum(claim_billed[facts.claim], 1)),
        allowed,
    )
    allowed = np.minimum(np.rint(allowed).astype(np.int64), facts.billed)

    # Denials: uncovered claims, whole-claim denials, then single lines.
    carc_codes, rarc_codes, patient_group, weight = billing_data.claim_adjustments()
    n = facts.billed.size
    claims = int(facts.claim.max(initial=-1)) + 1
    claim_denied = (rng.random(claims) < claim_denial_rate)[facts.claim]
    claim_draw = rng.random(claims)
    line_draw = rng.random(n)
    line_denied = claim_denied | (rng.random(n) < denial_rate)
    # A reason for each denied line: its claim's when the whole claim is denied, else its own.
    cum = np.cumsum(weight) / weight.sum()
    denied_rows = np.flatnonzero(line_denied)
    draw = np.where(
        claim_denied[denied_rows], claim_draw[facts.claim[denied_rows]], line_draw[denied_rows]
    )
    reason = np.full(n, -1, np.int64)
    reason[denied_rows] = np.minimum(np.searchsorted(cum, draw), weight.size - 1)
    uncovered = ~facts.covered
    denied_line = uncovered | line_denied
    # Uncovered lines: CARC 27 (after coverage ended) or 26 (before it began), RARC N30.
    before = facts.before_coverage.astype(np.int64)
    carc = arrow.optional(
        pa.concat_arrays([carc_codes, pa.array(["27", "26"])]),
        np.where(uncovered, len(carc_codes) + before, reason),
    )
    rarc = arrow.optional(
        pa.concat_arrays([rarc_codes, pa.array([NO_COVERAGE_RARC])]),
        np.where(uncovered, len(rarc_codes), reason),
    )
    patient_owes = uncovered | (line_denied & patient_group[np.maximum(reason, 0)])
    allowed = np.where(denied_line, 0, allowed)

    # Cost sharing in service-date order per member and calendar year.
    plan_cols = {name: _money(plans, name) for name in (
        "deductible_individual", "oop_max_individual", "copay_primary_care", "copay_specialist",
        "copay_urgent_care", "copay_emergency")}  # fmt: skip
    pct = plans["coinsurance_percent"].to_numpy().astype(np.int64)[facts.plan]
    copay_table = np.column_stack([np.zeros(len(plans), np.int64), plan_cols["copay_primary_care"],
                                   plan_cols["copay_specialist"], plan_cols["copay_urgent_care"],
                                   plan_cols["copay_emergency"]])  # fmt: skip
    copay_due = copay_table[facts.plan, facts.copay_kind]
    # Preventive services and vaccines cost the member nothing (ACA preventive coverage).
    preventive = _in_categories(facts.category, ("preventive", "vaccine", "vaccine_admin"))
    copay_line = (copay_due > 0) & ~denied_line & ~preventive
    copay = np.where(copay_line, np.minimum(copay_due, allowed), 0)
    eligible = np.where(~denied_line & ~preventive & ~copay_line, allowed, 0)

    year = year_of(facts.service_day)
    # Accumulators are per member, plan and calendar year (a plan change starts afresh).
    order = stable_order(facts.member, year, facts.plan, facts.service_day)
    group_key = ((facts.member * 4096 + year) * 4096 + facts.plan)[order]
    starts = np.concatenate([[True], group_key[1:] != group_key[:-1]]) if n else np.zeros(0, bool)
    deductible_limit = plan_cols["deductible_individual"][facts.plan][order]
    oop_limit = plan_cols["oop_max_individual"][facts.plan][order]
    e = eligible[order]
    before = _group_cumsum(e, starts) - e
    ded = np.clip(deductible_limit - before, 0, e)
    coins = np.rint((e - ded) * pct[order] / 100).astype(np.int64)
    cop = copay[order]
    share_sum = ded + coins + cop
    cum = _group_cumsum(share_sum, starts)
    capped = np.minimum(cum, oop_limit) - np.minimum(cum - share_sum, oop_limit)
    excess = share_sum - capped
    cut = np.minimum(excess, coins)
    coins, excess = coins - cut, excess - cut
    cut = np.minimum(excess, cop)
    cop, excess = cop - cut, excess - cut
    ded = ded - excess
    deductible = np.empty(n, np.int64)
    coinsurance = np.empty(n, np.int64)
    copay_out = np.empty(n, np.int64)
    deductible[order], coinsurance[order], copay_out[order] = ded, coins, cop

    denied = np.where(denied_line, facts.billed, 0)
    contractual = np.where(denied_line, 0, facts.billed - allowed)
    paid = allowed - deductible - coinsurance - copay_out
    return LineDecisions(
        allowed=allowed,
        deductible=deductible,
        coinsurance=coinsurance,
        copay=copay_out,
        contractual=contractual,
        denied=denied,
        paid=paid,
        carc=carc,
        rarc=rarc,
        patient_denied=np.where(patient_owes, denied, 0),
    )


def _in_categories(category: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Whether each ``category`` (a row of ``CATEGORIES``, or -1 for none) is one of ``names``."""
    wanted = np.zeros(len(billing_data.CATEGORIES) + 1, bool)
    wanted[[billing_data.CATEGORIES.index(name) + 1 for name in names]] = True
    return wanted[category + 1]


def _group_cumsum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Inclusive cumulative sums restarting where ``starts`` is True."""
    total = np.cumsum(values)
    if not values.size:
        return total
    offset = np.maximum.accumulate(np.where(starts, np.arange(values.size), 0))
    return total - (total[offset] - values[offset])


def _money(table: pa.Table, name: str) -> np.ndarray:
    """A decimal column as integer cents."""
    return pc.multiply(table[name].cast(pa.float64()), 100).to_numpy().round().astype(np.int64)
