"""Payment batches: a payer's check or EFT to one billing provider on one payment date (an 835).

Payers run payment cycles on Fridays: an adjudication decided on day *d* is paid on the first
Friday after *d*. Batches group the block's adjudications by (payer, billing provider, payment
date), so a provider whose patients fall in several member blocks receives several payments
that day, as with payers that split remittances. A batch whose reversals exceed its payments
carries the negative balance forward (X12 PLB reason FB) and pays nothing.
"""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa

from .._internal import arrow
from .._internal.rng import seeded_bijection
from .._internal.sorting import packed_key
from ..models import Payment, arrow_schema
from ._context import BlockContext

__all__ = ["PaymentBatches", "batch_payments", "next_payment_day"]

_FRIDAY = 4  # numpy day 0 (1970-01-01) was a Thursday: weekday = (day + 3) % 7
_MAX_BATCHES = 1 << 18  # per block, so trace numbers stay below 10**10


def next_payment_day(decided: np.ndarray) -> np.ndarray:
    """The first Friday after each adjudication date."""
    day = decided.astype("datetime64[D]").astype(np.int64) + 1
    weekday = (day + 3) % 7
    return (day + (_FRIDAY - weekday) % 7).astype("datetime64[D]")


@attrs.frozen
class PaymentBatches:
    """The ``payments`` rows and, per adjudication, its batch row."""

    table: pa.Table
    batch: np.ndarray


def batch_payments(
    ctx: BlockContext,
    payer: np.ndarray,
    provider: np.ndarray,
    paid_on: np.ndarray,
    paid_cents: np.ndarray,
) -> PaymentBatches:
    """Group adjudications (payer row, provider row, payment date, paid cents) into batches."""
    day = paid_on.astype("datetime64[D]").astype(np.int64)
    packed = packed_key(day, payer, provider)
    if packed is None:  # wider than 63 bits: impossible for rows of one block's reference
        raise RuntimeError(f"payment keys out of range in block {ctx.block}")
    order = np.argsort(packed, kind="stable")
    ordered = packed[order]
    new = np.concatenate([[True], ordered[1:] != ordered[:-1]]) if day.size else np.zeros(0, bool)
    batch_sorted = np.cumsum(new) - 1
    batch = np.empty(day.size, np.int64)
    batch[order] = batch_sorted
    count = int(new.sum())
    if count > _MAX_BATCHES:
        raise RuntimeError(f"too many payment batches in block {ctx.block}")
    first = order[np.flatnonzero(new)]
    total = np.bincount(batch, weights=paid_cents, minlength=count).round().astype(np.int64)
    claims = np.bincount(batch, minlength=count)
    adjustment = np.where(total < 0, total, 0)  # carried forward: BPR02 = total - PLB
    amount = total - adjustment
    # Electronic payment for most payer-provider pairs, checks for some; nothing to pay: NON.
    pair = (payer[first] * 7919 + provider[first] * 104729) % 5
    method = np.where(amount == 0, 2, np.where(pair == 0, 1, 0))
    sequence = np.arange(count)
    global_index = ctx.block * _MAX_BATCHES + sequence
    trace = seeded_bijection(global_index, seed=ctx.seed, name="payments.trace",
                             modulus=10**10)  # fmt: skip
    ref = ctx.reference
    table = pa.table(
        {
            "payment_id": arrow.fixed(count, "PY", arrow.digit_chars(np.full(count, ctx.block), 5),
                                      arrow.digit_chars(sequence, 6)),
            "payer_id": arrow.take(ref.payer_ids, payer[first]),
            "billing_provider_id": arrow.take(ref.provider_ids, provider[first]),
            "payment_date": arrow.dates(day[first].astype("datetime64[D]")),
            "payment_method": arrow.codes(("ACH", "CHK", "NON"), method),
            "trace_number": arrow.digits(trace, 10),
            "claim_count": pa.array(claims, pa.int32()),
            "total_paid": arrow.cents_to_money(total),
            "provider_adjustment": arrow.cents_to_money(adjustment),
            "amount": arrow.cents_to_money(amount),
        },
        schema=arrow_schema(Payment),
    )  # fmt: skip
    return PaymentBatches(table, batch)
