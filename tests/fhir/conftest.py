"""Populations written once per session in every FHIR format, shared by the FHIR tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import clinical_data_generator as cdg

from .support import with_extras

FORMATS = ["fhir-ndjson", "fhir-bundle", "fhir-xml"]

# Several populations: default, Medicare-only (older members, MBIs, inpatient stays) and
# Medicaid families (children: thigh injection sites, many dependents and RelatedPersons).
POPULATIONS = {
    "default": {"members": 70, "seed": 1},
    "medicare": {"members": 40, "seed": 2, "lines_of_business": ["medicare"]},
    "medicaid": {"members": 45, "seed": 3, "lines_of_business": ["medicaid"], "max_age": 40},
}


@pytest.fixture(scope="session", params=sorted(POPULATIONS))
def population(request: pytest.FixtureRequest) -> cdg.Dataset:
    """A generated population plus hand-built lab and eligibility tables."""
    return with_extras(cdg.generate(**POPULATIONS[request.param]))


@pytest.fixture(scope="session")
def exported(population: cdg.Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The population written in the three FHIR formats; returns the output folder."""
    out = tmp_path_factory.mktemp("fhir")
    population.write(out, formats=FORMATS)
    return out
