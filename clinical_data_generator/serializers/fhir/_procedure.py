"""Procedure (one per ``procedures`` row): US Core Procedure with CPT, HCPCS or ICD-10-PCS."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from . import _systems as uri
from ._codes import diagnosis, product_or_service
from ._context import Context
from ._values import Resource, ResourceSet, column, identifier

__all__ = ["build_procedures"]

_META = {"profile": [uri.US_CORE + "us-core-procedure"]}
_COLUMNS = ("procedure_id", "encounter_id", "member_id", "performed_date", "code_system", "code",
            "display", "diagnosis_code")  # fmt: skip


def build_procedures(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One Procedure per service performed."""
    t = tables["procedures"]
    performer: dict[str, str] = {}
    if "encounters" in tables:
        e = tables["encounters"]
        performer = {
            k: v
            for k, v in zip(
                column(e, "encounter_id"), column(e, "rendering_provider_id"), strict=True
            )
            if v
        }
    cols = [column(t, c) for c in _COLUMNS]
    ids = ctx.ids("Procedure").many(cols[0])
    patient, encounter_ref, provider = (
        ctx.refs("Patient"),
        ctx.refs("Encounter"),
        ctx.provider_refs(),
    )
    out = []
    for rid, (key, encounter, member, day, system, code, display, reason) in zip(
        ids, zip(*cols, strict=True), strict=True
    ):
        doc: Resource = {
            "resourceType": "Procedure",
            "id": rid,
            "meta": _META,
            "identifier": [identifier(uri.PROCEDURE_ID, key)],
            "status": "completed",
            # CPT labels are ours, not the AMA descriptors: they go to text (see _codes.py).
            "code": product_or_service(system, code, display),
            "subject": patient(member),
            "encounter": encounter_ref(encounter),
            "performedDateTime": day,
        }
        if encounter in performer:
            doc["performer"] = [{"actor": provider(performer[encounter])}]
        doc["reasonCode"] = [diagnosis(reason)]
        out.append(doc)
    return ResourceSet("Procedure", out, cols[2])
