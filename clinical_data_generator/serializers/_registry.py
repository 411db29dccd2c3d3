"""The format registry: ``format name -> serializer``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import pyarrow as pa

from ..errors import InvalidArgumentError


class TableWriter(Protocol):
    """Receives one table's record batches in order, then is closed."""

    def write(self, batch: pa.RecordBatch) -> None:
        """Append a batch."""

    def close(self) -> None:
        """Finish the file (the underlying stream is closed by the caller)."""


class WritableStream(Protocol):
    """The binary stream a serializer writes to (a file, or a hashing wrapper around one)."""

    def write(self, data: bytes, /) -> int:
        """Write bytes; return how many."""


class Serializer(Protocol):
    """A table-by-table output format."""

    @property
    def name(self) -> str:
        """Format name, as given to ``formats=[...]``."""

    @property
    def summary(self) -> str:
        """One line for ``cdg formats``."""

    @property
    def extension(self) -> str:
        """File name extension including the dot."""

    def open(self, stream: WritableStream, schema: pa.Schema) -> TableWriter:
        """Start writing one table with ``schema`` to ``stream``."""


_REGISTRY: dict[str, Serializer] = {}
FORMATS: Mapping[str, str] = {}  # name -> one-line summary, kept in sync by ``register``


def register(serializer: Serializer) -> Serializer:
    """Add ``serializer`` under its ``name`` (later registrations replace earlier ones)."""
    _REGISTRY[serializer.name] = serializer
    FORMATS[serializer.name] = serializer.summary  # type: ignore[index]
    return serializer


def get_serializer(name: str) -> Serializer:
    """The serializer registered as ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InvalidArgumentError("formats", name, f"one of {sorted(_REGISTRY)}") from None
