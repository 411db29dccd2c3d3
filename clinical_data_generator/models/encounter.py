"""The ``encounters`` table: visits and stays, the events that claims will bill."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Encounter"]


@attrs.frozen
class Encounter:
    """One visit or stay of one member, as a row of ``encounters``."""

    encounter_id: str = column(
        pa.string(), "Unique key: member_id + '-E' + three digits, in date order."
    )
    member_id: str = column(pa.string(), "The patient.")
    encounter_class: str = column(
        pa.string(),
        "office, telehealth, urgent_care, emergency, outpatient, inpatient, lab or vaccination "
        "(one per member and day vaccines were given, see immunizations.encounter_id).",
    )
    start_date: dt.date = column(pa.date32(), "Visit date, or admission date for inpatient stays.")
    end_date: dt.date = column(
        pa.date32(), "Same as start_date, or the discharge date (before as_of)."
    )
    place_of_service: str = column(
        pa.string(), "CMS place-of-service code (11 office, 23 ER, 21 inpatient ...)."
    )
    reason_code: str = column(
        pa.string(), "Primary diagnosis, ICD-10-CM without the dot, valid for age and sex."
    )
    reason_display: str = column(pa.string(), "ICD-10-CM title of the primary diagnosis.")
    billing_provider_id: str = column(pa.string(), "Organisation that bills for the encounter.")
    reason_condition_id: str | None = column(
        pa.string(),
        "The conditions row the visit was for (chronic follow-up or acute problem); empty for "
        "vaccination visits (reason Z23).",
        nullable=True,
    )
    rendering_provider_id: str | None = column(
        pa.string(), "Practitioner who saw the patient (none for lab-only visits).", nullable=True
    )
    facility_provider_id: str | None = column(
        pa.string(), "Facility for urgent care, hospital and lab encounters.", nullable=True
    )
    coverage_id: str | None = column(
        pa.string(),
        "Coverage span active on start_date; empty when the member was uninsured.",
        nullable=True,
    )
    admission_type: str | None = column(
        pa.string(), "UB-04 admission type (inpatient).", nullable=True
    )
    admission_source: str | None = column(
        pa.string(), "UB-04 point of origin (inpatient).", nullable=True
    )
    discharge_status: str | None = column(
        pa.string(), "UB-04 patient discharge status (inpatient).", nullable=True
    )
