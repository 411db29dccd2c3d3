"""Eligibility (270/271) and claim-status (276/277) inquiries, with answers that agree with the data.

Providers check eligibility on the day of a share of visits (and emergency rooms on arrival):
the payer answers from the coverage span active that day and from the member's accumulators,
the deductible and out-of-pocket amounts of the claims it had adjudicated before the inquiry in
the same plan year. Billing offices ask about a share of claims 7-40 days after sending them:
the answer is what the payer knew that day (in process, adjudicated and awaiting the payment
cycle, paid, or denied).
"""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, validation
from .._internal.rng import stream
from .._internal.sorting import run_ranks
from ..models import (
    ClaimStatusInquiry,
    ClaimStatusResponse,
    EligibilityInquiry,
    EligibilityResponse,
    arrow_schema,
)
from ._context import BlockContext
from .claims import BillingBlock
from .coverages import member_spans
from .encounters import EncounterBlock

__all__ = ["InquiryGenerator"]

_SERVICE_TYPE = {"office": "98", "telehealth": "98", "urgent_care": "UC", "emergency": "86",
                 "outpatient": "50", "inpatient": "48", "lab": "5", "vaccination": "1"}  # fmt: skip
_MAX_PER_MEMBER = 99


@attrs.frozen
class InquiryGenerator:
    """Which encounters and claims are asked about.

    Args:
        eligibility_share: Share of encounters preceded by an eligibility inquiry (0-1).
        claim_status_share: Share of claims asked about after submission (0-1).
    """

    eligibility_share: float = attrs.field(
        default=0.25, validator=validation.share_field("eligibility_share")
    )
    claim_status_share: float = attrs.field(
        default=0.1, validator=validation.share_field("claim_status_share")
    )

    def block(
        self,
        ctx: BlockContext,
        members: pa.Array,
        coverages: pa.Table,
        visits: EncounterBlock,
        billing: BillingBlock,
    ) -> dict[str, pa.Table]:
        """The four inquiry tables of one block (``members``: the block's member ids)."""
        rng = stream(ctx.seed, "inquiries", ctx.block)
        out = self._eligibility(ctx, rng, members, coverages, visits, billing)
        out.update(self._claim_status(ctx, rng, billing))
        return out

    def _eligibility(
        self,
        ctx: BlockContext,
        rng: np.random.Generator,
        members: pa.Array,
        coverages: pa.Table,
        visits: EncounterBlock,
        billing: BillingBlock,
    ) -> dict[str, pa.Table]:
        enc = visits.table
        asked = np.flatnonzero(rng.random(enc.num_rows) < self.eligibility_share)
        member = visits.member[asked]
        sequence = run_ranks(member) + 1
        keep = sequence <= _MAX_PER_MEMBER
        asked, member, sequence = asked[keep], member[keep], sequence[keep]
        n = asked.size
        date = enc["start_date"].to_numpy().astype("datetime64[D]")[asked]
        by_class = np.array([_SERVICE_TYPE[k] for k in visits.classes])[visits.class_code[asked]]
        service = np.where(rng.random(n) < 0.4, "30", by_class)
        # The payer asked: the span active that day, else the member's latest span begun by
        # then (or the first one).
        active = visits.coverage[asked]
        first, last = member_spans(coverages, members)
        first, last = first[member], last[member]
        effective = coverages["effective_date"].to_numpy().astype("datetime64[D]")
        span = np.where(active >= 0, active, np.where(effective[last] <= date, last, first))
        inactive = active < 0

        def cov(name: str) -> pa.Array:
            return arrow.take(coverages[name].combine_chunks(), span)

        ids = arrow.take(members, member)
        inquiry_id = arrow.fixed(n, arrow.chars(ids, 10), "-Q", arrow.digit_chars(sequence, 2))
        inquiries = pa.table(
            {
                "inquiry_id": inquiry_id,
                "member_id": ids,
                "subscriber_member_id": cov("subscriber_member_id"),
                "payer_id": cov("payer_id"),
                "provider_id": arrow.take(ctx.reference.provider_ids, visits.billing[asked]),
                "inquiry_date": arrow.dates(date),
                "service_type_code": pa.array(service, pa.string()),
            },
            schema=arrow_schema(EligibilityInquiry),
        )
        plans = ctx.reference.tables["plans"]
        plan_row = pc.index_in(coverages["plan_id"], value_set=ctx.reference.plan_ids).to_numpy()
        plan_row = plan_row[span]
        met_deductible, met_oop = _accumulated(billing, member, plan_row, date)

        def plan_money(name: str) -> np.ndarray:
            return _cents(plans[name])[plan_row]

        deductible = plan_money("deductible_individual")
        oop = plan_money("oop_max_individual")

        def money(cents: np.ndarray) -> pa.Array:
            return arrow.cents_to_money(cents, mask=inactive)

        responses = pa.table(
            {
                "inquiry_id": inquiry_id,
                "member_id": ids,
                "status": arrow.codes(("active", "inactive"), inactive.astype(np.int64)),
                "eligibility_code": arrow.codes(("1", "6"), inactive.astype(np.int64)),
                "coverage_id": cov("coverage_id"),
                "plan_id": cov("plan_id"),
                "group_number": cov("group_number"),
                "plan_begin_date": cov("effective_date"),
                "plan_end_date": cov("termination_date"),
                "deductible_individual": money(deductible),
                "deductible_met": money(met_deductible),
                "deductible_remaining": money(np.maximum(deductible - met_deductible, 0)),
                "oop_max_individual": money(oop),
                "oop_met": money(met_oop),
                "oop_remaining": money(np.maximum(oop - met_oop, 0)),
                "copay_primary_care": money(plan_money("copay_primary_care")),
                "copay_specialist": money(plan_money("copay_specialist")),
                "coinsurance_percent": pa.array(
                    plans["coinsurance_percent"].to_numpy()[plan_row], pa.int8(), mask=inactive
                ),
            },
            schema=arrow_schema(EligibilityResponse),
        )
        return {"eligibility_inquiries": inquiries, "eligibility_responses": responses}

    def _claim_status(
        self, ctx: BlockContext, rng: np.random.Generator, billing: BillingBlock
    ) -> dict[str, pa.Table]:
        claims = billing.tables["claims"]
        adj = billing.tables["adjudications"]
        payments = billing.tables["payments"]
        as_of = np.datetime64(ctx.as_of, "D")
        received = billing.claim_received
        date = received + rng.integers(7, 41, claims.num_rows).astype("timedelta64[D]")
        chosen = rng.random(claims.num_rows) < self.claim_status_share
        asked = np.flatnonzero(chosen & (billing.claim_frequency != 2) & (date <= as_of))
        date = date[asked]
        decision = billing.claim_decision[asked]
        has = decision >= 0
        row = np.maximum(decision, 0)
        if adj.num_rows == 0:
            row = np.zeros(asked.size, np.int64)
            has = np.zeros(asked.size, bool)
        decided = billing.adj_decided[row] if adj.num_rows else date
        paid_on = billing.adj_paid_on[row] if adj.num_rows else date
        status = billing.adj_status[row] if adj.num_rows else np.zeros(asked.size, np.int64)
        uncovered = billing.adj_uncovered[row] if adj.num_rows else np.zeros(asked.size, bool)
        pay_row = billing.adj_payment[row] if adj.num_rows else np.zeros(asked.size, np.int64)
        known = has & (decided <= date)
        final = known & (paid_on <= date)
        # P1 in process; F0 adjudicated, awaiting the payment cycle; F1 paid; F2 denied.
        state = np.where(~known, 0, np.where(~final, 1, np.where(status == 1, 3, 2)))
        # Claim status codes (code source 508): 20 accepted for processing, 3 adjudicated and
        # awaiting the payment cycle, 65 paid, 88 not eligible on the dates of service,
        # 21 missing or invalid information.
        code = np.select(
            [state == 0, state == 1, state == 2, uncovered], ["20", "3", "65", "88"], "21"
        )
        status_date = np.where(state == 0, received[asked], np.where(state == 1, decided, paid_on))
        claim_ids = arrow.take(claims["claim_id"].combine_chunks(), asked)
        inquiry_id = arrow.join(claim_ids, "-S1")

        def claim_column(name: str) -> pa.Array:
            return arrow.take(claims[name].combine_chunks(), asked)

        def decision_column(
            table: pa.Table, name: str, rows: np.ndarray, when: np.ndarray
        ) -> pa.Array:
            if table.num_rows == 0:
                return pa.nulls(asked.size, table.schema.field(name).type)
            return table[name].combine_chunks().take(pa.array(rows, pa.int64(), mask=~when))

        inquiries = pa.table(
            {
                "inquiry_id": inquiry_id,
                "claim_id": claim_ids,
                "member_id": claim_column("member_id"),
                "payer_id": claim_column("payer_id"),
                "billing_provider_id": claim_column("billing_provider_id"),
                "inquiry_date": arrow.dates(date),
            },
            schema=arrow_schema(ClaimStatusInquiry),
        )
        responses = pa.table(
            {
                "inquiry_id": inquiry_id,
                "claim_id": claim_ids,
                "status_category": arrow.codes(("P1", "F0", "F1", "F2"), state),
                "status_code": pa.array(code, pa.string()),
                "status_date": arrow.dates(status_date),
                "total_billed": claim_column("total_billed"),
                "paid_amount": decision_column(adj, "paid_amount", row, final),
                "payer_claim_control_number": decision_column(
                    adj, "payer_claim_control_number", row, known
                ),
                "payment_date": arrow.dates(paid_on, mask=~final),
                "trace_number": decision_column(payments, "trace_number", pay_row, final),
            },
            schema=arrow_schema(ClaimStatusResponse),
        )
        return {"claim_status_inquiries": inquiries, "claim_status_responses": responses}


