"""The ``providers`` table: practitioners (type-1 NPI) and organisations (type-2 NPI)."""

from __future__ import annotations

import attrs
import pyarrow as pa

from ._schema import column

__all__ = ["Provider"]


@attrs.frozen
class Provider:
    """A practitioner or a provider organisation / facility, as a row of ``providers``."""

    provider_id: str = column(pa.string(), "Unique provider key, 'P' + 8 digits.")
    npi: str = column(
        pa.string(), "10-digit NPI starting with 2, Luhn-valid over prefix 80840 (never issued)."
    )
    entity_type: str = column(
        pa.string(), "individual (NPI entity type 1) or organization (type 2)."
    )
    name: str = column(pa.string(), "Display name: 'First M Last, CRED' or the organisation name.")
    taxonomy_code: str = column(pa.string(), "NUCC Health Care Provider Taxonomy code.")
    taxonomy_display: str = column(pa.string(), "NUCC display name.")
    specialty: str = column(pa.string(), "Short specialty label (ours).")
    address_line1: str = column(pa.string(), "Synthetic practice address.")
    city: str = column(pa.string(), "City of a real ZIP code.")
    state: str = column(pa.string(), "Two-letter state code.")
    zip: str = column(pa.string(), "Five-digit ZIP code.")
    zip4: str = column(pa.string(), "ZIP+4 add-on (synthetic), for 9-digit ZIPs in X12.")
    latitude: float = column(pa.float64(), "Latitude near the ZIP centroid (jittered).")
    longitude: float = column(pa.float64(), "Longitude near the ZIP centroid (jittered).")
    phone: str = column(pa.string(), "Office phone: real area code + 555-01XX.")
    first_name: str | None = column(pa.string(), "Given name (individuals).", nullable=True)
    middle_initial: str | None = column(pa.string(), "Middle initial (individuals).", nullable=True)
    last_name: str | None = column(pa.string(), "Family name (individuals).", nullable=True)
    sex: str | None = column(pa.string(), "F or M (individuals).", nullable=True)
    credential: str | None = column(
        pa.string(), "MD, DO, NP, PA, ... (individuals).", nullable=True
    )
    organization_name: str | None = column(
        pa.string(), "Organisation name (organisations).", nullable=True
    )
    tax_id: str | None = column(
        pa.string(), "EIN NN-NNNNNNN with a never-assigned prefix (organisations).", nullable=True
    )
    organization_id: str | None = column(
        pa.string(), "provider_id of the billing organisation (individuals).", nullable=True
    )
