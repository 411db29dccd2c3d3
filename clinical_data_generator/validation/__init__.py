"""Validate generated files with independent validators plus our own structural checks.

``validate_paths`` walks files and folders, recognises X12 interchanges and FHIR JSON, NDJSON
and XML, and returns one :class:`FileReport` per file. X12 checks live in :mod:`.x12` (pyx12
from the ``x12`` extra where it has a 5010 map), FHIR checks in :mod:`.fhir` (fhir.resources
from the ``fhir`` extra); both add our own checks that no single validator covers.
"""

from __future__ import annotations

from ._report import FileReport, validate_paths

__all__ = ["FileReport", "validate_paths"]
