"""One pass over a resource: empty values, code systems, bindings, references, periods, ranges.

The walk uses the R4B model's field facts when fhir.resources is installed (which elements are
References and to what, which codes a required binding allows) and falls back to the shape of
the JSON otherwise (a ``reference`` string means a Reference, ``start``/``end`` a Period, ...).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import attrs

from . import _fhir_codes as codes
from ._fhir_models import FieldSpec, field_specs, is_resource_type, model_class

__all__ = ["Problem", "Ref", "ResourceWalk", "date_bounds", "walk_resource"]

EMPTY = "no-empty-values"
SYSTEMS = "code-systems"
BINDINGS = "code-bindings"
REFS = "references"
PERIOD = "period"
RANGE = "range"
INVARIANTS = "invariants"


@attrs.frozen
class Problem:
    """One finding: the element path inside the resource, a message and the check's name."""

    path: str
    message: str
    check: str


@attrs.frozen
class Ref:
    """A literal reference found in a resource.

    Attributes:
        path: Element path of the Reference inside the resource.
        reference: ``Reference.reference`` as written.
        declared_type: ``Reference.type`` when given.
        allowed: Target resource types the element allows (from the model), or None.
    """

    path: str
    reference: str
    declared_type: str | None
    allowed: frozenset[str] | None


@attrs.define
class ResourceWalk:
    """What one walk found: problems and the references to resolve outside the resource."""

    problems: list[Problem] = attrs.field(factory=list)
    refs: list[Ref] = attrs.field(factory=list)
    local_refs: list[Ref] = attrs.field(factory=list)


_DATE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
_ENTRY = re.compile(r"entry\[\d+\]")  # Bundle.entry[i], whose resource is walked on its own
_SLACK = dt.timedelta(hours=14)  # widest UTC offset: a date without a zone may be any of them


def date_bounds(
    value: str, *, zoneless_slack: bool = True
) -> tuple[dt.datetime, dt.datetime] | None:
    """Earliest and latest UTC instant a FHIR date/dateTime/instant can mean, or None if malformed.

    A date without a time has no zone; compared with a dateTime it may be in any zone, so its
    bounds widen by 14 hours unless ``zoneless_slack`` is False (two dates compare as dates).
    """
    found = _DATE.match(value)
    if found is None:
        return None
    year, month, day, hour, minute, second, _, zone = found.groups()
    try:
        if hour is not None:
            offset = dt.timedelta(0)
            if zone and zone != "Z":
                sign = -1 if zone[0] == "-" else 1
                offset = sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            at = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
            at -= offset
            return at, at + dt.timedelta(seconds=1)
        start = dt.datetime(int(year), int(month or 1), int(day or 1))
        if day is not None:
            end = start + dt.timedelta(days=1)
        elif month is not None:
            end = (start + dt.timedelta(days=32)).replace(day=1)
        else:
            end = start.replace(year=start.year + 1)
    except ValueError:
        return None
    slack = _SLACK if zoneless_slack else dt.timedelta(0)
    return start - slack, end + slack


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_ELEMENT_KEYS = {"extension": "Extension", "modifierExtension": "Extension", "coding": "Coding"}


def _guess_type(obj: Mapping[str, Any], key: str) -> str | None:
    """A data type name from the JSON shape alone (used when the models are not installed)."""
    if key in _ELEMENT_KEYS:
        return _ELEMENT_KEYS[key]
    if isinstance(obj.get("reference"), str):
        return "Reference"
    if key == "identifier":
        return "Identifier"
    if "start" in obj or "end" in obj:
        return "Period"
    if isinstance(obj.get("low"), dict) or isinstance(obj.get("high"), dict):
        return "Range"
    if "value" in obj and ("unit" in obj or "code" in obj):
        return "Quantity"
    if "system" in obj and "code" in obj:
        return "Coding"
    return None


_QUANTITIES = frozenset({"Quantity", "Age", "Count", "Distance", "Duration", "SimpleQuantity"})


