"""Eligibility (270/271) and claim-status (276/277) inquiries and their responses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pyarrow as pa

from ._schema import MONEY, column

__all__ = [
    "ClaimStatusInquiry",
    "ClaimStatusResponse",
    "EligibilityInquiry",
    "EligibilityResponse",
]


@attrs.frozen
class EligibilityInquiry:
    """A provider asking a payer whether a member is covered, as a row of ``eligibility_inquiries``."""

    inquiry_id: str = column(pa.string(), "Unique key: member_id + '-Q' + two digits (270 TRN02).")
    member_id: str = column(pa.string(), "The member asked about.")
    subscriber_member_id: str = column(pa.string(), "Subscriber of the member's policy.")
    payer_id: str = column(pa.string(), "Payer asked (the member's current or last payer).")
    provider_id: str = column(pa.string(), "Requesting provider organisation (2100B).")
    inquiry_date: dt.date = column(
        pa.date32(), "Date of the question and of the service asked about."
    )
    service_type_code: str = column(
        pa.string(),
        "X12 EB/EQ service type code asked about (30 health benefit plan coverage ...).",
    )


@attrs.frozen
class EligibilityResponse:
    """The payer's answer to one eligibility inquiry, as a row of ``eligibility_responses``."""

    inquiry_id: str = column(pa.string(), "The inquiry answered (one response each).")
    member_id: str = column(pa.string(), "The member.")
    status: str = column(
        pa.string(), "active (a coverage span covers inquiry_date) or inactive (none does)."
    )
    eligibility_code: str = column(pa.string(), "X12 EB01: 1 active coverage, 6 inactive.")
    coverage_id: str | None = column(
        pa.string(),
        "Span covering inquiry_date (active), else the member's latest span.",
        nullable=True,
    )
    plan_id: str | None = column(pa.string(), "Plan of that span.", nullable=True)
    group_number: str | None = column(pa.string(), "Group number (group coverage).", nullable=True)
    plan_begin_date: dt.date | None = column(pa.date32(), "Span effective date.", nullable=True)
    plan_end_date: dt.date | None = column(
        pa.date32(), "Span termination date, empty while open.", nullable=True
    )
    deductible_individual: Decimal | None = column(
        MONEY, "Yearly individual deductible of the plan.", nullable=True
    )
    deductible_met: Decimal | None = column(
        MONEY,
        "Applied to the deductible this plan year by adjudications before inquiry_date.",
        nullable=True,
    )
    deductible_remaining: Decimal | None = column(
        MONEY, "deductible_individual - deductible_met.", nullable=True
    )
    oop_max_individual: Decimal | None = column(
        MONEY, "Yearly out-of-pocket maximum.", nullable=True
    )
    oop_met: Decimal | None = column(
        MONEY, "Patient responsibility this plan year before inquiry_date.", nullable=True
    )
    oop_remaining: Decimal | None = column(MONEY, "oop_max_individual - oop_met.", nullable=True)
    copay_primary_care: Decimal | None = column(MONEY, "Office-visit copay.", nullable=True)
    copay_specialist: Decimal | None = column(MONEY, "Specialist copay.", nullable=True)
    coinsurance_percent: int | None = column(
        pa.int8(), "Coinsurance after the deductible.", nullable=True
    )


@attrs.frozen
class ClaimStatusInquiry:
    """A provider asking about a claim, as a row of ``claim_status_inquiries`` (276)."""

    inquiry_id: str = column(pa.string(), "Unique key: claim_id + '-S' + one digit (276 TRN02).")
    claim_id: str = column(pa.string(), "The claim asked about (patient control number).")
    member_id: str = column(pa.string(), "The patient.")
    payer_id: str = column(pa.string(), "The payer asked.")
    billing_provider_id: str = column(pa.string(), "The provider asking.")
    inquiry_date: dt.date = column(
        pa.date32(), "Date asked: after received_date, on or before as_of."
    )


@attrs.frozen
class ClaimStatusResponse:
    """The payer's answer about one claim, as a row of ``claim_status_responses`` (277)."""

    inquiry_id: str = column(pa.string(), "The inquiry answered (one response each).")
    claim_id: str = column(pa.string(), "The claim.")
    status_category: str = column(
        pa.string(),
        "X12 STC01-1 claim status category: A1 acknowledged, P1 pending, F1 finalized paid, "
        "F2 finalized denied ...",
    )
    status_code: str = column(pa.string(), "X12 STC01-2 claim status code (e.g. 20, 65, 88).")
    status_date: dt.date = column(pa.date32(), "Effective date of the status (STC02).")
    total_billed: Decimal = column(MONEY, "The claim's charge (STC04).")
    paid_amount: Decimal | None = column(MONEY, "Paid (STC05), finalized claims.", nullable=True)
    payer_claim_control_number: str | None = column(
        pa.string(), "Payer's claim number, once adjudicated.", nullable=True
    )
    payment_date: dt.date | None = column(pa.date32(), "Check/EFT date (STC08).", nullable=True)
    trace_number: str | None = column(pa.string(), "Check/EFT number (STC09).", nullable=True)
