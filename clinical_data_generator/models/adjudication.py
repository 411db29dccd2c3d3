"""The ``adjudications``, ``line_adjudications`` and ``payments`` tables: remittance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pyarrow as pa

from ._schema import MONEY, column

__all__ = ["Adjudication", "LineAdjudication", "Payment"]

_BALANCE = "billed - paid = contractual + deductible + coinsurance + copay + denied, to the cent."


@attrs.frozen
class Adjudication:
    """The payer's decision on one claim, as a row of ``adjudications`` (X12 835 CLP)."""

    adjudication_id: str = column(
        pa.string(), "Unique key: claim_id + '-A' + sequence (2 for the reversal of a claim)."
    )
    claim_id: str = column(pa.string(), "The claim decided (or reversed).")
    member_id: str = column(pa.string(), "The patient.")
    payer_id: str = column(pa.string(), "The payer.")
    payment_id: str = column(pa.string(), "The payment batch (835) that reports it.")
    status_code: str = column(
        pa.string(),
        "X12 CLP02: 1 processed as primary, 4 denied, 22 reversal of a previous payment.",
    )
    payer_claim_control_number: str = column(
        pa.string(), "Payer's claim number (X12 CLP07): 'PCN' + 11 digits, unique."
    )
    adjudication_date: dt.date = column(
        pa.date32(), "Date decided: on or after received_date, on or before the payment date."
    )
    billed_amount: Decimal = column(MONEY, "Charge (negative for reversals).")
    allowed_amount: Decimal = column(MONEY, "Allowed by the fee schedule (0 when denied).")
    paid_amount: Decimal = column(MONEY, f"Paid to the provider. {_BALANCE}")
    patient_responsibility: Decimal = column(
        MONEY,
        "What the patient owes (X12 CLP05): deductible + coinsurance + copay + denied amounts "
        "of group PR.",
    )
    deductible_amount: Decimal = column(MONEY, "Applied to the deductible (CAS PR-1).")
    coinsurance_amount: Decimal = column(MONEY, "Coinsurance (CAS PR-2).")
    copay_amount: Decimal = column(MONEY, "Copay (CAS PR-3).")
    contractual_amount: Decimal = column(
        MONEY, "Charge above the allowed amount (CAS CO-45) on lines that were not denied."
    )
    denied_amount: Decimal = column(
        MONEY, "Charge of denied lines (CAS with their CARC, group CO or PR)."
    )
    reversed_adjudication_id: str | None = column(
        pa.string(), "The adjudication a reversal (status 22) takes back.", nullable=True
    )


@attrs.frozen
class LineAdjudication:
    """The payer's decision on one claim line, as a row of ``line_adjudications`` (835 SVC)."""

    adjudication_id: str = column(pa.string(), "The claim-level adjudication.")
    claim_id: str = column(pa.string(), "The claim.")
    line_number: int = column(pa.int32(), "The claim line.")
    units: int = column(pa.int32(), "Units paid (the line's units; 0 when denied).")
    billed_amount: Decimal = column(MONEY, "Line charge (negative for reversals).")
    allowed_amount: Decimal = column(MONEY, "Allowed amount (0 when denied).")
    paid_amount: Decimal = column(MONEY, f"Paid. {_BALANCE}")
    deductible_amount: Decimal = column(MONEY, "Deductible applied (PR-1).")
    coinsurance_amount: Decimal = column(MONEY, "Coinsurance (PR-2).")
    copay_amount: Decimal = column(MONEY, "Copay (PR-3).")
    contractual_amount: Decimal = column(MONEY, "Above the allowed amount (CO-45).")
    denied_amount: Decimal = column(
        MONEY, "Whole charge when the line is denied (CAS group_code-carc)."
    )
    procedure_code: str | None = column(
        pa.string(), "Adjudicated procedure code (835 SVC01).", nullable=True
    )
    revenue_code: str | None = column(pa.string(), "Revenue code (institutional).", nullable=True)
    carc: str | None = column(
        pa.string(), "Claim adjustment reason code of a denial (group CO).", nullable=True
    )
    rarc: str | None = column(
        pa.string(), "Remittance advice remark code explaining a denial.", nullable=True
    )
    group_code: str | None = column(
        pa.string(),
        "CAS group of the denial: CO (the provider writes it off) or PR (the patient owes it, "
        "e.g. CARC 26/27 for services outside coverage).",
        nullable=True,
    )


@attrs.frozen
class Payment:
    """One payment batch from a payer to a billing provider, as a row of ``payments`` (one 835)."""

    payment_id: str = column(pa.string(), "Unique key: 'PY' + block + sequence.")
    payer_id: str = column(pa.string(), "Paying payer.")
    billing_provider_id: str = column(pa.string(), "Payee: the billing organisation.")
    payment_date: dt.date = column(
        pa.date32(), "Check or EFT date (X12 BPR16), on or before as_of."
    )
    payment_method: str = column(
        pa.string(), "X12 BPR04: ACH (EFT), CHK (check) or NON (nothing to pay)."
    )
    trace_number: str = column(
        pa.string(), "Check or EFT trace number (X12 TRN02): 10 digits, unique."
    )
    claim_count: int = column(pa.int32(), "Adjudications in the batch.")
    total_paid: Decimal = column(MONEY, "Sum of the adjudications' paid amounts (X12 CLP04).")
    provider_adjustment: Decimal = column(
        MONEY,
        "Provider-level adjustment (X12 PLB, reason FB forward balance): a negative total "
        "(reversals) is carried forward so the payment is never negative.",
    )
    amount: Decimal = column(MONEY, "Payment (X12 BPR02) = total_paid - provider_adjustment.")
