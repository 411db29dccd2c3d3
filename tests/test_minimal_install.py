"""Optional extras: with the extra missing, the feature fails with a clear MissingDependencyError.

tox's ``minimal`` environment runs this file with only the core dependencies installed; in the
full environment the missing packages are simulated.
"""

from __future__ import annotations

import importlib
import sys

import pytest

import clinical_data_generator as cdg


@pytest.fixture
def without(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def hide(*modules: str) -> None:
        for name in modules:
            monkeypatch.setitem(sys.modules, name, None)

    return hide


def test_core_generation_needs_no_extra() -> None:
    """Generate and the table formats work with the core dependencies alone."""
    ds = cdg.generate(members=20, seed=1)
    assert ds.tables["members"].num_rows == 20


def test_pandas_missing(without) -> None:  # type: ignore[no-untyped-def]
    """to_pandas names the 'pandas' extra when pandas is absent."""
    without("pandas")
    with pytest.raises(cdg.MissingDependencyError, match=r"\[pandas\]"):
        cdg.generate(members=5).to_pandas("members")


def test_hypothesis_missing(without) -> None:  # type: ignore[no-untyped-def]
    """The Hypothesis strategies module names the 'hypothesis' extra when it is absent."""
    without("hypothesis", "hypothesis.strategies")
    sys.modules.pop("clinical_data_generator.extra.hypothesis", None)
    with pytest.raises(cdg.MissingDependencyError, match=r"\[hypothesis\]"):
        importlib.import_module("clinical_data_generator.extra.hypothesis")
    sys.modules.pop("clinical_data_generator.extra.hypothesis", None)
