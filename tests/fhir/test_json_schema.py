"""Every generated resource against the official FHIR R4 JSON Schema (a second, independent validator).

The schema is vendored in ``schema/`` (see its README). Each resource type gets its own
``Draft6Validator`` whose root is ``#/definitions/<Type>``: validating through the schema's
top-level ``oneOf`` over every resource type would try each type in turn and is far slower.
The one change to the stock validator: ``pattern`` gives ``$`` its ECMA-262 meaning (end of
the string), where Python's ``re`` also lets it match before a final newline.
A Bundle entry's resource does go through ``ResourceList``, that ``oneOf``, which costs about
20 ms per entry, so the Bundle test validates a deterministic sample of Bundles (the
smallest ones that, together, hold every resource type the Bundles hold).
"""

from __future__ import annotations

import copy
import functools
import gzip
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.serializers.fhir import RESOURCE_TYPES

from .support import read_bundles, read_ndjson, walk

jsonschema = pytest.importorskip("jsonschema")

_HERE = Path(__file__).parent / "schema"
_SCHEMA = _HERE / "fhir.r4.schema.json.gz"
#: sha256 of the uncompressed schema (also in schema/README.md).
_SCHEMA_SHA256 = "4091ab0911b2cb4d4d0730ed7fa4bbc5c5fec6caf62740bed2d6ffc721b7e37a"
_MAX_SHOWN = 20
#: Types every population's export must hold (RelatedPerson only when it has dependents).
_REQUIRED_TYPES = {"Patient", "Coverage", "Encounter", "Claim", "ExplanationOfBenefit",
                   "Immunization", "Observation", "DiagnosticReport"}  # fmt: skip


@functools.cache
def _schema() -> dict[str, Any]:
    raw = gzip.decompress(_SCHEMA.read_bytes())
    digest = hashlib.sha256(raw).hexdigest()
    assert digest == _SCHEMA_SHA256, f"{_SCHEMA.name} changed (sha256 {digest}): see README.md"
    schema: dict[str, Any] = orjson.loads(raw)
    return schema


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """``pattern`` with ECMA-262's ``$``: end of input, not before a final newline as in Python."""
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _ecma(pattern: str) -> re.Pattern[str]:
    # Every pattern in the FHIR schema is anchored with a final "$" and has no other "$".
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


_Validator = jsonschema.validators.extend(jsonschema.Draft6Validator, {"pattern": _pattern})


@functools.cache
def _validator(resource_type: str) -> Any:
    """A validator whose root is the schema's definition of ``resource_type``, cached."""
    schema = _schema()
    assert resource_type in schema["definitions"], f"no {resource_type} in the FHIR schema"
    return _Validator({"$schema": schema["$schema"], "definitions": schema["definitions"],
                       "$ref": f"#/definitions/{resource_type}"})  # fmt: skip


def _leaves(error: Any) -> Iterator[Any]:
    """``error``, or for a failed ``ResourceList`` choice, the errors of the entry's own type."""
    instance = error.instance
    if error.validator == "oneOf" and isinstance(instance, dict) and error.context:
        own = {"$ref": f"#/definitions/{instance.get('resourceType')}"}
        if own in error.validator_value:
            index = error.validator_value.index(own)
            mine = [e for e in error.context if e.relative_schema_path[0] == index]
            if mine:
                for e in mine:
                    yield from _leaves(e)
                return
    yield error


def _owner(resource: dict[str, Any], path: Any) -> str:
    """``Type/id`` of the innermost resource on ``path`` (a Bundle entry's, say)."""
    owner, node = resource, resource
    for key in path:
        try:
            node = node[key]
        except (LookupError, TypeError):
            break
        if isinstance(node, dict) and "resourceType" in node:
            owner = node
    rid = owner.get("id")
    shown = rid if isinstance(rid, str) and rid.isprintable() else repr(rid)
    return f"{owner.get('resourceType')}/{shown}"


def _problems(resource_type: str, resource: dict[str, Any], where: str = "") -> list[str]:
    """One line per schema error: where, type/id, JSON path and message."""
    return [
        f"{where}{_owner(resource, e.absolute_path)} {e.json_path}: {_short(e.message)}"
        for error in _validator(resource_type).iter_errors(resource)
        for e in _leaves(error)
    ]


def _short(message: str, keep: int = 100) -> str:
    """``message`` without the middle of a long repr of the instance."""
    return message if len(message) <= 2 * keep else f"{message[:keep]} ... {message[-keep:]}"


def _report(problems: list[str]) -> str:
    shown = "\n".join(problems[:_MAX_SHOWN])
    more = len(problems) - _MAX_SHOWN
    return f"{len(problems)} schema errors:\n{shown}" + (
        f"\n... and {more} more" if more > 0 else ""
    )


@pytest.fixture(scope="module")
def ndjson(exported: Path) -> dict[str, list[dict[str, Any]]]:
    return read_ndjson(exported / "fhir-ndjson")


