"""FHIR validator on JSON and NDJSON.

The hand-made fixtures are clean, and each mutated copy breaks exactly one rule and gets the
specific error from the specific check.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clinical_data_generator.validation import FileReport, validate_paths
from clinical_data_generator.validation import _fhir_models as fm
from clinical_data_generator.validation.fhir import check_fhir_files
from tests.validation.fhir_support import found_error

FIXTURES = Path(__file__).parent / "fhir_fixtures"
Resources = dict[str, list[dict[str, Any]]]


def _bulk() -> Resources:
    """The Bulk export fixture: NDJSON file name -> its resources."""
    return {
        path.name: [json.loads(line) for line in path.read_text().splitlines()]
        for path in sorted((FIXTURES / "bulk").glob("*.ndjson"))
    }


def _write_bulk(folder: Path, files: Resources) -> list[tuple[Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, resources in files.items():
        path = folder / name
        path.write_text("".join(json.dumps(r) + "\n" for r in resources))
        written.append((path, "fhir-ndjson"))
    return written


def _errors(reports: list[FileReport]) -> list[str]:
    return [f"{Path(r.path).name}: {e}" for r in reports for e in r.errors]


def _first(files: Resources, name: str) -> dict[str, Any]:
    return files[name][0]


def test_fixtures_are_clean_and_say_which_models_validated_them() -> None:
    """The Bulk, transaction and XML fixtures validate with zero errors and carry the R4B note."""
    reports = validate_paths([FIXTURES])
    assert len(reports) == 11
    assert _errors(reports) == []
    for report in reports:
        assert "fhir.resources" in report.checks
        assert "references" in report.checks
        assert any("fhir.resources R4B models" in note for note in report.notes)


# Each mutation breaks one rule: (id, file to change, change, expected error text).
Mutation = Callable[[Resources], None]


def _set(name: str, path: list[Any], value: Any) -> Mutation:
    def change(files: Resources) -> None:
        target: Any = _first(files, name)
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(name: str, path: list[Any]) -> Mutation:
    def change(files: Resources) -> None:
        target: Any = _first(files, name)
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _patient_race_text_removed(files: Resources) -> None:
    race = _first(files, "Patient.ndjson")["extension"][0]
    race["extension"] = race["extension"][:1]


def _duplicate_patient_id(files: Resources) -> None:
    files["Patient.ndjson"][1]["id"] = "pat-1"


def _organization_file_removed(files: Resources) -> None:
    del files["Organization.ndjson"]


def _wrong_type_in_file(files: Resources) -> None:
    files["Patient.ndjson"].append(
        copy.deepcopy(_first(files, "Organization.ndjson")) | {"id": "o2"}
    )


UCUM = "http://unitsofmeasure.org"
MUTATIONS: list[tuple[str, Mutation, str]] = [
    (
        "model-date",
        _set("Patient.ndjson", ["birthDate"], "1980-13-45"),
        "line 1 Patient/pat-1 birthDate: Date value string does not match spec regex. [fhir.resources]",
    ),
    (
        "model-extra",
        _set("Patient.ndjson", ["favouriteColour"], "blue"),
        "favouriteColour: Extra inputs are not permitted [fhir.resources]",
    ),
    (
        "model-required",
        _delete("Observation.ndjson", ["status"]),
        "Observation/obs-1 status: Value for the field 'status' is required. [fhir.resources]",
    ),
    (
        "model-choice",
        _set("Observation.ndjson", ["valueString"], "high"),
        "but got multiple! [fhir.resources]",
    ),
    (
        "ref-dangling",
        _set("Encounter.ndjson", ["subject", "reference"], "Patient/nope"),
        "Encounter/enc-1 subject: Patient/nope does not resolve in this Bulk export",
    ),
    (
        "ref-missing-file",
        _organization_file_removed,
        "Coverage/cov-1 payor[0]: Organization/org-1 does not resolve",
    ),
    (
        "ref-urn",
        _set(
            "Condition.ndjson",
            ["subject", "reference"],
            "urn:uuid:6f1c2a4e-0b7d-4c3e-9a51-000000000001",
        ),
        "matches no fullUrl in this Bulk export",
    ),
    (
        "ref-unknown-type",
        _set("Condition.ndjson", ["subject", "reference"], "Patinet/pat-1"),
        "Patinet is not a FHIR resource type",
    ),
    (
        "ref-target-type",
        _set("Encounter.ndjson", ["subject", "reference"], "Organization/org-1"),
        "Organization/org-1 is of type Organization; this element refers to Group | Patient [references]",
    ),
    (
        "ref-declared-type",
        _set("Coverage.ndjson", ["payor", 0, "type"], "Patient"),
        "Reference.type is Patient but Organization/org-1 is of type Organization",
    ),
    (
        "ref-conditional",
        _set("Condition.ndjson", ["subject", "reference"], "Patient?identifier=M0002"),
        "conditional reference",
    ),
    (
        "ids-duplicate",
        _duplicate_patient_id,
        "line 2 Patient/pat-1: id Patient/pat-1 is used twice in this Bulk export (first in Patient.ndjson line 1) [unique-ids]",
    ),
    (
        "empty-null",
        _set("Patient.ndjson", ["gender"], None),
        "Patient/pat-1 gender: null value (FHIR JSON omits absent elements) [no-empty-values]",
    ),
    (
        "empty-string",
        _set("Patient.ndjson", ["name", 0, "family"], ""),
        "name[0].family: empty string (FHIR forbids empty values) [no-empty-values]",
    ),
    (
        "empty-array",
        _set("Patient.ndjson", ["telecom"], []),
        "telecom: empty array (FHIR forbids empty elements) [no-empty-values]",
    ),
    (
        "empty-object",
        _set("Coverage.ndjson", ["period"], {}),
        "period: empty object (FHIR forbids empty elements) [no-empty-values]",
    ),
    (
        "null-in-array",
        _set("Patient.ndjson", ["name", 0, "given"], ["Jane", None]),
        "name[0].given[1]: null in an array [no-empty-values]",
    ),
    (
        "system-oid",
        _set("Condition.ndjson", ["code", "coding", 0, "system"], "urn:oid:2.16.840.1.113883.6.90"),
        "use http://hl7.org/fhir/sid/icd-10-cm instead of the OID urn:oid:2.16.840.1.113883.6.90 [code-systems]",
    ),
    (
        "system-https",
        _set("Observation.ndjson", ["code", "coding", 0, "system"], "https://loinc.org"),
        "code.coding[0].system: use http://loinc.org instead of https://loinc.org [code-systems]",
    ),
    (
        "system-cvx",
        _set(
            "Immunization.ndjson",
            ["vaccineCode", "coding", 0, "system"],
            "urn:oid:2.16.840.1.113883.12.292",
        ),
        "use http://hl7.org/fhir/sid/cvx instead of the OID",
    ),
    (
        "system-stu3",
        _set(
            "Condition.ndjson",
            ["clinicalStatus", "coding", 0, "system"],
            "http://hl7.org/fhir/condition-clinical",
        ),
        "use http://terminology.hl7.org/CodeSystem/condition-clinical (R4)",
    ),
    (
        "system-ucum",
        _set(
            "Observation.ndjson",
            ["referenceRange", 0, "low", "system"],
            "http://unitsofmeasure.org/",
        ),
        "referenceRange[0].low.system: use http://unitsofmeasure.org instead of",
    ),
    (
        "system-relative",
        _set("Condition.ndjson", ["code", "coding", 0, "system"], "ICD10"),
        "'ICD10' is not an absolute URI",
    ),
    (
        "code-icd-dot",
        _set("Condition.ndjson", ["code", "coding", 0, "code"], "J4520"),
        "ICD-10-CM code 'J4520' needs its dot: J45.20 [code-systems]",
    ),
    (
        "code-loinc",
        _set("Observation.ndjson", ["code", "coding", 0, "code"], "4548-3"),
        "'4548-3' is not a LOINC code",
    ),
    (
        "code-cvx",
        _set("Immunization.ndjson", ["vaccineCode", "coding", 0, "code"], "FLU"),
        "'FLU' is not a CVX code",
    ),
    (
        "code-npi",
        _set("Practitioner.ndjson", ["identifier", 0, "value"], "1234567890"),
        "identifier[0].value: '1234567890' is not a valid NPI",
    ),
    (
        "encounter-class",
        _set("Encounter.ndjson", ["class", "system"], "http://hl7.org/fhir/v3/ActCode"),
        "use http://terminology.hl7.org/CodeSystem/v3-ActCode (R4) instead of the STU3 URI",
    ),
    (
        "encounter-class-code",
        _set("Encounter.ndjson", ["class", "code"], "OFFICE"),
        "'OFFICE' is not a v3 ActEncounterCode",
    ),
    (
        "binding",
        _set("Patient.ndjson", ["gender"], "femme"),
        "gender: code 'femme' is not in the required value set (female | male | other | unknown) [code-bindings]",
    ),
    (
        "period",
        _set("Coverage.ndjson", ["period", "start"], "2025-01-01"),
        "Coverage/cov-1 period: per-1: start 2025-01-01 is after end 2024-12-31 [period]",
    ),
    (
        "period-datetime",
        _set("Encounter.ndjson", ["period", "end"], "2024-03-01T13:59:00Z"),
        "per-1: start 2024-03-01T09:00:00-05:00 is after end",
    ),
    (
        "reference-range",
        _set("Observation.ndjson", ["referenceRange", 0, "low", "value"], 7),
        "referenceRange[0]: reference range low 7 is above high 5.6 [range]",
    ),
    (
        "obs-3",
        _set("Observation.ndjson", ["referenceRange"], [{"type": {"text": "normal"}}]),
        "obs-3",
    ),
    ("obs-6", _set("Observation.ndjson", ["dataAbsentReason"], {"text": "lost"}), "obs-6"),
    (
        "qty-3",
        _delete("Observation.ndjson", ["valueQuantity", "system"]),
        "valueQuantity: qty-3: a unit code needs a system [invariants]",
    ),
    (
        "ext-1",
        _set("Patient.ndjson", ["extension", 0, "valueString"], "White"),
        "extension[0]: ext-1",
    ),
    (
        "us-core-race-code",
        _set("Patient.ndjson", ["extension", 0, "extension", 0, "valueCoding", "code"], "9999-9"),
        "us-core-race ombCategory code '9999-9' is not one of",
    ),
    (
        "us-core-race-system",
        _set(
            "Patient.ndjson",
            ["extension", 0, "extension", 0, "valueCoding", "system"],
            "http://terminology.hl7.org/CodeSystem/CDCREC",
        ),
        "us-core-race ombCategory system must be urn:oid:2.16.840.1.113883.6.238",
    ),
    (
        "us-core-race-text",
        _patient_race_text_removed,
        "us-core-race needs exactly one text sub-extension with valueString [us-core]",
    ),
    (
        "us-core-birthsex",
        _set("Patient.ndjson", ["extension", 2, "valueCode"], "female"),
        "us-core-birthsex valueCode 'female' is not M, F, UNK or ASKU",
    ),
    (
        "us-core-required",
        _delete("Patient.ndjson", ["identifier"]),
        "Patient/pat-1 identifier: us-core-patient requires identifier [us-core]",
    ),
    (
        "us-core-ucum-code",
        _delete("Observation.ndjson", ["valueQuantity", "code"]),
        "valueQuantity: valueQuantity needs a UCUM code [us-core]",
    ),
    (
        "us-core-ucum-system",
        _set("Observation.ndjson", ["valueQuantity", "system"], "http://example.org/units"),
        f"valueQuantity system must be {UCUM}",
    ),
    (
        "us-core-cvx",
        _set(
            "Immunization.ndjson",
            ["vaccineCode", "coding", 0, "system"],
            "http://hl7.org/fhir/sid/ndc",
        ),
        "vaccineCode: needs a CVX coding",
    ),
    (
        "us-core-lab-category",
        _set("Observation.ndjson", ["category", 0, "coding", 0, "code"], "exam"),
        "needs the category http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
    ),
    (
        "ndjson-type",
        _wrong_type_in_file,
        "line 3 Organization/o2: resource of type Organization in Patient.ndjson [ndjson]",
    ),
    ("ndjson-id", _delete("Practitioner.ndjson", ["id"]), "line 1 Practitioner: no id [ndjson]"),
    (
        "unknown-type",
        _set("Patient.ndjson", ["resourceType"], "Patinet"),
        "unknown or missing resourceType 'Patinet'",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_one_broken_rule_gives_its_specific_error(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    """A Bulk export with one rule broken fails with that rule's message and check name."""
    files = _bulk()
    mutate(files)
    errors = _errors(check_fhir_files(_write_bulk(tmp_path, files)))
    assert found_error(errors, expected), "\n".join(errors)


