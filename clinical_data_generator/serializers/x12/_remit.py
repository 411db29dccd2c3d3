"""Join each block's payments, adjudications and line adjudications for the 835.

One unit per adjudication (a CLP loop), grouped by payment (one transaction each) in
payments-table order, with the line adjudications (SVC loops) as children.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._batch import Batch
from ._claims import code_columns, filing_codes
from ._context import Context, gather, index_of

__all__ = ["remit_batch"]

_PAYMENT = ["payment_id", "payer_id", "billing_provider_id", "payment_date", "payment_method",
            "trace_number", "amount", "provider_adjustment"]  # fmt: skip
_ADJUDICATION = ["adjudication_id", "claim_id", "status_code", "payer_claim_control_number",
                 "billed_amount", "paid_amount", "patient_responsibility", "deductible_amount",
                 "coinsurance_amount", "copay_amount", "contractual_amount",
                 "denied_amount"]  # fmt: skip
_CLAIM = ["claim_type", "frequency_code", "place_of_service", "type_of_bill", "drg",
          "member_id", "subscriber_member_id", "coverage_id", "rendering_provider_id"]  # fmt: skip
_LINE = ["line_number", "units", "billed_amount", "paid_amount", "allowed_amount",
         "deductible_amount", "coinsurance_amount", "copay_amount", "contractual_amount",
         "denied_amount", "procedure_code", "revenue_code", "carc", "rarc", "group_code"]  # fmt: skip
_SOURCE_LINE = ["service_date", "service_end_date", "modifier_1", "modifier_2"]


def _line_key(table: pa.Table) -> pa.Array:
    """``claim_id#line_number``: joins line adjudications with claim lines."""
    number = pc.cast(table["line_number"], pa.string())
    return pc.binary_join_element_wise(table["claim_id"], number, "#")


def remit_batch(
    context: Context, tables: Mapping[str, pa.Table], first_row: int
) -> tuple[Batch, int]:
    """The block's adjudications (by payment) with their line adjudications."""
    payments = tables["payments"]
    adjudications = tables["adjudications"]
    pay_row = index_of(adjudications["payment_id"], payments["payment_id"])
    if (pay_row < 0).any():
        raise ValueError("adjudications reference payments that are not in the same block")
    order = np.lexsort((np.arange(len(pay_row)), pay_row))
    adj = adjudications.take(pa.array(order, pa.int64()))
    pay_row = pay_row[order]
    units = {c: adj[c].combine_chunks() for c in _ADJUDICATION}
    for name, column in gather(payments, pay_row, _PAYMENT).items():
        units[name] = column
    claims = tables["claims"]
    claim_row = index_of(adj["claim_id"], claims["claim_id"])
    if (claim_row < 0).any():
        raise ValueError("adjudications reference claims that are not in the same block")
    claim = gather(claims, claim_row, [*_CLAIM, "plan_id"])
    for name in _CLAIM:
        units[f"claim_{name}"] = claim[name]
    # CLP06 has no "commercial insurance" code (CI) in the 835 list: mutually defined (ZZ).
    units["filing"] = pc.replace_substring(filing_codes(context, claim["plan_id"]), "CI", "ZZ")
    units["claim_ref"] = context.clean(adj["claim_id"], 38, upper=False)
    people = context.people(tables["members"])
    patient = gather(people, index_of(claim["member_id"], people["member_id"]),
                     ["last", "first", "middle", "member_number"])  # fmt: skip
    holder = gather(people, index_of(claim["subscriber_member_id"], people["member_id"]),
                    ["last", "first", "middle", "subscriber_number"])  # fmt: skip
    for name, column in patient.items():
        units[f"patient_{name}"] = column
    for name, column in holder.items():
        units[f"insured_{name}"] = column
    # NM1*IL is sent when the insured is not the patient (a dependent's covered claim).
    units["dependent"] = pc.and_(
        pc.is_valid(claim["coverage_id"]),
        pc.not_equal(claim["subscriber_member_id"], claim["member_id"]),
    )

    lines = tables["line_adjudications"]
    parent = index_of(lines["adjudication_id"], adj["adjudication_id"])
    kept = np.flatnonzero(parent >= 0)
    number = np.asarray(lines["line_number"].to_numpy(), np.int64)[kept]
    line_order = kept[np.lexsort((number, parent[kept]))]
    children = lines.take(pa.array(line_order, pa.int64()))
    source = tables["claim_lines"]
    src_row = index_of(_line_key(children), _line_key(source))
    child_columns = {c: children[c].combine_chunks() for c in _LINE}
    src = gather(source, src_row, [*_SOURCE_LINE, "units"])
    for name in _SOURCE_LINE:
        child_columns[name] = src[name]
    child_columns["billed_units"] = src["units"]
    child_columns["claim_ref"] = context.clean(children["claim_id"], 38, upper=False)
    count = np.bincount(parent[line_order], minlength=adj.num_rows)
    cleaned = code_columns(context, pa.table(child_columns))
    group_start = np.ones(adj.num_rows, bool)
    group_start[1:] = pay_row[1:] != pay_row[:-1]
    batch = Batch(
        pa.table(units),
        cleaned,
        count,
        group_start,
        first_row + pay_row.astype(np.int64),
    )
    return batch, payments.num_rows