class _Walker:
    def __init__(self, out: ResourceWalk, skip_entry_resources: bool) -> None:
        self.out = out
        self.skip_entry_resources = skip_entry_resources

    def problem(self, path: str, message: str, check: str) -> None:
        self.out.problems.append(Problem(path, message, check))

    def obj(
        self,
        obj: Mapping[str, Any],
        model: Any,
        path: str,
        type_name: str | None,
        allowed: frozenset[str] | None,
    ) -> None:
        if not obj:
            self.problem(path, "empty object (FHIR forbids empty elements)", EMPTY)
            return
        specs = field_specs(model) if model is not None else None
        for key, value in obj.items():
            if key == "resourceType" or key == "fhir_comments":
                continue
            sub = f"{path}.{key}" if path else key
            if key == "resource" and self.skip_entry_resources and _ENTRY.fullmatch(path):
                continue  # Bundle entries' resources are walked on their own
            if key.startswith("_"):
                self.primitive_extension(obj, key, value, sub)
                continue
            spec = specs.get(key) if specs is not None else None
            self.value(obj, key, value, spec, sub)
        if type_name is not None:
            self.hook(obj, type_name, path, allowed)

    def value(
        self, parent: Mapping[str, Any], key: str, value: Any, spec: FieldSpec | None, path: str
    ) -> None:
        if value is None:
            self.problem(path, "null value (FHIR JSON omits absent elements)", EMPTY)
        elif isinstance(value, list):
            if not value:
                self.problem(path, "empty array (FHIR forbids empty elements)", EMPTY)
                return
            siblings = parent.get(f"_{key}")
            for i, item in enumerate(value):
                if item is None:
                    # A null is only a placeholder lining a value up with its _element extension.
                    placeholder = isinstance(siblings, list) and i < len(siblings) and siblings[i]
                    if not placeholder:
                        self.problem(f"{path}[{i}]", "null in an array", EMPTY)
                    continue
                self.item(key, item, spec, f"{path}[{i}]")
        else:
            self.item(key, value, spec, path)

    def item(self, key: str, value: Any, spec: FieldSpec | None, path: str) -> None:
        if isinstance(value, dict):
            if (spec is not None and spec.is_resource) or (
                spec is None and "resourceType" in value
            ):
                self.nested_resource(value, path)
                return
            model = spec.model if spec is not None else None
            if model is not None:
                type_name: str | None = str(model.get_resource_type())
            else:
                type_name = _guess_type(value, key)
            self.obj(value, model, path, type_name, spec.ref_types if spec is not None else None)
        elif isinstance(value, str):
            if value == "":
                self.problem(path, "empty string (FHIR forbids empty values)", EMPTY)
            elif spec is not None and spec.enum is not None and value not in spec.enum:
                allowed = " | ".join(sorted(spec.enum))
                self.problem(
                    path, f"code {value!r} is not in the required value set ({allowed})", BINDINGS
                )

    def primitive_extension(
        self, parent: Mapping[str, Any], key: str, value: Any, path: str
    ) -> None:
        element = model_class("Element")
        values = parent.get(key[1:])
        if isinstance(value, list):
            if not value:
                self.problem(path, "empty array (FHIR forbids empty elements)", EMPTY)
            for i, item in enumerate(value):
                if item is None:
                    if not (isinstance(values, list) and i < len(values) and values[i] is not None):
                        self.problem(
                            f"{path}[{i}]", "null in an array with no value beside it", EMPTY
                        )
                elif isinstance(item, dict):
                    self.obj(item, element, f"{path}[{i}]", None, None)
        elif isinstance(value, dict):
            self.obj(value, element, path, None, None)
        elif value is None:
            self.problem(path, "null value (FHIR JSON omits absent elements)", EMPTY)

    def nested_resource(self, resource: Mapping[str, Any], path: str) -> None:
        kind = resource.get("resourceType")
        if not isinstance(kind, str) or not is_resource_type(kind):
            self.problem(path, f"unknown resourceType {kind!r}", INVARIANTS)
            return
        self.obj(resource, model_class(kind), path, None, None)

    def hook(
        self, obj: Mapping[str, Any], type_name: str, path: str, allowed: frozenset[str] | None
    ) -> None:
        if type_name == "Reference":
            reference = obj.get("reference")
            if isinstance(reference, str) and reference:
                declared = obj.get("type")
                ref = Ref(path, reference, declared if isinstance(declared, str) else None, allowed)
                (self.out.local_refs if reference.startswith("#") else self.out.refs).append(ref)
        elif type_name == "Coding":
            self.coding(obj, path)
        elif type_name == "Identifier":
            system, value = obj.get("system"), obj.get("value")
            if isinstance(system, str):
                self.system(system, path)
                if isinstance(value, str) and system == codes.NPI:
                    found = codes.code_problem(system, value)
                    if found:
                        self.problem(f"{path}.value", found, SYSTEMS)
        elif type_name in _QUANTITIES:
            system = obj.get("system")
            if isinstance(system, str):
                self.system(system, path)
            elif "code" in obj:
                # qty-3: if a code for the unit is present, the system SHALL also be present.
                self.problem(path, "qty-3: a unit code needs a system", INVARIANTS)
        elif type_name == "Period":
            self.period(obj, path)
        elif type_name == "Range":
            self.range(obj, path)
        elif type_name == "Extension":
            has_value = any(k.startswith("value") for k in obj)
            # ext-1: must have either extensions or value[x], not both.
            if has_value == ("extension" in obj):
                self.problem(
                    path, "ext-1: an extension has either value[x] or extensions", INVARIANTS
                )

    def system(self, system: str, path: str) -> None:
        found = codes.system_problem(system)
        if found:
            self.problem(f"{path}.system", found, SYSTEMS)
        elif ":" not in system:
            self.problem(f"{path}.system", f"{system!r} is not an absolute URI", SYSTEMS)

    def coding(self, obj: Mapping[str, Any], path: str) -> None:
        system, code = obj.get("system"), obj.get("code")
        if isinstance(system, str):
            self.system(system, path)
            if isinstance(code, str) and code:
                found = codes.code_problem(system, code)
                if found:
                    self.problem(f"{path}.code", found, SYSTEMS)

    def period(self, obj: Mapping[str, Any], path: str) -> None:
        start, end = obj.get("start"), obj.get("end")
        if not (isinstance(start, str) and isinstance(end, str)):
            return
        mixed = ("T" in start) != ("T" in end)
        low = date_bounds(start, zoneless_slack=mixed)
        high = date_bounds(end, zoneless_slack=mixed)
        # per-1: start SHALL have a lower value than end (compared at their precision).
        # Upper bounds are exclusive: start is after end when it begins once end is over.
        if low is not None and high is not None and low[0] >= high[1]:
            self.problem(path, f"per-1: start {start} is after end {end}", PERIOD)

    def range(self, obj: Mapping[str, Any], path: str) -> None:
        low, high = obj.get("low"), obj.get("high")
        if not (isinstance(low, dict) and isinstance(high, dict)):
            return
        lo, hi = _number(low.get("value")), _number(high.get("value"))
        same_unit = low.get("code", low.get("unit")) == high.get("code", high.get("unit"))
        # rng-2: if present, low SHALL have a lower value than high.
        if lo is not None and hi is not None and same_unit and lo > hi:
            self.problem(path, f"rng-2: low {lo:g} is above high {hi:g}", RANGE)


