"""Named random streams keyed by (seed, stream name, block index).

Every random draw in the package comes from :func:`stream`. Keying by a stable CRC-32 of the
stream's name (never Python's salted ``hash``) and by block index makes block *b* depend only on
(seed, options, b), whatever the worker count or shard split, and lets a new field get its own
stream without reshuffling the existing ones.
"""

from __future__ import annotations

import zlib

import numpy as np

MAX_SEED = 2**63 - 1


def stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, name: str, block: int = 0) -> np.random.Generator:
    """Return the generator for one named stream of one block."""
    entropy = [seed & 0xFFFFFFFF, seed >> 32, stream_key(name), block]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def seeded_bijection(values: np.ndarray, *, seed: int, name: str, modulus: int) -> np.ndarray:
    """Map ``values`` (each below ``modulus``) one-to-one onto ``[0, modulus)``.

    An affine map ``(a * v + b) mod m`` with ``gcd(a, m) == 1`` is a bijection, so IDs derived
    from positions stay unique while looking scattered. ``a`` and ``b`` come from the seed.
    """
    rng = stream(seed, "bijection:" + name)
    while True:
        a = int(rng.integers(modulus // 3, modulus - 1))
        if np.gcd(a, modulus) == 1:
            break
    b = int(rng.integers(0, modulus))
    v = values.astype(np.int64)
    if modulus <= 3_000_000_000:
        # a < 3e9 and v < 3e9, so a * v stays below 2**63.
        return (v * a + b) % modulus
    if modulus > 10**14:
        raise ValueError("modulus too large for int64 arithmetic")
    # a * v = (a_hi * 2**16 + a_lo) * v, each product below 2**63 for m <= 1e14.
    a_hi, a_lo = a >> 16, a & 0xFFFF
    return ((v * a_hi % modulus) * 65536 + v * a_lo + b) % modulus
