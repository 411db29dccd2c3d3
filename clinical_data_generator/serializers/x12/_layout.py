"""Interleave segment columns into one document without a Python loop over rows.

A document is a sequence of *units* (claims, members, payments, ...) each made of *slots*:
one optional segment per unit, in the order the guide prescribes, with an optional run of
*children* (service lines) between them. Slots are declared first, with a mask of the units
(or children) that have the segment; that is enough to know where every segment lands, so
counts that depend on positions (SE01, HL numbers) can be computed before any text is built.
Then each slot gets its column of segment strings and :meth:`Layout.render` scatters them
into document order with one ``take``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Layout", "Slot", "string_bytes", "string_offsets"]


class Slot:
    """One segment position within a unit (or a child): which rows have it, where it lands."""

    __slots__ = ("_rel", "column", "rows", "unit")

    def __init__(self, rows: np.ndarray, unit: np.ndarray, rel: np.ndarray) -> None:
        self.rows = rows  # units (or children) that have this segment, ascending
        self.unit = unit  # the unit each of those rows belongs to
        self._rel = rel  # position inside the unit
        self.column: pa.Array | None = None

    def __len__(self) -> int:
        return len(self.rows)


class Layout:
    """Positions of every segment of a document made of ``units`` units.

    Args:
        units: Number of units; slots are declared in document order within a unit.
    """

    def __init__(self, units: int) -> None:
        self.units = units
        self._count = np.zeros(units, np.int64)
        self._slots: list[Slot] = []
        self._base: np.ndarray | None = None

    def add(self, present: np.ndarray | None = None) -> Slot:
        """Declare the next segment of each unit; ``present`` masks the units that have it."""
        self._open()
        rows = np.arange(self.units) if present is None else np.flatnonzero(present)
        slot = Slot(rows, rows, self._count[rows].copy())
        self._count[rows] += 1
        self._slots.append(slot)
        return slot

    def children(self, parent: np.ndarray, present: Sequence[np.ndarray | None]) -> list[Slot]:
        """Declare a run of children (e.g. service lines) at this point of every unit.

        ``parent`` gives each child's unit, non-decreasing; ``present`` holds one mask per
        segment of a child, in order (``None`` means every child has it).
        """
        self._open()
        parent = np.asarray(parent, np.int64)
        c = len(parent)
        if c and np.any(np.diff(parent) < 0):
            raise ValueError("children must be sorted by their unit")
        masks = [np.ones(c, bool) if m is None else np.asarray(m, bool) for m in present]
        count = np.zeros(c, np.int64)
        for m in masks:
            count += m
        before = np.cumsum(count) - count  # segments of earlier children, all units together
        first = np.ones(c, bool)
        first[1:] = parent[1:] != parent[:-1]
        group_first = np.maximum.accumulate(np.where(first, np.arange(c), 0))
        start = self._count[parent] + before - before[group_first]
        running = np.zeros(c, np.int64)
        slots = []
        for m in masks:
            rows = np.flatnonzero(m)
            slot = Slot(rows, parent[rows], start[rows] + running[rows])
            running += m
            slots.append(slot)
            self._slots.append(slot)
        self._count += np.bincount(parent, weights=count, minlength=self.units).astype(np.int64)
        return slots

    def _open(self) -> None:
        if self._base is not None:
            raise RuntimeError("the layout is finished: declare every slot before positions")

    def finish(self) -> None:
        """Freeze the layout; positions become available."""
        if self._base is None:
            self._base = np.cumsum(self._count) - self._count

    @property
    def total(self) -> int:
        """Number of segments in the document."""
        return int(self._count.sum())

    def position(self, slot: Slot) -> np.ndarray:
        """0-based document position of each of the slot's segments."""
        self.finish()
        assert self._base is not None
        return self._base[slot.unit] + slot._rel

    def put(self, slot: Slot, column: pa.Array) -> None:
        """Give ``slot`` its segment strings, one per row of ``slot.rows`` in order."""
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if len(column) != len(slot.rows):
            raise ValueError(f"slot has {len(slot.rows)} rows, column {len(column)}")
        if column.null_count:
            raise ValueError("a segment column has nulls: a required element is missing")
        slot.column = column

    def segments(self, segment_end: str) -> pa.Array:
        """Every segment in document order, each followed by ``segment_end``."""
        self.finish()
        used = [s for s in self._slots if len(s)]
        missing = [i for i, s in enumerate(self._slots) if len(s) and s.column is None]
        if missing:
            raise RuntimeError(f"slots {missing} were declared but never given segments")
        if not used:
            return pa.array([], pa.string())
        positions = np.concatenate([self.position(s) for s in used])
        order = np.empty(len(positions), np.int64)
        order[positions] = np.arange(len(positions))
        combined = pa.concat_arrays([s.column for s in used if s.column is not None])
        ordered = combined.take(pa.array(order))
        return pc.binary_join_element_wise(ordered, segment_end, "")

    def render(self, segment_end: str) -> bytes:
        """The document: every segment in order, each followed by ``segment_end``."""
        return string_bytes(self.segments(segment_end))

    def unit_segments(self) -> np.ndarray:
        """Number of segments of each unit (children included)."""
        return self._count.copy()


def string_bytes(column: pa.Array) -> bytes:
    """The concatenated bytes of a string column (its data buffer between first and last offset)."""
    offsets = np.frombuffer(column.buffers()[1], np.int32, len(column) + 1, column.offset * 4)
    data = column.buffers()[2]
    if data is None:
        return b""
    return data[int(offsets[0]) : int(offsets[-1])].to_pybytes()


def string_offsets(column: pa.Array) -> np.ndarray:
    """Byte offset of each value of a string column in :func:`string_bytes` (plus the end)."""
    offsets = np.frombuffer(column.buffers()[1], np.int32, len(column) + 1, column.offset * 4)
    return offsets.astype(np.int64) - int(offsets[0])
