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
from ..models import (
    ClaimStatusInquiry,
    ClaimStatusResponse,
    EligibilityInquiry,
    EligibilityResponse,
    arrow_schema,
)
from ._context import BlockContext
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
        coverages: pa.Table,
        visits: EncounterBlock,
        billing: dict[str, pa.Table],
    ) -> dict[str, pa.Table]:
        """The four inquiry tables of one block."""
        rng = stream(ctx.seed, "inquiries", ctx.block)
        out = self._eligibility(ctx, rng, coverages, visits, billing)
        out.update(self._claim_status(ctx, rng, billing))
        return out

    def _eligibility(
        self,
        ctx: BlockContext,
        rng: np.random.Generator,
        coverages: pa.Table,
        visits: EncounterBlock,
        billing: dict[str, pa.Table],
    ) -> dict[str, pa.Table]:
        enc = visits.table
        asked = np.flatnonzero(rng.random(enc.num_rows) < self.eligibility_share)
        member = visits.member[asked]
        first_of = np.searchsorted(member, member, side="left")
        sequence = np.arange(asked.size) - first_of + 1
        keep = sequence <= _MAX_PER_MEMBER
        asked, member, sequence = asked[keep], member[keep], sequence[keep]
        n = asked.size
        date = enc["start_date"].to_numpy().astype("datetime64[D]")[asked]
        names, inverse = np.unique(visits.class_name[asked], return_inverse=True)
        by_class = np.array([_SERVICE_TYPE[str(k)] for k in names] or ["30"])[inverse]
        service = np.where(rng.random(n) < 0.4, "30", by_class)
        # The payer asked: the span active that day, else the member's latest span begun by
        # then (or the first one).
        active = visits.coverage[asked]
        member_ids = pc.unique(coverages["member_id"])
        position = pc.index_in(coverages["member_id"], value_set=member_ids).to_numpy()
        ids = arrow.take(enc["member_id"].combine_chunks(), asked)
        pos = pc.index_in(ids, value_set=member_ids).to_numpy(zero_copy_only=False)
        first = np.searchsorted(position, pos, side="left")
        last = np.searchsorted(position, pos, side="right") - 1
        effective = coverages["effective_date"].to_numpy().astype("datetime64[D]")
        span = np.where(active >= 0, active, np.where(effective[last] <= date, last, first))
        is_active = active >= 0

        def cov(name: str) -> pa.Array:
            return arrow.take(coverages[name].combine_chunks(), span)

        inquiry_id = arrow.fixed(n, arrow.chars(ids, 10), "-Q", arrow.digit_chars(sequence, 2))
        provider = arrow.take(ctx.reference.provider_ids, visits.billing[asked])
        inquiries = pa.table(
            {
                "inquiry_id": inquiry_id,
                "member_id": ids,
                "subscriber_member_id": cov("subscriber_member_id"),
                "payer_id": cov("payer_id"),
                "provider_id": provider,
                "inquiry_date": arrow.dates(date),
                "service_type_code": pa.array(service, pa.string()),
            },
            schema=arrow_schema(EligibilityInquiry),
        )
        plans = ctx.reference.tables["plans"]
        plan_row = pc.index_in(cov("plan_id"), value_set=ctx.reference.plan_ids).to_numpy()
        met_deductible, met_oop = _accumulated(billing, ids, cov("plan_id"), date)

        def plan_money(name: str) -> np.ndarray:
            return _cents(plans[name])[plan_row]

        deductible = plan_money("deductible_individual")
        oop = plan_money("oop_max_individual")
        inactive = ~is_active

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
        self, ctx: BlockContext, rng: np.random.Generator, billing: dict[str, pa.Table]
    ) -> dict[str, pa.Table]:
        claims = billing["claims"]
        as_of = np.datetime64(ctx.as_of, "D")
        received = claims["received_date"].to_numpy().astype("datetime64[D]")
        date = received + rng.integers(7, 41, claims.num_rows).astype("timedelta64[D]")
        not_void = pc.not_equal(claims["frequency_code"], "8").to_numpy(zero_copy_only=False)
        chosen = rng.random(claims.num_rows) < self.claim_status_share
        asked = np.flatnonzero(chosen & not_void & (date <= as_of))
        date = date[asked]
        n = asked.size
        claim_ids = arrow.take(claims["claim_id"].combine_chunks(), asked)
        # The claim's own decision (A1), with its payment.
        adj = billing["adjudications"]
        decision = pc.equal(pc.utf8_slice_codeunits(adj["adjudication_id"], -2), "A1")
        decided_rows = np.flatnonzero(decision.to_numpy(zero_copy_only=False))
        decided_ids = arrow.take(adj["claim_id"].combine_chunks(), decided_rows)
        match = pc.index_in(claim_ids, value_set=decided_ids)
        has = match.is_valid().to_numpy(zero_copy_only=False)
        row = (
            decided_rows[match.fill_null(0).to_numpy()]
            if decided_rows.size
            else np.zeros(n, np.int64)
        )
        decided = adj["adjudication_date"].to_numpy().astype("datetime64[D]")[row]
        payments = billing["payments"]
        pay_row = pc.index_in(adj["payment_id"], value_set=payments["payment_id"]).to_numpy()[row]
        paid_on = payments["payment_date"].to_numpy().astype("datetime64[D]")[pay_row]
        status = adj["status_code"].to_numpy(zero_copy_only=False)[row]
        carc_of_claim = _first_carc(billing, adj, row)
        known = has & (decided <= date)
        paid_known = known & (paid_on <= date)
        # P1 in process; F0 adjudicated, awaiting the payment cycle; F1 paid; F2 denied.
        state = np.where(~known, 0, np.where(~paid_known, 1, np.where(status == "4", 3, 2)))
        category = np.array(["P1", "F0", "F1", "F2"])[state]
        coverage_denial = np.isin(carc_of_claim, ("26", "27"))
        # Claim status codes (code source 508): 20 accepted for processing, 3 adjudicated and
        # awaiting the payment cycle, 65 paid, 88 not eligible on the dates of service,
        # 21 missing or invalid information.
        code = np.select(
            [state == 0, state == 1, state == 2, coverage_denial], ["20", "3", "65", "88"], "21"
        )
        status_date = np.where(state == 0, received[asked], np.where(state == 1, decided, paid_on))
        final = state >= 2
        inquiry_id = arrow.join(claim_ids, "-S1")
        inquiries = pa.table(
            {
                "inquiry_id": inquiry_id,
                "claim_id": claim_ids,
                "member_id": arrow.take(claims["member_id"].combine_chunks(), asked),
                "payer_id": arrow.take(claims["payer_id"].combine_chunks(), asked),
                "billing_provider_id": arrow.take(claims["billing_provider_id"].combine_chunks(), asked),
                "inquiry_date": arrow.dates(date),
            },
            schema=arrow_schema(ClaimStatusInquiry),
        )  # fmt: skip
        responses = pa.table(
            {
                "inquiry_id": inquiry_id,
                "claim_id": claim_ids,
                "status_category": pa.array(category, pa.string()),
                "status_code": pa.array(code, pa.string()),
                "status_date": arrow.dates(status_date),
                "total_billed": arrow.take(claims["total_billed"].combine_chunks(), asked),
                "paid_amount": _when(final, arrow.take(adj["paid_amount"].combine_chunks(), row)),
                "payer_claim_control_number": _when(
                    known, arrow.take(adj["payer_claim_control_number"].combine_chunks(), row)
                ),
                "payment_date": arrow.dates(paid_on, mask=~final),
                "trace_number": _when(
                    final, arrow.take(payments["trace_number"].combine_chunks(), pay_row)
                ),
            },
            schema=arrow_schema(ClaimStatusResponse),
        )
        del n
        return {"claim_status_inquiries": inquiries, "claim_status_responses": responses}