def test_vendored_schema_is_the_documented_file() -> None:
    """The schema is the documented R4 file (sha256) and defines every type we write."""
    schema = _schema()  # checks the sha256
    assert _SCHEMA_SHA256 in (_HERE / "README.md").read_text(encoding="utf-8")
    assert schema["$schema"] == "http://json-schema.org/draft-06/schema#"
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    choices = schema["definitions"]["ResourceList"]["oneOf"]
    for kind in (*RESOURCE_TYPES, "Bundle"):
        assert schema["definitions"][kind]["additionalProperties"] is False
        assert {"$ref": f"#/definitions/{kind}"} in choices
    # _ecma() relies on this: each pattern ends with its only "$".
    patterns = {
        v["pattern"]
        for _, v in walk(schema)
        if isinstance(v, dict) and isinstance(v.get("pattern"), str)
    }
    assert len(patterns) > 10
    assert {p for p in patterns if not p.endswith("$") or p.count("$") != 1} == set()


def test_every_ndjson_resource_matches_the_r4_json_schema(
    ndjson: dict[str, list[dict[str, Any]]], population: cdg.Dataset
) -> None:
    """Every line of every NDJSON file validates against its type's R4 schema definition."""
    problems, seen = [], set()
    for kind, resources in ndjson.items():
        for line, resource in enumerate(resources, start=1):
            seen.add(resource.get("resourceType"))
            problems += _problems(kind, resource, f"{kind}.ndjson line {line} ")
    assert problems == [], _report(problems)
    # Every type the export holds was checked, and the export holds every type we write.
    assert seen == set(ndjson)
    assert seen >= _REQUIRED_TYPES
    relationships = set(population.tables["members"].column("relationship_code").to_pylist())
    expected = set(RESOURCE_TYPES) - (set() if relationships - {"18"} else {"RelatedPerson"})
    assert seen == expected


def _bundle_sample(bundles: dict[str, dict[str, Any]]) -> list[str]:
    """The smallest Bundles (by entries, then name) that together hold every type in any Bundle."""
    types = {
        name: {e["resource"]["resourceType"] for e in b.get("entry", [])}
        for name, b in bundles.items()
    }
    wanted = set().union(*types.values())
    sample: list[str] = []
    seen: set[str] = set()
    for name in sorted(bundles, key=lambda n: (len(bundles[n].get("entry", [])), n)):
        if types[name] - seen:
            sample.append(name)
            seen |= types[name]
        if seen == wanted:
            break
    return sample


def test_bundles_match_the_r4_json_schema(exported: Path) -> None:
    """Sampled Bundles validate whole against ``Bundle``; entries go through ``ResourceList``."""
    bundles = read_bundles(exported / "fhir-bundle")
    sample = _bundle_sample(bundles)
    assert sample
    problems = []
    for name in sample:
        problems += _problems("Bundle", bundles[name], f"{name}.json ")
    assert problems == [], _report(problems)


@pytest.fixture(scope="module")
def patient(ndjson: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return ndjson["Patient"][0]


def test_patient_passes_before_it_is_broken(patient: dict[str, Any]) -> None:
    assert _problems("Patient", patient) == []


def test_a_broken_patient_fails(patient: dict[str, Any]) -> None:
    """The validator can fail: a bad code, an unknown element, a bad date and a bad id."""
    broken = copy.deepcopy(patient)
    broken["gender"] = "x"
    broken["favouriteColour"] = "blue"
    broken["birthDate"] = "1980-13-45"
    broken["id"] += "\n"  # passes a Python "$" but not the ECMA-262 one
    problems = _problems("Patient", broken)
    assert len(problems) == 4, problems
    joined = "\n".join(problems)
    assert "$.gender: 'x' is not one of ['male', 'female', 'other', 'unknown']" in joined
    assert "'favouriteColour' was unexpected" in joined
    assert "$.birthDate: '1980-13-45' does not match" in joined
    assert "$.id: " in joined


def test_a_bundle_with_a_broken_entry_fails(patient: dict[str, Any]) -> None:
    """``ResourceList`` rejects a bad entry, and the report names the entry's own errors."""
    broken = copy.deepcopy(patient)
    broken["gender"] = "x"
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": f"urn:uuid:{patient['id']}", "resource": patient},
                        {"fullUrl": "urn:uuid:0", "resource": broken}]}  # fmt: skip
    assert _problems("Bundle", {**bundle, "entry": bundle["entry"][:1]}) == []
    problems = _problems("Bundle", bundle)
    assert len(problems) == 1, problems
    assert "$.entry[1].resource.gender: 'x' is not one of" in problems[0]
    # A resourceType the schema does not know matches no choice at all.
    bundle["entry"][1]["resource"] = {**patient, "resourceType": "Pet"}
    problems = _problems("Bundle", bundle)
    assert len(problems) == 1, problems
    assert "$.entry[1].resource: " in problems[0]
    assert "is not valid under any of the given schemas" in problems[0]
