"""Frozen attrs models: one per table, the single source of truth for each table's schema."""

from __future__ import annotations

from ._schema import arrow_schema, column_docs
from .adjudication import Adjudication, LineAdjudication, Payment
from .claim import Claim, ClaimLine
from .condition import Condition
from .coverage import Coverage
from .encounter import Encounter
from .immunization import Immunization
from .inquiry import (
    ClaimStatusInquiry,
    ClaimStatusResponse,
    EligibilityInquiry,
    EligibilityResponse,
)
from .lab import CovidTest, DiagnosticReport, LabResult
from .member import Member
from .organizations import Payer, Sponsor
from .plan import Plan
from .procedure import Procedure
from .provider import Provider

__all__ = [
    "Adjudication",
    "Claim",
    "ClaimLine",
    "ClaimStatusInquiry",
    "ClaimStatusResponse",
    "Condition",
    "Coverage",
    "CovidTest",
    "DiagnosticReport",
    "EligibilityInquiry",
    "EligibilityResponse",
    "Encounter",
    "Immunization",
    "LabResult",
    "LineAdjudication",
    "MODELS",
    "Member",
    "Payer",
    "Payment",
    "Plan",
    "Procedure",
    "Provider",
    "Sponsor",
    "arrow_schema",
    "column_docs",
]

#: Table name -> model, in the order tables are written.
MODELS: dict[str, type] = {
    "payers": Payer,
    "plans": Plan,
    "sponsors": Sponsor,
    "providers": Provider,
    "members": Member,
    "coverages": Coverage,
    "encounters": Encounter,
    "conditions": Condition,
    "procedures": Procedure,
    "claims": Claim,
    "claim_lines": ClaimLine,
    "adjudications": Adjudication,
    "line_adjudications": LineAdjudication,
    "payments": Payment,
    "eligibility_inquiries": EligibilityInquiry,
    "eligibility_responses": EligibilityResponse,
    "claim_status_inquiries": ClaimStatusInquiry,
    "claim_status_responses": ClaimStatusResponse,
    "immunizations": Immunization,
    "diagnostic_reports": DiagnosticReport,
    "lab_results": LabResult,
    "covid_tests": CovidTest,
}
