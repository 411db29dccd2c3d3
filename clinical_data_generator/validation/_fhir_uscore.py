"""US Core shape checks for resources that declare a US Core profile in ``meta.profile``.

Only rules that hold in every US Core release from 3.1.1 to 7.0.0 are checked, so a resource
is not failed for following one release rather than another. A resource without a US Core
``meta.profile`` is not held to these rules (declare a profile only where a resource conforms).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from . import _fhir_codes as codes
from ._fhir_walk import Problem

__all__ = ["US_CORE", "us_core_problems"]

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
CHECK = "us-core"
RACE = US_CORE + "us-core-race"
ETHNICITY = US_CORE + "us-core-ethnicity"
BIRTHSEX = US_CORE + "us-core-birthsex"
# OMB race and ethnicity categories (CDC Race & Ethnicity code system) plus the null flavors
# US Core allows in ombCategory.
OMB_RACE = frozenset({"1002-5", "2028-9", "2054-5", "2076-8", "2106-3", "UNK", "ASKU"})
OMB_ETHNICITY = frozenset({"2135-2", "2186-5", "UNK", "ASKU"})
BIRTHSEX_CODES = frozenset({"M", "F", "UNK", "ASKU"})  # ASKU since US Core 5
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
VITAL_SIGNS = frozenset(
    {
        "us-core-vital-signs",
        "us-core-blood-pressure",
        "us-core-bmi",
        "us-core-body-height",
        "us-core-body-temperature",
        "us-core-body-weight",
        "us-core-head-circumference",
        "us-core-heart-rate",
        "us-core-respiratory-rate",
        "us-core-pulse-oximetry",
    }
)

# Elements that are 1..1 or 1..* in every US Core release, by profile name.
_REQUIRED = {
    "us-core-patient": ("identifier", "name", "gender"),
    "us-core-condition": ("category", "code", "subject"),
    "us-core-condition-encounter-diagnosis": ("category", "code", "subject"),
    "us-core-condition-problems-health-concerns": ("category", "code", "subject"),
    "us-core-encounter": ("status", "class", "type", "subject"),
    "us-core-immunization": ("status", "vaccineCode", "patient", "occurrence"),
    "us-core-observation-lab": ("status", "category", "code", "subject"),
    "us-core-vital-signs": ("status", "category", "code", "subject"),
    "us-core-diagnosticreport-lab": ("status", "category", "code", "subject"),
    "us-core-procedure": ("status", "code", "subject"),
    "us-core-organization": ("active", "name"),
    "us-core-practitioner": ("identifier", "name"),
    "us-core-location": ("name",),
}


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _has(resource: Mapping[str, Any], element: str) -> bool:
    """True when the element (or, for ``occurrence``-style names, a choice of it) is present."""
    return element in resource or any(
        key.startswith(element) and key[len(element) : len(element) + 1].isupper()
        for key in resource
    )


def _codings(concept: Any) -> Iterator[Mapping[str, Any]]:
    for item in _as_list(concept):
        if isinstance(item, dict):
            yield from (c for c in _as_list(item.get("coding")) if isinstance(c, dict))


def _extensions(element: Mapping[str, Any], url: str) -> list[tuple[int, Mapping[str, Any]]]:
    return [
        (i, ext)
        for i, ext in enumerate(_as_list(element.get("extension")))
        if isinstance(ext, dict) and ext.get("url") == url
    ]


def _omb_extension(
    resource: Mapping[str, Any], url: str, name: str, categories: frozenset[str], max_omb: int
) -> Iterator[Problem]:
    found = _extensions(resource, url)
    if len(found) > 1:
        yield Problem("extension", f"{name} extension appears {len(found)} times (0..1)", CHECK)
    for i, ext in found:
        path = f"extension[{i}]"
        if any(k.startswith("value") for k in ext):
            yield Problem(path, f"{name} is a complex extension: no value[x] of its own", CHECK)
        omb = _extensions(ext, "ombCategory")
        text = _extensions(ext, "text")
        if len(omb) > max_omb:
            yield Problem(
                path, f"{name} has {len(omb)} ombCategory codings (at most {max_omb})", CHECK
            )
        for j, sub in omb + _extensions(ext, "detailed"):
            coding = sub.get("valueCoding")
            kind = sub.get("url")
            sub_path = f"{path}.extension[{j}]"
            if not isinstance(coding, dict):
                yield Problem(sub_path, f"{name} {kind} needs valueCoding", CHECK)
                continue
            system, code = coding.get("system"), coding.get("code")
            if kind == "ombCategory" and code in ("UNK", "ASKU"):
                expected = codes.THO + "v3-NullFlavor"
            else:
                expected = codes.CDC_RACE
            if system != expected:
                yield Problem(
                    sub_path, f"{name} {kind} system must be {expected}, not {system!r}", CHECK
                )
            if kind == "ombCategory" and code not in categories:
                allowed = ", ".join(sorted(categories))
                yield Problem(
                    sub_path, f"{name} ombCategory code {code!r} is not one of {allowed}", CHECK
                )
        if len(text) != 1 or not isinstance(text[0][1].get("valueString"), str):
            yield Problem(
                path, f"{name} needs exactly one text sub-extension with valueString", CHECK
            )
        unknown = {e.get("url") for e in _as_list(ext.get("extension")) if isinstance(e, dict)}
        unknown -= {"ombCategory", "detailed", "text"}
        for other in sorted(str(u) for u in unknown):
            yield Problem(path, f"{name} has an unknown sub-extension {other!r}", CHECK)


def _patient(resource: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _omb_extension(resource, RACE, "us-core-race", OMB_RACE, 5)
    yield from _omb_extension(resource, ETHNICITY, "us-core-ethnicity", OMB_ETHNICITY, 1)
    for i, ext in _extensions(resource, BIRTHSEX):
        if ext.get("valueCode") not in BIRTHSEX_CODES:
            got = ext.get("valueCode")
            yield Problem(
                f"extension[{i}]",
                f"us-core-birthsex valueCode {got!r} is not M, F, UNK or ASKU",
                CHECK,
            )
    for i, name in enumerate(_as_list(resource.get("name"))):
        # us-core-6 (US Core 3.1.1 us-core-8): a name has a family or a given name.
        absent = isinstance(name, dict) and "family" not in name and "given" not in name
        if absent and not _extensions(name, DATA_ABSENT):
            yield Problem(f"name[{i}]", "a US Core name needs family or given", CHECK)


def _quantity(value: Any, path: str) -> Iterator[Problem]:
    if isinstance(value, dict):
        # us-core-3 and the vital-signs profiles: quantities use UCUM with a unit code.
        if value.get("system") != codes.UCUM:
            yield Problem(path, f"valueQuantity system must be {codes.UCUM}", CHECK)
        if "code" not in value:
            yield Problem(path, "valueQuantity needs a UCUM code", CHECK)


def _category(resource: Mapping[str, Any], system: str, code: str) -> Iterator[Problem]:
    if not any(
        c.get("system") == system and c.get("code") == code
        for c in _codings(resource.get("category"))
    ):
        yield Problem("category", f"needs the category {system}|{code}", CHECK)


def _profiles(resource: Mapping[str, Any]) -> list[str]:
    meta = resource.get("meta")
    if not isinstance(meta, dict):
        return []
    names = []
    for url in _as_list(meta.get("profile")):
        if isinstance(url, str) and url.startswith(US_CORE):
            names.append(url.removeprefix(US_CORE).split("|", 1)[0])
    return names


def us_core_problems(resource: Mapping[str, Any]) -> list[Problem]:
    """Problems with a resource that declares a US Core profile (none when it declares none)."""
    profiles = _profiles(resource)
    found: list[Problem] = []
    for profile in profiles:
        found.extend(
            Problem(element, f"{profile} requires {element}", CHECK)
            for element in _REQUIRED.get(profile, ())
            if not _has(resource, element)
        )
    if not profiles:
        return found
    kind = resource.get("resourceType")
    if kind == "Patient":
        found.extend(_patient(resource))
    elif kind == "Observation":
        found.extend(_quantity(resource.get("valueQuantity"), "valueQuantity"))
        for i, comp in enumerate(_as_list(resource.get("component"))):
            if isinstance(comp, dict):
                found.extend(_quantity(comp.get("valueQuantity"), f"component[{i}].valueQuantity"))
        if "us-core-observation-lab" in profiles:
            found.extend(_category(resource, OBS_CATEGORY, "laboratory"))
        if any(p in VITAL_SIGNS for p in profiles):
            found.extend(_category(resource, OBS_CATEGORY, "vital-signs"))
    elif kind == "DiagnosticReport" and "us-core-diagnosticreport-lab" in profiles:
        found.extend(_category(resource, V2_0074, "LAB"))
    elif kind == "Immunization" and not any(
        c.get("system") == codes.CVX for c in _codings(resource.get("vaccineCode"))
    ):
        found.append(Problem("vaccineCode", f"needs a CVX coding ({codes.CVX})", CHECK))
    return found
