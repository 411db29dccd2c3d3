"""Vectorised column builders over numpy and pyarrow (no per-row Python)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MONEY = pa.decimal128(12, 2)


def digits(values: np.ndarray, width: int) -> pa.Array:
    """Zero-padded decimal strings of non-negative integers."""
    return pc.utf8_lpad(pa.array(values, pa.int64()).cast(pa.string()), width, "0")


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Element-wise string concatenation; plain ``str`` parts are broadcast."""
    return pc.binary_join_element_wise(*parts, sep)


def take(values: pa.Array, indices: np.ndarray) -> pa.Array:
    """Gather ``values`` at ``indices`` (numpy int array)."""
    return values.take(pa.array(indices, pa.int64()))


def choose(mask: np.ndarray, when_true: pa.Array | str, when_false: pa.Array | str | None) -> pa.Array:
    """Element-wise ``if mask then a else b``; ``None`` gives nulls."""
    other = pa.scalar(None, pa.string()) if when_false is None else when_false
    return pc.if_else(pa.array(mask, pa.bool_()), when_true, other)


def cents_to_money(cents: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Exact ``decimal128(12, 2)`` from integer cents, built straight into Arrow's buffer."""
    c = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty((c.size, 2), dtype=np.int64)
    words[:, 0] = c
    words[:, 1] = c >> 63  # sign extension to 128 bits (little-endian two's complement)
    validity = None
    null_count = 0
    if mask is not None:
        valid = ~np.asarray(mask, dtype=bool)
        null_count = int(c.size - valid.sum())
        validity = pa.array(valid, pa.bool_()).buffers()[1]
    return pa.Array.from_buffers(
        MONEY, c.size, [validity, pa.py_buffer(words.tobytes())], null_count=null_count
    )


def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """``date32`` column from numpy ``datetime64[D]`` values; ``mask`` marks nulls."""
    return pa.array(days.astype("datetime64[D]"), pa.date32(), mask=mask)


def letters(rng: np.random.Generator, alphabet: str, shape: tuple[int, int]) -> pa.Array:
    """Random fixed-width strings over ``alphabet``, one per row of ``shape``."""
    table = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    chars = table[rng.integers(0, table.size, size=shape)]
    return fixed_width(chars)


def fixed_width(chars: np.ndarray) -> pa.Array:
    """Strings from an ``(n, width)`` uint8 array of ASCII codes."""
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(chars.tobytes())]
    )


def string_array(values: Sequence[str]) -> pa.Array:
    return pa.array(list(values), pa.string())
