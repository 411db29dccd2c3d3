"""Coverage (one per ``coverages`` row): US Core Coverage with member id, payer and classes."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from . import _systems as uri
from ._context import Context
from ._values import Resource, ResourceSet, column, concept, identifier

__all__ = ["build_coverages"]

_META = {"profile": [uri.US_CORE + "us-core-coverage"]}
_MB = concept(uri.V2_0203, "MB", "Member Number")
# Source of Payment Typology (the US Core Coverage.type binding), by line of business.
_PAYER_TYPE = {
    "medicare": concept(uri.PAYER_TYPE, "1", "MEDICARE"),
    "medicaid": concept(uri.PAYER_TYPE, "2", "MEDICAID"),
    "commercial": concept(uri.PAYER_TYPE, "5", "PRIVATE HEALTH INSURANCE"),
    "individual": concept(uri.PAYER_TYPE, "5", "PRIVATE HEALTH INSURANCE"),
}
# X12 INS02 -> Coverage.relationship (subscriber-relationship code system).
_RELATIONSHIP = {
    "18": concept(uri.SUBSCRIBER_RELATIONSHIP, "self", "Self"),
    "01": concept(uri.SUBSCRIBER_RELATIONSHIP, "spouse", "Spouse"),
    "19": concept(uri.SUBSCRIBER_RELATIONSHIP, "child", "Child"),
    "17": concept(uri.SUBSCRIBER_RELATIONSHIP, "child", "Child", "Stepchild"),
}
_OTHER = concept(uri.SUBSCRIBER_RELATIONSHIP, "other", "Other")
_GROUP = concept(uri.COVERAGE_CLASS, "group", "Group")
_PLAN = concept(uri.COVERAGE_CLASS, "plan", "Plan")

_COLUMNS = ("coverage_id", "member_id", "subscriber_member_id", "payer_id", "plan_id",
            "line_of_business", "relationship_code", "effective_date", "termination_date",
            "sponsor_id", "group_number")  # fmt: skip


def build_coverages(tables: Mapping[str, pa.Table], ctx: Context) -> ResourceSet:
    """One Coverage per enrollment span."""
    members = tables["members"]
    card = dict(zip(column(members, "member_id"), zip(column(members, "member_number"),
                column(members, "subscriber_number"), column(members, "person_code"),
                column(members, "subscriber_member_id"), strict=True), strict=True))  # fmt: skip
    t = tables["coverages"]
    cols = [column(t, c) for c in _COLUMNS]
    ids = ctx.ids("Coverage").many(cols[0])
    d = ctx.directory
    patient, related, organization = (
        ctx.refs("Patient"),
        ctx.refs("RelatedPerson"),
        ctx.refs("Organization"),
    )
    out = []
    for rid, (key, member, subscriber, payer, plan, lob, rel, start, end, sponsor, group) in zip(
        ids, zip(*cols, strict=True), strict=True
    ):
        number, subscriber_number, person_code, household = card.get(member, (None,) * 4)
        idents: list[Resource] = [identifier(uri.COVERAGE_ID, key)]
        if number:
            idents.insert(0, {"type": _MB, "system": uri.MEMBER_NUMBER, "value": number})
        doc: Resource = {
            "resourceType": "Coverage",
            "id": rid,
            "meta": _META,
            "identifier": idents,
            "status": "active",
            "type": _PAYER_TYPE[lob],
        }
        if subscriber == member:
            doc["subscriber"] = patient(member)
        elif subscriber == household and household in card:
            # The dependent's RelatedPerson stands for their subscriber (see _patient.py).
            doc["subscriber"] = related(member)
        else:
            doc["subscriber"] = patient(subscriber)
        if subscriber_number:
            doc["subscriberId"] = subscriber_number
        doc["beneficiary"] = patient(member)
        if person_code:
            doc["dependent"] = person_code
        doc["relationship"] = _RELATIONSHIP.get(rel, _OTHER)
        doc["period"] = {"start": start, "end": end} if end else {"start": start}
        doc["payor"] = [organization(payer)]
        classes = []
        if group:
            entry: Resource = {"type": _GROUP, "value": group}
            if sponsor and sponsor in d.sponsor_name:
                entry["name"] = d.sponsor_name[sponsor]
            classes.append(entry)
        plan_entry: Resource = {"type": _PLAN, "value": plan}
        if plan in d.plan_name:
            plan_entry["name"] = d.plan_name[plan]
        classes.append(plan_entry)
        doc["class"] = classes
        out.append(doc)
    return ResourceSet("Coverage", out, cols[1])
