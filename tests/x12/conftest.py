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


#: (members, seed) of the populations every writer is validated on.
SIZES = [(60, 1), (400, 7), (1500, 23)]


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
