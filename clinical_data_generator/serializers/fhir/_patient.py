"""Patient (every member) and RelatedPerson (a dependent's subscriber) from ``members``.

US Core Patient: race and ethnicity extensions (OMB categories + text; "Other Race" goes to
``detailed`` because it is not an OMB category), birth sex, identifiers with systems, language.
The MRN comes from the member's immunization rows (the only table that carries it).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from ..._internal import refdata
from . import _systems as uri
from ._context import Context
from ._values import Resource, ResourceSet, column, concept

__all__ = ["build_patients", "build_related_persons"]

_OMB_RACES = frozenset({"1002-5", "2028-9", "2054-5", "2076-8", "2106-3"})
_GENDER = {"F": "female", "M": "male"}
_PATIENT_META = {"profile": [uri.US_CORE + "us-core-patient"]}
_RELATED_META = {"profile": [uri.US_CORE + "us-core-relatedperson"]}
_MB = concept(uri.V2_0203, "MB", "Member Number")
_MR = concept(uri.V2_0203, "MR", "Medical record number")
_SS = concept(uri.V2_0203, "SS", "Social Security number")
_MC = concept(uri.V2_0203, "MC", "Patient's Medicare number")
# X12 INS02 of the dependent -> the subscriber's role towards them (v3 RoleCode).
_SUBSCRIBER_ROLE = {
    "01": ("SPS", "spouse"),
    "19": ("PRN", "parent"),
    "17": ("STPPRN", "step parent"),
}
_FAMILY_MEMBER = ("FAMMEMB", "family member")

_MEMBER_COLUMNS = (
    "member_id", "subscriber_member_id", "relationship_code", "member_number", "first_name",
    "middle_initial", "last_name", "sex", "birth_date", "race_code", "second_race_code",
    "ethnicity_code", "language", "address_line1", "address_line2", "city", "county", "state",
    "zip", "mobile_phone", "home_phone", "email", "ssn", "mbi",
)  # fmt: skip


@functools.cache
def _race_names() -> dict[str, str]:
    return {code: display for code, (_, display) in refdata.race_ethnicity_codes().items()}


@functools.cache
def _language_names() -> dict[str, str]:
    t = refdata.read_table("languages.csv")
    return dict(zip(t["code"].to_pylist(), t["display"].to_pylist(), strict=True))


@functools.cache
def _race_extension(first: str, second: str | None) -> Resource:
    """US Core race: OMB categories, other CDC codes as ``detailed``, and the required text."""
    names = _race_names()
    codes = [first] if not second else [first, second]
    parts: list[Resource] = []
    for code in codes:
        slot = "ombCategory" if code in _OMB_RACES else "detailed"
        parts.append({"url": slot, "valueCoding": {"system": uri.CDC_RACE, "code": code,
                                                   "display": names[code]}})  # fmt: skip
    # FHIR slices are unordered, but OMB categories first reads better and is stable.
    parts.sort(key=lambda p: p["url"] != "ombCategory")
    parts.append({"url": "text", "valueString": ", ".join(names[c] for c in codes)})
    return {"url": uri.US_CORE_RACE, "extension": parts}


@functools.cache
def _ethnicity_extension(code: str) -> Resource:
    name = _race_names()[code]
    return {
        "url": uri.US_CORE_ETHNICITY,
        "extension": [
            {"url": "ombCategory", "valueCoding": {"system": uri.CDC_RACE, "code": code,
                                                   "display": name}},
            {"url": "text", "valueString": name},
        ],
    }  # fmt: skip


@functools.cache
def _birthsex(sex: str) -> Resource:
    return {"url": uri.US_CORE_BIRTHSEX, "valueCode": sex}


@functools.cache
def _communication(code: str) -> list[Resource]:
    name = _language_names().get(code)
    language = concept(uri.BCP47, code, name, name)
    return [{"language": language, "preferred": True}]


def _telecom(mobile: str | None, home: str | None, email: str | None) -> list[Resource]:
    out = []
    if mobile:
        out.append({"system": "phone", "value": mobile, "use": "mobile"})
    if home:
        out.append({"system": "phone", "value": home, "use": "home"})
    if email:
        out.append({"system": "email", "value": email, "use": "home"})
    return out


def _name(first: str, middle: str | None, last: str) -> list[Resource]:
    return [{"use": "official", "family": last, "given": [first, middle] if middle else [first]}]


def _address(row: dict[str, Any]) -> list[Resource]:
    line2 = row["address_line2"]
    return [{
        "use": "home",
        "line": [row["address_line1"], line2] if line2 else [row["address_line1"]],
        "city": row["city"],
        "district": row["county"],
        "state": row["state"],
        "postalCode": row["zip"],
        "country": "US",
    }]  # fmt: skip


def _rows(members: pa.Table) -> list[dict[str, Any]]:
    cols = {name: column(members, name) for name in _MEMBER_COLUMNS}
    return [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def _mrns(tables: Mapping[str, pa.Table]) -> dict[str, str]:
    """Member -> medical record number (every member has one)."""
    t = tables["members"]
    return dict(zip(column(t, "member_id"), column(t, "mrn"), strict=True))


def _pcps(tables: Mapping[str, pa.Table]) -> dict[str, str]:
    """Member -> primary-care provider of their latest span that names one."""
    if "coverages" not in tables:
        return {}
    t = tables["coverages"]
    out: dict[str, str] = {}
    for member, pcp in zip(column(t, "member_id"), column(t, "pcp_provider_id"), strict=True):
        if pcp:
            out[member] = pcp
    return out


def build_patients(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One Patient per ``members`` row."""
    members = tables["members"]
    rows = _rows(members)
    mrn = _mrns(tables)
    pcp = _pcps(tables)
    ids = ctx.ids("Patient").many(r["member_id"] for r in rows)
    provider = ctx.provider_refs()
    out = []
    for rid, r in zip(ids, rows, strict=True):
        key = r["member_id"]
        idents: list[Resource] = [
            {"use": "usual", "type": _MB, "system": uri.MEMBER_ID, "value": key},
            {"use": "secondary", "type": _MB, "system": uri.MEMBER_NUMBER, "value": r["member_number"]},
        ]  # fmt: skip
        if key in mrn:
            idents.append({"type": _MR, "system": uri.MRN, "value": mrn[key]})
        if r["ssn"]:
            idents.append({"type": _SS, "system": uri.SSN, "value": r["ssn"].replace("-", "")})
        if r["mbi"]:
            idents.append({"type": _MC, "system": uri.MBI, "value": r["mbi"]})
        doc: Resource = {
            "resourceType": "Patient",
            "id": rid,
            "meta": _PATIENT_META,
            "extension": [
                _race_extension(r["race_code"], r["second_race_code"]),
                _ethnicity_extension(r["ethnicity_code"]),
                _birthsex(r["sex"]),
            ],
            "identifier": idents,
            "active": True,
            "name": _name(r["first_name"], r["middle_initial"], r["last_name"]),
        }
        telecom = _telecom(r["mobile_phone"], r["home_phone"], r["email"])
        if telecom:
            doc["telecom"] = telecom
        doc["gender"] = _GENDER[r["sex"]]
        doc["birthDate"] = r["birth_date"]
        doc["address"] = _address(r)
        doc["communication"] = _communication(r["language"])
        if key in pcp:
            doc["generalPractitioner"] = [provider(pcp[key])]
        out.append(doc)
    return ResourceSet("Patient", out, [r["member_id"] for r in rows])


