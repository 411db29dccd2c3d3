"""Arrow column builders for the lab tables, tuned for many rows from a small vocabulary."""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa

from .._internal.rng import stream
from . import _lab_data

_CROCKFORD = np.frombuffer(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ", dtype=np.uint8)
ID_BITS = 45  # accession keys: global member index (30 bits), encounter (10), panel (4) + 1
_MASK = np.uint64((1 << ID_BITS) - 1)


def fixed_chars(values: pa.Array) -> np.ndarray | None:
    """``(n, width)`` ASCII codes when every string has the same width, else None."""
    n = len(values)
    if n == 0 or values.null_count:
        return None
    offsets = np.frombuffer(
        values.buffers()[1], dtype=np.int32, count=n + 1, offset=values.offset * 4
    )
    width = int(offsets[1] - offsets[0])
    if width <= 0 or int(offsets[-1] - offsets[0]) != width * n:
        return None
    if not np.array_equal(np.diff(offsets), np.full(n, width, dtype=np.int32)):
        return None
    raw = np.frombuffer(values.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return raw.reshape(n, width)


def words(chars: np.ndarray) -> np.ndarray:
    """``(n, ceil(width / 8))`` uint64 words holding each row of ``(n, width)`` characters."""
    n, width = chars.shape
    padded = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)
    padded[:, :width] = chars
    return padded.view(np.uint64)


def row_changes(chars: np.ndarray) -> np.ndarray:
    """``(n,)`` True where a row of ``(n, width)`` characters differs from the row before."""
    n = chars.shape[0]
    packed = words(chars)
    change = np.ones(n, dtype=bool)
    if n > 1:
        change[1:] = packed[1:, 0] != packed[:-1, 0]
        for k in range(1, packed.shape[1]):
            change[1:] |= packed[1:, k] != packed[:-1, k]
    return change


def leading_pairs(values: pa.Array) -> np.ndarray | None:
    """``256 * first byte + second byte`` of each string (all at least 2 bytes), else None."""
    n = len(values)
    if values.null_count:
        return None
    offsets = np.frombuffer(
        values.buffers()[1], dtype=np.int32, count=n + 1, offset=values.offset * 4
    )
    if n and int(np.diff(offsets).min()) < 2:
        return None
    raw = np.frombuffer(values.buffers()[2] or b"", dtype=np.uint8)
    start = offsets[:-1]
    return raw[start].astype(np.int64) * 256 + raw[start + 1]


def sparse_strings(vocabulary: pa.Array, index: np.ndarray) -> pa.Array:
    """``vocabulary[index]``, null where ``index`` is -1 or the entry is null.

    Only the non-null rows are gathered; the byte lengths' running sum gives the offsets.
    """
    text = vocabulary.to_pylist()
    lengths = np.array([len(v.encode("utf-8")) if v is not None else 0 for v in text] + [0])
    valid = np.array([v is not None for v in text] + [False])
    index = np.where(index < 0, len(text), index)
    present = valid[index]
    offsets = np.zeros(index.size + 1, dtype=np.int32)
    np.cumsum(lengths[index], out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), index.size,
        [None if present.all() else pa.array(present, pa.bool_()).buffers()[1],
         pa.py_buffer(offsets), _data(vocabulary.take(pa.array(index[present], pa.int64())))],
        null_count=int(index.size - present.sum()),
    )  # fmt: skip


def _data(values: pa.Array) -> pa.Buffer:
    """The character bytes of a string array, from its first value on."""
    if len(values) == 0 or values.buffers()[2] is None:
        return pa.py_buffer(b"")
    start = int(
        np.frombuffer(values.buffers()[1], dtype=np.int32, count=1, offset=values.offset * 4)[0]
    )
    return values.buffers()[2].slice(start)


def strings(codes: np.ndarray) -> pa.Array:
    """Strings from an ``(n, width)`` uint8 array of ASCII codes."""
    n, width = codes.shape
    data = np.ascontiguousarray(codes)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data.reshape(-1))]
    )


