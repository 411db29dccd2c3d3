"""fhir-xml: the NDJSON resources as FHIR XML (value attributes, url attributes, spec order)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clinical_data_generator.serializers.fhir._xml import resource_xml

from .support import read_ndjson

NS = "{http://hl7.org/fhir}"


def _json_events(name: str, value: Any, out: list[tuple[Any, ...]]) -> None:
    """The element events the FHIR XML rules give a JSON value (url of extensions an attribute)."""
    if isinstance(value, list):
        for item in value:
            _json_events(name, item, out)
    elif isinstance(value, dict):
        if "resourceType" in value:
            out.append(("start", name, None))
            _resource_events(value, out)
            out.append(("end", name))
            return
        url = value.get("url") if name in ("extension", "modifierExtension") else None
        out.append(("start", name, url))
        for key, child in value.items():
            if not (url is not None and key == "url"):
                _json_events(key, child, out)
        out.append(("end", name))
    else:
        out.append(("value", name, value))


def _same(got: tuple[Any, ...], want: tuple[Any, ...]) -> bool:
    """One XML event equals one JSON event; numbers by value (XML keeps "12.50", orjson 12.5)."""
    if got[:2] != want[:2] or len(got) != len(want):
        return False
    if got[0] != "value":
        return got == want
    text, value = got[2], want[2]
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, (int, float)):
        return Decimal(text) == Decimal(str(value))
    return bool(text == value)


def _resource_events(resource: dict[str, Any], out: list[tuple[Any, ...]]) -> None:
    out.append(("start", resource["resourceType"], None))
    for key, value in resource.items():
        if key != "resourceType":
            _json_events(key, value, out)
    out.append(("end", resource["resourceType"]))


def _xml_events(element: ET.Element, out: list[tuple[Any, ...]]) -> None:
    tag = element.tag.removeprefix(NS)
    assert element.tag.startswith(NS), element.tag
    if "value" in element.attrib:
        assert len(element) == 0
        out.append(("value", tag, element.attrib["value"]))
        return
    out.append(("start", tag, element.attrib.get("url")))
    for child in element:
        _xml_events(child, out)
    out.append(("end", tag))


@pytest.fixture(scope="module")
def xml_files(exported: Path) -> dict[str, ET.Element]:
    return {p.stem: ET.parse(p).getroot() for p in sorted((exported / "fhir-xml").glob("*.xml"))}


def test_one_collection_bundle_per_type(xml_files: dict[str, ET.Element], exported: Path) -> None:
    """Each <Type>.xml is a well-formed collection Bundle in the FHIR namespace with that type only."""
    ndjson = read_ndjson(exported / "fhir-ndjson")
    assert set(xml_files) == set(ndjson)
    for kind, root in xml_files.items():
        assert root.tag == f"{NS}Bundle"
        assert root.find(f"{NS}type").attrib["value"] == "collection"
        kinds = {r[0].tag for r in root.iter(f"{NS}resource")}
        assert kinds == {f"{NS}{kind}"}


def test_xml_matches_json_element_by_element(
    xml_files: dict[str, ET.Element], exported: Path
) -> None:
    """Every XML resource has exactly the NDJSON resource's elements, values and order."""
    ndjson = read_ndjson(exported / "fhir-ndjson")
    for kind, root in xml_files.items():
        entries = root.findall(f"{NS}entry")
        assert len(entries) == len(ndjson[kind])
        for entry, resource in zip(entries, ndjson[kind], strict=True):
            assert entry.find(f"{NS}fullUrl").attrib["value"] == f"urn:uuid:{resource['id']}"
            got: list[tuple[Any, ...]] = []
            _xml_events(entry.find(f"{NS}resource")[0], got)
            want: list[tuple[Any, ...]] = []
            _resource_events(resource, want)
            assert len(got) == len(want), f"{kind}/{resource['id']}"
            bad = [(g, w) for g, w in zip(got, want, strict=True) if not _same(g, w)]
            assert bad == [], f"{kind}/{resource['id']}"


def test_special_characters_are_escaped() -> None:
    """Quotes, ampersands, angle brackets and newlines survive the trip through XML attributes."""
    text = 'O\'Brien & "Sons" <Clinic>\nline'
    root = ET.fromstring(resource_xml({"resourceType": "Organization", "id": "x", "name": text}))
    assert root.find(f"{NS}name").attrib["value"] == text
