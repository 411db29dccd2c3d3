"""Frozen attrs models: one per table, the single source of truth for each table's schema."""

from __future__ import annotations

from ._schema import arrow_schema, column_docs
from .condition import Condition
from .coverage import Coverage
from .encounter import Encounter
from .immunization import Immunization
from .member import Member
from .organizations import Payer, Sponsor
from .plan import Plan
from .provider import Provider

__all__ = [
    "Condition",
    "Coverage",
    "Encounter",
    "Immunization",
    "MODELS",
    "Member",
    "Payer",
    "Plan",
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
    "immunizations": Immunization,
}
