"""The format registry: ``format name -> serializer``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import IO, Protocol

import pyarrow as pa

from ..errors import InvalidArgumentError


class TableWriter(Protocol):
    """Receives one table's record batches in order, then is closed."""

    def write(self, batch: pa.RecordBatch) -> None:
        """Append a batch."""

    def close(self) -> None:
        """Finish the file (the underlying stream is closed by the caller)."""


class Serializer(Protocol):
    """A table-by-table output format."""

    name: str
    summary: str
    extension: str

    def open(self, stream: IO[bytes], schema: pa.Schema) -> TableWriter:
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


Factory = Callable[[IO[bytes], pa.Schema], TableWriter]