def test_errors_name_the_file_and_line(tmp_path: Path) -> None:
    """A dangling reference is reported once, on the referring resource's file and line."""
    files = _bulk()
    files["Condition.ndjson"].append(copy.deepcopy(files["Condition.ndjson"][0]) | {"id": "cond-2"})
    files["Condition.ndjson"][1]["encounter"] = {"reference": "Encounter/enc-9"}
    errors = _errors(check_fhir_files(_write_bulk(tmp_path, files)))
    assert errors == [
        "Condition.ndjson: references: line 2 Condition/cond-2 encounter: Encounter/enc-9 does not "
        "resolve in this Bulk export"
    ]


def test_bad_lines_are_reported_and_the_rest_still_checked(tmp_path: Path) -> None:
    """A blank line, a non-JSON line and a JSON line that is no resource each get an error."""
    files = _write_bulk(tmp_path, _bulk())
    patient = tmp_path / "Patient.ndjson"
    patient.write_text(patient.read_text() + "\n{not json\n[1, 2]\n")
    errors = _errors(check_fhir_files(files))
    assert (
        errors[0] == "Patient.ndjson: ndjson: line 3: blank line (NDJSON has one resource per line)"
    )
    assert errors[1].startswith("Patient.ndjson: json: line 4: not JSON:")
    assert errors[2] == "Patient.ndjson: json: line 5: not a FHIR resource (no resourceType)"
    assert len(errors) == 3


