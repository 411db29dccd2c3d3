"""Vectorised generators, one module per entity family; ``population`` composes them."""

from __future__ import annotations

from .claims import ClaimGenerator
from .conditions import ConditionGenerator
from .coverages import CoverageGenerator
from .encounters import EncounterGenerator
from .immunizations import ImmunizationGenerator
from .inquiries import InquiryGenerator
from .labs import LabGenerator
from .members import MemberGenerator
from .payers import PayerGenerator
from .population import DEFAULT_AS_OF, Population
from .providers import ProviderGenerator
from .sponsors import SponsorGenerator

__all__ = [
    "ClaimGenerator",
    "ConditionGenerator",
    "CoverageGenerator",
    "DEFAULT_AS_OF",
    "EncounterGenerator",
    "ImmunizationGenerator",
    "InquiryGenerator",
    "LabGenerator",
    "MemberGenerator",
    "PayerGenerator",
    "Population",
    "ProviderGenerator",
    "SponsorGenerator",
]
