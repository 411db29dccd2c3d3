"""Column-wise value formatting for X12: cleaned text, CCYYMMDD dates, amounts, numbers.

Everything here works on whole pyarrow columns (no Python loop over rows), so rendering cost
grows with the number of kernel calls, not with the number of values.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..._internal.arrow import digit_chars, fixed_width

__all__ = [
    "ccyymmdd",
    "clean",
    "const",
    "digits_only",
    "integer",
    "money",
    "null_if_empty",
    "present",
    "rows",
]


def const(value: str, n: int) -> pa.Array:
    """``n`` copies of ``value`` as a string column."""
    return pa.array([value], pa.string()).take(pa.array(np.zeros(n, np.int64)))


def rows(column: pa.Array | pa.ChunkedArray, index: np.ndarray) -> pa.Array:
    """The values of ``column`` at ``index`` (numpy integer positions), as one array."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column.take(pa.array(index, pa.int64()))


def present(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Boolean numpy mask of the non-null values."""
    return np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False), dtype=bool)


def null_if_empty(column: pa.Array) -> pa.Array:
    """Empty strings become nulls, so an element that cleaned down to nothing is left out."""
    return pc.if_else(pc.equal(pc.utf8_length(column), 0), pa.scalar(None, pa.string()), column)


def clean(
    column: pa.Array | pa.ChunkedArray, delimiters: str, *, max_len: int, upper: bool = True
) -> pa.Array:
    """X12-safe text: ASCII only, no delimiter characters, single spaces, cut to ``max_len``.

    Accented letters lose their accents (NFKD, then non-ASCII dropped); delimiters and
    control characters are removed rather than escaped because X12 has no escape; names
    and addresses are upper-cased (the convention of the guides' examples and of most
    payers' edits). Values that clean down to nothing become nulls.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    column = pc.cast(column, pa.string())
    if len(column) == 0:
        return column
    if not pc.all(pc.string_is_ascii(column)).as_py():
        column = pc.utf8_normalize(column, form="NFKD")
    marks = "[" + re.escape(delimiters) + "]"
    if pc.any(pc.match_substring_regex(column, marks)).as_py():
        column = pc.replace_substring_regex(column, marks, " ")  # 'A*B' -> 'A B', not 'AB'
    if pc.any(pc.match_substring_regex(column, "[^\\x20-\\x7e]")).as_py():
        column = pc.replace_substring_regex(column, "[^\\x20-\\x7e]", "")
    if pc.any(pc.match_substring(column, "  ")).as_py():
        column = pc.replace_substring_regex(column, " {2,}", " ")
    column = pc.utf8_trim_whitespace(column)
    if upper:
        column = pc.ascii_upper(column)
    longest = pc.max(pc.utf8_length(column)).as_py() or 0
    if longest > max_len:
        column = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(column, 0, max_len))
    return null_if_empty(column)


def digits_only(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Keep the digits of each value (phones, tax ids): ``617-555-0126`` -> ``6175550126``."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return null_if_empty(pc.replace_substring_regex(column, "[^0-9]", ""))


def ccyymmdd(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``date32`` values as ``CCYYMMDD`` strings (nulls stay null)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    valid = present(column)
    days = pc.fill_null(column, dt.date(2000, 1, 1)).to_numpy(zero_copy_only=False)
    days = days.astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = (months - years).astype(np.int64) + 1
    d = (days - months).astype(np.int64) + 1
    chars = np.hstack([digit_chars(y, 4), digit_chars(m, 2), digit_chars(d, 2)])
    out = fixed_width(chars)
    if valid.all():
        return out
    return pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))


def money(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``decimal128(12, 2)`` amounts as X12 R values: no trailing zeros, no trailing point.

    ``125.50`` becomes ``125.5``, ``80.00`` becomes ``80``, ``-12.34`` stays ``-12.34``
    (X12 suppresses insignificant trailing zeros of decimal numbers).
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    text = pc.cast(column, pa.string())
    # Every value has exactly two decimals, so '.xx' is always present before trimming.
    return pc.replace_substring_regex(text, r"\.?0+$", "")


def integer(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Integer values as decimal strings."""
    return pc.cast(column, pa.string())