def _accumulated(
    billing: BillingBlock, member: np.ndarray, plan: np.ndarray, date: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Deductible and out-of-pocket amounts met before ``date``.

    They are the sums of the adjudications decided before ``date`` for services in the same
    plan and year: the accumulators of :mod:`.adjudication`.
    """
    key = _key(billing.adj_member, billing.adj_plan, billing.adj_service, billing.adj_decided)
    order = np.argsort(key, kind="stable")
    key = key[order]
    ded_sum = np.concatenate([[0], np.cumsum(billing.adj_deductible[order])])
    oop_sum = np.concatenate([[0], np.cumsum(billing.adj_out_of_pocket[order])])
    year_start = date.astype("datetime64[Y]").astype("datetime64[D]")
    hi = np.searchsorted(key, _key(member, plan, date, date), side="left")
    lo = np.searchsorted(key, _key(member, plan, date, year_start), side="left")
    return ded_sum[hi] - ded_sum[lo], oop_sum[hi] - oop_sum[lo]


def _key(member: np.ndarray, plan: np.ndarray, service: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Sort key (member, plan, year of service, day)."""
    year = service.astype("datetime64[Y]").astype(np.int64)
    days = day.astype("datetime64[D]").astype(np.int64) + 100_000
    group = member.astype(np.int64) * 1024 + plan.astype(np.int64)
    return (group * 256 + year) * (1 << 18) + days


def _cents(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.rint(pc.multiply(column.cast(pa.float64()), 100).to_numpy()).astype(np.int64)
