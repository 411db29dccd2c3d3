"""Code lookups shared by the claim-side resources (labels from the packaged reference data).

Official displays are written only where our data carries the official title (ICD-10-CM,
ICD-10-PCS, MS-DRG); our own short labels (CPT, HCPCS, revenue codes, place of service, NUBC
codes) go to ``CodeableConcept.text`` so no validator mistakes them for the code's display.
"""

from __future__ import annotations

import functools

import pyarrow as pa

from ..._internal import refdata
from . import _systems as uri
from ._values import Resource, concept, dotted_icd10

__all__ = ["diagnosis", "label", "modifier", "product_or_service", "revenue"]

_NOT_APPLICABLE = concept(uri.DATA_ABSENT, "not-applicable", "Not Applicable")


@functools.cache
def _labels(name: str, key: str = "code", value: str = "label") -> dict[str, str]:
    t = refdata.read_table(name, {key: pa.string()})
    return dict(zip(t[key].to_pylist(), t[value].to_pylist(), strict=True))


def label(file: str, code: str) -> str | None:
    """Our label of ``code`` in a packaged ``code,label`` file (None when unknown)."""
    return _labels(file).get(code)


@functools.cache
def icd10cm_title(code: str) -> str | None:
    """The CDC title of an ICD-10-CM code (no dot), if packaged."""
    icd = refdata.icd10cm()
    row = icd.row.get(code)
    return None if row is None else str(icd.titles[row].as_py())


@functools.cache
def diagnosis(code: str) -> Resource:
    """An ICD-10-CM CodeableConcept with the dotted code and the CDC title."""
    return concept(uri.ICD10CM, dotted_icd10(code), icd10cm_title(code))


@functools.cache
def icd10pcs_title(code: str) -> str | None:
    """The CMS title of an ICD-10-PCS code, if packaged."""
    return _labels("icd10pcs.csv", "code", "title").get(code)


@functools.cache
def drg(code: str) -> Resource:
    """An MS-DRG CodeableConcept."""
    return concept(uri.MS_DRG, code, _labels("ms_drg.csv", "drg", "title").get(code))


def product_or_service(system: str | None, code: str | None, text: str | None) -> Resource:
    """A CPT / HCPCS / ICD-10-PCS code; ``not-applicable`` for revenue-code-only lines."""
    if not code or not system:
        return _NOT_APPLICABLE
    if system == "CPT":
        return concept(uri.CPT, code, None, text)
    if system == "HCPCS":
        return concept(uri.HCPCS, code, None, text)
    return concept(uri.ICD10PCS, code, icd10pcs_title(code), text)


@functools.cache
def modifier(code: str) -> Resource:
    """A CPT (numeric) or HCPCS Level II (letters) modifier."""
    return concept(uri.CPT if code.isdigit() else uri.HCPCS, code)


@functools.cache
def revenue(code: str) -> Resource:
    """A NUBC revenue code with our label as text."""
    return concept(uri.NUBC_REVENUE, code, None, label("revenue_codes.csv", code))
