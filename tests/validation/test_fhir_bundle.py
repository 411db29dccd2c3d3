"""FHIR validator on Bundles: transaction rules, fullUrls, bdl invariants, in-Bundle references."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clinical_data_generator.validation import FileReport
from clinical_data_generator.validation.fhir import check_fhir_files
from tests.validation.fhir_support import found_error

FIXTURE = Path(__file__).parent / "fhir_fixtures" / "bundle" / "transaction.json"
Bundle = dict[str, Any]
# Entry positions in the fixture: 0 Organization (PUT), 1 Practitioner (PUT), 2 Patient pat-1,
# 3 Patient pat-2, 4 Coverage, 5 Encounter, 6 Condition, 7 Observation, 8 Immunization (POST).


def _bundle() -> Bundle:
    data: Bundle = json.loads(FIXTURE.read_text())
    return data


def _check(tmp_path: Path, *bundles: Bundle) -> list[FileReport]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    files = []
    for i, bundle in enumerate(bundles):
        path = tmp_path / f"bundle-{i}.json"
        path.write_text(json.dumps(bundle, indent=1))
        files.append((path, "fhir-json"))
    return check_fhir_files(files)


def _errors(reports: list[FileReport]) -> list[str]:
    return [e for r in reports for e in r.errors]


def test_transaction_fixture_is_clean(tmp_path: Path) -> None:
    """The transaction fixture (urn:uuid POSTs, PUT shared resources) has no errors."""
    reports = _check(tmp_path, _bundle())
    assert _errors(reports) == []
    assert "bundle" in reports[0].checks
    assert "Bundle type transaction, 9 entries" in reports[0].notes


Mutation = Callable[[Bundle], None]


def _entry(i: int, *path: Any, value: Any = None, delete: bool = False) -> Mutation:
    def change(bundle: Bundle) -> None:
        target = bundle["entry"][i]
        for key in path[:-1]:
            target = target[key]
        if delete:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


def _top(key: str, value: Any) -> Mutation:
    def change(bundle: Bundle) -> None:
        bundle[key] = value

    return change


def _post_with_id_referenced(bundle: Bundle) -> None:
    bundle["entry"][3]["resource"]["id"] = "pat-2"
    bundle["entry"][5]["resource"]["subject"] = {"reference": "Patient/pat-2"}


def _as_collection_keeping_requests(bundle: Bundle) -> None:
    bundle["type"] = "collection"


def _duplicate_put(bundle: Bundle) -> None:
    bundle["entry"].append(json.loads(json.dumps(bundle["entry"][0])))


URN = "urn:uuid:6f1c2a4e-0b7d-4c3e-9a51-"
MUTATIONS: list[tuple[str, Mutation, str]] = [
    (
        "type",
        _top("type", "transactions"),
        "Bundle/household-1 type: code 'transactions' is not in the required value set (batch | ",
    ),
    ("total", _top("total", 9), "bdl-1: total only when a search or history [bundle]"),
    (
        "method-missing",
        _entry(4, "request", "method", delete=True),
        "entry[4].request.method: missing: every request needs a method [bundle]",
    ),
    (
        "method-model",
        _entry(4, "request", "method", delete=True),
        "entry[4].request.method: Value for the field 'method' is required. [fhir.resources]",
    ),
    (
        "url-missing",
        _entry(4, "request", "url", delete=True),
        "entry[4].request.url: missing: every request needs a url [bundle]",
    ),
    (
        "request-missing",
        _entry(4, "request", delete=True),
        "entry[4].request: bdl-3: an entry of a transaction Bundle needs request.method and request.url [bundle]",
    ),
    (
        "request-in-collection",
        _as_collection_keeping_requests,
        "entry[0].request: bdl-3: an entry of a collection Bundle cannot have a request",
    ),
    (
        "post-url",
        _entry(4, "request", "url", value="Patient"),
        "entry[4].request.url: POST url 'Patient' should be the resource type Coverage [bundle]",
    ),
    (
        "put-id",
        _entry(0, "request", "url", value="Organization/org-2"),
        "entry[0].request.url: PUT url Organization/org-2 does not match the resource id 'org-1' [bundle]",
    ),
    (
        "post-needs-resource",
        _entry(4, "resource", delete=True),
        "entry[4]: a POST entry needs a resource [bundle]",
    ),
    (
        "fullurl-uuid",
        _entry(2, "fullUrl", value=URN + "00000000000G"),
        "entry[2].fullUrl: urn:uuid:6f1c2a4e-0b7d-4c3e-9a51-00000000000G is not urn:uuid: and a lower-case RFC 4122 UUID [bundle]",
    ),
    (
        "fullurl-uuid-upper",
        _entry(2, "fullUrl", value="urn:uuid:6F1C2A4E-0B7D-4C3E-9A51-000000000001"),
        "is not urn:uuid: and a lower-case RFC 4122 UUID",
    ),
    (
        "fullurl-duplicate",
        _entry(3, "fullUrl", value=URN + "000000000001"),
        "entry[3].fullUrl: bdl-7: fullUrl urn:uuid:6f1c2a4e-0b7d-4c3e-9a51-000000000001 repeats entry[2] [bundle]",
    ),
    (
        "fullurl-restful",
        _entry(0, "fullUrl", value="http://example.org/fhir/Organization/org-2"),
        "entry[0].fullUrl: http://example.org/fhir/Organization/org-2 does not agree with the resource's type and id [bundle]",
    ),
    (
        "fullurl-history",
        _entry(0, "fullUrl", value="http://example.org/fhir/Organization/org-1/_history/2"),
        "bdl-8",
    ),
    (
        "ref-urn",
        _entry(4, "resource", "beneficiary", "reference", value=URN + "000000000099"),
        "entry 4 Coverage beneficiary: urn:uuid:6f1c2a4e-0b7d-4c3e-9a51-000000000099 matches no fullUrl in this Bundle [references]",
    ),
    (
        "ref-post-by-id",
        _post_with_id_referenced,
        "entry 5 Encounter subject: Patient/pat-2 is created by POST (the server assigns its id): refer to its fullUrl [references]",
    ),
    (
        "ref-type",
        _entry(5, "resource", "subject", "reference", value=URN + "000000000003"),
        "entry 5 Encounter subject: urn:uuid:6f1c2a4e-0b7d-4c3e-9a51-000000000003 is of type Coverage; this element refers to Group | Patient [references]",
    ),
    (
        "ref-absolute",
        _entry(
            4,
            "resource",
            "payor",
            0,
            "reference",
            value="http://other.example/fhir/Organization/org-1",
        ),
        "absolute reference http://other.example/fhir/Organization/org-1 matches no fullUrl in this Bundle",
    ),
    (
        "ids-duplicate",
        _duplicate_put,
        "entry 9 Organization/org-1: id Organization/org-1 is used twice in this Bundle (first in bundle-0.json entry 0) [unique-ids]",
    ),
    (
        "entry-model",
        _entry(3, "resource", "birthDate", value="12/30/2012"),
        "entry 3 Patient birthDate: Date value string does not match spec regex. [fhir.resources]",
    ),
    (
        "entry-empty",
        _entry(3, "resource", "address", value=[]),
        "entry 3 Patient address: empty array (FHIR forbids empty elements) [no-empty-values]",
    ),
    (
        "bdl-5",
        _top("entry", [{"fullUrl": URN + "000000000001"}]),
        "entry[0]: bdl-5: an entry has a resource, a request or a response [bundle]",
    ),
    ("document", _top("type", "document"), "bdl-11: a document starts with a Composition"),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_one_broken_bundle_rule_gives_its_specific_error(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    """A transaction Bundle with one rule broken fails with that rule's message."""
    bundle = _bundle()
    mutate(bundle)
    errors = _errors(_check(tmp_path, bundle))
    assert found_error(errors, expected), "\n".join(errors)


