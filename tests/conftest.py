"""Shared fixtures and guards for the whole suite."""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np
import pytest

import clinical_data_generator as cdg


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden files.")


@pytest.fixture(autouse=True)
def _global_random_untouched() -> Iterator[None]:
    """Fail any test after which the global ``random`` or numpy RNG state changed."""
    before = random.getstate()
    np_before = np.random.get_state()
    yield
    assert random.getstate() == before, "the global random state changed: use a seeded stream"
    np_after = np.random.get_state()
    assert np.array_equal(np_after[1], np_before[1]) and np_after[2] == np_before[2], (
        "numpy's global RNG state changed: use a seeded stream"
    )


@pytest.fixture(scope="session")
def small() -> cdg.Dataset:
    """A 3,000-member population (one full block and a partial one) shared by many tests."""
    return cdg.generate(members=3_000, seed=11)


@pytest.fixture(scope="session")
def medium() -> cdg.Dataset:
    """A 20,000-member population for invariants and statistics."""
    return cdg.generate(members=20_000, seed=5)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
