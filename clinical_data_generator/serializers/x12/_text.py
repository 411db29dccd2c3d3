"""Column-wise value formatting for X12: cleaned text, CCYYMMDD dates, amounts, numbers.

Everything here works on whole pyarrow columns (no Python loop over rows), so rendering cost
grows with the number of kernel calls, not with the number of values.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..._internal.arrow import digit_chars, fixed_width

__all__ = [
    "boolean",
    "ccyymmdd",
    "clean",
    "const",
    "digits_only",
    "integer",
    "join_present",
    "money",
    "money_from_cents",
    "null_if_empty",
    "civil",
    "pick",
    "present",
    "rows",
    "run_starts",
    "vocabulary",
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
    control characters become spaces because X12 has no escape; names and addresses are
    upper-cased (the convention of the guides' examples and of most payers' edits). Values
    that clean down to nothing become nulls. Each fix runs only when a quick scan of the
    raw bytes finds something to fix, so clean columns cost a few passes over memory.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    column = pc.cast(column, pa.string())
    if len(column) == 0:
        return column
    raw = _value_bytes(column)
    if (raw >= 0x80).any():
        column = pc.utf8_normalize(column, form="NFKD")
        column = pc.replace_substring_regex(column, "[^\\x00-\\x7f]", "")
    marks = _marks(delimiters)
    if marks[raw].any():
        pattern = "[" + re.escape(delimiters) + "\\x00-\\x1f\\x7f]"
        column = pc.replace_substring_regex(column, pattern, " ")  # 'A*B' -> 'A B', not 'AB'
        raw = _value_bytes(column)
    if raw.size > 1 and ((raw[1:] == 32) & (raw[:-1] == 32)).any():
        column = pc.replace_substring_regex(column, " {2,}", " ")
    if pc.any(pc.or_(pc.starts_with(column, " "), pc.ends_with(column, " "))).as_py():
        column = pc.utf8_trim_whitespace(column)
    if upper:
        column = pc.ascii_upper(column)
    lengths = pc.utf8_length(column)
    if (pc.max(lengths).as_py() or 0) > max_len:
        column = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(column, 0, max_len))
        lengths = pc.utf8_length(column)
    if pc.any(pc.equal(lengths, 0)).as_py():
        return pc.if_else(pc.equal(lengths, 0), pa.scalar(None, pa.string()), column)
    return column


@functools.cache
def _marks(delimiters: str) -> np.ndarray:
    """Byte lookup table: True for control characters and the delimiters."""
    table = np.zeros(256, bool)
    table[:32] = True
    table[127] = True
    for char in delimiters:
        table[ord(char)] = True
    return table


def _value_bytes(column: pa.Array) -> np.ndarray:
    """The bytes of a string column's values, as uint8."""
    offsets = np.frombuffer(column.buffers()[1], np.int32, len(column) + 1, column.offset * 4)
    data = column.buffers()[2]
    if data is None:
        return np.zeros(0, np.uint8)
    return np.frombuffer(data, np.uint8)[offsets[0] : offsets[-1]]


def digits_only(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Keep the digits of each value (phones, tax ids): ``617-555-0126`` -> ``6175550126``."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return null_if_empty(pc.replace_substring_regex(column, "[^0-9]", ""))


def ccyymmdd(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``date32`` values as ``CCYYMMDD`` strings (nulls stay null)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    valid = None if column.null_count == 0 else present(column)
    days = pc.fill_null(column, 0).cast(pa.int32()).to_numpy(zero_copy_only=False)
    y, m, d = civil(np.asarray(days, np.int64))
    out = fixed_width(np.hstack([digit_chars(y, 4), digit_chars(m, 2), digit_chars(d, 2)]))
    if valid is None:
        return out
    return pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))


def civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers since 1970-01-01.

    Integer arithmetic over the proleptic Gregorian calendar (H. Hinnant's
    ``civil_from_days``): several times faster than datetime64 unit casts.
    """
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


@functools.cache
def _fractions() -> pa.Array:
    """``.01`` ... ``.99`` without trailing zeros, ``""`` for whole amounts (index: cents)."""
    return pa.array([""] + [f".{c:02d}".rstrip("0") for c in range(1, 100)], pa.string())


@functools.cache
def _signs() -> pa.Array:
    return pa.array(["", "-"], pa.string())


def money(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``decimal128(12, 2)`` amounts as X12 R values: no trailing zeros, no trailing point.

    ``125.50`` becomes ``125.5``, ``80.00`` becomes ``80``, ``-12.34`` stays ``-12.34``
    (X12 suppresses insignificant trailing zeros of decimal numbers).
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if column.type != pa.decimal128(12, 2) or column.null_count:
        text = pc.cast(column, pa.string())
        return pc.replace_substring_regex(text, r"\.?0+$", "")
    # Amounts fit in the low 64 bits of each 128-bit value (12 digits of precision).
    words = np.frombuffer(column.buffers()[1], np.int64, 2 * len(column), column.offset * 16)
    cents = words[0::2]
    magnitude = np.abs(cents)
    whole = pc.cast(pa.array(magnitude // 100), pa.string())
    fraction = _fractions().take(pa.array(magnitude % 100))
    if (cents < 0).any():
        sign = _signs().take(pa.array((cents < 0).astype(np.int8)))
        return pc.binary_join_element_wise(sign, whole, fraction, "")
    return pc.binary_join_element_wise(whole, fraction, "")


def money_from_cents(cents: np.ndarray) -> pa.Array:
    """Integer cents as X12 amounts (``2050`` -> ``20.5``), through :func:`money`."""
    c = np.ascontiguousarray(cents, np.int64)
    words = np.stack([c, c >> 63], axis=1)  # two's complement sign extension to 128 bits
    decimals = pa.Array.from_buffers(
        pa.decimal128(12, 2), len(c), [None, pa.py_buffer(words.tobytes())]
    )
    return money(decimals)


def integer(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Integer values as decimal strings."""
    return pc.cast(column, pa.string())


def run_starts(*columns: pa.Array | pa.ChunkedArray | np.ndarray) -> np.ndarray:
    """True where any of ``columns`` differs from the previous row (and at row 0).

    Nulls compare equal to nulls, so sorted columns yield the first row of each run.
    """
    n = len(columns[0])
    out = np.zeros(n, bool)
    if not n:
        return out
    out[0] = True
    for column in columns:
        if isinstance(column, np.ndarray):
            out[1:] |= column[1:] != column[:-1]
            continue
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if pa.types.is_string(column.type):
            column = pc.fill_null(column, "\x00")
        diff = pc.not_equal(column.slice(1), column.slice(0, n - 1))
        out[1:] |= np.asarray(pc.fill_null(diff, True).to_numpy(zero_copy_only=False), bool)
    return out


def boolean(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean column as numpy (nulls are False)."""
    return np.asarray(pc.fill_null(column, False).to_numpy(zero_copy_only=False), bool)


def pick(mask: np.ndarray, yes: str | None, no: str | None) -> pa.Array:
    """``yes`` where ``mask`` is true, else ``no`` (``None`` gives nulls)."""
    return vocabulary(np.asarray(mask, np.int8), (no, yes))


def vocabulary(index: np.ndarray, values: tuple[str | None, ...]) -> pa.Array:
    """``values[index]`` as a string column, built with one ``take``."""
    return pa.array(values, pa.string()).take(pa.array(index))


def join_present(parts: list[pa.Array], sep: str) -> pa.Array:
    """Join the non-null values of each row with ``sep``; null where every part is null.

    ``binary_join_element_wise(..., null_handling="skip")`` would do this, but pyarrow 26
    drops the rows where every part is null (the output comes back shorter than the input),
    so the skipping is done with ``coalesce`` instead.
    """
    acc = parts[0]
    for part in parts[1:]:
        acc = pc.coalesce(pc.binary_join_element_wise(acc, part, sep), acc, part)
    return acc
