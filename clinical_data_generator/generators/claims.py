"""Claims: professional and institutional claims for the encounters' services, and their fate.

The services of an encounter (:mod:`.procedures`) are split into a professional claim
(practitioner services, billed by the practitioner's organisation or the urgent-care centre or
laboratory) and, for emergency, outpatient-hospital and inpatient encounters, an institutional
claim billed by the hospital. Charges are fee schedule amounts (RVUs x conversion factor, or
the code's price) times the billing provider's markup. Claims reach the payer 1-60 days after
the service; those that would arrive after ``as_of`` are not billed yet. Adjudication, payment
batches, replacements and voids are in :mod:`.adjudication` and :mod:`.payments`.
"""

from __future__ import annotations

from collections.abc import Generator

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, billing_data, validation
from .._internal.rng import stream
from .._internal.sorting import stable_order
from ._claim_tables import (
    adjudication_table,
    claim_table,
    line_adjudication_table,
    line_table,
    pointers,
)
from ._context import BlockContext
from .adjudication import LineFacts, decide
from .conditions import ConditionBlock
from .coverages import member_spans
from .encounters import EncounterBlock
from .payments import batch_payments, next_payment_day
from .procedures import ProcedureBlock, ServiceLines, ranks

__all__ = ["BillingBlock", "ClaimGenerator"]


# What adjudication and the claim-status inquiries read of claims and adjudications.
_CLAIM_COLUMNS_READ_LATER = ("claim_id", "member_id", "payer_id", "billing_provider_id",
                             "total_billed")  # fmt: skip
_ADJUDICATION_COLUMNS_READ_LATER = ("paid_amount", "payer_claim_control_number")
_TABLE_ORDER = ("procedures", "claims", "claim_lines", "adjudications", "line_adjudications",
                "payments")  # fmt: skip


@attrs.frozen
class BillingBlock:
    """The claims-family tables of a block, plus numeric arrays the inquiries are built from.

    ``claim_*`` arrays follow the ``claims`` rows, ``adj_*`` the ``adjudications`` rows. From
    :meth:`ClaimGenerator.block`, ``tables`` holds every claims-family table; from the
    streaming path ``Population.write`` uses, which has already handed them over, only the
    columns of ``claims``, ``adjudications`` and ``payments`` the inquiries read.
    """

    tables: dict[str, pa.Table]
    claim_member: np.ndarray  # member position in the block
    claim_received: np.ndarray  # datetime64[D]
    claim_frequency: np.ndarray  # 0 original, 1 replacement, 2 void
    claim_decision: np.ndarray  # adjudications row of the claim's own decision, or -1
    adj_member: np.ndarray
    adj_plan: np.ndarray  # plans row
    adj_service: np.ndarray  # statement_from, datetime64[D]
    adj_decided: np.ndarray
    adj_paid_on: np.ndarray
    adj_deductible: np.ndarray  # cents, negative for reversals
    adj_out_of_pocket: np.ndarray  # deductible + coinsurance + copay, cents
    adj_status: np.ndarray  # 0 processed, 1 denied, 2 reversal
    adj_uncovered: np.ndarray  # denied for no coverage
    adj_payment: np.ndarray  # payments row


_MAX_LINES = 50  # 837P 2400 loop repeat; we keep institutional claims to the same bound
_FACILITY_POS = ("19", "21", "22", "23", "24", "31", "51", "61")
_PROFESSIONAL_COMPONENT = 0.3  # share of a global fee paid for the reading (modifier 26)
_MAX_DIAGNOSES = 4


