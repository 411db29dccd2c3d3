"""What the 270/271 and 276/277 writers share: units per inquiry, HL numbering, batching.

An inquiry (eligibility or claim status) is one unit; ``inquiries_per_transaction`` units
make a transaction and ``transactions_per_interchange`` transactions an interchange, in one
file per payer. Inside a transaction the inquiries are ordered by provider and subscriber
so the hierarchy (payer > provider > subscriber > dependent) stays compact.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._batch import Batch, BatchWriter
from ._context import Context, gather, index_of
from ._envelope import Envelope

__all__ = ["InquiryWriter", "hl_numbers", "person_columns"]

_PERSON = ["last", "first", "middle", "address1", "address2", "city", "state", "zip",
           "birth_date", "sex", "member_number", "subscriber_number"]  # fmt: skip


def person_columns(
    context: Context, members: pa.Table, ids: pa.Array, prefix: str
) -> dict[str, pa.Array]:
    """X12-ready name, address, demographics and ids of the members ``ids``, prefixed."""
    people = context.people(members)
    row = index_of(ids, people["member_id"])
    if (row < 0).any():
        raise ValueError("inquiries reference members that are not in the same block")
    return {f"{prefix}{k}": v for k, v in gather(people, row, _PERSON).items()}


def hl_numbers(
    levels: Sequence[np.ndarray], transaction: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """HL01 ids and HL02 parents of nested levels, numbered from 1 in each transaction.

    ``levels[i]`` marks the units where an HL of level ``i`` starts; a level's parent is the
    latest HL of the level above. Every level must start at each transaction's first unit.
    """
    count = np.zeros(len(transaction), np.int64)
    for level in levels:
        count += level
    before = np.cumsum(count) - count
    first = np.ones(len(transaction), bool)
    first[1:] = transaction[1:] != transaction[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(transaction)), 0))
    running = before - before[start]
    ids: list[np.ndarray] = []
    parents: list[np.ndarray] = []
    at = np.arange(len(transaction))
    above: np.ndarray | None = None
    above_mask: np.ndarray | None = None
    for level in levels:
        hl = running + 1
        ids.append(hl)
        if above is None or above_mask is None:
            parents.append(np.zeros(len(transaction), np.int64))
        else:
            # The latest unit that opened the level above (never in an earlier transaction,
            # since every level opens at a transaction's first unit).
            latest = np.maximum.accumulate(np.where(above_mask, at, 0))
            parents.append(above[latest])
        running = running + level
        above, above_mask = hl, level
    return ids, parents


class InquiryWriter(BatchWriter):
    """Base of the 27x writers: one unit per inquiry, grouped in transactions per payer file."""

    #: Columns the units are sorted by inside an interchange (ascending).
    sort_keys: tuple[str, ...] = ("provider_id", "subscriber_id", "member_id", "inquiry_id")

    def __init__(self, context: Context, envelope: Envelope) -> None:
        super().__init__(context)
        self.envelope = envelope

    @property
    def chunk_groups(self) -> int:
        """Inquiries per interchange."""
        o = self.context.options
        return o.inquiries_per_transaction * o.transactions_per_interchange

    @abc.abstractmethod
    def units(self, tables: Mapping[str, pa.Table]) -> pa.Table:
        """One row per inquiry of the block, in table order."""

    def prepare(self, tables: Mapping[str, pa.Table], first_row: int) -> tuple[Batch, int]:
        """The block's inquiries as units (no children), numbered from ``first_row``."""
        table = self.units(tables)
        n = table.num_rows
        batch = Batch(
            table, None, np.zeros(n, np.int64), np.ones(n, bool), first_row + np.arange(n)
        )
        return batch, n

    def render(self, key: str, chunk: Batch) -> bytes:
        """Sort the chunk, split it into transactions and render it."""
        order = pc.sort_indices(chunk.units, sort_keys=[(k, "ascending") for k in self.sort_keys])
        chunk = chunk.select(np.asarray(order.to_numpy(), np.int64))
        per = self.context.options.inquiries_per_transaction
        transaction = np.arange(chunk.units.num_rows) // per
        return self.document(key, chunk.units, transaction)

    @abc.abstractmethod
    def document(self, payer_id: str, units: pa.Table, transaction: np.ndarray) -> bytes:
        """The interchange text for ``units`` split into ``transaction`` groups."""
