"""Join each block's claims with their patient, subscriber, coverage and plan for the 837s.

The result is one flat row per claim (a :class:`~._batch.Batch` unit) with its service lines
as children, so a chunk of claims can wait in a payer's queue across blocks and be rendered
later without the block's other tables.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._batch import Batch
from ._context import Context, gather, index_of

__all__ = ["claim_batch", "code_columns", "filing_codes"]

#: PAT01 (2000C) individual relationship by coverages.relationship_code; the 5010 list has
#: no stepchild code, so stepchildren (17) are "other relationship" (G8).
PATIENT_RELATIONSHIP = {"01": "01", "19": "19", "17": "G8"}
#: SBR09 claim filing indicator by plans.product_type (commercial and individual plans).
PRODUCT_FILING = {"HMO": "HM", "PPO": "12", "POS": "13", "EPO": "14"}
#: SBR09 by line of business where the program decides it.
LOB_FILING = {"medicare": "16", "medicaid": "MC"}  # 16: HMO Medicare risk (Medicare Advantage)

_PEOPLE = ["last", "first", "middle", "address1", "address2", "city", "state", "zip",
           "birth_date", "sex"]  # fmt: skip
_LINES = ["line_number", "service_date", "service_end_date", "units", "billed_amount",
          "procedure_code", "modifier_1", "modifier_2", "revenue_code", "diagnosis_pointers"]  # fmt: skip


def _map(column: pa.Array, mapping: Mapping[str, str]) -> pa.Array:
    keys = pa.array(list(mapping), pa.string())
    values = pa.array(list(mapping.values()), pa.string())
    return values.take(pc.index_in(column, value_set=keys))


def _codes(column: pa.Array) -> pa.Array:
    """``A|B|C`` code lists with anything but letters, digits and ``|`` removed."""
    if pc.all(pc.match_substring_regex(column, "^[A-Z0-9|]*$")).as_py() is False:
        return pc.replace_substring_regex(pc.ascii_upper(column), "[^A-Z0-9|]", "")
    return column


#: Code columns of line tables cleaned like text (a pinned edge-case value may hold a
#: delimiter) and cut to their element's maximum length.
CODE_LENGTHS = {"procedure_code": 48, "modifier_1": 2, "modifier_2": 2, "revenue_code": 48,
                "carc": 5, "rarc": 30, "diagnosis_pointers": 11}  # fmt: skip


def code_columns(context: Context, table: pa.Table) -> pa.Table:
    """``table`` with its code columns X12-safe (see :data:`CODE_LENGTHS`)."""
    for name, size in CODE_LENGTHS.items():
        if name in table.column_names:
            index = table.schema.get_field_index(name)
            table = table.set_column(index, name, context.clean(table[name], size))
    return table


def filing_codes(context: Context, plan_ids: pa.Array) -> pa.Array:
    """SBR09 / CLP06 claim filing indicator of each plan (``CI`` when nothing more precise)."""
    plans = context.reference["plans"]
    row = index_of(plan_ids, plans["plan_id"])
    p = gather(plans, row, ["line_of_business", "product_type"])
    by_lob = _map(p["line_of_business"], LOB_FILING)
    by_product = _map(p["product_type"], PRODUCT_FILING)
    return pc.fill_null(pc.coalesce(by_lob, by_product), "CI")


def claim_batch(
    context: Context, tables: Mapping[str, pa.Table], claim_type: str, first_row: int
) -> tuple[Batch, int]:
    """The block's claims of ``claim_type`` as units with their lines, in claims-table order."""
    claims = tables["claims"]
    total = claims.num_rows
    keep = np.flatnonzero(
        np.asarray(pc.equal(claims["claim_type"], claim_type).to_numpy(zero_copy_only=False))
    )
    cl = claims.take(pa.array(keep, pa.int64()))
    members = tables["members"]
    coverages = tables["coverages"]
    people = context.people(members)

    patient_row = index_of(cl["member_id"], people["member_id"])
    if (patient_row < 0).any():
        raise ValueError("claims reference members that are not in the same block")
    cov_row = index_of(cl["coverage_id"], coverages["coverage_id"])
    cov = gather(coverages, cov_row, ["relationship_code", "group_number"])
    covered = cov_row >= 0
    relationship = cov["relationship_code"]
    # The patient is the subscriber for their own coverage, and for an uncovered claim the
    # member is billed as their own subscriber (2000C is then not used).
    is_self = ~covered | np.asarray(
        pc.fill_null(pc.equal(relationship, "18"), False).to_numpy(zero_copy_only=False)
    )
    covered_arr = pa.array(covered)
    subscriber = pc.if_else(covered_arr, cl["subscriber_member_id"], cl["member_id"])
    subscriber_row = index_of(subscriber, people["member_id"])
    if (subscriber_row < 0).any():
        raise ValueError("claims reference subscribers that are not in the same block")
    patient = gather(people, patient_row, [*_PEOPLE, "member_number"])
    sub = gather(people, subscriber_row, ["last", "first", "middle", "subscriber_number"])
    subscriber_id = pc.if_else(covered_arr, sub["subscriber_number"], patient["member_number"])

    adjudications = tables["adjudications"]
    first_pass = pc.not_equal(adjudications["status_code"], "22")
    decided = adjudications.filter(first_pass)
    original = index_of(cl["original_claim_id"], decided["claim_id"])
    pcn = gather(decided, original, ["payer_claim_control_number"])["payer_claim_control_number"]
    # REF*F8 must name the payer's number of the claim corrected; without an adjudication of
    # the original in the tables, its patient control number is the best reference left.
    pcn = pc.coalesce(pcn, cl["original_claim_id"])

    units = {
        name: cl[name].combine_chunks()
        for name in (
            "claim_id", "payer_id", "member_id", "billing_provider_id", "frequency_code",
            "statement_from", "statement_to", "diagnosis_codes", "total_billed",
            "rendering_provider_id", "facility_provider_id", "place_of_service",
            "type_of_bill", "admission_date", "admission_type", "admission_source",
            "discharge_status", "drg",
        )
    }  # fmt: skip
    units["claim_ref"] = context.clean(cl["claim_id"], 38, upper=False)  # CLM01
    # Diagnosis codes (ICD-10-CM without dots) go into HI composites: letters and digits only.
    units["diagnosis_codes"] = _codes(units["diagnosis_codes"])
    units["subscriber"] = subscriber
    units["subscriber_id"] = subscriber_id
    units["is_self"] = pa.array(is_self)
    units["group_number"] = context.clean(cov["group_number"], 50)
    units["filing"] = filing_codes(context, cl["plan_id"])
    units["relationship"] = pc.fill_null(_map(relationship, PATIENT_RELATIONSHIP), "G8")
    units["original_pcn"] = context.clean(pcn, 50)
    for name in _PEOPLE:
        units[f"patient_{name}"] = patient[name]
    for name in ("last", "first", "middle"):
        units[f"subscriber_{name}"] = sub[name]
    table = pa.table(units)

    lines = tables["claim_lines"]
    line_claim = index_of(lines["claim_id"], cl["claim_id"])
    kept = np.flatnonzero(line_claim >= 0)
    number = np.asarray(lines["line_number"].to_numpy(), np.int64)[kept]
    order = kept[np.lexsort((number, line_claim[kept]))]
    children = lines.select(_LINES).take(pa.array(order, pa.int64()))
    children = code_columns(context, children)
    count = np.bincount(line_claim[order], minlength=cl.num_rows)
    batch = Batch(
        table,
        children,
        count,
        np.ones(cl.num_rows, bool),
        first_row + keep.astype(np.int64),
    )
    return batch, total