def test_relative_references_may_resolve_in_another_bundle_of_the_folder(tmp_path: Path) -> None:
    """Shared resources PUT in one Bundle can be referred to as Type/id from another Bundle."""
    shared, household = _bundle(), _bundle()
    shared["id"], shared["entry"] = "shared", shared["entry"][:2]
    household["entry"] = household["entry"][2:]
    assert _errors(_check(tmp_path / "both", shared, household)) == []
    errors = _errors(_check(tmp_path / "alone", household))
    assert (
        "references: entry 2 Coverage payor[0]: Organization/org-1 does not resolve in this Bundle"
        in errors
    )


def test_urn_references_do_not_resolve_across_bundles(tmp_path: Path) -> None:
    """A urn:uuid reference must match a fullUrl of its own Bundle, not of a sibling Bundle."""
    first, second = _bundle(), _bundle()
    second["id"] = "household-2"
    second["entry"] = [e for e in second["entry"] if e["resource"]["resourceType"] != "Patient"]
    errors = _errors(_check(tmp_path, first, second))
    assert any(
        "Coverage subscriber: urn:uuid:" in e and "matches no fullUrl in this Bundle" in e
        for e in errors
    )


def test_shared_resources_in_several_bundles_must_agree(tmp_path: Path) -> None:
    """A PUT resource repeated across Bundles must be identical; a POSTed one must not repeat."""
    first, second = _bundle(), _bundle()
    second["id"] = "household-2"
    assert _errors(_check(tmp_path / "same", first, second)) == []
    second["entry"][0]["resource"]["name"] = "Another Name"
    errors = _errors(_check(tmp_path / "differs", first, second))
    assert errors == [
        "unique-ids: entry 0 Organization/org-1: differs from Organization/org-1 in bundle-0.json "
        "entry 0 (same id, different content)"
    ]
    second = _bundle() | {"id": "household-2"}
    for bundle in (first, second):
        bundle["entry"][2]["resource"]["id"] = "pat-1"
    errors = _errors(_check(tmp_path / "post", first, second))
    assert errors == [
        "unique-ids: entry 2 Patient/pat-1: is also in bundle-0.json entry 2: POSTing it twice "
        "creates it twice"
    ]