def test_primitive_array_placeholders_are_allowed(tmp_path: Path) -> None:
    """A null in a primitive array lined up with an ``_given`` extension is not an empty value."""
    files = _bulk()
    name = files["Patient.ndjson"][0]["name"][0]
    name["given"] = ["Jane", None]
    name["_given"] = [None, {"extension": [{"url": "http://example.org/why", "valueString": "x"}]}]
    assert _errors(check_fhir_files(_write_bulk(tmp_path, files))) == []


def test_contained_resources_and_local_references(tmp_path: Path) -> None:
    """``#id`` resolves to a contained resource; an unknown ``#id`` and an orphan are errors."""
    files = _bulk()
    obs = files["Observation.ndjson"][0]
    obs["contained"] = [{"resourceType": "Practitioner", "id": "tech", "name": [{"family": "Lee"}]}]
    obs["performer"] = [{"reference": "#tech"}]
    assert _errors(check_fhir_files(_write_bulk(tmp_path / "ok", files))) == []
    obs["performer"] = [{"reference": "#nobody"}]
    errors = _errors(check_fhir_files(_write_bulk(tmp_path / "bad", files)))
    assert any(
        "performer[0]: local reference #nobody has no contained resource" in e for e in errors
    )
    assert any("dom-3: contained resource #tech is not referenced" in e for e in errors)


