"""Vectorised column builders over numpy and pyarrow (no per-row Python)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MONEY = pa.decimal128(12, 2)


def digit_chars(values: np.ndarray, width: int) -> np.ndarray:
    """``(n, width)`` ASCII codes of zero-padded non-negative integers below ``10**width``."""
    x: np.ndarray = np.asarray(values).astype(np.uint32 if width <= 9 else np.uint64)
    out = np.empty((x.size, width), dtype=np.uint8)
    for k in range(width - 1, -1, -1):  # unsigned 32-bit division is the fast path
        q = x // 10
        out[:, k] = x - q * 10 + 48
        x = q
    return out


def digits(values: np.ndarray, width: int) -> pa.Array:
    """Zero-padded decimal strings of non-negative integers."""
    return fixed_width(digit_chars(values, width))


def fixed(n: int, *parts: np.ndarray | str) -> pa.Array:
    """Concatenate fixed-width pieces: ``(n, w)`` uint8 ASCII arrays or constant strings."""
    blocks = []
    for part in parts:
        if isinstance(part, str):
            blocks.append(
                np.broadcast_to(np.frombuffer(part.encode("ascii"), dtype=np.uint8), (n, len(part)))
            )
        else:
            blocks.append(part)
    return fixed_width(np.hstack(blocks) if blocks else np.zeros((n, 0), np.uint8))


def chars(values: pa.Array, width: int) -> np.ndarray:
    """``(n, width)`` ASCII codes of a string array whose values all have ``width`` characters."""
    data = values.buffers()[2]
    offsets = np.frombuffer(
        values.buffers()[1], dtype=np.int32, count=len(values) + 1, offset=values.offset * 4
    )
    raw = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    return raw.reshape(len(values), width)


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Element-wise string concatenation; plain ``str`` parts are broadcast."""
    return pc.binary_join_element_wise(*parts, sep)


def take(values: pa.Array, indices: np.ndarray) -> pa.Array:
    """Gather ``values`` at ``indices`` (numpy int array)."""
    return values.take(pa.array(indices, pa.int64()))


def choose(
    mask: np.ndarray, when_true: pa.Array | str, when_false: pa.Array | str | None
) -> pa.Array:
    """Element-wise ``if mask then a else b``; ``None`` gives nulls."""
    other = pa.scalar(None, pa.string()) if when_false is None else when_false
    return pc.if_else(pa.array(mask, pa.bool_()), when_true, other)


def scatter(mask: np.ndarray, values: pa.Array) -> pa.Array:
    """A column that holds ``values`` (one per True of ``mask``, in order) and nulls elsewhere.

    Lets a generator build strings only for the rows that have them.
    """
    position = np.cumsum(mask) - 1
    return values.take(pa.array(position, pa.int64(), mask=~np.asarray(mask, dtype=bool)))


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
    return fixed_width(table[rng.integers(0, table.size, size=shape)])


def fixed_width(codes: np.ndarray) -> pa.Array:
    """Strings from an ``(n, width)`` uint8 array of ASCII codes."""
    n, width = codes.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [
            None,
            pa.py_buffer(offsets.tobytes()),
            pa.py_buffer(np.ascontiguousarray(codes).tobytes()),
        ],
    )


def codes(labels: tuple[str, ...], index: np.ndarray) -> pa.Array:
    """Strings ``labels[index]`` for small vocabularies given as integer codes."""
    return take(_vocabulary(labels), index)


@functools.cache
def _vocabulary(labels: tuple[str, ...]) -> pa.Array:
    return pa.array(labels, pa.string())


def string_array(values: Sequence[str]) -> pa.Array:
    return pa.array(list(values), pa.string())
