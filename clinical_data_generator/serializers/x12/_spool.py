"""Rendered bytes parked on a temporary file by key, read back in key order at the end.

An 834 transaction holds every member of one sponsor, and a sponsor's members are spread
over all blocks; parking each block's rendered member loops on disk keeps memory flat while
the transaction is assembled only when the last block has been seen.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

__all__ = ["Spool"]

_READ = 1 << 20


class Spool:
    """Append-only byte store keyed by string, with per-key counters."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._end = 0
        self._parts: dict[str, list[tuple[int, int]]] = {}
        self.counts: dict[str, dict[str, int]] = {}

    def add(self, key: str, data: bytes, counts: dict[str, int]) -> None:
        """Append ``data`` under ``key`` and add ``counts`` to the key's counters."""
        self._file.seek(self._end)
        self._file.write(data)
        self._parts.setdefault(key, []).append((self._end, len(data)))
        self._end += len(data)
        total = self.counts.setdefault(key, {})
        for name, value in counts.items():
            total[name] = total.get(name, 0) + value

    def sorted_keys(self) -> list[str]:
        """Every key, sorted."""
        return sorted(self._parts)

    def read(self, key: str) -> Iterator[bytes]:
        """The bytes stored under ``key``, in the order they were added."""
        for offset, length in self._parts.get(key, []):
            self._file.seek(offset)
            remaining = length
            while remaining:
                piece = self._file.read(min(remaining, _READ))
                remaining -= len(piece)
                yield piece

    def close(self) -> None:
        """Delete the temporary file."""
        self._file.close()