def _accumulated(
    billing: dict[str, pa.Table], member_ids: pa.Array, plan_ids: pa.Array, date: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Deductible and out-of-pocket amounts adjudicated before ``date`` in its plan year."""
    adj = billing["adjudications"]
    claims = billing["claims"]
    claim_row = pc.index_in(adj["claim_id"], value_set=claims["claim_id"]).to_numpy()
    service = claims["statement_from"].to_numpy().astype("datetime64[D]")[claim_row]
    ids = pc.unique(pa.concat_arrays([adj["member_id"].combine_chunks(), member_ids]))
    plans = pc.unique(pa.concat_arrays([claims["plan_id"].combine_chunks(), plan_ids]))
    a_plan = pc.index_in(claims["plan_id"], value_set=plans).to_numpy()[claim_row]
    a_member = pc.index_in(adj["member_id"], value_set=ids).to_numpy() * 1024 + a_plan
    decided = adj["adjudication_date"].to_numpy().astype("datetime64[D]")
    ded = _cents(adj["deductible_amount"])
    oop = ded + _cents(adj["coinsurance_amount"]) + _cents(adj["copay_amount"])
    key = _key(a_member, service, decided)
    order = np.argsort(key, kind="stable")
    key, ded_sum, oop_sum = key[order], np.cumsum(ded[order]), np.cumsum(oop[order])
    q_plan = pc.index_in(plan_ids, value_set=plans).to_numpy()
    q_member = pc.index_in(member_ids, value_set=ids).to_numpy() * 1024 + q_plan
    hi = np.searchsorted(key, _key(q_member, date, date), side="left")
    lo = np.searchsorted(
        key, _key(q_member, date, date.astype("datetime64[Y]").astype("datetime64[D]")), side="left"
    )

    def window(total: np.ndarray) -> np.ndarray:
        padded = np.concatenate([[0], total])
        return padded[hi] - padded[lo]

    return window(ded_sum), window(oop_sum)


def _key(member: np.ndarray, service: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Sort key (member and plan, year of service, day)."""
    year = service.astype("datetime64[Y]").astype(np.int64)
    days = day.astype("datetime64[D]").astype(np.int64) + 100_000
    return (member.astype(np.int64) * 256 + year) * (1 << 18) + days


def _first_carc(billing: dict[str, pa.Table], adj: pa.Table, row: np.ndarray) -> np.ndarray:
    lines = billing["line_adjudications"]
    first = pc.index_in(adj["adjudication_id"], value_set=lines["adjudication_id"]).to_numpy()
    carc = lines["carc"].fill_null("").to_numpy(zero_copy_only=False)
    return carc[first[row]] if carc.size else np.full(row.size, "")


def _cents(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.rint(pc.multiply(column.cast(pa.float64()), 100).to_numpy()).astype(np.int64)


def _when(mask: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), values, pa.scalar(None, values.type))
