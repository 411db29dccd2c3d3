"""The documentation builds without warnings and every example script runs.

Examples and the docs build run in subprocesses (``sys.executable``), as a user would run them,
so they cannot touch this process's state.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import clinical_data_generator as cdg
from clinical_data_generator import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

# Example script -> a line its output must contain.
EXPECTED_OUTPUT = {
    "quickstart.py": "wrote 44 files to",  # csv and parquet of the 22 tables
    "cohort_medicare_texas.py": "lines of business: ['medicare']",
    "stream_large_run.py": "wrote 2 blocks with 2 workers",
}


def _run(args: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_every_example_is_run_by_this_module() -> None:
    """Each script in examples/ is listed here, so a new example cannot go untested."""
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED_OUTPUT)


@pytest.mark.parametrize("script", sorted(EXPECTED_OUTPUT))
def test_example_script_runs(script: str, tmp_path: Path) -> None:
    """The example exits 0, prints its expected line and writes a manifest into --out."""
    out = tmp_path / "out"
    extra = ["--members", "40000"] if script == "stream_large_run.py" else []
    result = _run([str(EXAMPLES / script), "--out", str(out), *extra], timeout=300)
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    assert EXPECTED_OUTPUT[script] in result.stdout, result.stdout
    assert (out / "manifest.json").is_file()


def test_config_file_example_is_accepted_by_the_cli(tmp_path: Path) -> None:
    """The TOML file shown in the config-files how-to is valid for ``cdg generate --config``."""
    out = tmp_path / "cohort"
    args = ["generate", "--config", str(EXAMPLES / "cohort.toml"), "--members", "60"]
    code = cli.run([*args, "--format", "csv", "--out", str(out), "--quiet"])
    assert code == 0
    assert (out / "csv" / "members.csv").is_file()


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the HTML docs once for this module, with warnings as errors."""
    if not all(importlib.util.find_spec(name) for name in ("sphinx", "myst_parser")):
        pytest.skip("sphinx and myst-parser are not installed (pip install -e '.[docs]')")
    if not (ROOT / "CHANGELOG.md").is_file():
        pytest.fail("docs/changelog.md includes ../CHANGELOG.md, which does not exist")
    work = tmp_path_factory.mktemp("docs")
    html = work / "html"
    sphinx = ["-m", "sphinx", "-W", "--keep-going", "-b", "html"]
    result = _run([*sphinx, "-d", str(work / "doctrees"), str(DOCS), str(html)], timeout=300)
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stdout}\n{result.stderr}"
    return html


def test_docs_build_without_warnings(built_docs: Path) -> None:
    """``sphinx-build -W --keep-going -b html`` succeeds and produces every page of the toctree."""
    for page in (
        "index", "tutorials/quickstart", "how-to/cohorts", "how-to/large-runs",
        "how-to/config-files", "how-to/fsspec", "explanation/reproducibility",
        "explanation/output-stability", "explanation/provenance", "reference/api",
        "reference/cli", "reference/formats", "reference/tables", "changelog",
    ):  # fmt: skip
        assert (built_docs / f"{page}.html").is_file(), page


def _section(page: str, table: str) -> str:
    """The HTML of one generated ``table-<name>`` section of the tables page."""
    start = page.index(f'id="table-{table.replace("_", "-")}"')  # docutils ids use hyphens
    end = page.find('<section id="table-', start + 1)
    return page[start : end if end != -1 else len(page)]


def test_tables_page_lists_every_member_column(built_docs: Path) -> None:
    """The generated table reference shows every column of ``Member`` in the members section."""
    members = _section((built_docs / "reference" / "tables.html").read_text("utf-8"), "members")
    for field in attrs.fields(cdg.Member):
        assert re.search(rf">{re.escape(field.name)}<", members), field.name


def test_tables_page_covers_every_model(built_docs: Path) -> None:
    """Every table in ``models.MODELS`` gets a generated section with its column count."""
    from clinical_data_generator.models import MODELS

    page = (built_docs / "reference" / "tables.html").read_text("utf-8")
    for name, model in MODELS.items():
        assert f"{len(attrs.fields(model))} columns" in _section(page, name), name


def test_formats_page_lists_every_registered_format(built_docs: Path) -> None:
    """The generated format table names every format in ``cdg.FORMATS``."""
    page = (built_docs / "reference" / "formats.html").read_text("utf-8")
    for name in cdg.FORMATS:
        assert re.search(rf">{re.escape(name)}<", page), name