def build_related_persons(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """For each dependent, their subscriber as a RelatedPerson (the Coverage.subscriber)."""
    rows = _rows(tables["members"])
    by_id = {r["member_id"]: r for r in rows}
    out = []
    members = []
    maker = ctx.ids("RelatedPerson")
    patient = ctx.refs("Patient")
    for r in rows:
        if r["relationship_code"] == "18":
            continue
        sub = by_id.get(r["subscriber_member_id"])
        if sub is None:  # the subscriber is always in the same block; a hand-built edge case
            continue
        code, display = _SUBSCRIBER_ROLE.get(r["relationship_code"], _FAMILY_MEMBER)
        doc: Resource = {
            "resourceType": "RelatedPerson",
            "id": maker.one(r["member_id"]),
            "meta": _RELATED_META,
            "identifier": [{"type": _MB, "system": uri.MEMBER_ID, "value": sub["member_id"]}],
            "active": True,
            "patient": patient(r["member_id"]),
            "relationship": [concept(uri.V3_ROLE_CODE, code, display)],
            "name": _name(sub["first_name"], sub["middle_initial"], sub["last_name"]),
        }
        telecom = _telecom(sub["mobile_phone"], sub["home_phone"], sub["email"])
        if telecom:
            doc["telecom"] = telecom
        doc["gender"] = _GENDER[sub["sex"]]
        doc["birthDate"] = sub["birth_date"]
        doc["address"] = _address(sub)
        out.append(doc)
        members.append(r["member_id"])
    return ResourceSet("RelatedPerson", out, members)
