"""Every resource of the NDJSON export: valid R4(B), in spec element order, linked and clean."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from fhir.resources.R4B import get_fhir_model_class

from clinical_data_generator.serializers.fhir import RESOURCE_TYPES

from .support import read_ndjson, references, walk

_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_MIN_COUNTS = {"Patient": 1, "Coverage": 1, "Encounter": 1, "Condition": 1, "Claim": 1,
               "ExplanationOfBenefit": 1, "Observation": 1, "DiagnosticReport": 1,
               "CoverageEligibilityRequest": 1, "CoverageEligibilityResponse": 1,
               "Organization": 1, "Practitioner": 1, "PractitionerRole": 1, "Location": 1,
               "Immunization": 1, "Procedure": 1}  # fmt: skip


def _order_problems(data: dict[str, Any], obj: Any, path: str) -> list[str]:
    """Keys of ``data`` out of the FHIR element order of the validated model ``obj``."""
    cls = type(obj)
    position = {name: i for i, name in enumerate(cls.elements_sequence())}
    keys = [
        k for k in data if k != "resourceType" and not (k == "url" and cls.__name__ == "Extension")
    ]
    problems = [f"{path}.{k}: not an element of {cls.__name__}" for k in keys if k not in position]
    ranks = [position[k] for k in keys if k in position]
    if ranks != sorted(ranks):
        problems.append(f"{path}: {keys} is not in {cls.__name__} element order")
    fields = {(f.alias or name): name for name, f in cls.model_fields.items()}
    for key in keys:
        child = getattr(obj, fields.get(key, key), None)
        value = data[key]
        pairs = (
            zip(value, child or [], strict=False) if isinstance(value, list) else [(value, child)]
        )
        for v, c in pairs:
            if isinstance(v, dict) and hasattr(c, "elements_sequence"):
                problems += _order_problems(v, c, f"{path}.{key}")
    return problems


@pytest.fixture(scope="module")
def ndjson(exported: Path) -> dict[str, list[dict[str, Any]]]:
    return read_ndjson(exported / "fhir-ndjson")


def test_every_resource_validates_and_keeps_element_order(
    ndjson: dict[str, list[dict[str, Any]]],
) -> None:
    """Every resource parses with the fhir.resources R4B model of its type, in spec order (XML needs it)."""
    problems = []
    for kind, resources in ndjson.items():
        model = get_fhir_model_class(kind)
        for r in resources:
            obj = model.model_validate(r)
            problems += _order_problems(r, obj, f"{kind}/{r['id']}")
    assert problems == []


def test_all_resource_types_are_written(ndjson: dict[str, list[dict[str, Any]]]) -> None:
    """Each population yields every resource type, one file per type named after it."""
    counts = {k: len(v) for k, v in ndjson.items()}
    assert set(counts) <= set(RESOURCE_TYPES)
    assert {k for k, n in _MIN_COUNTS.items() if counts.get(k, 0) < n} == set()
    assert all(r["resourceType"] == kind for kind, rs in ndjson.items() for r in rs)


def test_no_null_or_empty_values(ndjson: dict[str, list[dict[str, Any]]]) -> None:
    """No null, empty string, empty list or empty object, and no padded strings, anywhere."""
    bad = [
        f"{r['resourceType']}/{r['id']}{path}"
        for rs in ndjson.values()
        for r in rs
        for path, v in walk(r)
        if v is None or v in ("", [], {}) or (isinstance(v, str) and v != v.strip())
    ]
    assert bad == []


def test_ids_are_unique_per_type_and_well_formed(ndjson: dict[str, list[dict[str, Any]]]) -> None:
    """Resource ids match the FHIR id pattern and are unique within each type."""
    for kind, resources in ndjson.items():
        ids = Counter(r["id"] for r in resources)
        assert [i for i, n in ids.items() if n > 1] == [], kind
        assert all(_ID.match(i) for i in ids), kind


def test_references_resolve_across_the_export(ndjson: dict[str, list[dict[str, Any]]]) -> None:
    """Every reference is relative (Type/id) and names a resource written in the same export."""
    known = {f"{kind}/{r['id']}" for kind, rs in ndjson.items() for r in rs}
    dangling = [
        (f"{r['resourceType']}/{r['id']}", ref)
        for rs in ndjson.values()
        for r in rs
        for ref in references(r)
        if ref not in known
    ]
    assert dangling == []


def test_ndjson_lines_are_compact_single_resources(exported: Path) -> None:
    """Bulk Data layout: one resource per line, newline-terminated, no blank lines."""
    for path in (exported / "fhir-ndjson").glob("*.ndjson"):
        data = path.read_bytes()
        assert data.endswith(b"\n") and b"\n\n" not in data
        for line in data.splitlines()[:50]:
            assert orjson.loads(line)["resourceType"] == path.stem


def test_money_keeps_two_decimals(exported: Path) -> None:
    """Money values keep the table's two decimals in the JSON text (12.50, not 12.5)."""
    text = (exported / "fhir-ndjson" / "Claim.ndjson").read_text()
    values = re.findall(r'"value":(-?\d+(?:\.\d+)?),"currency"', text)
    assert values and all(re.fullmatch(r"-?\d+\.\d\d", v) for v in values)
