r"""``fhir-ndjson``: FHIR Bulk Data layout, one ``<ResourceType>.ndjson`` file per type.

Each line is one resource (compact JSON, no pretty-printing, ``\\n`` terminated), as Bulk Data
export and ``$import`` expect. References are relative (``Patient/<id>``) and resolve across the
files of one export.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from .._registry import DocumentSink, WritableStream
from ._build import build_block, build_reference, gc_paused
from ._context import Context
from ._values import ResourceSet, dumps

__all__ = ["NDJSONWriter"]


class NDJSONWriter:
    """Streams resources into one file per type; a file exists only if its type has resources."""

    def __init__(
        self, sink: DocumentSink, reference: Mapping[str, pa.Table], info: Mapping[str, object]
    ) -> None:
        self._sink = sink
        self._streams: dict[str, WritableStream] = {}
        self._ctx = Context.from_info(info, reference, bundle=False)
        self._write(build_reference(reference, self._ctx))

    def _write(self, sets: list[ResourceSet]) -> None:
        for s in sets:
            stream = self._streams.get(s.resource_type)
            if stream is None:
                stream = self._streams[s.resource_type] = self._sink.open(
                    f"{s.resource_type}.ndjson"
                )
            stream.write(b"".join(dumps(r) + b"\n" for r in s.resources))

    def write_block(self, tables: Mapping[str, pa.Table]) -> None:
        """Append one block's resources to their files."""
        with gc_paused():
            self._write(build_block(tables, self._ctx))

    def close(self) -> None:
        """Nothing to finish: every line is complete when written."""
