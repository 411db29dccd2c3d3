"""FHIR XML: conversion to the JSON form follows the FHIR XML rules, and XML faults are reported."""

from __future__ import annotations

import decimal
from pathlib import Path

import pytest

from clinical_data_generator.validation import FileReport
from clinical_data_generator.validation._fhir_xml import xml_to_json
from clinical_data_generator.validation.fhir import check_fhir_files
from tests.validation.fhir_support import found_error

XML = Path(__file__).parent / "fhir_fixtures" / "xml"
PATIENT = (XML / "Patient-pat-9.xml").read_text()
BUNDLE = (XML / "Bundle-collection.xml").read_text()


def _check(tmp_path: Path, **files: str) -> list[FileReport]:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.xml"
        path.write_text(text)
        paths.append((path, "fhir-xml"))
    return check_fhir_files(paths)


def _errors(reports: list[FileReport]) -> list[str]:
    return [e for r in reports for e in r.errors]


def test_patient_converts_by_the_fhir_xml_rules() -> None:
    """Value attributes, model arrays, JSON booleans and numbers, _element extensions, div text."""
    resource, problems = xml_to_json(PATIENT.encode())
    assert problems == []
    assert resource is not None
    assert resource["resourceType"] == "Patient"
    assert resource["name"] == [{"family": "Lopez", "given": ["Maria"]}]  # repeats in the model
    assert resource["identifier"][0]["value"] == "M0009"
    assert resource["active"] is True
    assert resource["multipleBirthInteger"] == 1
    assert resource["birthDate"] == "1975-06-15"
    assert resource["_birthDate"]["extension"][0]["valueDateTime"] == "1975-06-15T04:20:00-05:00"
    assert resource["extension"][2] == {
        "url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex",
        "valueCode": "F",
    }
    assert resource["text"]["div"] == (
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>Maria <b>Lopez</b>, born 1975-06-15</p></div>'
    )


def test_bundle_converts_wrapped_resources_and_decimals() -> None:
    """Entry and contained resources are unwrapped; decimals keep their digits."""
    resource, problems = xml_to_json(BUNDLE.encode())
    assert problems == []
    assert resource is not None
    observation = resource["entry"][1]["resource"]
    assert observation["contained"][0]["resourceType"] == "Practitioner"
    assert observation["valueQuantity"]["value"] == decimal.Decimal("98.50")
    assert observation["performer"] == [{"reference": "#perf"}]


def test_xml_fixtures_are_clean_together(tmp_path: Path) -> None:
    """The XML Patient and Bundle validate clean; their references resolve across the folder."""
    reports = _check(tmp_path, patient=PATIENT, bundle=BUNDLE)
    assert _errors(reports) == []
    assert all("xml" in r.checks and "fhir.resources" in r.checks for r in reports)


def test_primitive_list_with_extension_only_item(tmp_path: Path) -> None:
    """A repeated primitive whose second item has only an extension lines up with null."""
    text = PATIENT.replace(
        '<given value="Maria"/>',
        '<given value="Maria"/><given><extension url="http://example.org/x">'
        '<valueString value="unknown"/></extension></given>',
    )
    resource, problems = xml_to_json(text.encode())
    assert problems == []
    assert resource is not None
    assert resource["name"][0]["given"] == ["Maria", None]
    assert resource["name"][0]["_given"][0] is None
    assert _errors(_check(tmp_path, patient=text, bundle=BUNDLE)) == []


BROKEN = [
    (
        "order",
        PATIENT.replace('<gender value="female"/>', "").replace(
            "<active", '<gender value="female"/><active'
        ),
        "active: <active> comes after <gender>: FHIR XML follows the specification order [xml]",
    ),
    (
        "boolean",
        PATIENT.replace('<active value="true"/>', '<active value="yes"/>'),
        "active: boolean value 'yes' is not true or false [xml]",
    ),
    (
        "integer",
        PATIENT.replace('<multipleBirthInteger value="1"/>', '<multipleBirthInteger value="one"/>'),
        "multipleBirthInteger: integer value 'one' is not an integer [xml]",
    ),
    (
        "namespace",
        PATIENT.replace('xmlns="http://hl7.org/fhir"', 'xmlns="http://hl7.org/fhir/r4"'),
        "<Patient> is not in the FHIR namespace http://hl7.org/fhir [xml]",
    ),
    (
        "doctype",
        PATIENT.replace("<Patient", '<!DOCTYPE Patient [<!ENTITY x "y">]>\n<Patient', 1),
        "FHIR XML cannot have a DOCTYPE [xml]",
    ),
    ("well-formed", PATIENT.replace("</Patient>", ""), "not well-formed XML"),
    (
        "text",
        PATIENT.replace('<gender value="female"/>', '<gender value="female"/>female'),
        "text outside a value attribute [xml]",
    ),
    (
        "empty-value",
        PATIENT.replace('<family value="Lopez"/>', '<family value=""/>'),
        "name[0].family: empty string (FHIR forbids empty values) [no-empty-values]",
    ),
    (
        "no-value",
        PATIENT.replace('<family value="Lopez"/>', "<family/>"),
        "name.family: <family> has neither a value nor extensions [xml]",
    ),
    (
        "unknown-element",
        PATIENT.replace('<gender value="female"/>', '<gender value="female"/><sex value="F"/>'),
        "Patient/pat-9 sex: Extra inputs are not permitted [fhir.resources]",
    ),
    (
        "model-error",
        PATIENT.replace('value="1975-06-15"', 'value="15/06/1975"'),
        "Patient/pat-9 birthDate: Date value string does not match spec regex. [fhir.resources]",
    ),
    (
        "attribute",
        PATIENT.replace('<gender value="female"/>', '<gender value="female" lang="en"/>'),
        "gender: unexpected attribute 'lang' [xml]",
    ),
    (
        "reference",
        BUNDLE.replace('<reference value="Patient/pat-9"/>', '<reference value="Patient/pat-8"/>'),
        "entry 1 Observation/obs-9 subject: Patient/pat-8 does not resolve in this Bundle [references]",
    ),
    (
        "code-system",
        BUNDLE.replace(
            '<system value="http://loinc.org"/>', '<system value="urn:oid:2.16.840.1.113883.6.1"/>'
        ),
        "use http://loinc.org instead of the OID",
    ),
    (
        "range",
        BUNDLE.replace('<value value="70"/>', '<value value="170"/>'),
        "reference range low 170 is above high 99 [range]",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_one_broken_xml_rule_gives_its_specific_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    """An XML file with one fault fails with that fault's message."""
    is_bundle = text.lstrip().startswith("<?xml") and "<Bundle" in text
    files = (
        {"bundle": text, "patient": PATIENT} if is_bundle else {"patient": text, "bundle": BUNDLE}
    )
    errors = _errors(_check(tmp_path, **files))
    assert found_error(errors, expected), "\n".join(errors)
