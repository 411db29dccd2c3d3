"""The ``immunizations`` table: vaccine doses given on the CDC schedule, with lots and sites."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Immunization"]


@attrs.frozen
class Immunization:
    """One vaccine dose given to one member, as a row of ``immunizations``."""

    immunization_id: str = column(
        pa.string(), "Unique key: member_id + '-I' + three digits (the member's doses by date)."
    )
    member_id: str = column(pa.string(), "The vaccinated member.")
    mrn: str = column(
        pa.string(),
        "Medical record number at the administering site: 'MRN' + 8 digits, one per member.",
    )
    occurrence_date: dt.date = column(
        pa.date32(), "Date of service: after birth, inside the history window, on or before as_of."
    )
    vaccine_group: str = column(
        pa.string(), "CDC vaccine group, e.g. DTaP, MMR, Influenza, COVID-19, Zoster."
    )
    cvx: str = column(pa.string(), "CDC CVX vaccine code (HL7 table 0292).")
    vaccine_display: str = column(pa.string(), "CDC CVX short description.")
    mvx: str = column(pa.string(), "CDC MVX manufacturer code.")
    dose_number: int = column(
        pa.int32(),
        "Dose in the series (1, 2, ... without gaps; boosters continue the count); "
        "1 for yearly influenza and COVID-19 doses.",
    )
    lot_number: str = column(
        pa.string(), "Manufacturer lot: two upper-case letters and four digits (synthetic)."
    )
    expiration_date: dt.date = column(
        pa.date32(), "Expiration of the lot: 6 to 24 months after the date of service."
    )
    route: str = column(pa.string(), "HL7 route of administration: IM, SC or PO.")
    provider_id: str = column(
        pa.string(), "Administering practitioner (paediatric before 18), in the member's state."
    )
    status: str = column(pa.string(), "completed.")
    no_insurance: bool = column(
        pa.bool_(), "True when no coverage span of the member covers the date of service."
    )
    vaccine_type: str = column(
        pa.string(), "Legacy vaccine-encounter label: the vaccine group (e.g. Influenza)."
    )
    encounter_id: str | None = column(
        pa.string(),
        "The vaccination encounter that billed the dose; empty for doses before the encounter "
        "history window.",
        nullable=True,
    )
    site: str | None = column(
        pa.string(),
        "HL7 body site: LT/RT (thigh) before age 3, LA/RA (arm) from 3; empty for oral vaccines.",
        nullable=True,
    )
