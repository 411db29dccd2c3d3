"""The ``members`` table: subscribers and their dependents."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Member"]


@attrs.frozen
class Member:
    """One health-plan member (a subscriber or a dependent), as a row of ``members``."""

    member_id: str = column(
        pa.string(), "Unique member key, 'M' + 9 digits, derived from seed and position."
    )
    identity_id: str = column(pa.string(), "Person identity id (UUID layout, seeded, not random).")
    subscriber_member_id: str = column(
        pa.string(), "member_id of the household's subscriber (self for subscribers)."
    )
    relationship_code: str = column(
        pa.string(),
        "X12 INS02 relationship to subscriber: 18 self, 01 spouse, 19 child, 17 stepchild.",
    )
    person_code: str = column(
        pa.string(), "Two-digit person code on the ID card: 01 subscriber, 02 spouse, 03+ children."
    )
    subscriber_number: str = column(
        pa.string(), "Subscriber ID card number: payer prefix + 9 digits, shared by the household."
    )
    member_number: str = column(
        pa.string(), "Member ID card number: subscriber_number + person_code."
    )
    mrn: str = column(
        pa.string(),
        "Medical record number: 'MRN' + 8 digits, one per member (the same as on immunizations).",
    )
    first_name: str = column(pa.string(), "Given name, drawn by birth decade and sex (SSA).")
    last_name: str = column(pa.string(), "Family name, drawn jointly with race/ethnicity (Census).")
    sex: str = column(pa.string(), "Administrative sex: F or M.")
    birth_date: dt.date = column(pa.date32(), "Date of birth.")
    race_code: str = column(pa.string(), "CDC race code (OMB category).")
    race_display: str = column(pa.string(), "CDC race display text.")
    ethnicity_code: str = column(
        pa.string(), "CDC ethnicity code: 2135-2 Hispanic or Latino, 2186-5 not."
    )
    ethnicity_display: str = column(pa.string(), "CDC ethnicity display text.")
    language: str = column(pa.string(), "Preferred language, BCP-47 code (e.g. en, es).")
    address_line1: str = column(pa.string(), "Synthetic street address, shared by the household.")
    city: str = column(pa.string(), "City of a real ZIP code.")
    state: str = column(pa.string(), "Two-letter state code.")
    zip: str = column(pa.string(), "Five-digit ZIP code (population-weighted).")
    county: str = column(pa.string(), "County of the ZIP code.")
    latitude: float = column(pa.float64(), "Latitude near the ZIP centroid (jittered).")
    longitude: float = column(pa.float64(), "Longitude near the ZIP centroid (jittered).")
    line_of_business: str = column(pa.string(), "commercial, individual, medicare or medicaid.")
    payer_id: str = column(pa.string(), "Payer of the member's current (or last) coverage.")
    plan_id: str = column(pa.string(), "Plan of the member's current (or last) coverage.")
    middle_initial: str | None = column(
        pa.string(), "Middle initial, when the member has one.", nullable=True
    )
    ssn: str | None = column(
        pa.string(),
        "SSN in the never-issued 900-999 area, group 01-49 (NNN-NN-NNNN).",
        nullable=True,
    )
    second_race_code: str | None = column(
        pa.string(), "Second CDC race code for members of two or more races.", nullable=True
    )
    mobile_phone: str | None = column(
        pa.string(), "Mobile phone: real area code + 555-01XX.", nullable=True
    )
    home_phone: str | None = column(
        pa.string(), "Home phone: real area code + 555-01XX.", nullable=True
    )
    email: str | None = column(pa.string(), "E-mail on example.com/.net/.org.", nullable=True)
    address_line2: str | None = column(
        pa.string(), "Apartment or unit, when there is one.", nullable=True
    )
    sponsor_id: str | None = column(
        pa.string(), "Employer group of commercial group members.", nullable=True
    )
    mbi: str | None = column(
        pa.string(),
        "Medicare Beneficiary Identifier (format-valid, synthetic) for Medicare members.",
        nullable=True,
    )
    note: str | None = column(pa.string(), "Free-text roster note (non-clinical).", nullable=True)
