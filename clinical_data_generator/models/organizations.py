"""The ``payers`` and ``sponsors`` tables: fictional insurers and employer groups."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Payer", "Sponsor"]


@attrs.frozen
class Payer:
    """A fictional health insurer, as a row of ``payers``."""

    payer_id: str = column(pa.string(), "Unique payer key, 'PAY' + 3 digits.")
    name: str = column(pa.string(), "Fictional payer name.")
    payer_code: str = column(
        pa.string(), "Electronic payer ID used in X12 (fictional, 'SYN' + 2 digits)."
    )
    tax_id: str = column(pa.string(), "EIN with a never-assigned prefix.")
    address_line1: str = column(pa.string(), "Synthetic street address.")
    city: str = column(pa.string(), "City of a real ZIP code.")
    state: str = column(pa.string(), "Two-letter state code.")
    zip: str = column(pa.string(), "Five-digit ZIP code.")
    phone: str = column(pa.string(), "Customer-service phone: area code + 555-01XX.")
    website: str = column(pa.string(), "Web address on an example domain.")
    offers_medicare: bool = column(pa.bool_(), "Whether the payer sells Medicare Advantage plans.")
    offers_medicaid: bool = column(
        pa.bool_(), "Whether the payer runs Medicaid managed care plans."
    )


@attrs.frozen
class Sponsor:
    """A fictional employer group that sponsors commercial coverage, as a row of ``sponsors``."""

    sponsor_id: str = column(pa.string(), "Unique sponsor key, 'S' + 7 digits.")
    name: str = column(pa.string(), "Fictional employer name.")
    group_number: str = column(pa.string(), "Group number on the ID cards, 'G' + 7 digits.")
    tax_id: str = column(pa.string(), "EIN with a never-assigned prefix.")
    industry: str = column(pa.string(), "Industry label (ours).")
    employee_count: int = column(
        pa.int32(), "Number of employees (heavy-tailed size distribution)."
    )
    payer_id: str = column(pa.string(), "Payer that insures or administers the group.")
    address_line1: str = column(pa.string(), "Synthetic street address.")
    city: str = column(pa.string(), "City of a real ZIP code.")
    state: str = column(pa.string(), "Two-letter state code.")
    zip: str = column(pa.string(), "Five-digit ZIP code.")
    phone: str = column(pa.string(), "Benefits office phone: area code + 555-01XX.")
    contact_email: str = column(pa.string(), "Benefits contact e-mail on an example domain.")
    effective_date: dt.date = column(pa.date32(), "Start of the group's contract with the payer.")
