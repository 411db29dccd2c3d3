"""Arrow tables of the claims family, built column-wise from the billing arrays."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, billing_data, refdata
from .._internal.rng import seeded_bijection
from ..models import Adjudication, Claim, ClaimLine, LineAdjudication, arrow_schema
from ._context import BlockContext
from .adjudication import LineDecisions
from .conditions import ConditionBlock
from .encounters import EncounterBlock
from .payments import PaymentBatches
from .procedures import ProcedureBlock, ServiceLines

__all__ = [
    "adjudication_table",
    "claim_table",
    "diagnoses",
    "line_adjudication_table",
    "line_table",
    "pointers",
]

MAX_DIAGNOSES = 4  # principal + 3 chronic conditions: every one reachable by a line pointer
_ADJUDICATIONS_PER_BLOCK = 1 << 21  # keeps payer claim numbers below 10**11


def claim_table(
    ctx: BlockContext,
    enc: pa.Table,
    coverages: pa.Table,
    chronic: ConditionBlock,
    src: np.ndarray,
    c_enc: np.ndarray,
    c_type: np.ndarray,
    span: np.ndarray,
    covered: np.ndarray,
    billing: np.ndarray,
    visits: EncounterBlock,
    services: ProcedureBlock,
    frequency: np.ndarray,
    received: np.ndarray,
    stmt_from: np.ndarray,
    stmt_to: np.ndarray,
    total: np.ndarray,
    line_count: np.ndarray,
    claim_id: pa.Array,
    original_id: pa.Array,
) -> tuple[pa.Table, np.ndarray]:
    """The ``claims`` rows, and how many diagnosis codes each has.

    ``src`` gives each row's claim index in the per-claim arrays.
    """
    ref = ctx.reference
    e = c_enc[src]
    institutional = c_type[src] == 1
    inpatient = institutional & visits.of_class("inpatient")[e]
    s = span[src]
    freq = arrow.codes(("1", "7", "8"), frequency)
    type_of_bill = arrow.join(arrow.codes(("011", "013"), np.where(inpatient, 0, 1)), freq)
    drg_rows = services.drg[e]
    drg = billing_data.drg_choices().drg.take(
        pa.array(np.maximum(drg_rows, 0), pa.int64(), mask=~inpatient | (drg_rows < 0))
    )
    discharge = pc.if_else(
        pa.array(inpatient), arrow.take(enc["discharge_status"].combine_chunks(), e), "01"
    )
    admission = enc["start_date"].to_numpy().astype("datetime64[D]")[e]
    principal, dx, dx_count = diagnoses(visits.reason_row[e], chronic, visits.member[e], stmt_from)

    def enc_column(name: str) -> pa.Array:
        return arrow.take(enc[name].combine_chunks(), e)

    def coverage_column(name: str) -> pa.Array:
        return arrow.take(coverages[name].combine_chunks(), s)

    columns = {
        "claim_id": claim_id,
        "encounter_id": enc_column("encounter_id"),
        "member_id": enc_column("member_id"),
        "subscriber_member_id": coverage_column("subscriber_member_id"),
        "payer_id": coverage_column("payer_id"),
        "plan_id": coverage_column("plan_id"),
        "claim_type": arrow.codes(billing_data.CLAIM_TYPES, c_type[src]),
        "frequency_code": freq,
        "billing_provider_id": arrow.take(ref.provider_ids, billing[src]),
        "statement_from": arrow.dates(stmt_from),
        "statement_to": arrow.dates(stmt_to),
        "received_date": arrow.dates(received),
        "principal_diagnosis": principal,
        "diagnosis_codes": dx,
        "total_billed": arrow.cents_to_money(total),
        "line_count": pa.array(line_count, pa.int32()),
        "coverage_id": arrow.when(covered[src], coverage_column("coverage_id")),
        "original_claim_id": original_id,
        "rendering_provider_id": arrow.optional(ref.provider_ids, visits.rendering[e]),
        "facility_provider_id": arrow.optional(ref.provider_ids, visits.facility[e]),
        "place_of_service": arrow.when(~institutional, enc_column("place_of_service")),
        "type_of_bill": arrow.when(institutional, type_of_bill),
        "admission_date": arrow.dates(admission, mask=~inpatient),
        "admission_type": arrow.when(inpatient, enc_column("admission_type")),
        "admission_source": arrow.when(inpatient, enc_column("admission_source")),
        "discharge_status": arrow.when(institutional, discharge),
        "drg": drg,
    }
    return pa.table(columns, schema=arrow_schema(Claim)), dx_count


def diagnoses(
    reason_row: np.ndarray, chronic: ConditionBlock, member: np.ndarray, date: np.ndarray
) -> tuple[pa.Array, pa.Array, np.ndarray]:
    """Per claim: the principal diagnosis, the '|'-joined diagnoses and how many codes that is.

    ``reason_row`` is the icd10cm row of each claim's encounter reason, which comes first; then
    up to three other chronic conditions the member had by the service date.
    """
    icd = refdata.icd10cm()
    principal = arrow.take(icd.codes, reason_row)
    count = np.ones(reason_row.size, np.int64)
    if chronic.member.size == 0 or reason_row.size == 0:
        return principal, principal, count
    members = int(max(member.max(), chronic.member.max())) + 1
    first = np.searchsorted(chronic.member, np.arange(members), side="left")
    have = np.bincount(chronic.member, minlength=members)
    onset = chronic.table["onset_date"].to_numpy().astype("datetime64[D]")
    parts = [principal]
    for k in range(MAX_DIAGNOSES - 1):
        row = np.minimum(first[member] + k, chronic.member.size - 1)
        code_row = chronic.code_row[row]
        ok = (k < have[member]) & (onset[row] <= date) & (code_row != reason_row)
        count += ok
        parts.append(arrow.optional(icd.codes, np.where(ok, code_row, -1)))
    return principal, pc.binary_join_element_wise(*parts, "|", null_handling="skip"), count


def pointers(
    dx_count: np.ndarray, lines: ServiceLines, line: np.ndarray, row_of_line: np.ndarray
) -> np.ndarray:
    """Diagnosis pointers per line: how many of the claim's codes it points at.

    Visit lines point at every diagnosis, others at the first; 0 on institutional lines.
    """
    cat = billing_data.catalogue()
    category = cat.category[np.maximum(lines.code[line], 0)]
    visit = (lines.code[line] >= 0) & np.isin(
        category, [billing_data.CATEGORIES.index(c) for c in ("evaluation", "preventive")]
    )
    count = np.where(visit, np.minimum(dx_count[row_of_line], MAX_DIAGNOSES), 1)
    return np.where(lines.claim_type[line] == 0, count, 0)


def line_table(
    claim_id: pa.Array,
    member_ids: pa.ChunkedArray,
    row_of_line: np.ndarray,
    line_number: np.ndarray,
    lines: ServiceLines,
    line: np.ndarray,
    day: np.ndarray,
    end_day: np.ndarray,
    charge: np.ndarray,
    services: ProcedureBlock,
    pointer_count: np.ndarray,
) -> pa.Table:
    """The ``claim_lines`` rows: ``line`` indexes the service lines, ``row_of_line`` claims."""
    cat = billing_data.catalogue()
    code = lines.code[line]
    mods = lines.modifier[line]
    rev = lines.revenue[line]
    proc = lines.procedure[line]
    pointer_text = pa.array([",".join(str(k) for k in range(1, i + 1)) for i in range(1, 5)])
    procedure_ids = services.table["procedure_id"].combine_chunks()
    return pa.table(
        {
            "claim_id": arrow.take(claim_id, row_of_line),
            "line_number": pa.array(line_number, pa.int32()),
            "member_id": arrow.take(member_ids.combine_chunks(), row_of_line),
            "service_date": arrow.dates(day[line]),
            "service_end_date": arrow.dates(end_day[line]),
            "units": pa.array(lines.units[line], pa.int32()),
            "billed_amount": arrow.cents_to_money(charge[line]),
            "procedure_id": arrow.optional(procedure_ids, proc),
            "code_system": arrow.optional(pa.array(["CPT", "HCPCS"]), np.where(code >= 0, cat.system[np.maximum(code, 0)], -1)),
            "procedure_code": arrow.optional(cat.codes, code),
            "modifier_1": arrow.optional(pa.array(billing_data.MODIFIERS), mods),
            "modifier_2": pa.nulls(line.size, pa.string()),
            "revenue_code": arrow.optional(billing_data.bundles().revenue_codes, rev),
            "diagnosis_pointers": arrow.optional(pointer_text, pointer_count - 1),
        },
        schema=arrow_schema(ClaimLine),
    )  # fmt: skip


def adjudication_table(
    ctx: BlockContext,
    claim_id: pa.Array,
    claims: pa.Table,
    a_src: np.ndarray,
    a_kind: np.ndarray,
    a_claim_row: np.ndarray,
    sign: np.ndarray,
    decided: np.ndarray,
    sums: dict[str, np.ndarray],
    billed: np.ndarray,
    denied_whole: np.ndarray,
    batches: PaymentBatches,
) -> pa.Table:
    """The ``adjudications`` rows: kind 0 original decision, 1 reversal, 2 replacement."""
    n = a_src.size
    if n > _ADJUDICATIONS_PER_BLOCK:
        raise RuntimeError(f"too many adjudications in block {ctx.block}")
    reversal = a_kind == 1
    ids = arrow.take(claim_id, a_claim_row)
    adjudication_id = arrow.join(ids, arrow.codes(("-A1", "-A2"), reversal.astype(np.int64)))
    status = np.where(reversal, 2, np.where(denied_whole[a_src], 1, 0))
    pcn = seeded_bijection(ctx.block * _ADJUDICATIONS_PER_BLOCK + np.arange(n), seed=ctx.seed,
                           name="adjudications.pcn", modulus=10**11)  # fmt: skip

    def amount(name: str) -> pa.Array:
        return arrow.cents_to_money(sign * sums[name][a_src])

    patient = sums["deductible"] + sums["coinsurance"] + sums["copay"] + sums["patient_denied"]
    columns = {
        "adjudication_id": adjudication_id,
        "claim_id": ids,
        "member_id": arrow.take(claims["member_id"].combine_chunks(), a_claim_row),
        "payer_id": arrow.take(claims["payer_id"].combine_chunks(), a_claim_row),
        "payment_id": arrow.take(batches.table["payment_id"].combine_chunks(), batches.batch),
        "status_code": arrow.codes(("1", "4", "22"), status),
        "payer_claim_control_number": arrow.fixed(n, "PCN", arrow.digit_chars(pcn, 11)),
        "adjudication_date": arrow.dates(decided),
        "billed_amount": arrow.cents_to_money(sign * billed[a_src]),
        "allowed_amount": amount("allowed"),
        "paid_amount": amount("paid"),
        "patient_responsibility": arrow.cents_to_money(sign * patient[a_src]),
        "deductible_amount": amount("deductible"),
        "coinsurance_amount": amount("coinsurance"),
        "copay_amount": amount("copay"),
        "contractual_amount": amount("contractual"),
        "denied_amount": amount("denied"),
        "reversed_adjudication_id": arrow.when(reversal, arrow.join(ids, "-A1")),
    }
    return pa.table(columns, schema=arrow_schema(Adjudication))


def line_adjudication_table(
    adjudications: pa.Table,
    adj_of_line: np.ndarray,
    line: np.ndarray,
    line_number: np.ndarray,
    lines: ServiceLines,
    charge: np.ndarray,
    decisions: LineDecisions,
    position: np.ndarray,
    sign: np.ndarray,
) -> pa.Table:
    """The ``line_adjudications`` rows; ``position`` indexes the line decisions."""
    cat = billing_data.catalogue()
    code = lines.code[line]
    denied = decisions.denied[position] > 0
    patient = decisions.patient_denied[position] > 0

    def amount(values: np.ndarray) -> pa.Array:
        return arrow.cents_to_money(sign * values[position])

    carc = decisions.carc.take(pa.array(position))
    return pa.table(
        {
            "adjudication_id": arrow.take(adjudications["adjudication_id"].combine_chunks(), adj_of_line),
            "claim_id": arrow.take(adjudications["claim_id"].combine_chunks(), adj_of_line),
            "line_number": pa.array(line_number[line], pa.int32()),
            "units": pa.array(np.where(denied, 0, lines.units[line]), pa.int32()),
            "billed_amount": arrow.cents_to_money(sign * charge[line]),
            "allowed_amount": amount(decisions.allowed),
            "paid_amount": amount(decisions.paid),
            "deductible_amount": amount(decisions.deductible),
            "coinsurance_amount": amount(decisions.coinsurance),
            "copay_amount": amount(decisions.copay),
            "contractual_amount": amount(decisions.contractual),
            "denied_amount": amount(decisions.denied),
            "procedure_code": arrow.optional(cat.codes, code),
            "revenue_code": arrow.optional(billing_data.bundles().revenue_codes, lines.revenue[line]),
            "carc": carc,
            "rarc": decisions.rarc.take(pa.array(position)),
            "group_code": arrow.when(denied, arrow.codes(("CO", "PR"), patient.astype(np.int64))),
        },
        schema=arrow_schema(LineAdjudication),
    )  # fmt: skip
