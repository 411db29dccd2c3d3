"""pytest plugin (auto-registered): seeded synthetic data as fixtures.

Fixtures:
    ``cdg_seed``: the seed from ``--cdg-seed`` (default 0), so a failing run can be replayed.
    ``cdg_generate``: ``cdg_generate(members=..., **options)`` -> :class:`Dataset`, cached per
    session by its arguments (the same arguments give the same data anyway).
    ``cdg_dataset``: a small shared population (200 members) for quick tests.

Example::

    def test_members_have_ids(cdg_dataset):
        assert cdg_dataset.tables["members"].num_rows == 200
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import clinical_data_generator as cdg


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--cdg-seed``."""
    group = parser.getgroup("clinical-data-generator")
    group.addoption(
        "--cdg-seed", type=int, default=0, help="Seed for the cdg_* fixtures (default 0)."
    )


@pytest.fixture(scope="session")
def cdg_seed(request: pytest.FixtureRequest) -> int:
    """The seed given by ``--cdg-seed``."""
    return int(request.config.getoption("--cdg-seed"))


@pytest.fixture(scope="session")
def cdg_generate(cdg_seed: int) -> Callable[..., cdg.Dataset]:
    """A cached ``generate``: same arguments, same Dataset object."""
    cache: dict[tuple[tuple[str, Any], ...], cdg.Dataset] = {}

    def generate(members: int, **options: Any) -> cdg.Dataset:
        options.setdefault("seed", cdg_seed)
        key = (("members", members), *sorted((k, repr(v)) for k, v in options.items()))
        if key not in cache:
            cache[key] = cdg.generate(members, **options)
        return cache[key]

    return generate


@pytest.fixture(scope="session")
def cdg_dataset(cdg_generate: Callable[..., cdg.Dataset]) -> cdg.Dataset:
    """A small population (200 members) shared by the session."""
    return cdg_generate(200)
