"""The ``claims`` and ``claim_lines`` tables: professional and institutional claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pyarrow as pa

from ._schema import MONEY, column

__all__ = ["Claim", "ClaimLine"]


@attrs.frozen
class Claim:
    """One claim sent to a payer for one encounter, as a row of ``claims``."""

    claim_id: str = column(
        pa.string(),
        "Unique key and patient control number (X12 CLM01): encounter_id + '-C' + sequence "
        "(1 original, 2 its replacement or void).",
    )
    encounter_id: str = column(pa.string(), "The encounter billed.")
    member_id: str = column(pa.string(), "The patient.")
    subscriber_member_id: str = column(
        pa.string(), "Subscriber of the coverage billed (the patient when they are the subscriber)."
    )
    payer_id: str = column(pa.string(), "Payer the claim was sent to.")
    plan_id: str = column(pa.string(), "Plan of the coverage billed.")
    claim_type: str = column(
        pa.string(), "professional (837P / CMS-1500) or institutional (837I / UB-04)."
    )
    frequency_code: str = column(
        pa.string(), "Claim frequency (X12 CLM05-3): 1 original, 7 replacement, 8 void."
    )
    billing_provider_id: str = column(pa.string(), "Billing organisation (providers table).")
    statement_from: dt.date = column(pa.date32(), "First date of service.")
    statement_to: dt.date = column(pa.date32(), "Last date of service.")
    received_date: dt.date = column(
        pa.date32(), "Date the payer received the claim: after the service, on or before as_of."
    )
    principal_diagnosis: str = column(pa.string(), "ICD-10-CM code (no dot) of the main diagnosis.")
    diagnosis_codes: str = column(
        pa.string(),
        "Every diagnosis on the claim, principal first, joined with '|' (at most 12); "
        "line diagnosis pointers count from 1 in this list.",
    )
    total_billed: Decimal = column(MONEY, "Total charge: the sum of the lines' billed amounts.")
    line_count: int = column(pa.int32(), "Number of claim_lines rows.")
    coverage_id: str | None = column(
        pa.string(),
        "Coverage span active on statement_from; empty when the member was not covered "
        "(the claim was sent to the last known payer and is denied).",
        nullable=True,
    )
    original_claim_id: str | None = column(
        pa.string(), "The claim a replacement (7) or void (8) corrects.", nullable=True
    )
    rendering_provider_id: str | None = column(
        pa.string(),
        "Practitioner who performed the services (attending for stays).",
        nullable=True,
    )
    facility_provider_id: str | None = column(
        pa.string(), "Service facility (hospital, urgent care, laboratory).", nullable=True
    )
    place_of_service: str | None = column(
        pa.string(), "CMS place-of-service code (professional claims).", nullable=True
    )
    type_of_bill: str | None = column(
        pa.string(),
        "UB-04 type of bill, 4 digits with the leading 0 (institutional).",
        nullable=True,
    )
    admission_date: dt.date | None = column(
        pa.date32(), "Admission date (inpatient institutional).", nullable=True
    )
    admission_type: str | None = column(
        pa.string(), "UB-04 priority of admission (inpatient).", nullable=True
    )
    admission_source: str | None = column(
        pa.string(), "UB-04 point of origin (inpatient).", nullable=True
    )
    discharge_status: str | None = column(
        pa.string(), "UB-04 patient discharge status (institutional).", nullable=True
    )
    drg: str | None = column(pa.string(), "MS-DRG, three digits (inpatient).", nullable=True)


@attrs.frozen
class ClaimLine:
    """One service line of one claim, as a row of ``claim_lines``."""

    claim_id: str = column(pa.string(), "The claim.")
    line_number: int = column(pa.int32(), "1, 2, ... within the claim (X12 LX01).")
    member_id: str = column(pa.string(), "The patient.")
    service_date: dt.date = column(pa.date32(), "First date of service, inside the claim's dates.")
    service_end_date: dt.date = column(pa.date32(), "Last date of service of the line.")
    units: int = column(pa.int32(), "Service units (days for room and board).")
    billed_amount: Decimal = column(MONEY, "Charge for the line (all units).")
    procedure_id: str | None = column(
        pa.string(), "The procedures row billed (empty for room and board).", nullable=True
    )
    code_system: str | None = column(
        pa.string(), "CPT or HCPCS for the procedure code.", nullable=True
    )
    procedure_code: str | None = column(
        pa.string(),
        "CPT or HCPCS Level II code (empty for revenue-code-only lines).",
        nullable=True,
    )
    modifier_1: str | None = column(pa.string(), "First modifier.", nullable=True)
    modifier_2: str | None = column(pa.string(), "Second modifier.", nullable=True)
    revenue_code: str | None = column(
        pa.string(), "UB-04 revenue code, 4 digits (institutional).", nullable=True
    )
    diagnosis_pointers: str | None = column(
        pa.string(),
        "Positions (from 1) in the claim's diagnosis_codes, joined with ',' (professional, "
        "at most 4).",
        nullable=True,
    )
