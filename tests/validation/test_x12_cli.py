"""``cdg validate`` on X12 files as users run it, and the generated X12 formats validated clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import clinical_data_generator as cdg
from clinical_data_generator.validation import validate_paths

FIXTURES = Path(__file__).parent / "x12_fixtures"
X12_FORMATS = [
    "x12-834",
    "x12-837p",
    "x12-837i",
    "x12-835",
    "x12-270",
    "x12-271",
    "x12-276",
    "x12-277",
]


def cdg_validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clinical_data_generator", "validate", *args],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_validate_valid_files_exits_0() -> None:
    """Valid X12 files exit 0 and each line names the file, its kind, the checks and pyx12 notes."""
    result = cdg_validate(*(str(p) for p in sorted(FIXTURES.glob("*.x12"))))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    p837 = next(line for line in lines if "[x12-837p]" in line)
    assert p837.startswith("ok   ")
    assert "checks: pyx12, ascii, isa-header, envelope-counts, control-numbers" in p837
    assert "claim-totals, diagnosis-codes, nine-digit-zip" in p837
    assert "     note: pyx12 has no 5010 map for 270 (005010X279A1); our own checks only" in lines
    assert "     note: pyx12 has no 5010 map for 277 (005010X212); our own checks only" in lines
    assert lines[-1] == "8 files checked, 0 with errors"


def test_validate_invalid_file_exits_1(tmp_path: Path) -> None:
    """A file breaking a rule exits 1, marked FAIL with the check, segment and problem."""
    shutil.copy(FIXTURES / "835.x12", tmp_path / "good.x12")
    text = (FIXTURES / "837p.x12").read_text(encoding="ascii")
    (tmp_path / "bad.x12").write_text(text.replace("CLM*PATACCT001*150*", "CLM*PATACCT001*155*"))
    result = cdg_validate(str(tmp_path / "good.x12"), str(tmp_path / "bad.x12"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"FAIL {tmp_path / 'bad.x12'} [x12-837p] checks: pyx12," in result.stdout
    assert (
        "     error: claim-totals: segment 21 (CLM): CLM02 155.00 differs from the sum of "
        "the 2 line charges (SV102) 150.00"
    ) in result.stdout.splitlines()
    assert f"ok   {tmp_path / 'good.x12'} [x12-835]" in result.stdout
    assert result.stdout.splitlines()[-1] == "2 files checked, 1 with errors"


def test_validate_missing_path_exits_2(tmp_path: Path) -> None:
    """A path that does not exist is bad usage: exit 2 and the path in the message."""
    missing = tmp_path / "nope.x12"
    result = cdg_validate(str(missing))
    assert result.returncode == 2
    assert str(missing) in result.stderr


@pytest.fixture(scope="module")
def population() -> cdg.Dataset:
    """A small population with claims, remittances, dependents and terminations."""
    return cdg.generate(members=40, seed=23)


@pytest.mark.parametrize("name", X12_FORMATS)
def test_generated_x12_validates_clean(name: str, population: cdg.Dataset, tmp_path: Path) -> None:
    """Every generated file of every X12 format passes pyx12 (where mapped) and our own checks."""
    if name not in cdg.FORMATS:
        pytest.skip(f"{name} is not registered yet")
    try:
        population.write(tmp_path, formats=[name])
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("clinical_data_generator.serializers.x12"):
            raise
        pytest.skip(f"{name} is registered but its writer is not written yet ({exc.name})")
    reports = validate_paths([tmp_path / name])
    assert reports, f"{name} wrote no files"
    for report in reports:
        assert report.kind == name, report.path
        assert report.errors == (), (report.path, report.errors[:10])
        assert ("pyx12" in report.checks) == (
            name in {"x12-834", "x12-835", "x12-837p", "x12-837i"}
        )
