"""Rules on particular resource types that fhir.resources does not enforce.

FHIRPath invariants of the R4 base resources (obs-3, obs-6), the ``Observation.referenceRange``
order, the v3 ActCode binding of ``Encounter.class``, and the US Core shapes in
:mod:`._fhir_uscore`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from . import _fhir_codes as codes
from ._fhir_uscore import us_core_problems
from ._fhir_walk import INVARIANTS, RANGE, SYSTEMS, Problem

__all__ = ["resource_problems"]

# v3 ActEncounterCode, the value set Encounter.class is bound to (extensible) in R4.
ACT_ENCOUNTER_CODES = frozenset(
    {"AMB", "EMER", "FLD", "HH", "IMP", "ACUTE", "NONAC", "OBSENC", "PRENC", "SS", "VR"}
)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _encounter(resource: Mapping[str, Any]) -> Iterator[Problem]:
    coding = resource.get("class")
    if not isinstance(coding, dict):
        return
    system, code = coding.get("system"), coding.get("code")
    if isinstance(system, str) and codes.system_problem(system):
        return  # the generic code-systems check already names the right URI
    if system != codes.ACT_CODE:
        yield Problem(
            "class.system", f"Encounter.class uses {codes.ACT_CODE}, not {system!r}", SYSTEMS
        )
    elif code not in ACT_ENCOUNTER_CODES:
        allowed = ", ".join(sorted(ACT_ENCOUNTER_CODES))
        yield Problem("class.code", f"{code!r} is not a v3 ActEncounterCode ({allowed})", SYSTEMS)


def _reference_ranges(element: Mapping[str, Any], path: str) -> Iterator[Problem]:
    ranges = element.get("referenceRange")
    if not isinstance(ranges, list):
        return
    for i, item in enumerate(ranges):
        if not isinstance(item, dict):
            continue
        where = f"{path}referenceRange[{i}]"
        low, high = item.get("low"), item.get("high")
        if low is None and high is None and "text" not in item:
            yield Problem(where, "obs-3: a reference range has a low, a high or a text", INVARIANTS)
        if isinstance(low, dict) and isinstance(high, dict):
            lo, hi = _number(low.get("value")), _number(high.get("value"))
            if lo is not None and hi is not None and lo > hi:
                yield Problem(where, f"reference range low {lo:g} is above high {hi:g}", RANGE)


def _observation(resource: Mapping[str, Any]) -> Iterator[Problem]:
    has_value = any(k.startswith("value") for k in resource)
    # obs-6: dataAbsentReason SHALL only be present if Observation.value[x] is not present.
    if has_value and "dataAbsentReason" in resource:
        yield Problem(
            "dataAbsentReason", "obs-6: dataAbsentReason only without a value", INVARIANTS
        )
    yield from _reference_ranges(resource, "")
    components = resource.get("component")
    if isinstance(components, list):
        for i, comp in enumerate(components):
            if isinstance(comp, dict):
                yield from _reference_ranges(comp, f"component[{i}].")


def resource_problems(resource: Mapping[str, Any]) -> list[Problem]:
    """Type-specific problems with one resource (the generic walk covers every type)."""
    kind = resource.get("resourceType")
    found: list[Problem] = []
    if kind == "Encounter":
        found.extend(_encounter(resource))
    elif kind == "Observation":
        found.extend(_observation(resource))
    found.extend(us_core_problems(resource))
    return found
