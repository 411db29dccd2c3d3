"""Pinned columns: fixed values for edge-case and negative tests, validated up front."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from ..errors import InvalidArgumentError
from ..models import MODELS, arrow_schema

__all__ = ["Pins", "apply_pins", "parse_pin", "to_pins"]

_REFERENCE = ("payers", "plans", "sponsors", "providers")

#: ``((table, ((column, value), ...)), ...)``: hashable, so Population stays hashable.
Pins = tuple[tuple[str, tuple[tuple[str, object], ...]], ...]


def to_pins(value: Mapping[str, Mapping[str, object]] | Pins | None) -> Pins:
    """Check table and column names and that each value fits its column's type."""
    if value is None:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    pins = []
    for table, columns in items:
        if table not in MODELS or table in _REFERENCE:
            allowed = sorted(set(MODELS) - set(_REFERENCE))
            raise InvalidArgumentError("pins", table, f"a member table name, one of {allowed}")
        schema = arrow_schema(MODELS[table])
        pairs = columns.items() if isinstance(columns, Mapping) else columns
        checked = []
        for column, pinned in pairs:
            if column not in schema.names:
                raise InvalidArgumentError(
                    "pins", f"{table}.{column}", f"a column of {table}: {schema.names}"
                )
            field = schema.field(column)
            if pinned is None and not field.nullable:
                raise InvalidArgumentError("pins", f"{table}.{column}=None", "a value (not null)")
            try:
                pa.scalar(pinned, field.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
                raise InvalidArgumentError(
                    "pins", f"{table}.{column}={pinned!r}", f"a value of type {field.type}"
                ) from None
            checked.append((str(column), pinned))
        pins.append((str(table), tuple(checked)))
    return tuple(pins)


def apply_pins(tables: dict[str, pa.Table], pins: Pins) -> dict[str, pa.Table]:
    """Replace every pinned column of the given tables by its value on every row."""
    for table, columns in pins:
        if table not in tables:
            continue
        t = tables[table]
        for column, value in columns:
            index = t.schema.get_field_index(column)
            field = t.schema.field(index)
            t = t.set_column(index, field, pa.repeat(pa.scalar(value, field.type), t.num_rows))
        tables[table] = t
    return tables


def parse_pin(text: str) -> tuple[str, str, object]:
    """``TABLE.COLUMN=VALUE`` (as the CLI's ``--pin`` gives it) with VALUE cast to the column."""
    target, sep, raw = text.partition("=")
    table, dot, column = target.partition(".")
    if not sep or not dot or table not in MODELS:
        raise InvalidArgumentError("pins", text, "TABLE.COLUMN=VALUE with a member table")
    schema = arrow_schema(MODELS[table])
    if column not in schema.names:
        raise InvalidArgumentError("pins", text, f"a column of {table}: {schema.names}")
    try:
        value = pa.scalar(raw, pa.string()).cast(schema.field(column).type).as_py()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise InvalidArgumentError(
            "pins", text, f"a value of type {schema.field(column).type}"
        ) from None
    return table, column, value