@attrs.frozen
class ClaimGenerator:
    """Claims and their adjudication.

    Args:
        denial_rate: Share of lines of covered claims denied with a CARC/RARC (0-1).
        claim_denial_rate: Share of covered claims denied as a whole (0-1).
        replacement_share: Share of paid claims later replaced (frequency 7) (0-1).
        void_share: Share of paid claims later voided (frequency 8) (0-1).
        uncovered_billed_share: Share of the encounters of uninsured members that are billed
            anyway (0-1); the rest are self-pay and have no claim.

    Claims for services outside coverage are sent to the member's last known payer and denied
    (CARC 26 before coverage began, 27 after it ended, group PR), never paid.
    """

    denial_rate: float = attrs.field(default=0.05, validator=validation.share_field("denial_rate"))
    claim_denial_rate: float = attrs.field(
        default=0.02, validator=validation.share_field("claim_denial_rate")
    )
    replacement_share: float = attrs.field(
        default=0.03, validator=validation.share_field("replacement_share")
    )
    void_share: float = attrs.field(default=0.01, validator=validation.share_field("void_share"))
    uncovered_billed_share: float = attrs.field(
        default=0.1, validator=validation.share_field("uncovered_billed_share")
    )

    def block(
        self,
        ctx: BlockContext,
        members: pa.Array,
        coverages: pa.Table,
        visits: EncounterBlock,
        chronic: ConditionBlock,
        services: ProcedureBlock,
    ) -> BillingBlock:
        """Bill, adjudicate and pay the encounters of one block: the claims family tables.

        ``members`` is the block's ``member_id`` column (coverage rows are grouped by it).
        """
        parts = self._stream_tables(ctx, members, coverages, visits, chronic, services)
        tables = {"procedures": services.table}
        while True:
            try:
                name, table = next(parts)
            except StopIteration as done:
                bills: BillingBlock = done.value
                break
            tables[name] = table
        return attrs.evolve(bills, tables={name: tables[name] for name in _TABLE_ORDER})

    def _stream_tables(
        self,
        ctx: BlockContext,
        members: pa.Array,
        coverages: pa.Table,
        visits: EncounterBlock,
        chronic: ConditionBlock,
        services: ProcedureBlock,
    ) -> Generator[tuple[str, pa.Table], None, BillingBlock]:
        """:meth:`block` as it goes, for writers that let each table go once written.

        Yields each claims-family table but ``procedures`` (the caller's) as soon as it is
        final, then returns the block with only the columns the inquiries read left in
        ``tables`` (``claims``, ``adjudications``, ``payments``).
        """
        rng = stream(ctx.seed, "claims", ctx.block)
        enc = visits.table
        lines = services.lines
        as_of = np.datetime64(ctx.as_of, "D")
        start = enc["start_date"].to_numpy().astype("datetime64[D]")

        # Claims: runs of (encounter, claim type) in the encounter-major line order.
        key = lines.encounter * 2 + lines.claim_type
        new = np.concatenate([[True], key[1:] != key[:-1]]) if key.size else np.zeros(0, bool)
        claim_of_line = np.cumsum(new) - 1
        first_line = np.flatnonzero(new)
        line_number = np.arange(key.size) - first_line[claim_of_line] + 1
        keep = line_number <= _MAX_LINES
        c_enc, c_type = lines.encounter[first_line], lines.claim_type[first_line]
        n = first_line.size
        day = start[lines.encounter] + lines.day.astype("timedelta64[D]")
        end_day = start[lines.encounter] + lines.end_day.astype("timedelta64[D]")
        # Every claim keeps its first line, so the kept lines are one run per claim, in order.
        stmt_from, stmt_to = day[:0], end_day[:0]
        if n:
            kept_first = np.flatnonzero(new[keep])
            stmt_from = np.minimum.reduceat(day[keep], kept_first)
            stmt_to = np.maximum.reduceat(end_day[keep], kept_first)
        lag = np.where(c_type == 1, 2 + rng.geometric(0.08, n), rng.geometric(0.12, n))
        received = stmt_to + np.minimum(lag, 60).astype("timedelta64[D]")
        decided = received + np.minimum(rng.geometric(0.15, n), 30).astype("timedelta64[D]")
        paid_on = next_payment_day(decided)
        # Uninsured encounters are mostly self-pay; a few are billed anyway (and denied).
        billed_anyway = rng.random(enc.num_rows) < self.uncovered_billed_share
        exists = (received <= as_of) & ((visits.coverage[c_enc] >= 0) | billed_anyway[c_enc])
        final = exists & (paid_on <= as_of)

        billing = np.where(
            (c_type == 0) & visits.of_class("emergency", "outpatient", "inpatient")[c_enc],
            ctx.reference.provider_org[np.maximum(visits.rendering[c_enc], 0)],
            visits.billing[c_enc],
        )
        charge, fee = _charges(ctx, rng, enc, lines, claim_of_line, billing)
        span, covered = _billed_span(coverages, visits, members, c_enc, stmt_from)
        effective = coverages["effective_date"].to_numpy().astype("datetime64[D]")
        plan = pc.index_in(coverages["plan_id"], value_set=ctx.reference.plan_ids).to_numpy()[span]

        # Adjudicate the lines of claims paid by as_of.
        decided_lines = np.flatnonzero(keep & final[claim_of_line])
        cl = claim_of_line[decided_lines]
        code = lines.code[decided_lines]
        cat = billing_data.catalogue()
        institutional = lines.claim_type[decided_lines] == 1
        drg = services.drg[lines.encounter[decided_lines]]
        choices = billing_data.drg_choices()
        facts = LineFacts(
            member=visits.member[c_enc[cl]],
            claim=cl,
            service_day=day[decided_lines],
            billed=charge[decided_lines],
            fee=fee[decided_lines],
            category=np.where(code >= 0, cat.category[np.maximum(code, 0)], -1),
            institutional=institutional,
            inpatient=institutional & visits.of_class("inpatient")[c_enc[cl]],
            plan=plan[cl],
            payer=ctx.reference.plan_payer[plan[cl]],
            covered=covered[cl],
            before_coverage=(stmt_from < effective[span])[cl],
            drg_weight=np.where(drg >= 0, choices.weight[np.maximum(drg, 0)], 0.0),
            copay_kind=_copay_kind(ctx, lines, decided_lines, cl, visits, c_enc[cl]),
        )
        decisions = decide(ctx, facts, denial_rate=self.denial_rate,
                           claim_denial_rate=self.claim_denial_rate)  # fmt: skip
        # The line facts and the line columns only they used are large: free them first.
        del facts, fee, code, drg, institutional, new
        sums = {name: np.rint(np.bincount(cl, weights=getattr(decisions, name), minlength=n)).astype(np.int64)
                for name in ("allowed", "deductible", "coinsurance", "copay", "contractual",
                             "denied", "paid", "patient_denied")}  # fmt: skip
        billed_sum = np.rint(
            np.bincount(claim_of_line[keep], weights=charge[keep], minlength=n)
        ).astype(np.int64)
        open_lines = np.bincount(cl, weights=decisions.denied == 0, minlength=n)
        denied_whole = final & (open_lines == 0)
        del cl, keep

        # Later corrections of paid claims: replacements (7) and voids (8).
        u = rng.random(n)
        correctable = final & ~denied_whole
        replace = correctable & (u < self.replacement_share)
        void = correctable & ~replace & (u < self.replacement_share + self.void_share)
        received2 = paid_on + rng.integers(7, 61, n).astype("timedelta64[D]")
        exists2 = (replace | void) & (received2 <= as_of)
        decided2 = received2 + np.minimum(rng.geometric(0.15, n), 30).astype("timedelta64[D]")
        paid_on2 = next_payment_day(decided2)
        final2 = exists2 & (paid_on2 <= as_of)

        # Claim rows: originals and corrections, member-major, a correction after its original.
        src = np.concatenate([np.flatnonzero(exists), np.flatnonzero(exists2)])
        seq = np.concatenate([np.ones(int(exists.sum()), np.int64), np.full(int(exists2.sum()), 2)])
        order = stable_order(src, seq)
        src, seq = src[order], seq[order]
        frequency = np.where(seq == 1, 0, np.where(replace[src], 1, 2))
        enc_ids = enc["encounter_id"].combine_chunks()
        rows = src.size
        claim_id = arrow.fixed(
            rows, arrow.chars(arrow.take(enc_ids, c_enc[src]), 15), "-",
            np.array([[80], [73]], np.uint8)[c_type[src]], arrow.digit_chars(seq, 1),
        )  # fmt: skip
        original_id = arrow.fixed(
            rows, arrow.chars(arrow.take(enc_ids, c_enc[src]), 15), "-",
            np.array([[80], [73]], np.uint8)[c_type[src]], "1",
        )  # fmt: skip
        original_id = arrow.when(seq == 2, original_id)
        line_count = np.minimum(np.bincount(claim_of_line, minlength=n), _MAX_LINES)
        del claim_of_line
        claims, dx_count = claim_table(
            ctx, enc, coverages, chronic, src, c_enc, c_type, span, covered, billing,
            visits, services, frequency, np.where(seq == 1, received[src], received2[src]),
            stmt_from[src], stmt_to[src], billed_sum[src], line_count[src], claim_id, original_id,
        )  # fmt: skip

        # Claim lines: each claim row repeats its source claim's lines.
        per_row = line_count[src]
        row_of_line = np.repeat(np.arange(rows), per_row)
        line = first_line[src][row_of_line] + ranks(per_row)
        claim_lines = line_table(claim_id, claims["member_id"], row_of_line, line_number[line],
                                  lines, line, day, end_day, charge, services,
                                  pointers(dx_count, lines, line, row_of_line))  # fmt: skip
        del day, end_day, row_of_line, line
        yield "claim_lines", claim_lines
        del claim_lines
        yield "claims", claims
        claims = claims.select(_CLAIM_COLUMNS_READ_LATER)

        # Adjudications: A1 of paid originals and replacements, A2 reversals of corrected ones.
        position = np.full(key.size, -1, np.int64)
        position[decided_lines] = np.arange(decided_lines.size)
        row_of_claim = {1: np.full(n, -1, np.int64), 2: np.full(n, -1, np.int64)}
        row_of_claim[1][src[seq == 1]] = np.flatnonzero(seq == 1)
        row_of_claim[2][src[seq == 2]] = np.flatnonzero(seq == 2)
        a_src = np.concatenate([np.flatnonzero(final), np.flatnonzero(final2),
                                np.flatnonzero(final2 & replace)])  # fmt: skip
        a_kind = np.concatenate([np.zeros(int(final.sum()), np.int64),
                                 np.ones(int(final2.sum()), np.int64),
                                 np.full(int((final2 & replace).sum()), 2)])  # fmt: skip
        a_claim_row = np.where(a_kind == 2, row_of_claim[2][a_src], row_of_claim[1][a_src])
        order = stable_order(a_claim_row, a_kind)
        a_src, a_kind, a_claim_row = a_src[order], a_kind[order], a_claim_row[order]
        sign = np.where(a_kind == 1, -1, 1)
        a_decided = np.where(a_kind == 0, decided[a_src], decided2[a_src])
        a_paid_on = np.where(a_kind == 0, paid_on[a_src], paid_on2[a_src])
        batches = batch_payments(ctx, ctx.reference.plan_payer[plan[a_src]], billing[a_src],
                                 a_paid_on, sign * sums["paid"][a_src])  # fmt: skip
        yield "payments", batches.table
        adjudications = adjudication_table(
            ctx, claim_id, claims, a_src, a_kind, a_claim_row, sign, a_decided, sums, billed_sum,
            denied_whole, batches,
        )  # fmt: skip
        per_adj = line_count[a_src]
        adj_of_line = np.repeat(np.arange(a_src.size), per_adj)
        a_line = first_line[a_src][adj_of_line] + ranks(per_adj)
        line_adjudications = line_adjudication_table(
            adjudications, adj_of_line, a_line, line_number, lines, charge, decisions,
            position[a_line], sign[adj_of_line],
        )  # fmt: skip
        yield "line_adjudications", line_adjudications
        del line_adjudications, decisions, position
        yield "adjudications", adjudications
        adjudications = adjudications.select(_ADJUDICATION_COLUMNS_READ_LATER)
        tables = {"claims": claims, "adjudications": adjudications, "payments": batches.table}
        decision = np.full(src.size, -1, np.int64)
        own = a_kind != 1
        decision[a_claim_row[own]] = np.flatnonzero(own)
        patient = sums["deductible"] + sums["coinsurance"] + sums["copay"]
        return BillingBlock(
            tables=tables,
            claim_member=visits.member[c_enc[src]],
            claim_received=np.where(seq == 1, received[src], received2[src]),
            claim_frequency=frequency,
            claim_decision=decision,
            adj_member=visits.member[c_enc[a_src]],
            adj_plan=plan[a_src],
            adj_service=stmt_from[a_src],
            adj_decided=a_decided,
            adj_paid_on=a_paid_on,
            adj_deductible=sign * sums["deductible"][a_src],
            adj_out_of_pocket=sign * patient[a_src],
            adj_status=np.where(a_kind == 1, 2, np.where(denied_whole[a_src], 1, 0)),
            adj_uncovered=~covered[a_src],
            adj_payment=batches.batch,
        )


