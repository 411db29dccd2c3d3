"""The format registry: ``format name -> serializer``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Protocol

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
    """A table-by-table output format (``kind == "tables"``)."""

    @property
    def kind(self) -> Literal["tables"]:
        """Always ``"tables"``."""

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


class DocumentSink(Protocol):
    """Where a document format writes its files: paths are relative to ``OUT/<format>/``."""

    def open(self, relative_path: str) -> WritableStream:
        """A new binary stream for ``relative_path``.

        The caller closes it, hashes it and records it in the manifest when writing ends. A
        writer may close a stream as soon as it has finished it; the sink keeps its size and
        hash.
        """


class DocumentWriter(Protocol):
    """Receives the member tables block by block, in block order, then is closed.

    Output must depend only on the rows, never on how they were split into blocks, so that
    ``Population.write`` (block by block) and ``Dataset.write`` (one block) give the same bytes.
    """

    def write_block(self, tables: Mapping[str, pa.Table]) -> None:
        """Render one block's member tables (those named in the serializer's ``tables``)."""

    def close(self) -> None:
        """Finish every document (trailers, counts); streams are closed by the caller."""


class DocumentSerializer(Protocol):
    """A document format (``kind == "documents"``): X12, FHIR, ... rendered from joined tables."""

    @property
    def kind(self) -> Literal["documents"]:
        """Always ``"documents"``."""

    @property
    def name(self) -> str:
        """Format name, as given to ``formats=[...]``."""

    @property
    def summary(self) -> str:
        """One line for ``cdg formats``."""

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables (population-wide and per block) the documents are built from."""

    def open(
        self, sink: DocumentSink, reference: Mapping[str, pa.Table], info: Mapping[str, object]
    ) -> DocumentWriter:
        """Start a run.

        ``reference`` holds the population-wide tables, ``info`` the manifest header (seed,
        as_of, options).
        """


AnySerializer = Serializer | DocumentSerializer

_REGISTRY: dict[str, AnySerializer] = {}
FORMATS: Mapping[str, str] = {}  # name -> one-line summary, kept in sync by ``register``


def register(serializer: AnySerializer) -> AnySerializer:
    """Add ``serializer`` under its ``name`` (later registrations replace earlier ones)."""
    _REGISTRY[serializer.name] = serializer
    FORMATS[serializer.name] = serializer.summary  # type: ignore[index]
    return serializer


def get_serializer(name: str | AnySerializer) -> AnySerializer:
    """The serializer registered as ``name``.

    A serializer object is returned as it is, so callers can pass a configured instance (e.g.
    an X12 format with its own sender id).
    """
    if not isinstance(name, str):
        if getattr(name, "kind", None) in ("tables", "documents") and hasattr(name, "open"):
            return name
        raise InvalidArgumentError("formats", name, f"a format name, one of {sorted(_REGISTRY)}")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InvalidArgumentError("formats", name, f"one of {sorted(_REGISTRY)}") from None
