"""The three FHIR document formats, as configurable serializer objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs
import pyarrow as pa

from .._registry import DocumentSink, DocumentWriter
from ._build import TABLES
from ._bundle import BundleWriter
from ._ndjson import NDJSONWriter
from ._options import BundleOptions
from ._xml import XMLWriter

__all__ = ["FHIRBundleFormat", "FHIRNDJSONFormat", "FHIRXMLFormat"]


@attrs.frozen(kw_only=True)
class FHIRNDJSONFormat:
    """FHIR R4 Bulk Data NDJSON: one ``<ResourceType>.ndjson`` per type, one resource per line.

    Args:
        name: Format name and output folder (default ``fhir-ndjson``).
    """

    name: str = "fhir-ndjson"
    summary: str = (
        "FHIR R4 Bulk Data NDJSON: one <ResourceType>.ndjson per type, one resource a line."
    )
    tables: tuple[str, ...] = TABLES
    kind: Literal["documents"] = "documents"

    def open(
        self, sink: DocumentSink, reference: Mapping[str, pa.Table], info: Mapping[str, object]
    ) -> DocumentWriter:
        """Start a run."""
        return NDJSONWriter(sink, reference, info)


@attrs.frozen(kw_only=True)
class FHIRBundleFormat:
    """FHIR R4 Bundles: one transaction (or collection) Bundle per subscriber household.

    Args:
        options: :class:`BundleOptions` (Bundle type, maximum size, request method).
        name: Format name and output folder (default ``fhir-bundle``); give configured
            instances their own name to write several variants in one run.

    Example:
        >>> import clinical_data_generator as cdg
        >>> from clinical_data_generator.serializers.fhir import BundleOptions, FHIRBundleFormat
        >>> small = FHIRBundleFormat(options=BundleOptions(max_entries=100))
        >>> small.options.entry_method()
        'PUT'
    """

    options: BundleOptions = attrs.field(
        factory=BundleOptions, validator=attrs.validators.instance_of(BundleOptions)
    )
    name: str = "fhir-bundle"
    summary: str = (
        "FHIR R4 transaction Bundles, one per subscriber household (urn:uuid references)."
    )
    tables: tuple[str, ...] = TABLES
    kind: Literal["documents"] = "documents"

    def open(
        self, sink: DocumentSink, reference: Mapping[str, pa.Table], info: Mapping[str, object]
    ) -> DocumentWriter:
        """Start a run."""
        return BundleWriter(sink, reference, info, self.options)


@attrs.frozen(kw_only=True)
class FHIRXMLFormat:
    """FHIR R4 XML: one ``<ResourceType>.xml`` collection Bundle per resource type.

    Args:
        name: Format name and output folder (default ``fhir-xml``).
    """

    name: str = "fhir-xml"
    summary: str = "FHIR R4 XML: one <ResourceType>.xml collection Bundle per resource type."
    tables: tuple[str, ...] = TABLES
    kind: Literal["documents"] = "documents"

    def open(
        self, sink: DocumentSink, reference: Mapping[str, pa.Table], info: Mapping[str, object]
    ) -> DocumentWriter:
        """Start a run."""
        return XMLWriter(sink, reference, info)
