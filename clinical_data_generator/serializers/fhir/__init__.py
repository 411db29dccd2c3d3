"""FHIR R4 (4.0.1) output: Bulk Data NDJSON, transaction Bundles and XML.

Three document formats are registered: ``fhir-ndjson``, ``fhir-bundle`` and ``fhir-xml``.
Pass a configured instance to ``formats=[...]`` to change how Bundles are written::

    import clinical_data_generator as cdg
    from clinical_data_generator.serializers.fhir import BundleOptions, FHIRBundleFormat

    ds = cdg.generate(members=100, seed=1)
    ds.write("out/", formats=[FHIRBundleFormat(options=BundleOptions(type="collection"))])

Resources are built as JSON-ready dicts straight from the Arrow columns (no pydantic models);
ids are uuid5 of (seed, resource type, table key), see :func:`resource_id`.
"""

from __future__ import annotations

from .._registry import register as _register
from ._build import RESOURCE_TYPES, TABLES
from ._formats import FHIRBundleFormat, FHIRNDJSONFormat, FHIRXMLFormat
from ._ids import NAMESPACE, resource_id
from ._options import MIN_BUNDLE_ENTRIES, BundleOptions

__all__ = [
    "BundleOptions",
    "FHIRBundleFormat",
    "FHIRNDJSONFormat",
    "FHIRXMLFormat",
    "FHIR_BUNDLE",
    "FHIR_NDJSON",
    "FHIR_XML",
    "MIN_BUNDLE_ENTRIES",
    "NAMESPACE",
    "RESOURCE_TYPES",
    "TABLES",
    "resource_id",
]

FHIR_NDJSON = _register(FHIRNDJSONFormat())
FHIR_BUNDLE = _register(FHIRBundleFormat())
FHIR_XML = _register(FHIRXMLFormat())
