"""Populations and helpers shared by the X12 writer tests."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import clinical_data_generator as cdg


@functools.cache
def population(members: int, seed: int) -> cdg.Dataset:
    """A generated population, built once per test session."""
    return cdg.generate(members=members, seed=seed)


#: (members, seed) of the populations whose files are checked structurally and round-tripped.
SIZES = [(40, 1), (120, 7), (1500, 23)]
#: The populations validated with pyx12 too (it reads ~3,500 segments a second).
PYX12_SIZES = SIZES[:2]


def write(ds: cdg.Dataset, tmp: Path, fmt: object) -> dict[str, bytes]:
    """Write one format; return ``{relative path: bytes}`` of its files."""
    manifest = ds.write(tmp, formats=[fmt])
    return {
        f["path"]: (tmp / f["path"]).read_bytes()
        for f in manifest["files"]
        if str(f["path"]).startswith("x12-")
    }


@pytest.fixture(params=SIZES, ids=[f"{m}m-seed{s}" for m, s in SIZES])
def dataset(request: pytest.FixtureRequest) -> cdg.Dataset:
    """Each of the :data:`SIZES` populations."""
    members, seed = request.param
    return population(members, seed)


@pytest.fixture(params=PYX12_SIZES, ids=[f"{m}m-seed{s}" for m, s in PYX12_SIZES])
def small_dataset(request: pytest.FixtureRequest) -> cdg.Dataset:
    """Each of the :data:`PYX12_SIZES` populations."""
    members, seed = request.param
    return population(members, seed)
