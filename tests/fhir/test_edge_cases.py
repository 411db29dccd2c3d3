"""Hand-made edge cases: ids, time zones, abatement after as_of, uncovered claims, sparse members."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pyarrow as pa
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.serializers.fhir import NAMESPACE, resource_id
from clinical_data_generator.serializers.fhir._build import build_block, build_reference
from clinical_data_generator.serializers.fhir._context import Context
from clinical_data_generator.serializers.fhir._time import local_datetime


def test_ids_are_uuid5_of_seed_type_and_key() -> None:
    """Resource ids are RFC 4122 uuid5 of 'seed/Type/key' in the package namespace."""
    assert resource_id(7, "Patient", "M1") == str(uuid.uuid5(NAMESPACE, "7/Patient/M1"))
    assert uuid.UUID(resource_id(7, "Patient", "M1")).version == 5
    assert resource_id(7, "Patient", "M1") != resource_id(8, "Patient", "M1")
    assert resource_id(7, "Patient", "M1") != resource_id(7, "RelatedPerson", "M1")


@pytest.mark.parametrize(
    ("local", "state", "expected"),
    [
        ("2025-03-09 01:59:00", "NY", "2025-03-09T01:59:00-05:00"),  # before the spring switch
        ("2025-03-09 03:00:00", "NY", "2025-03-09T03:00:00-04:00"),  # after it
        ("2025-11-02 01:00:00", "CA", "2025-11-02T01:00:00-07:00"),  # still daylight time
        ("2025-11-02 02:00:00", "CA", "2025-11-02T02:00:00-08:00"),  # back to standard
        ("2025-07-01 12:00:00", "AZ", "2025-07-01T12:00:00-07:00"),  # no DST in Arizona
        ("2025-07-01 12:00:00", "HI", "2025-07-01T12:00:00-10:00"),
        ("2025-07-01 12:00:00", None, "2025-07-01T12:00:00Z"),  # unknown place
    ],
)
def test_local_times_get_the_state_offset(local: str, state: str | None, expected: str) -> None:
    """Lab clock times get the member's state UTC offset, daylight saving time included."""
    assert local_datetime(local, state) == expected


def _resources(
    tables: dict[str, pa.Table], *, as_of: str = "2026-01-01"
) -> dict[str, list[dict[str, Any]]]:
    ds = cdg.generate(members=12, seed=21)
    reference = {n: ds.tables[n] for n in ("payers", "plans", "sponsors", "providers")}
    ctx = Context(seed=21, as_of=as_of, reference=reference)
    sets = build_reference(reference, ctx) + build_block(tables, ctx)
    return {s.resource_type: s.resources for s in sets}


@pytest.fixture(scope="module")
def ds() -> cdg.Dataset:
    return cdg.generate(members=12, seed=21)


def test_abatement_after_as_of_is_not_written(ds: cdg.Dataset) -> None:
    """An acute problem resolving after as_of stays active without abatement (invariant con-4)."""
    conditions = ds.tables["conditions"].slice(0, 2)
    rows = conditions.to_pylist()
    rows[0] |= {"abatement_date": dt.date(2025, 6, 1), "encounter_id": None}
    rows[1] |= {"abatement_date": dt.date(2026, 6, 1), "encounter_id": None}
    table = pa.Table.from_pylist(rows, schema=conditions.schema)
    got = _resources({"conditions": table}, as_of="2026-01-01")["Condition"]
    assert got[0]["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert got[0]["abatementDateTime"] == "2025-06-01"
    assert got[1]["clinicalStatus"]["coding"][0]["code"] == "active"
    assert "abatementDateTime" not in got[1]


def test_uncovered_claim_references_the_members_last_span(ds: cdg.Dataset) -> None:
    """A claim without coverage_id still names a Coverage (required): the latest span with its payer."""
    claims = ds.tables["claims"].slice(0, 1)
    row = claims.to_pylist()[0] | {"coverage_id": None}
    tables = dict(ds.tables) | {"claims": pa.Table.from_pylist([row], schema=claims.schema)}
    claim = _resources(tables)["Claim"][0]
    spans = [c for c in ds.tables["coverages"].to_pylist()
             if c["member_id"] == row["member_id"] and c["payer_id"] == row["payer_id"]]  # fmt: skip
    expected = resource_id(21, "Coverage", spans[-1]["coverage_id"])
    assert claim["insurance"][0]["coverage"]["reference"] == f"Coverage/{expected}"


def test_sparse_member_has_no_empty_elements(ds: cdg.Dataset) -> None:
    """A member without phones, e-mail, SSN, middle initial or second address line gets no empty elements."""
    members = ds.tables["members"].slice(0, 1)
    row = members.to_pylist()[0] | {"mobile_phone": None, "home_phone": None, "email": None,
                                    "ssn": None, "middle_initial": None, "address_line2": None,
                                    "mbi": None}  # fmt: skip
    patient = _resources({"members": pa.Table.from_pylist([row], schema=members.schema)})[
        "Patient"
    ][0]
    assert "telecom" not in patient
    assert patient["name"][0]["given"] == [row["first_name"]]
    assert patient["address"][0]["line"] == [row["address_line1"]]
    assert {i["system"].rsplit("/", 1)[-1] for i in patient["identifier"]} == {
        "member-id",
        "member-number",
        "mrn",  # every member has a medical record number
    }


def test_other_race_is_detailed_not_omb(ds: cdg.Dataset) -> None:
    """'Other Race' (2131-1) is not an OMB category: it goes to the detailed slice, with the text."""
    members = ds.tables["members"].slice(0, 1)
    row = members.to_pylist()[0] | {"race_code": "2131-1", "second_race_code": "2028-9"}
    patient = _resources({"members": pa.Table.from_pylist([row], schema=members.schema)})[
        "Patient"
    ][0]
    race = patient["extension"][0]["extension"]
    assert [(e["url"], e.get("valueCoding", {}).get("code")) for e in race] == [
        ("ombCategory", "2028-9"), ("detailed", "2131-1"), ("text", None)]  # fmt: skip
    assert race[-1]["valueString"] == "Other Race, Asian"


def test_missing_tables_are_skipped(ds: cdg.Dataset) -> None:
    """Only the resource types whose tables exist are built (claims and labs are optional)."""
    got = _resources({"members": ds.tables["members"], "coverages": ds.tables["coverages"]})
    assert {"Patient", "Coverage", "Organization", "Location"} <= set(got)
    assert set(got) <= {"Organization", "Practitioner", "PractitionerRole", "Location", "Patient",
                        "RelatedPerson", "Coverage"}  # fmt: skip
