"""Build whole columns of X12 segments: one string per row, elements joined by the delimiters.

A segment is built from its elements, each a string column, a constant or ``None`` (not
sent). Empty elements keep their place (``NM1*IL*1*DOE*JOHN****MI*123``) and trailing empty
elements are dropped (X12 never ends a segment or a composite with a separator). The segment
terminator is added once for the whole document by :class:`~._layout.Layout`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from ._options import X12Options
from ._text import const, join_present, null_if_empty

__all__ = ["Element", "Syntax"]

Element: TypeAlias = "pa.Array | str | None"


class Syntax:
    """Segment and composite builders for one set of delimiters."""

    __slots__ = ("element", "options", "repetition", "sub")

    def __init__(self, options: X12Options) -> None:
        self.options = options
        self.element = options.element_separator
        self.sub = options.sub_element_separator
        self.repetition = options.repetition_separator

    def segment(self, n: int, tag: str, *elements: Element) -> pa.Array:
        """``n`` segments ``tag*e1*e2...`` (without terminator)."""
        return _join(n, [tag, *elements], self.element)

    def composite(self, n: int, *parts: Element) -> pa.Array:
        """``n`` composite values ``p1:p2...``; all-empty composites become nulls."""
        return _join(n, list(parts), self.sub, empty_is_null=True)

    def repeated(self, n: int, values: Sequence[Element]) -> pa.Array:
        """``n`` repeated-element values ``v1^v2...`` (empty repetitions are skipped)."""
        arrays = [const(v, n) if isinstance(v, str) else v for v in values if v is not None]
        if not arrays:
            return pa.nulls(n, pa.string())
        return null_if_empty(join_present(arrays, self.repetition))


def _join(n: int, parts: list[Element], sep: str, *, empty_is_null: bool = False) -> pa.Array:
    while len(parts) > 1 and parts[-1] is None:
        parts.pop()
    if not any(isinstance(p, pa.Array | pa.ChunkedArray) for p in parts):
        text = sep.join("" if p is None else str(p) for p in parts).rstrip(sep)
        if empty_is_null and not text:
            return pa.nulls(n, pa.string())
        return const(text, n)
    args: list[pa.Array | pa.Scalar] = []
    for p in parts:
        if p is None:
            args.append(pa.scalar(None, pa.string()))
        elif isinstance(p, str):
            args.append(pa.scalar(p, pa.string()))
        else:
            if len(p) != n:
                raise ValueError(f"element column has {len(p)} rows, expected {n}")
            args.append(p)
    joined = pc.binary_join_element_wise(*args, sep, null_handling="replace", null_replacement="")
    last = parts[-1]
    if isinstance(last, pa.Array | pa.ChunkedArray) and last.null_count:
        # Trailing empty elements must not leave separators behind (X12 syntax rule).
        joined = pc.utf8_rtrim(joined, characters=sep)
    if empty_is_null:
        return null_if_empty(joined)
    return joined