def test_unknown_contained_resource_type_is_reported_not_raised(tmp_path: Path) -> None:
    """fhir.resources raises KeyError on an unknown contained type; we report it as an error."""
    files = _bulk()
    files["Observation.ndjson"][0]["contained"] = [{"resourceType": "Nope", "id": "x"}]
    errors = _errors(check_fhir_files(_write_bulk(tmp_path, files)))
    assert any("contained[0]: unknown resourceType 'Nope'" in e for e in errors)
    assert any("fhir.resources could not validate it" in e for e in errors)


def test_single_resource_files_resolve_across_the_folder(tmp_path: Path) -> None:
    """Single-resource JSON files of one folder resolve each other's references and share ids."""
    files = _bulk()
    paths = []
    for resources in files.values():
        for resource in resources:
            path = tmp_path / f"{resource['resourceType']}-{resource['id']}.json"
            path.write_text(json.dumps(resource, indent=2))
            paths.append((path, "fhir-json"))
    assert _errors(check_fhir_files(paths)) == []
    (tmp_path / "Organization-org-1.json").unlink()
    paths = [p for p in paths if p[0].exists()]
    errors = _errors(check_fhir_files(paths))
    assert (
        "Coverage-cov-1.json: references: Coverage/cov-1 payor[0]: Organization/org-1 does not "
        "resolve in this folder" in errors
    )


def test_repeated_elements_are_validated_once_but_errors_stay_per_resource(tmp_path: Path) -> None:
    """The element cache reuses valid elements; a broken element in two resources fails both."""
    files = _bulk()
    for patient in files["Patient.ndjson"]:
        patient["identifier"][0]["period"] = {"start": "2024-13-01"}
    errors = _errors(check_fhir_files(_write_bulk(tmp_path, files)))
    message = "identifier[0].period.start: DateTime value string does not match spec regex."
    assert errors == [
        f"Patient.ndjson: fhir.resources: line 1 Patient/pat-1 {message}",
        f"Patient.ndjson: fhir.resources: line 2 Patient/pat-2 {message}",
    ]
    cache = fm.ElementCache()
    for patient in files["Patient.ndjson"]:
        plain = fm.validation_errors(patient, fm.model_class("Patient"))
        assert fm.validation_errors(patient, fm.model_class("Patient"), cache) == plain
    assert cache.instances, "valid elements (e.g. the race extension) were cached"
