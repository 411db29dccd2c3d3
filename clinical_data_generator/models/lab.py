"""The lab tables: ``diagnostic_reports`` (ordered panels), ``lab_results`` and ``covid_tests``."""

from __future__ import annotations

import datetime as dt

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["CovidTest", "DiagnosticReport", "LabResult"]

TIMESTAMP = pa.timestamp("ms")  # Parquet has no second unit


@attrs.frozen
class DiagnosticReport:
    """One lab panel ordered at one encounter, as a row of ``diagnostic_reports``.

    Maps to FHIR R4 ``DiagnosticReport`` (``code``, ``category`` LAB, ``effectiveDateTime``,
    ``issued``, ``performer``, ``result``) and an HL7 v2 ORU^R01 OBR segment.
    """

    report_id: str = column(
        pa.string(), "Unique key: encounter_id + '-L' + two digits (the panel's number)."
    )
    member_id: str = column(pa.string(), "The patient.")
    encounter_id: str = column(pa.string(), "The encounter the panel was ordered at.")
    panel: str = column(
        pa.string(), "Panel key: CBC, CMP, LIPID, HBA1C, TSH, UA, GLUCOSE, COVID_PCR, COVID_AG."
    )
    code: str = column(pa.string(), "LOINC code of the panel (or of the single test).")
    display: str = column(pa.string(), "LOINC long common name of the panel, verbatim.")
    category: str = column(pa.string(), "Diagnostic service section: always LAB.")
    status: str = column(pa.string(), "Report status: final.")
    effective_at: dt.datetime = column(
        TIMESTAMP, "Specimen collection time (local), on an encounter day."
    )
    issued_at: dt.datetime = column(
        TIMESTAMP, "When the results were released: after effective_at, never after as_of."
    )
    ordering_provider_id: str = column(
        pa.string(),
        "Practitioner who ordered the panel: the encounter's rendering practitioner, or a "
        "primary-care practitioner for lab-only visits.",
    )
    performer_id: str = column(
        pa.string(),
        "Organisation that ran the tests: the encounter's facility, the practice for "
        "point-of-care tests, or a reference laboratory in the member's state.",
    )
    specimen_id: str = column(pa.string(), "Specimen accession number: 'SP' + 9 characters.")
    specimen_type: str = column(
        pa.string(), "Blood, Serum, Urine, Capillary blood, Nasal swab or Nasopharyngeal swab."
    )
    procedure_code: str = column(
        pa.string(), "CPT code number billed for the panel (see procedures.csv)."
    )
    result_count: int = column(pa.int32(), "Number of lab_results rows of the report.")


@attrs.frozen
class LabResult:
    """One LOINC-coded test result, as a row of ``lab_results`` (FHIR ``Observation``, HL7 OBX)."""

    result_id: str = column(
        pa.string(), "Unique key: report_id + two digits (the test's place in the panel)."
    )
    report_id: str = column(pa.string(), "The diagnostic_reports row the result belongs to.")
    member_id: str = column(pa.string(), "The patient.")
    encounter_id: str = column(pa.string(), "The encounter the panel was ordered at.")
    code: str = column(pa.string(), "LOINC code of the test.")
    display: str = column(pa.string(), "LOINC long common name of the test, verbatim.")
    value_type: str = column(pa.string(), "quantitative, ordinal or nominal.")
    value_quantity: float | None = column(
        pa.float64(),
        "Numeric result, rounded to the test's reported precision (quantitative tests).",
        nullable=True,
    )
    value_string: str | None = column(
        pa.string(),
        "Coded result of qualitative tests: Negative, Trace, Detected, Not detected, ...",
        nullable=True,
    )
    value_code: str | None = column(
        pa.string(), "LOINC answer code of value_string, where there is one.", nullable=True
    )
    unit: str | None = column(
        pa.string(),
        "UCUM unit of value_quantity (empty for unitless presence tests).",
        nullable=True,
    )
    reference_low: float | None = column(
        pa.float64(), "Low end of the reference range for the member's sex and age.", nullable=True
    )
    reference_high: float | None = column(
        pa.float64(), "High end of the reference range for the member's sex and age.", nullable=True
    )
    reference_text: str | None = column(
        pa.string(), "Expected answer of qualitative tests (e.g. Negative).", nullable=True
    )
    abnormal_flag: str = column(
        pa.string(),
        "HL7 table 0078: L below the range, H above it, N inside it; A for an unexpected "
        "qualitative answer.",
    )
    collected_at: dt.datetime = column(TIMESTAMP, "Specimen collection time (local).")
    resulted_at: dt.datetime = column(
        TIMESTAMP, "When the result was released: after collected_at, never after as_of."
    )
    status: str = column(pa.string(), "Result status: final.")


@attrs.frozen
class CovidTest:
    """One COVID-19 test in the legacy testing-site layout, as a row of ``covid_tests``.

    Every row is also a ``lab_results`` row (same ``result_id``) of a COVID_PCR or COVID_AG
    report.
    """

    result_id: str = column(pa.string(), "Unique key; the lab_results row of the test.")
    report_id: str = column(pa.string(), "The diagnostic_reports row of the test.")
    member_id: str = column(pa.string(), "The person tested.")
    encounter_id: str = column(pa.string(), "The visit the test was done at.")
    kit_id: str = column(pa.string(), "Test kit identifier: 'KT' + 9 characters.")
    specimen_id: str = column(pa.string(), "Specimen identifier, as on the report.")
    test_type: str = column(pa.string(), "PCR or antigen.")
    code: str = column(pa.string(), "LOINC code of the test.")
    result: str = column(
        pa.string(), "Detected / Not detected (PCR) or Positive / Negative (antigen)."
    )
    positive: bool = column(pa.bool_(), "Whether the virus was found.")
    screened_at: dt.datetime = column(TIMESTAMP, "Check-in and symptom screening time.")
    collected_at: dt.datetime = column(TIMESTAMP, "Sample collection time (after screening).")
    resulted_at: dt.datetime = column(
        TIMESTAMP, "Result time (after collection, never after as_of)."
    )
    test_reason: str = column(pa.string(), "symptoms, exposure or screening.")
    first_test: bool = column(pa.bool_(), "The person's first test in the history window.")
    symptomatic: bool = column(pa.bool_(), "Any of the symptom flags below.")
    symptom_onset_date: dt.date | None = column(
        pa.date32(), "First day of symptoms (symptomatic people only).", nullable=True
    )
    fever: bool = column(pa.bool_(), "Fever or chills.")
    cough: bool = column(pa.bool_(), "Cough.")
    shortness_of_breath: bool = column(pa.bool_(), "Shortness of breath.")
    fatigue: bool = column(pa.bool_(), "Fatigue.")
    muscle_aches: bool = column(pa.bool_(), "Muscle or body aches.")
    headache: bool = column(pa.bool_(), "Headache.")
    loss_of_taste_or_smell: bool = column(pa.bool_(), "New loss of taste or smell.")
    sore_throat: bool = column(pa.bool_(), "Sore throat.")
    ordering_site: str = column(pa.string(), "Where the test was ordered: the encounter class.")
    ordering_site_id: str = column(
        pa.string(), "Facility (urgent care, hospital, laboratory) or practice that tested."
    )
