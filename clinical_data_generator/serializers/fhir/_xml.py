"""``fhir-xml``: the same resources as FHIR XML, one ``<ResourceType>.xml`` file per type.

Each file is a ``collection`` Bundle of that type's resources. The XML follows the FHIR XML
rules (https://hl7.org/fhir/R4/xml.html): primitive values in ``value`` attributes, extension
``url`` as an attribute, resources wrapped in an element named after their type inside
``entry/resource``, and elements in the order of the specification, which the resource dicts
already keep. References are relative (``Patient/<id>``), as in NDJSON, and resolve across the
files of one export.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson
import pyarrow as pa

from .._registry import DocumentSink, WritableStream
from ._build import build_block, build_reference, gc_paused
from ._context import Context
from ._ids import resource_id
from ._values import Resource, ResourceSet, number

__all__ = ["XMLWriter", "resource_xml"]

_ESCAPE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)
_EXTENSIONS = frozenset({"extension", "modifierExtension"})


# XML of dicts shared by many resources (codes, references to the same patient, Money), keyed by
# (id, element name). The entry keeps the dict alive, so its id cannot be reused while cached;
# writers clear the cache after each block. Only dicts referenced from several places are
# cached (reference count), so one-off dicts cost nothing; the output is the same either way.
_SHARED: dict[tuple[int, str], tuple[Any, str]] = {}
_SHARED_REFCOUNT = 5


def clear_cache() -> None:
    """Forget the XML of shared dicts (between blocks, so memory stays flat)."""
    _SHARED.clear()


def _value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float, Decimal, orjson.Fragment)):
        return number(value)
    text = str(value)
    # Most values need no escaping; testing for the five characters is cheaper than translate.
    if (
        "&" in text
        or "<" in text
        or '"' in text
        or ">" in text
        or "\n" in text
        or "\r" in text
        or "\t" in text
    ):
        return text.translate(_ESCAPE)
    return text


def _element(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, orjson.Fragment):
        text = orjson.dumps(value).decode()
        if text[:1] in "[{":  # ready-made JSON (EOB adjudications): expand, numbers kept as text
            value = json.loads(text, parse_float=str)
    if isinstance(value, list):
        for item in value:
            _element(name, item, out)
    elif isinstance(value, dict):
        if "resourceType" in value:  # a resource inside an element (Bundle.entry.resource)
            out.append(f"<{name}>")
            _resource(value, out, "")
            out.append(f"</{name}>")
            return
        if sys.getrefcount(value) > _SHARED_REFCOUNT:
            key = (id(value), name)
            hit = _SHARED.get(key)
            if hit is None:
                part: list[str] = []
                _dict_element(name, value, part)
                hit = _SHARED[key] = (value, "".join(part))
            out.append(hit[1])
            return
        _dict_element(name, value, out)
    else:
        out.append(f'<{name} value="{_value(value)}"/>')


def _dict_element(name: str, value: dict[str, Any], out: list[str]) -> None:
    """A complex element: url attribute for extensions, children in order."""
    url = value.get("url") if name in _EXTENSIONS else None
    out.append(f'<{name} url="{_value(url)}">' if url is not None else f"<{name}>")
    for key, child in value.items():
        if not (url is not None and key == "url"):
            _element(key, child, out)
    out.append(f"</{name}>")


def _resource(resource: Resource, out: list[str], namespace: str) -> None:
    kind = resource["resourceType"]
    out.append(f"<{kind}{namespace}>")
    for key, value in resource.items():
        if key != "resourceType":
            _element(key, value, out)
    out.append(f"</{kind}>")


def resource_xml(resource: Resource) -> str:
    """One resource as a standalone FHIR XML element (with the FHIR namespace)."""
    out: list[str] = []
    _resource(resource, out, ' xmlns="http://hl7.org/fhir"')
    return "".join(out)


class XMLWriter:
    """One collection Bundle per resource type, streamed entry by entry."""

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
                stream = self._streams[s.resource_type] = self._sink.open(f"{s.resource_type}.xml")
                bundle = resource_id(self._ctx.seed, "Bundle", f"xml/{s.resource_type}")
                stream.write(
                    '<?xml version="1.0" encoding="UTF-8"?>\n<Bundle xmlns="http://hl7.org/fhir">'
                    f'<id value="{bundle}"/><type value="collection"/>\n'.encode()
                )
            out: list[str] = []
            for r in s.resources:
                out.append(f'<entry><fullUrl value="urn:uuid:{r["id"]}"/><resource>')
                _resource(r, out, "")
                out.append("</resource></entry>\n")
            stream.write("".join(out).encode())

    def write_block(self, tables: Mapping[str, pa.Table]) -> None:
        """Append one block's resources to their files."""
        with gc_paused():
            self._write(build_block(tables, self._ctx))
        clear_cache()

    def close(self) -> None:
        """Close every Bundle element."""
        for stream in self._streams.values():
            stream.write(b"</Bundle>\n")
        clear_cache()
