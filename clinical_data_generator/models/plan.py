"""The ``plans`` table: benefit designs that claims will be adjudicated against."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pyarrow as pa

from ._schema import MONEY, column

__all__ = ["Plan"]


@attrs.frozen
class Plan:
    """A health-plan product with its cost-sharing design, as a row of ``plans``."""

    plan_id: str = column(pa.string(), "Unique plan key: payer_id + product code.")
    payer_id: str = column(pa.string(), "Payer offering the plan.")
    name: str = column(pa.string(), "Marketing name.")
    line_of_business: str = column(
        pa.string(), "commercial (employer group), individual, medicare or medicaid."
    )
    product_type: str = column(pa.string(), "HMO, PPO, EPO, POS or HDHP.")
    deductible_individual: Decimal = column(MONEY, "Yearly deductible per person.")
    deductible_family: Decimal = column(MONEY, "Yearly deductible per family.")
    oop_max_individual: Decimal = column(MONEY, "Yearly out-of-pocket maximum per person.")
    oop_max_family: Decimal = column(MONEY, "Yearly out-of-pocket maximum per family.")
    copay_primary_care: Decimal = column(MONEY, "Copay for a primary-care office visit.")
    copay_specialist: Decimal = column(MONEY, "Copay for a specialist office visit.")
    copay_urgent_care: Decimal = column(MONEY, "Copay for an urgent-care visit.")
    copay_emergency: Decimal = column(MONEY, "Copay for an emergency-room visit.")
    coinsurance_percent: int = column(
        pa.int8(), "Member coinsurance after the deductible, percent."
    )
    requires_pcp: bool = column(pa.bool_(), "Members choose a primary-care provider (HMO, POS).")
    requires_referral: bool = column(pa.bool_(), "Specialist visits need a referral.")
    metal_level: str | None = column(
        pa.string(), "bronze, silver or gold for individual-market plans.", nullable=True
    )