def walk_resource(
    resource: Mapping[str, Any], *, skip_entry_resources: bool = False
) -> ResourceWalk:
    """Walk one resource (and its contained resources); Bundle entries can be left out."""
    out = ResourceWalk()
    walker = _Walker(out, skip_entry_resources)
    kind = resource.get("resourceType")
    if not isinstance(kind, str) or not is_resource_type(kind):
        walker.problem("resourceType", f"unknown or missing resourceType {kind!r}", INVARIANTS)
        return out
    walker.obj(resource, model_class(kind), "", None, None)
    _check_contained(resource, out)
    return out


def _check_contained(resource: Mapping[str, Any], out: ResourceWalk) -> None:
    """dom-2/3/4 and local ``#id`` references (FHIR R4 References §2.3 contained resources)."""
    contained = resource.get("contained")
    ids: set[str] = set()
    if isinstance(contained, list):
        for i, item in enumerate(contained):
            if not isinstance(item, dict):
                continue
            path = f"contained[{i}]"
            cid = item.get("id")
            if not isinstance(cid, str):
                out.problems.append(Problem(path, "a contained resource needs an id", REFS))
            elif cid in ids:
                out.problems.append(Problem(path, f"contained id {cid!r} is used twice", REFS))
            else:
                ids.add(cid)
            if "contained" in item:
                out.problems.append(
                    Problem(path, "dom-2: contained resources cannot contain", INVARIANTS)
                )
            meta = item.get("meta")
            if isinstance(meta, dict) and ("versionId" in meta or "lastUpdated" in meta):
                out.problems.append(
                    Problem(
                        path,
                        "dom-4: contained resources have no meta.versionId or lastUpdated",
                        INVARIANTS,
                    )
                )
    targets = {ref.reference[1:] for ref in out.local_refs}
    for ref in out.local_refs:
        if ref.reference == "#" and ref.path.startswith("contained["):
            # A contained resource that refers to its container also satisfies dom-3.
            item = (
                contained[int(ref.path[10 : ref.path.index("]")])]
                if isinstance(contained, list)
                else None
            )
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                targets.add(item["id"])
    for ref in out.local_refs:
        local = ref.reference[1:]
        if local and local not in ids:
            out.problems.append(
                Problem(
                    ref.path, f"local reference {ref.reference} has no contained resource", REFS
                )
            )
    for cid in sorted(ids - targets):
        # dom-3: every contained resource is referenced from the container or another contained one.
        out.problems.append(
            Problem("contained", f"dom-3: contained resource #{cid} is not referenced", INVARIANTS)
        )
