"""The ``conditions`` table: chronic conditions, and the acute problems diagnosed at encounters."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Condition"]


@attrs.frozen
class Condition:
    """A chronic condition or an encounter's acute problem, as a row of ``conditions``."""

    condition_id: str = column(
        pa.string(),
        "Unique key: member_id + '-C' + two digits (chronic) or encounter_id + '-D' (acute).",
    )
    member_id: str = column(pa.string(), "The member who has the condition.")
    condition: str = column(
        pa.string(),
        "Condition key (ours), e.g. diabetes, hypertension; 'acute' for visit problems.",
    )
    code: str = column(
        pa.string(), "ICD-10-CM code without the dot, billable, valid for the member's age and sex."
    )
    display: str = column(pa.string(), "ICD-10-CM title (CDC).")
    category: str = column(
        pa.string(),
        "chronic (problem-list item that persists) or encounter-diagnosis (an acute problem).",
    )
    onset_date: dt.date = column(
        pa.date32(), "When the condition began: after birth, on or before as_of."
    )
    encounter_id: str | None = column(
        pa.string(), "The encounter that diagnosed an acute problem.", nullable=True
    )
    abatement_date: dt.date | None = column(
        pa.date32(), "When an acute problem resolved (may fall after as_of).", nullable=True
    )