def per_test(name: str, variant: np.ndarray, row_test: np.ndarray) -> pa.Array:
    """The per-test strings ``LabTests.<name>`` of rows grouped by report, each a whole variant.

    Each report's rows are its variant's tests in order, so the column's bytes are the
    variants' concatenated strings laid end to end: one copy per report instead of one per
    row. Null vocabulary entries give null rows.
    """
    blobs, lengths, null = _blobs(name)
    taken = blobs.take(pa.array(variant, pa.int64()))
    offsets = np.zeros(row_test.size + 1, dtype=np.int32)
    np.cumsum(lengths[row_test], out=offsets[1:])
    null = null[row_test]
    validity = pa.array(~null, pa.bool_()).buffers()[1] if null.any() else None
    return pa.Array.from_buffers(
        pa.string(), row_test.size, [validity, pa.py_buffer(offsets), _data(taken)],
        null_count=int(null.sum()),
    )  # fmt: skip


@functools.cache
def _blobs(name: str) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Each variant's strings concatenated; byte lengths and nulls of the vocabulary."""
    vocabulary = getattr(_lab_data.tests(), name)
    text = [v if v is not None else "" for v in vocabulary.to_pylist()]
    encoded = [s.encode("utf-8") for s in text]
    variants = _lab_data.panels().variant_tests
    blobs = pa.array([b"".join(encoded[t] for t in tests) for tests in variants], pa.binary())
    lengths = np.array([len(s) for s in encoded], dtype=np.int64)
    null = np.asarray(vocabulary.is_null().to_numpy(zero_copy_only=False))
    return blobs, lengths, null


def timestamps(seconds: np.ndarray) -> pa.Array:
    """``timestamp[ms]`` column from integer seconds since 1970.

    Milliseconds, not seconds: Parquet has no second unit, so ``timestamp[s]`` would not read
    back as the same type.
    """
    values = np.ascontiguousarray(seconds, dtype=np.int64) * 1000
    return pa.Array.from_buffers(pa.timestamp("ms"), values.size, [None, pa.py_buffer(values)])


def floats(values: np.ndarray) -> pa.Array:
    """``float64`` column, null where ``values`` is NaN."""
    missing = np.isnan(values)
    return pa.array(values, pa.float64(), mask=missing if missing.any() else None)


def accession(keys: np.ndarray, *, seed: int, name: str, prefix: str) -> pa.Array:
    """``prefix`` + 9 Crockford base-32 characters: a seeded bijection of 45-bit ``keys``.

    ``v -> a * v + b`` with odd ``a`` and ``v -> v ^ (v >> 23)`` are both one-to-one modulo
    2**45 (the multiply wraps modulo 2**64, a multiple of 2**45), so distinct keys give
    distinct identifiers that look unrelated to each other. The constants depend on the seed
    only, so identifiers are unique across blocks.
    """
    rng = stream(seed, "labs.accession:" + name)
    a1, a2 = (np.uint64(int(rng.integers(0, 1 << 44)) * 2 + 1) for _ in range(2))
    b = np.uint64(int(rng.integers(0, 1 << ID_BITS)))
    v = keys.astype(np.uint64) & _MASK
    with np.errstate(over="ignore"):
        v = (v * a1 + b) & _MASK
        v ^= v >> np.uint64(23)
        v = (v * a2) & _MASK
    chars = np.empty((v.size, 9), dtype=np.uint8)
    for k in range(8, -1, -1):
        chars[:, k] = _CROCKFORD[(v & np.uint64(31)).astype(np.int64)]
        v >>= np.uint64(5)
    head = np.broadcast_to(
        np.frombuffer(prefix.encode("ascii"), dtype=np.uint8), (v.size, len(prefix))
    )
    return strings(np.hstack([head, chars]))
