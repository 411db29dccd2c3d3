"""Shared resources from the population-wide tables (Organization, Practitioner, Location...).

- payers -> Organization (type ``pay``), sponsors -> Organization (type ``bus``), provider
  organisations (type-2 NPI) -> Organization (type ``prov``) plus one Location each (their
  facility or practice site), vaccine manufacturers (MVX) -> Organization.
- practitioners (type-1 NPI) -> Practitioner, plus a PractitionerRole at their billing
  organisation when they have one.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from . import _systems as uri
from ._context import Context, manufacturer_codes, manufacturer_key
from ._values import Resource, ResourceSet, column, concept, identifier

__all__ = ["address", "build_directory"]

_US_CORE_ORGANIZATION = {"profile": [uri.US_CORE + "us-core-organization"]}
_US_CORE_PRACTITIONER = {"profile": [uri.US_CORE + "us-core-practitioner"]}
_US_CORE_ROLE = {"profile": [uri.US_CORE + "us-core-practitionerrole"]}
_US_CORE_LOCATION = {"profile": [uri.US_CORE + "us-core-location"]}
_TAX_ID = concept(uri.V2_0203, "TAX", "Tax ID number")
_NPI_TYPE = concept(uri.V2_0203, "NPI", "National provider identifier")
_HOSPITAL = concept(uri.V3_ROLE_CODE, "HOSP", "Hospital")
_GENDER = {"F": "female", "M": "male"}


def build_directory(reference: Mapping[str, pa.Table], ctx: Context) -> list[ResourceSet]:
    """Every shared resource, Organizations first (payers, sponsors, providers, manufacturers)."""
    organizations: list[Resource] = []
    if "payers" in reference:
        organizations += _payers(reference["payers"], ctx)
    if "sponsors" in reference:
        organizations += _sponsors(reference["sponsors"], ctx)
    out = [ResourceSet("Organization", organizations)]
    if "providers" in reference:
        providers = reference["providers"]
        orgs, locations, practitioners, roles = _providers(providers, ctx)
        out[0].extend(orgs)
        out += [practitioners, roles, locations]
    out[0].extend(_manufacturers(ctx))
    return [s for s in out if s.resources]


def address(
    line1: str, line2: str | None, city: str, state: str, postal: str, use: str
) -> Resource:
    """A US Address (line, city, state, postalCode, country in FHIR element order)."""
    return {
        "use": use,
        "line": [line1, line2] if line2 else [line1],
        "city": city,
        "state": state,
        "postalCode": postal,
        "country": "US",
    }


def _payers(t: pa.Table, ctx: Context) -> list[Resource]:
    ids = column(t, "payer_id")
    rid = ctx.ids("Organization").many(ids)
    rows = zip(ids, rid, *(column(t, c) for c in ("name", "payer_code", "tax_id", "address_line1",
               "city", "state", "zip", "phone", "website")), strict=True)  # fmt: skip
    out = [
        {
            "resourceType": "Organization",
            "id": r,
            "meta": _US_CORE_ORGANIZATION,
            "identifier": [
                identifier(uri.PAYER_ID, key),
                identifier(uri.PAYER_CODE, code),
                {"type": _TAX_ID, "system": uri.EIN, "value": tin},
            ],
            "active": True,
            "type": [concept(uri.ORGANIZATION_TYPE, "pay", "Payer")],
            "name": name,
            "telecom": [
                {"system": "phone", "value": phone, "use": "work"},
                {"system": "url", "value": web, "use": "work"},
            ],
            "address": [address(line, None, city, state, zip_, "work")],
        }
        for key, r, name, code, tin, line, city, state, zip_, phone, web in rows
    ]
    return out


def _sponsors(t: pa.Table, ctx: Context) -> list[Resource]:
    ids = column(t, "sponsor_id")
    rid = ctx.ids("Organization").many(ids)
    rows = zip(ids, rid, *(column(t, c) for c in ("name", "tax_id", "address_line1", "city",
               "state", "zip", "phone", "contact_email")), strict=True)  # fmt: skip
    out = [
        {
            "resourceType": "Organization",
            "id": r,
            "identifier": [
                identifier(uri.SPONSOR_ID, key),
                {"type": _TAX_ID, "system": uri.EIN, "value": tin},
            ],
            "active": True,
            "type": [
                concept(uri.ORGANIZATION_TYPE, "bus", "Non-Healthcare Business or Corporation")
            ],
            "name": name,
            "telecom": [
                {"system": "phone", "value": phone, "use": "work"},
                {"system": "email", "value": email, "use": "work"},
            ],
            "address": [address(line, None, city, state, zip_, "work")],
        }
        for key, r, name, tin, line, city, state, zip_, phone, email in rows
    ]
    return out


def _providers(t: pa.Table, ctx: Context) -> tuple[ResourceSet, ...]:
    orgs = ResourceSet("Organization")
    locations = ResourceSet("Location")
    practitioners = ResourceSet("Practitioner")
    roles = ResourceSet("PractitionerRole")
    practitioner_ref = ctx.refs("Practitioner")
    organization_ref = ctx.refs("Organization")
    location_ref = ctx.refs("Location")
    names = ("provider_id", "npi", "entity_type", "name", "taxonomy_code", "taxonomy_display",
             "address_line1", "city", "state", "zip", "zip4", "latitude", "longitude", "phone",
             "first_name", "middle_initial", "last_name", "sex", "credential", "tax_id",
             "organization_id")  # fmt: skip
    for (key, npi, kind, name, taxonomy, taxonomy_display, line, city, state, zip_, zip4, lat,
         lon, phone, first, middle, last, sex, credential, tin, employer) in zip(
        *(column(t, n) for n in names), strict=True
    ):  # fmt: skip
        telecom = [{"system": "phone", "value": phone, "use": "work"}]
        where = address(line, None, city, state, f"{zip_}-{zip4}", "work")
        specialty = concept(uri.NUCC, taxonomy, taxonomy_display)
        if kind == "individual":
            human: Resource = {"use": "official", "family": last}
            human["given"] = [first, middle] if middle else [first]
            if credential:
                human["suffix"] = [credential]
            doc: Resource = {
                "resourceType": "Practitioner",
                "id": ctx.ids("Practitioner").one(key),
                "meta": _US_CORE_PRACTITIONER,
                "identifier": [
                    {"type": _NPI_TYPE, "system": uri.NPI, "value": npi},
                    identifier(uri.PROVIDER_ID, key),
                ],
                "active": True,
                "name": [human],
                "telecom": telecom,
                "address": [where],
            }
            if sex in _GENDER:
                doc["gender"] = _GENDER[sex]
            if credential:
                doc["qualification"] = [{"code": {"text": credential}}]
            practitioners.resources.append(doc)
            if employer:
                roles.resources.append({
                    "resourceType": "PractitionerRole",
                    "id": ctx.ids("PractitionerRole").one(key),
                    "meta": _US_CORE_ROLE,
                    "identifier": [identifier(uri.PROVIDER_ID, key)],
                    "active": True,
                    "practitioner": practitioner_ref(key),
                    "organization": organization_ref(employer),
                    "specialty": [specialty],
                    "location": [location_ref(employer)],
                    "telecom": telecom,
                })  # fmt: skip
            continue
        ids = [
            {"type": _NPI_TYPE, "system": uri.NPI, "value": npi},
            identifier(uri.PROVIDER_ID, key),
        ]
        if tin:
            ids.append({"type": _TAX_ID, "system": uri.EIN, "value": tin})
        orgs.resources.append({
            "resourceType": "Organization",
            "id": ctx.ids("Organization").one(key),
            "meta": _US_CORE_ORGANIZATION,
            "identifier": ids,
            "active": True,
            "type": [concept(uri.ORGANIZATION_TYPE, "prov", "Healthcare Provider")],
            "name": name,
            "telecom": telecom,
            "address": [where],
        })  # fmt: skip
        location: Resource = {
            "resourceType": "Location",
            "id": ctx.ids("Location").one(key),
            "meta": _US_CORE_LOCATION,
            "identifier": [identifier(uri.PROVIDER_ID, key)],
            "status": "active",
            "name": name,
            "mode": "instance",
        }
        if taxonomy.startswith("282N"):  # NUCC general acute care hospitals
            location["type"] = [_HOSPITAL]
        location["telecom"] = telecom
        location["address"] = where
        location["position"] = {"longitude": lon, "latitude": lat}
        location["managingOrganization"] = organization_ref(key)
        locations.resources.append(location)
    return orgs, locations, practitioners, roles


def _manufacturers(ctx: Context) -> ResourceSet:
    out = ResourceSet("Organization")
    for code in manufacturer_codes():
        key = manufacturer_key(code)
        doc: Resource = {
            "resourceType": "Organization",
            "id": ctx.ids("Organization").one(key),
            "identifier": [identifier(uri.MVX, code)],
            "active": True,
            "name": ctx.directory.names[key],
        }
        out.resources.append(doc)
    return out
