"""Immunization (one per ``immunizations`` row): US Core Immunization with CVX, MVX and lot."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from . import _systems as uri
from ._context import Context, manufacturer_key
from ._values import Resource, ResourceSet, column, concept, identifier

__all__ = ["build_immunizations"]

_META = {"profile": [uri.US_CORE + "us-core-immunization"]}
_SITE = {
    "LA": concept(uri.V3_ACT_SITE, "LA", "left arm"),
    "RA": concept(uri.V3_ACT_SITE, "RA", "right arm"),
    "LT": concept(uri.V3_ACT_SITE, "LT", "left thigh"),
    "RT": concept(uri.V3_ACT_SITE, "RT", "right thigh"),
}
# HL7 v2 table 0162 (the table's values) -> v3 RouteOfAdministration, where SC is SQ.
_ROUTE = {
    "IM": concept(uri.V3_ROUTE, "IM", "Injection, intramuscular"),
    "SC": concept(uri.V3_ROUTE, "SQ", "Injection, subcutaneous"),
    "PO": concept(uri.V3_ROUTE, "PO", "Swallow, oral"),
}
_ADMINISTERING = concept(uri.V2_0443, "AP", "Administering Provider")

_COLUMNS = ("immunization_id", "member_id", "occurrence_date", "vaccine_group", "cvx",
            "vaccine_display", "mvx", "dose_number", "lot_number", "expiration_date", "route",
            "provider_id", "status", "site")  # fmt: skip


def build_immunizations(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One Immunization per dose given."""
    t = tables["immunizations"]
    cols = [column(t, c) for c in _COLUMNS]
    ids = ctx.ids("Immunization").many(cols[0])
    # The vaccination encounter that billed the dose (none before the encounter history).
    encounters = (
        column(t, "encounter_id") if "encounter_id" in t.column_names else [None] * len(ids)
    )
    encounter_ref = ctx.refs("Encounter")
    patient, organization, provider = (
        ctx.refs("Patient"),
        ctx.refs("Organization"),
        ctx.provider_refs(),
    )
    out = []
    for rid, encounter, (key, member, day, group, cvx, display, mvx, dose, lot, expires, route, who,
              status, site) in zip(ids, encounters, zip(*cols, strict=True), strict=True):  # fmt: skip
        doc: Resource = {
            "resourceType": "Immunization",
            "id": rid,
            "meta": _META,
            "identifier": [identifier(uri.IMMUNIZATION_ID, key)],
            "status": status,
            "vaccineCode": concept(uri.CVX, cvx, display),
            "patient": patient(member),
        }
        if encounter:
            doc["encounter"] = encounter_ref(encounter)
        doc |= {
            "occurrenceDateTime": day,
            "primarySource": True,
            "manufacturer": organization(manufacturer_key(mvx)),
            "lotNumber": lot,
            "expirationDate": expires,
        }
        if site:
            doc["site"] = _SITE[site]
        doc["route"] = _ROUTE[route]
        doc["performer"] = [{"function": _ADMINISTERING, "actor": provider(who)}]
        doc["protocolApplied"] = [{"series": group, "doseNumberPositiveInt": dose}]
        out.append(doc)
    return ResourceSet("Immunization", out, cols[1])
