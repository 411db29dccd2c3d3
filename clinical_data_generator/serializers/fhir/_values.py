"""Column helpers and small FHIR datatype builders shared by the resource modules.

Resources are plain dicts in FHIR element order (the order matters for XML); values are built
column by column from Arrow (one ``to_pylist`` per column, never per row), and money stays a
``Decimal`` so JSON and XML print exactly the table's two decimals.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import orjson
import pyarrow as pa

Resource = dict[str, Any]


@attrs.define
class ResourceSet:
    """Resources of one type, in output order.

    ``members`` gives, for member-level resources, the patient's ``member_id`` of each resource
    (Bundles group by household through it); it is ``None`` for shared resources.
    """

    resource_type: str
    resources: list[Resource] = attrs.Factory(list)
    members: list[str] | None = None

    def extend(self, other: ResourceSet) -> None:
        """Append another set of the same type."""
        self.resources += other.resources
        if self.members is not None and other.members is not None:
            self.members += other.members


def column(table: pa.Table, name: str) -> list[Any]:
    """One column as Python values; dates as ISO strings, money as Money dicts (see below)."""
    col = table[name]
    if pa.types.is_date(col.type):
        col = col.cast(pa.string())
    elif pa.types.is_decimal(col.type):
        return [None if v is None else _money(v) for v in col.cast(pa.string()).to_pylist()]
    return col.to_pylist()


def columns(table: pa.Table, *names: str) -> list[list[Any]]:
    """Several columns (see :func:`column`)."""
    return [column(table, n) for n in names]


def has(tables: Mapping[str, pa.Table], *names: str) -> bool:
    """Whether every named table is present (claims and labs arrive later than the rest)."""
    return all(n in tables for n in names)


def dotted_icd10(code: str) -> str:
    """ICD-10-CM as FHIR wants it: the dot after the category (``E1165`` -> ``E11.65``)."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    """A Coding (display only when known: a wrong display is worse than none)."""
    if display:
        return {"system": system, "code": code, "display": display}
    return {"system": system, "code": code}


@functools.cache
def concept(
    system: str, code: str, display: str | None = None, text: str | None = None
) -> Resource:
    """A one-coding CodeableConcept, shared between rows (callers never mutate it)."""
    out: Resource = {"coding": [coding(system, code, display)]}
    if text:
        out["text"] = text
    return out


@functools.lru_cache(maxsize=65_536)
def _money(text: str) -> Resource:
    # A JSON fragment keeps the table's exact decimals ("12.50", not 12.5); amounts repeat a
    # lot (0.00, copays), so the Money dicts are shared.
    return {"value": orjson.Fragment(text), "currency": "USD"}


def money(value: Resource | Decimal | str) -> Resource:
    """Money in US dollars; decimal columns already arrive as Money (see :func:`column`)."""
    if isinstance(value, dict):
        return value
    return _money(str(value))


def number(value: Any) -> str:
    """The JSON text of a number, including a Money value's fragment (for XML)."""
    if isinstance(value, orjson.Fragment):
        return orjson.dumps(value).decode()
    return str(value)


def identifier(system: str, value: str) -> dict[str, str]:
    """An Identifier with a system."""
    return {"system": system, "value": value}


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # FHIR decimals keep their precision: write "12.50", not 12.5.
        return orjson.Fragment(str(value))
    raise TypeError(f"cannot serialise {type(value).__name__} as FHIR JSON")


def dumps(resource: Resource) -> bytes:
    """One resource as compact JSON (one NDJSON line, without the newline)."""
    return orjson.dumps(resource, default=_default)


def dumps_indented(resource: Resource) -> bytes:
    """One resource as indented JSON (Bundle files meant to be read)."""
    return orjson.dumps(resource, default=_default, option=orjson.OPT_INDENT_2)
