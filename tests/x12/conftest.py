"""Populations, written files and parsed documents shared by the X12 writer tests.

Writing and parsing are cached per (population, format) for the whole session, so each
file is produced and read once however many tests look at it.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import clinical_data_generator as cdg
from tests.x12.x12parse import Document, parse

#: (members, seed) of the populations whose files are checked structurally and round-tripped.
SIZES = [(40, 1), (120, 7), (700, 23)]
#: The population validated with pyx12 directly (it reads ~3,500 segments a second): it holds
#: every edge case the generators make (see test_837.test_edge_cases_...). The first size is
#: validated with pyx12 too, through the project's validator (test_outputs).
PYX12_SIZES = SIZES[1:2]
_ROOT = Path(tempfile.mkdtemp(prefix="cdg-x12-tests-"))


@functools.cache
def population(members: int, seed: int) -> cdg.Dataset:
    """A generated population, built once per test session."""
    return cdg.generate(members=members, seed=seed)


def write(ds: cdg.Dataset, tmp: Path, fmt: object) -> dict[str, bytes]:
    """Write one format; return ``{relative path: bytes}`` of its files."""
    manifest = ds.write(tmp, formats=[fmt])
    return {
        f["path"]: (tmp / f["path"]).read_bytes()
        for f in manifest["files"]
        if str(f["path"]).startswith("x12-")
    }


@functools.cache
def output(members: int, seed: int, fmt: object) -> dict[str, bytes]:
    """The files of a format (name or configured X12Format) for a population, written once."""
    folder = _ROOT / f"{members}-{seed}-{len(list(_ROOT.iterdir()))}"
    return write(population(members, seed), folder, fmt)


@functools.cache
def documents(members: int, seed: int, fmt: object) -> dict[str, Document]:
    """:func:`output`, parsed."""
    return {path: parse(data) for path, data in output(members, seed, fmt).items()}


@pytest.fixture(scope="session", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    shutil.rmtree(_ROOT, ignore_errors=True)


@pytest.fixture(params=SIZES, ids=[f"{m}m-seed{s}" for m, s in SIZES])
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    """Each of the :data:`SIZES` populations, as (members, seed)."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(params=PYX12_SIZES, ids=[f"{m}m-seed{s}" for m, s in PYX12_SIZES])
def small_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    """Each of the :data:`PYX12_SIZES` populations, as (members, seed)."""
    return request.param  # type: ignore[no-any-return]
