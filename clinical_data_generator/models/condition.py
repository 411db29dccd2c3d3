"""The ``conditions`` table: chronic conditions that persist across encounters."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Condition"]


@attrs.frozen
class Condition:
    """One chronic condition of one member, as a row of ``conditions``."""

    condition_id: str = column(pa.string(), "Unique key: member_id + '-C' + two digits.")
    member_id: str = column(pa.string(), "The member who has the condition.")
    condition: str = column(
        pa.string(), "Condition key (ours), e.g. diabetes, hypertension, asthma."
    )
    code: str = column(
        pa.string(), "ICD-10-CM code without the dot, billable, valid for the member's age and sex."
    )
    display: str = column(pa.string(), "ICD-10-CM title (CDC).")
    category: str = column(
        pa.string(), "chronic (problem-list item that persists across encounters)."
    )
    onset_date: dt.date = column(
        pa.date32(), "When the condition began: after birth, on or before as_of."
    )
