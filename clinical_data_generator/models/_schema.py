"""Declare table columns once: the attrs model field carries its Arrow type and meaning."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs
import pyarrow as pa

T = TypeVar("T")

MONEY = pa.decimal128(12, 2)


def column(arrow_type: pa.DataType, doc: str, *, nullable: bool = False) -> Any:
    """An attrs field that is also a table column of ``arrow_type``."""
    metadata = {"arrow": arrow_type, "doc": doc, "nullable": nullable}
    if nullable:
        return attrs.field(default=None, metadata=metadata, kw_only=True)
    return attrs.field(metadata=metadata)


@functools.cache
def arrow_schema(model: type) -> pa.Schema:
    """The Arrow schema of a model's table, in field order, with column docs as metadata."""
    fields = []
    for f in attrs.fields(model):
        meta = f.metadata
        fields.append(
            pa.field(
                f.name, meta["arrow"], nullable=meta["nullable"], metadata={"doc": meta["doc"]}
            )
        )
    return pa.schema(fields)


def column_docs(model: type) -> dict[str, str]:
    """``{column: meaning}`` for a model, in field order."""
    return {f.name: f.metadata["doc"] for f in attrs.fields(model)}


def records(model: type[T], rows: Iterable[Mapping[str, Any]]) -> list[T]:
    """Build frozen model instances from table rows (``pyarrow.Table.to_pylist()``)."""
    return [model(**row) for row in rows]
