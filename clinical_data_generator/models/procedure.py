"""The ``procedures`` table: services performed at encounters, as billed on claim lines."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Procedure"]


@attrs.frozen
class Procedure:
    """One service performed at one encounter, as a row of ``procedures``."""

    procedure_id: str = column(
        pa.string(), "Unique key: encounter_id + '-P' + two digits, in billing order."
    )
    encounter_id: str = column(pa.string(), "The encounter the service was performed at.")
    member_id: str = column(pa.string(), "The patient.")
    performed_date: dt.date = column(pa.date32(), "Date of service, inside the encounter.")
    code_system: str = column(pa.string(), "CPT, HCPCS (Level II) or ICD-10-PCS.")
    code: str = column(
        pa.string(), "Procedure code: CPT number, HCPCS Level II code or ICD-10-PCS code."
    )
    display: str = column(
        pa.string(), "Our own short label (never the AMA CPT descriptor); PCS and HCPCS titles."
    )
    category: str = column(
        pa.string(),
        "evaluation, preventive, lab, imaging, procedure, vaccine, vaccine_admin, "
        "supply, therapy or inpatient (ICD-10-PCS).",
    )
    units: int = column(pa.int32(), "Service units (1 for most services).")
    diagnosis_code: str = column(
        pa.string(), "ICD-10-CM code (no dot) the service was for: the encounter's reason."
    )
    modifier_1: str | None = column(
        pa.string(),
        "First CPT/HCPCS modifier, e.g. 25 (E/M with a procedure), 95 (telehealth).",
        nullable=True,
    )
    modifier_2: str | None = column(pa.string(), "Second modifier.", nullable=True)
    immunization_id: str | None = column(
        pa.string(),
        "The immunizations row a vaccine product or its administration bills for.",
        nullable=True,
    )
