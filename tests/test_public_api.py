"""The public surface: curated ``__all__`` lists and the contract names of DESIGN.md."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import clinical_data_generator as cdg

PUBLIC_MODULES = [
    "clinical_data_generator",
    "clinical_data_generator.errors",
    "clinical_data_generator.models",
    "clinical_data_generator.generators",
    "clinical_data_generator.serializers",
    "clinical_data_generator.serializers.fhir",
    "clinical_data_generator.serializers.x12",
    "clinical_data_generator.validation",
    "clinical_data_generator.dataset",
    "clinical_data_generator.cli",
    "clinical_data_generator.extra.hypothesis",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    """Each public module's sorted __all__ equals its public (non-underscore, non-module) names."""
    module = importlib.import_module(name)
    exported = module.__all__
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    assert all(hasattr(module, attr) for attr in exported)  # also loads lazy names
    is_package = hasattr(module, "__path__")
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and not isinstance(value, type(sys))
        and attr not in {"annotations", "TYPE_CHECKING"}
        and (
            getattr(value, "__module__", name).startswith("clinical_data_generator")
            if is_package
            # In a plain module only its own functions and classes count: imported constants
            # carry no __module__ to tell them apart.
            else callable(value) and getattr(value, "__module__", None) == name
        )
    }
    assert public - set(exported) == set(), f"{name} has public names missing from __all__"


def test_contract_names_exist() -> None:
    """DESIGN section 4: generate, Dataset, FORMATS and the composable generators."""
    for attr in ("generate", "Dataset", "FORMATS", "Population", "MemberGenerator"):
        assert hasattr(cdg, attr)
    assert {"csv", "json", "ndjson", "parquet"} <= set(cdg.FORMATS)


def test_errors_form_one_tree() -> None:
    """Every library error derives from ClinicalDataError and the matching builtin."""
    assert issubclass(cdg.InvalidArgumentError, cdg.ClinicalDataError)
    assert issubclass(cdg.InvalidArgumentError, ValueError)
    assert issubclass(cdg.MissingDependencyError, ImportError)
    assert issubclass(cdg.OutputError, OSError)


def test_import_is_fast_and_lazy() -> None:
    """Importing the package loads neither numpy nor pyarrow nor reference data (STYLE: < 0.3 s)."""
    code = (
        "import sys, time; t = time.process_time(); import clinical_data_generator as c; "
        "dt = time.process_time() - t; "
        "assert 'pyarrow' not in sys.modules and 'numpy' not in sys.modules, 'eager heavy import'; "
        "print(dt)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert float(result.stdout) < 0.3


def test_python_dash_m_runs_the_cli() -> None:
    """`python -m clinical_data_generator --help` shows the commands."""
    result = subprocess.run([sys.executable, "-m", "clinical_data_generator", "--help"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert "generate" in result.stdout and "formats" in result.stdout
