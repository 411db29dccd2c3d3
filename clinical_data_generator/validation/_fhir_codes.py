"""Code system URIs and code formats that FHIR R4 fixes for the terminologies we emit.

FHIR identifies a code system by one canonical URI (R4 terminologies page and
terminology.hl7.org); OIDs, ``https://`` spellings and R3-era ``http://hl7.org/fhir/v2|v3/``
paths name the same system but make codes unrecognisable to servers and validators.
"""

from __future__ import annotations

import functools
import re

__all__ = ["ACT_CODE", "CDC_RACE", "CVX", "LOINC", "UCUM", "code_problem", "system_problem"]

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
CVX = "http://hl7.org/fhir/sid/cvx"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
NPI = "http://hl7.org/fhir/sid/us-npi"
SNOMED = "http://snomed.info/sct"
CPT = "http://www.ama-assn.org/go/cpt"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NDC = "http://hl7.org/fhir/sid/ndc"
SSN = "http://hl7.org/fhir/sid/us-ssn"
NUCC = "http://nucc.org/provider-taxonomy"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CDC_RACE = "urn:oid:2.16.840.1.113883.6.238"
THO = "http://terminology.hl7.org/CodeSystem/"

# OIDs of systems that have a FHIR URI (HL7 OID registry / THO "Other Identifiers").
_OIDS = {
    "2.16.840.1.113883.6.90": ICD10CM,
    "2.16.840.1.113883.6.4": ICD10PCS,
    "2.16.840.1.113883.12.292": CVX,
    "2.16.840.1.113883.6.1": LOINC,
    "2.16.840.1.113883.6.8": UCUM,
    "2.16.840.1.113883.4.6": NPI,
    "2.16.840.1.113883.6.96": SNOMED,
    "2.16.840.1.113883.6.12": CPT,
    "2.16.840.1.113883.6.88": RXNORM,
    "2.16.840.1.113883.6.69": NDC,
    "2.16.840.1.113883.4.1": SSN,
    "2.16.840.1.113883.6.101": NUCC,
    "2.16.840.1.113883.5.4": ACT_CODE,
    "2.16.840.1.113883.5.1": THO + "v3-AdministrativeGender",
    "2.16.840.1.113883.5.1008": THO + "v3-NullFlavor",
}

# Code systems that moved from http://hl7.org/fhir/<name> (STU3) to terminology.hl7.org in R4.
_MOVED_TO_THO = (
    "observation-category",
    "condition-clinical",
    "condition-ver-status",
    "condition-category",
    "claim-type",
    "adjudication",
    "adjudication-reason",
    "subscriber-relationship",
    "coverage-class",
    "coverage-copay-type",
    "processpriority",
    "payeetype",
    "diagnosis-role",
    "data-absent-reason",
    "immunization-origin",
    "ex-diagnosistype",
    "ex-payee-resource-type",
    "claim-exception",
    "benefit-type",
    "benefit-unit",
    "benefit-network",
    "benefit-term",
)

_CANONICAL = frozenset(
    [ICD10CM, ICD10PCS, CVX, LOINC, UCUM, NPI, SNOMED, CPT, RXNORM, NDC, SSN, NUCC]
)
# Spelling mistakes seen in the wild, compared after lower-casing and dropping a trailing "/".
_BY_LOOSE_FORM = {
    uri.lower().removeprefix("http://").removeprefix("www.").rstrip("/"): uri for uri in _CANONICAL
}
_BY_LOOSE_FORM.update(
    {
        "hl7.org/fhir/sid/icd10cm": ICD10CM,
        "hl7.org/fhir/sid/icd-10cm": ICD10CM,
        "icd-10-cm": ICD10CM,
        "icd10cm": ICD10CM,
        "cdc.gov/vaccines/programs/iis/code-sets/cvx": CVX,
        "loinc": LOINC,
        "ucum": UCUM,
        "unitsofmeasure.org/ucum": UCUM,
        "hl7.org/fhir/sid/npi": NPI,
        "npi": NPI,
    }
)

_V2_V3_OLD = re.compile(r"^https?://hl7\.org/fhir/(v2|v3)/([A-Za-z0-9-]+)$")


@functools.lru_cache(maxsize=4096)
def system_problem(system: str) -> str | None:
    """Why ``system`` is a wrong spelling of a known code system URI, or None when it looks right."""
    if system in _CANONICAL or system == CDC_RACE:
        return None
    if system.startswith("urn:oid:"):
        oid = system.removeprefix("urn:oid:")
        if oid in _OIDS:
            return f"use {_OIDS[oid]} instead of the OID {system}"
        return None
    old = _V2_V3_OLD.match(system)
    if old:
        table = old.group(2)
        new = f"{THO}{old.group(1)}-{table.zfill(4) if table.isdigit() else table}"
        return f"use {new} (R4) instead of the STU3 URI {system}"
    if system.startswith(("http://hl7.org/fhir/", "https://hl7.org/fhir/")):
        name = system.split("/fhir/", 1)[1]
        if name in _MOVED_TO_THO:
            return f"use {THO}{name} (R4) instead of {system}"
    if system.startswith("https://terminology.hl7.org/") or system.startswith("https://hl7.org/"):
        return f"HL7 code system URIs use http://, not https:// ({system})"
    loose = system.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.")
    known = _BY_LOOSE_FORM.get(loose.rstrip("/")) or _BY_LOOSE_FORM.get(loose)
    if known is not None and known != system:
        return f"use {known} instead of {system}"
    return None


_ICD10CM_DOTTED = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_ICD10CM_BARE = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{1,4}$")
_LOINC = re.compile(r"^([0-9]{1,7})-([0-9])$")
# LOINC answer (LA) and part (LP) codes live in the same system; their check digits are not
# the term codes' mod-10 digit, so only the shape is checked.
_LOINC_ANSWER = re.compile(r"^L[AP][0-9]{1,7}-[0-9]$")
_CVX = re.compile(r"^[0-9]{1,3}$")
_NPI = re.compile(r"^[0-9]{10}$")


def _luhn_ok(digits: str) -> bool:
    """Luhn check on a digit string whose last digit is the check digit (ISO/IEC 7812-1)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@functools.lru_cache(maxsize=65536)
def code_problem(system: str, code: str) -> str | None:
    """Why ``code`` is malformed for ``system`` (ICD-10-CM, LOINC, CVX, NPI), or None."""
    if system == ICD10CM:
        if _ICD10CM_DOTTED.match(code):
            return None
        if _ICD10CM_BARE.match(code):
            # FHIR carries ICD-10-CM codes with the dot (X12 HI segments drop it).
            return f"ICD-10-CM code {code!r} needs its dot: {code[:3]}.{code[3:]}"
        return f"{code!r} is not an ICD-10-CM code"
    if system == LOINC:
        if _LOINC_ANSWER.match(code):
            return None
        found = _LOINC.match(code)
        # The LOINC check digit is the Luhn (mod 10) digit of the number part.
        if found is None or not _luhn_ok(found.group(1) + found.group(2)):
            return f"{code!r} is not a LOINC code (NNNNN-C with a mod-10 check digit)"
        return None
    if system == CVX:
        return None if _CVX.match(code) else f"{code!r} is not a CVX code (1-3 digits)"
    if system == NPI:
        # NPI check digit: Luhn over the prefix 80840 followed by the ten digits.
        if _NPI.match(code) and _luhn_ok("80840" + code):
            return None
        return f"{code!r} is not a valid NPI (10 digits, Luhn check with prefix 80840)"
    return None
