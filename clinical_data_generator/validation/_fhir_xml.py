"""Read FHIR XML into the FHIR JSON form, following the R4 XML rules (FHIR R4 §2.6.2 XML).

fhir.resources parses XML only with lxml, which is not a dependency, so we convert with the
standard library and validate the JSON form. The rules applied:

* primitive values sit in a ``value`` attribute; ``id`` and child ``extension`` elements of a
  primitive become the ``_name`` sibling in JSON (arrays line up with ``null`` placeholders);
* ``Element.id`` and ``Extension.url`` are attributes;
* elements that repeat in the model become JSON arrays even when they occur once;
* ``boolean``, ``integer``/``positiveInt``/``unsignedInt`` and ``decimal`` become JSON
  booleans and numbers;
* resources inside ``contained``, ``Bundle.entry.resource`` etc. are wrapped in an element
  named after their type; ``Narrative.div`` is XHTML, kept as a string;
* elements follow the order of the specification; no DOCTYPE, no text outside values.
"""

from __future__ import annotations

import decimal
import re
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ._fhir_models import FieldSpec, element_order, field_specs, is_resource_type, model_class
from ._fhir_walk import Problem

__all__ = ["FHIR_NS", "xml_to_json"]

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
CHECK = "xml"
# Elements that are arrays wherever they occur in R4 (used only without the models).
_ALWAYS_LIST = frozenset(
    {
        "extension",
        "modifierExtension",
        "coding",
        "contained",
        "entry",
        "given",
        "line",
        "prefix",
        "suffix",
    }
)
_INTEGER = re.compile(r"^[-+]?[0-9]+$")
_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _xhtml(elem: ET.Element, root: bool = True) -> str:
    """Serialise a Narrative ``div`` as FHIR JSON carries it (XHTML with its namespace declared)."""
    _, name = _split(elem.tag)
    parts = [f"<{name}"]
    if root:
        parts.append(f' xmlns="{XHTML_NS}"')
    for key, value in elem.attrib.items():
        ns, local = _split(key)
        parts.append(f" {'xml:' if ns == XML_NS else ''}{local}={quoteattr(value)}")
    if not len(elem) and not elem.text:
        parts.append("/>")
    else:
        parts.append(">" + escape(elem.text or ""))
        parts.extend(_xhtml(child, root=False) + escape(child.tail or "") for child in elem)
        parts.append(f"</{name}>")
    return "".join(parts)


