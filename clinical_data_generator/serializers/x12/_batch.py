"""Stream units (claims, payments, inquiries) into per-payer files, one interchange per chunk.

Rows arrive block by block. Each file (one per payer) keeps a first-in first-out queue of
units; whenever it holds a full chunk (``claims_per_interchange`` claims, ...) the chunk is
rendered as one interchange and written. Chunks that complete in the same block are written
in the order of the row that completed them, and control numbers are handed out in that
order, so the bytes depend only on the rows, never on where blocks start and end. Memory
stays bounded by one chunk per payer.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping

import attrs
import numpy as np
import pyarrow as pa

from ._context import Context

__all__ = ["Batch", "BatchWriter"]


@attrs.define
class Batch:
    """Units in file order with their children (lines) in unit order.

    Attributes:
        units: One row per unit.
        children: One row per child, grouped by unit in unit order (``None``: no children).
        child_count: Children of each unit.
        group_start: True at the first unit of each group (a group, e.g. the claims of one
            payment, is never split between two interchanges).
        row: Position of each unit in the whole input (blocks one after another): orders the
            completion of chunks.
    """

    units: pa.Table
    children: pa.Table | None
    child_count: np.ndarray
    group_start: np.ndarray
    row: np.ndarray

    @property
    def groups(self) -> int:
        """Number of groups."""
        return int(self.group_start.sum())

    def select(self, index: np.ndarray) -> Batch:
        """The units at ``index`` (in that order), with their children."""
        children = None
        if self.children is not None:
            starts = np.cumsum(self.child_count) - self.child_count
            counts = self.child_count[index]
            total = int(counts.sum())
            offsets = np.repeat(starts[index] - (np.cumsum(counts) - counts), counts)
            children = self.children.take(pa.array(np.arange(total) + offsets, pa.int64()))
        return Batch(
            self.units.take(pa.array(index, pa.int64())),
            children,
            self.child_count[index],
            self.group_start[index],
            self.row[index],
        )

    def slice(self, lo: int, hi: int) -> Batch:
        """Units ``lo`` to ``hi`` (zero-copy)."""
        starts = np.cumsum(self.child_count) - self.child_count
        clo = int(starts[lo]) if lo < len(starts) else int(self.child_count.sum())
        chi = int(starts[hi]) if hi < len(starts) else int(self.child_count.sum())
        return Batch(
            self.units.slice(lo, hi - lo),
            None if self.children is None else self.children.slice(clo, chi - clo),
            self.child_count[lo:hi],
            self.group_start[lo:hi],
            self.row[lo:hi],
        )

    def split(self, groups: int) -> tuple[Batch, Batch]:
        """The first ``groups`` groups and the rest."""
        ordinal = np.cumsum(self.group_start)
        cut = int(np.searchsorted(ordinal, groups, side="right"))
        children_cut = int(self.child_count[:cut].sum())

        def part(lo: int, hi: int, clo: int, chi: int | None) -> Batch:
            kids = None
            if self.children is not None:
                end = self.children.num_rows if chi is None else chi
                kids = self.children.slice(clo, end - clo)
            return Batch(
                self.units.slice(lo, hi - lo),
                kids,
                self.child_count[lo:hi],
                self.group_start[lo:hi],
                self.row[lo:hi],
            )

        n = self.units.num_rows
        return part(0, cut, 0, children_cut), part(cut, n, children_cut, None)

    @staticmethod
    def concat(parts: list[Batch]) -> Batch:
        """One batch from several, in order."""
        if len(parts) == 1:
            return parts[0]
        children = None
        if parts[0].children is not None:
            children = pa.concat_tables([p.children for p in parts if p.children is not None])
        return Batch(
            pa.concat_tables([p.units for p in parts]),
            children,
            np.concatenate([p.child_count for p in parts]),
            np.concatenate([p.group_start for p in parts]),
            np.concatenate([p.row for p in parts]),
        )


def split_by(batch: Batch, key: pa.Array) -> dict[str, Batch]:
    """Partition a batch by a string key per unit (e.g. the payer), keeping unit order.

    One stable reordering of the whole batch, then zero-copy slices per key.
    """
    out: dict[str, Batch] = {}
    if not len(key):
        return out
    encoded = key.dictionary_encode()
    values = encoded.dictionary.to_pylist()
    rank = np.argsort(np.argsort(np.array(values, dtype=object)))  # code -> sorted position
    codes = rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), np.int64)]
    order = np.argsort(codes, kind="stable")
    grouped = batch if (order == np.arange(len(order))).all() else batch.select(order)
    bounds = np.searchsorted(codes[order], np.arange(len(values) + 1))
    names = sorted(values)
    for i, name in enumerate(names):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        out[name] = grouped.slice(lo, hi)
    return out


class BatchWriter(abc.ABC):
    """Base of the streamed X12 writers: one file per key (payer), one interchange per chunk."""

    #: Name of the file-key column of ``Batch.units`` (e.g. ``payer_id``).
    key = "payer_id"

    def __init__(self, context: Context) -> None:
        self.context = context
        self._pending: dict[str, list[Batch]] = {}
        self._counts: dict[str, int] = {}
        self._rows_seen = 0

    @property
    @abc.abstractmethod
    def chunk_groups(self) -> int:
        """Groups per interchange."""

    @abc.abstractmethod
    def prepare(self, tables: Mapping[str, pa.Table], first_row: int) -> tuple[Batch, int]:
        """This block's units in input order (rows numbered from ``first_row``).

        Returns the batch and the number of input rows the block had.
        """

    @abc.abstractmethod
    def render(self, key: str, chunk: Batch) -> bytes:
        """One interchange holding ``chunk``."""

    def write_block(self, tables: Mapping[str, pa.Table]) -> None:
        """Queue the block's units; write every chunk that became full, in completion order."""
        self.context.require(tables)
        batch, rows = self.prepare(tables, self._rows_seen)
        self._rows_seen += rows
        ready: list[tuple[int, str, Batch]] = []
        key_column = batch.units[self.key].combine_chunks()
        for key, part in split_by(batch, key_column).items():
            queue = self._pending.setdefault(key, [])
            queue.append(part)
            self._counts[key] = self._counts.get(key, 0) + part.groups
            while self._counts[key] >= self.chunk_groups:
                head, rest = Batch.concat(queue).split(self.chunk_groups)
                queue[:] = [rest] if rest.units.num_rows else []
                self._counts[key] -= self.chunk_groups
                ready.append((int(head.row[-1]), key, head))
        for _, key, chunk in sorted(ready, key=lambda item: (item[0], item[1])):
            self._write(key, chunk)

    def close(self) -> None:
        """Write every partly filled chunk, file by file."""
        for key in sorted(self._pending):
            queue = self._pending[key]
            if queue:
                self._write(key, Batch.concat(queue))
        self._pending.clear()

    def _write(self, key: str, chunk: Batch) -> None:
        self.context.file(key).write(self.render(key, chunk))
