"""The ``coverages`` table: enrollment spans."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Coverage"]


@attrs.frozen
class Coverage:
    """One enrollment span of one member in one plan, as a row of ``coverages``."""

    coverage_id: str = column(pa.string(), "Unique key: member_id + '-' + span number.")
    member_id: str = column(pa.string(), "The covered member.")
    subscriber_member_id: str = column(
        pa.string(), "The subscriber whose policy covers the member."
    )
    payer_id: str = column(pa.string(), "Payer of the plan.")
    plan_id: str = column(pa.string(), "The plan.")
    line_of_business: str = column(pa.string(), "commercial, individual, medicare or medicaid.")
    coverage_level: str = column(pa.string(), "X12 HD05 level: EMP, ESP, ECH, FAM or IND.")
    relationship_code: str = column(pa.string(), "X12 INS02 relationship to the subscriber.")
    effective_date: dt.date = column(pa.date32(), "First covered day.")
    sponsor_id: str | None = column(
        pa.string(), "Employer group (commercial group coverage).", nullable=True
    )
    group_number: str | None = column(
        pa.string(), "Group number (commercial group coverage).", nullable=True
    )
    termination_date: dt.date | None = column(
        pa.date32(), "Last covered day; empty while active.", nullable=True
    )
    termination_reason: str | None = column(
        pa.string(),
        "Why the span ended: voluntary, non_payment, plan_change, loss_of_eligibility.",
        nullable=True,
    )
    pcp_provider_id: str | None = column(
        pa.string(), "Assigned primary-care provider (plans that require one).", nullable=True
    )