class _Converter:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # The namespace children are read in: FHIR's, or the root's wrong one (reported once).
        self.ns = FHIR_NS

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message, CHECK))

    def resource(self, elem: ET.Element, path: str) -> dict[str, Any]:
        ns, name = _split(elem.tag)
        if ns != self.ns:
            self.problem(path, f"<{name}> is not in the FHIR namespace {FHIR_NS}")
            if not path:
                self.ns = ns
        for key in elem.attrib:
            self.problem(path, f"unexpected attribute {key!r} on <{name}>")
        out: dict[str, Any] = {"resourceType": name}
        model = model_class(name) if is_resource_type(name) else None
        self.children(elem, out, model, path)
        return out

    def children(self, elem: ET.Element, out: dict[str, Any], model: Any, path: str) -> None:
        if elem.text and elem.text.strip():
            self.problem(path, "text outside a value attribute")
        specs = field_specs(model) if model is not None else None
        order = element_order(model) if model is not None else None
        counts = Counter(_split(child.tag)[1] for child in elem)
        values: dict[str, list[Any]] = {}
        extras: dict[str, list[Any]] = {}
        last, last_name = 0, ""
        for child in elem:
            ns, name = _split(child.tag)
            sub = f"{path}.{name}" if path else name
            if child.tail and child.tail.strip():
                self.problem(sub, "text outside a value attribute")
            if name == "div" and ns == XHTML_NS:
                out["div"] = _xhtml(child)
                continue
            if ns != self.ns:
                self.problem(sub, f"<{name}> is not in the FHIR namespace")
                continue
            if order is not None and name in order and last >= 0:
                if order[name] < last:
                    self.problem(
                        sub,
                        f"<{name}> comes after <{last_name}>: FHIR XML follows the specification order",
                    )
                    last = -2  # one order error per element is enough
                else:
                    last, last_name = order[name], name
            spec = specs.get(name) if specs is not None else None
            value, extra = self.element(child, name, spec, sub)
            values.setdefault(name, []).append(value)
            extras.setdefault(name, []).append(extra)
        for name, items in values.items():
            spec = specs.get(name) if specs is not None else None
            many = spec.is_list if spec is not None else (name in _ALWAYS_LIST or counts[name] > 1)
            many = many or counts[name] > 1  # a repeated single element: let the model report it
            ext = extras[name]
            if any(v is not None for v in items):
                out[name] = items if many else items[0]
            if any(e is not None for e in ext):
                out[f"_{name}"] = ext if many else ext[0]

    def element(
        self, elem: ET.Element, name: str, spec: FieldSpec | None, path: str
    ) -> tuple[Any, dict[str, Any] | None]:
        """``(JSON value, _name extension object or None)`` for one child element."""
        attrs = dict(elem.attrib)
        value = attrs.pop("value", None)
        eid = attrs.pop("id", None)
        url = attrs.pop("url", None)
        for key in attrs:
            self.problem(path, f"unexpected attribute {key!r}")
        kids = list(elem)
        wraps_resource = (
            spec.is_resource
            if spec is not None
            else (value is None and len(kids) == 1 and _split(kids[0].tag)[1][:1].isupper())
        )
        if wraps_resource:
            if len(kids) != 1:
                self.problem(path, f"<{name}> holds exactly one resource element")
                return ({}, None)
            return (self.resource(kids[0], path), None)
        primitive = (
            spec.primitive if spec is not None else ("string" if value is not None else None)
        )
        if primitive is not None:
            ext: dict[str, Any] = {}
            if eid is not None:
                ext["id"] = eid
            if kids:
                self.children(elem, ext, model_class("Element"), path)
            if value is None and not ext:
                self.problem(path, f"<{name}> has neither a value nor extensions")
            if url is not None:
                self.problem(path, "unexpected attribute 'url'")
            return (None if value is None else self.primitive(value, primitive, path), ext or None)
        if value is not None:
            self.problem(path, f"<{name}> is not a primitive: it cannot have a value attribute")
        obj: dict[str, Any] = {}
        if eid is not None:
            obj["id"] = eid
        if url is not None:
            if name in ("extension", "modifierExtension"):
                obj["url"] = url
            else:
                self.problem(path, "only extensions have a url attribute")
        self.children(elem, obj, spec.model if spec is not None else None, path)
        return (obj, None)

    def primitive(self, value: str, kind: str, path: str) -> Any:
        if kind == "boolean":
            if value in ("true", "false"):
                return value == "true"
            self.problem(path, f"boolean value {value!r} is not true or false")
        elif kind in ("integer", "positiveInt", "unsignedInt"):
            if _INTEGER.match(value):
                return int(value)
            self.problem(path, f"{kind} value {value!r} is not an integer")
        elif kind == "decimal":
            if _DECIMAL.match(value):
                return decimal.Decimal(value)
            self.problem(path, f"decimal value {value!r} is not a number")
        return value


def xml_to_json(data: bytes) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse one FHIR XML document into its JSON form; problems with the XML itself alongside."""
    if b"<!DOCTYPE" in data[:4096]:
        # FHIR XML SHALL NOT use a DTD; refusing it also keeps entity expansion out.
        return None, [Problem("", "FHIR XML cannot have a DOCTYPE", CHECK)]
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return None, [Problem("", f"not well-formed XML: {exc}", CHECK)]
    converter = _Converter()
    resource = converter.resource(root, "")
    return resource, converter.problems