def _charges(
    ctx: BlockContext,
    rng: np.random.Generator,
    enc: pa.Table,
    lines: ServiceLines,
    claim_of_line: np.ndarray,
    billing: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Billed cents per line, and the fee schedule amount (-1 for revenue-code-only lines)."""
    cat = billing_data.catalogue()
    bundles = billing_data.bundles()
    charges = billing_data.facility_charges()
    markup = stream(ctx.seed, "claims.markup").lognormal(
        np.log(2.2), 0.25, len(ctx.reference.provider_ids)
    )
    facility_visit = pc.is_in(enc["place_of_service"], value_set=pa.array(_FACILITY_POS))
    code = np.maximum(lines.code, 0)
    in_facility = facility_visit.to_numpy(zero_copy_only=False)[lines.encounter]
    in_facility &= lines.claim_type == 0
    fee = np.where(in_facility, cat.fee_facility[code], cat.fee[code]) * lines.units
    reading = lines.modifier == billing_data.MODIFIERS.index("26")
    fee = np.where(reading, fee * _PROFESSIONAL_COMPONENT, fee)
    hospital = np.where(lines.claim_type == 1, 1.4, 1.0)
    coded = fee * markup[billing[claim_of_line]] * hospital
    rev_charge = np.array(
        [charges.charge[charges.codes.index(c)] if c in charges.codes else 0
         for c in bundles.revenue_codes.to_pylist()],
        dtype=np.float64,
    )  # fmt: skip
    spread = rng.lognormal(0.0, 0.3, lines.code.size)
    uncoded = rev_charge[np.maximum(lines.revenue, 0)] * lines.units * spread
    has_code = lines.code >= 0
    charge = np.maximum(np.rint(np.where(has_code, coded, uncoded)), 100).astype(np.int64)
    fee_cents = np.where(has_code, np.rint(fee), -1).astype(np.int64)
    return charge, fee_cents


def _billed_span(
    coverages: pa.Table,
    visits: EncounterBlock,
    members: pa.Array,
    c_enc: np.ndarray,
    date: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Coverage row billed per claim, and whether it covered the date of service.

    Uncovered services are billed to the span the provider last knew: the member's first span
    for services before it, else the latest span that had begun.
    """
    active = visits.coverage[c_enc]
    first, last = member_spans(coverages, members)
    member = visits.member[c_enc]
    first, last = first[member], last[member]
    effective = coverages["effective_date"].to_numpy().astype("datetime64[D]")
    nearest = np.where(effective[last] <= date, last, first)
    covered = active >= 0
    return np.where(covered, active, nearest), covered


def _copay_kind(
    ctx: BlockContext,
    lines: ServiceLines,
    chosen: np.ndarray,
    claim: np.ndarray,
    visits: EncounterBlock,
    encounter: np.ndarray,
) -> np.ndarray:
    """Which copay each line carries: only the first visit line of a claim has one.

    0 none, 1 primary care, 2 specialist, 3 urgent care, 4 emergency room.
    """
    cat = billing_data.catalogue()
    code = lines.code[chosen]
    professional = lines.claim_type[chosen] == 0
    visit = (
        professional
        & (code >= 0)
        & (cat.category[np.maximum(code, 0)] == billing_data.CATEGORIES.index("evaluation"))
    )
    er_room = lines.revenue[chosen] == _revenue_row("0450")
    specialist = np.isin(visits.rendering[encounter], ctx.reference.roles.specialists)
    office = visits.of_class("office")[encounter]
    kind = np.select(
        [visit & office & specialist,
         visit & (office | visits.of_class("telehealth")[encounter]),
         visit & visits.of_class("urgent_care")[encounter],
         ~professional & er_room & visits.of_class("emergency")[encounter]],
        [2, 1, 3, 4], 0,
    )  # fmt: skip
    candidate = np.flatnonzero(kind > 0)
    _, first = np.unique(claim[candidate], return_index=True)
    out = np.zeros(chosen.size, np.int64)
    out[candidate[first]] = kind[candidate[first]]
    return out


def _revenue_row(code: str) -> int:
    return billing_data.bundles().revenue_codes.to_pylist().index(code)
