"""Serializers: render a population's tables into output formats, registered by format name."""

from __future__ import annotations

from . import fhir as _fhir  # noqa: F401 - registers fhir-* formats
from . import tables as _tables  # noqa: F401 - registers csv, json, ndjson, parquet
from . import x12 as _x12  # noqa: F401 - registers x12-* formats
from ._registry import FORMATS, Serializer, get_serializer, register

__all__ = ["FORMATS", "Serializer", "get_serializer", "register"]
