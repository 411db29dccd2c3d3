"""Split rows by an integer key in one sort, instead of one boolean mask per group."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def groups(keys: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(key, rows with that key)`` in key order; rows keep their original order."""
    if keys.size == 0:
        return
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]]))
    ends = np.append(starts[1:], keys.size)
    for a, b in zip(starts, ends, strict=True):
        yield int(sorted_keys[a]), order[a:b]
