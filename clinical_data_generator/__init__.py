"""clinical-data-generator: seeded, vectorised, standards-valid synthetic US healthcare test data.

The public names below load on first use, so ``import clinical_data_generator`` stays fast
(it does not import numpy or pyarrow until data is generated).

Example:
    >>> import clinical_data_generator as cdg
    >>> ds = cdg.generate(members=100, seed=42)
    >>> ds.tables["members"].num_rows
    100
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import ClinicalDataError, InvalidArgumentError, MissingDependencyError, OutputError

if TYPE_CHECKING:
    from ._api import generate
    from .dataset import Dataset
    from .generators import (
        DEFAULT_AS_OF,
        ClaimGenerator,
        ConditionGenerator,
        CoverageGenerator,
        EncounterGenerator,
        ImmunizationGenerator,
        InquiryGenerator,
        LabGenerator,
        MemberGenerator,
        PayerGenerator,
        Population,
        ProviderGenerator,
        SponsorGenerator,
    )
    from .generators.members import BLOCK_MEMBERS
    from .models import (
        Adjudication,
        Claim,
        ClaimLine,
        ClaimStatusInquiry,
        ClaimStatusResponse,
        Condition,
        Coverage,
        CovidTest,
        DiagnosticReport,
        EligibilityInquiry,
        EligibilityResponse,
        Encounter,
        Immunization,
        LabResult,
        LineAdjudication,
        Member,
        Payer,
        Payment,
        Plan,
        Procedure,
        Provider,
        Sponsor,
    )
    from .serializers import FORMATS
    from .serializers.fhir import BundleOptions, FHIRBundleFormat
    from .serializers.x12 import X12Format, X12Options
    from .validation import FileReport, validate_paths

__all__ = [
    "Adjudication",
    "BLOCK_MEMBERS",
    "BundleOptions",
    "Claim",
    "ClaimGenerator",
    "ClaimLine",
    "ClaimStatusInquiry",
    "ClaimStatusResponse",
    "ClinicalDataError",
    "Condition",
    "ConditionGenerator",
    "Coverage",
    "CoverageGenerator",
    "CovidTest",
    "DEFAULT_AS_OF",
    "Dataset",
    "DiagnosticReport",
    "EligibilityInquiry",
    "EligibilityResponse",
    "Encounter",
    "EncounterGenerator",
    "FHIRBundleFormat",
    "FORMATS",
    "FileReport",
    "Immunization",
    "ImmunizationGenerator",
    "InquiryGenerator",
    "InvalidArgumentError",
    "LabGenerator",
    "LabResult",
    "LineAdjudication",
    "Member",
    "MemberGenerator",
    "MissingDependencyError",
    "OutputError",
    "Payer",
    "PayerGenerator",
    "Payment",
    "Plan",
    "Population",
    "Procedure",
    "Provider",
    "ProviderGenerator",
    "Sponsor",
    "SponsorGenerator",
    "X12Format",
    "X12Options",
    "__version__",
    "generate",
    "validate_paths",
]

_LAZY = {
    "generate": "._api",
    "Dataset": ".dataset",
    "DEFAULT_AS_OF": ".generators",
    "ConditionGenerator": ".generators",
    "CoverageGenerator": ".generators",
    "EncounterGenerator": ".generators",
    "ImmunizationGenerator": ".generators",
    "MemberGenerator": ".generators",
    "PayerGenerator": ".generators",
    "Population": ".generators",
    "ProviderGenerator": ".generators",
    "SponsorGenerator": ".generators",
    "BLOCK_MEMBERS": ".generators.members",
    "Condition": ".models",
    "Coverage": ".models",
    "Encounter": ".models",
    "Immunization": ".models",
    "Member": ".models",
    "Payer": ".models",
    "Plan": ".models",
    "Provider": ".models",
    "Sponsor": ".models",
    "Adjudication": ".models",
    "Claim": ".models",
    "ClaimLine": ".models",
    "ClaimStatusInquiry": ".models",
    "ClaimStatusResponse": ".models",
    "EligibilityInquiry": ".models",
    "EligibilityResponse": ".models",
    "LineAdjudication": ".models",
    "Payment": ".models",
    "Procedure": ".models",
    "ClaimGenerator": ".generators",
    "InquiryGenerator": ".generators",
    "CovidTest": ".models",
    "DiagnosticReport": ".models",
    "LabResult": ".models",
    "LabGenerator": ".generators",
    "FORMATS": ".serializers",
    "X12Format": ".serializers.x12",
    "FHIRBundleFormat": ".serializers.fhir",
    "BundleOptions": ".serializers.fhir",
    "X12Options": ".serializers.x12",
    "FileReport": ".validation",
    "validate_paths": ".validation",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
