"""`cdg validate` on FHIR output as users run it, without fhir.resources, on generated data, at scale."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import clinical_data_generator as cdg
from clinical_data_generator.validation import validate_paths

FIXTURES = Path(__file__).parent / "fhir_fixtures"
FHIR_FORMATS = ("fhir-ndjson", "fhir-bundle", "fhir-xml")
# Runs `cdg validate` in a Python where fhir.resources cannot be imported.
WITHOUT_FHIR = (
    "import sys\n"
    "sys.modules['fhir'] = sys.modules['fhir.resources'] = sys.modules['fhir.resources.R4B'] = None\n"
    "from clinical_data_generator.cli import main\n"
    "main(args=['validate', *sys.argv[1:]], prog_name='cdg')\n"
)


def _cdg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clinical_data_generator", *args],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _break_encounter_subject(folder: Path) -> None:
    path = folder / "Encounter.ndjson"
    encounter = json.loads(path.read_text())
    encounter["subject"]["reference"] = "Patient/nobody"
    path.write_text(json.dumps(encounter) + "\n")


def test_cdg_validate_exit_codes_on_a_fhir_folder(tmp_path: Path) -> None:
    """`cdg validate` exits 0 on a clean Bulk export and 1, naming file, line and rule, on a broken one."""
    folder = tmp_path / "bulk"
    shutil.copytree(FIXTURES / "bulk", folder)
    clean = _cdg("validate", str(folder))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert (
        f"ok   {folder / 'Patient.ndjson'} [fhir-ndjson] checks: ndjson, fhir.resources"
        in clean.stdout
    )
    assert "note: validated with fhir.resources R4B models" in clean.stdout
    assert clean.stdout.rstrip().endswith("8 files checked, 0 with errors")

    _break_encounter_subject(folder)
    broken = _cdg("validate", str(folder))
    assert broken.returncode == 1
    assert f"FAIL {folder / 'Encounter.ndjson'} [fhir-ndjson]" in broken.stdout
    assert (
        "error: references: line 1 Encounter/enc-1 subject: Patient/nobody does not resolve in "
        "this Bulk export"
    ) in broken.stdout
    assert broken.stdout.rstrip().endswith("8 files checked, 1 with errors")


def test_without_fhir_resources_our_checks_still_run(tmp_path: Path) -> None:
    """Without the extra, reports say how to install it and our own checks still find errors."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    clean = subprocess.run(
        [sys.executable, "-c", WITHOUT_FHIR, str(tmp_path / "fixtures")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert 'pip install "clinical-data-generator[fhir]"; only our own checks ran' in clean.stdout
    assert "fhir.resources" not in clean.stdout.replace("fhir.resources is required", "")

    _break_encounter_subject(tmp_path / "fixtures" / "bulk")
    broken = subprocess.run(
        [sys.executable, "-c", WITHOUT_FHIR, str(tmp_path / "fixtures" / "bulk")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert broken.returncode == 1
    assert "references: line 1 Encounter/enc-1 subject: Patient/nobody does not" in broken.stdout


def test_generated_population_validates_clean_in_every_fhir_format(tmp_path: Path) -> None:
    """A small generated population written as fhir-ndjson, fhir-bundle and fhir-xml has no errors."""
    missing = [name for name in FHIR_FORMATS if name not in cdg.FORMATS]
    if missing:
        pytest.skip(f"FHIR writers not registered yet: {', '.join(missing)}")
    cdg.generate(members=25, seed=23).write(tmp_path, formats=list(FHIR_FORMATS))
    reports = validate_paths([tmp_path])
    assert {r.kind for r in reports} == {"fhir-ndjson", "fhir-json", "fhir-xml"}
    errors = [f"{r.path}: {e}" for r in reports for e in r.errors]
    assert errors == [], "\n".join(errors[:40])
    assert all("fhir.resources" in r.checks for r in reports)


def test_thousands_of_resources_validate_in_seconds(tmp_path: Path) -> None:
    """2,000 linked resources validate in well under the time a per-pair reference scan would take."""
    patients = (FIXTURES / "bulk" / "Patient.ndjson").read_text().splitlines()
    observation = json.loads((FIXTURES / "bulk" / "Observation.ndjson").read_text())
    folder = tmp_path / "bulk"
    folder.mkdir()
    lines, obs_lines = [], []
    for i in range(1_000):
        patient = json.loads(patients[i % 2]) | {"id": f"p{i}"}
        lines.append(json.dumps(patient))
        obs = observation | {"id": f"o{i}", "subject": {"reference": f"Patient/p{i}"}}
        obs.pop("encounter")
        obs_lines.append(json.dumps(obs))
    (folder / "Patient.ndjson").write_text("\n".join(lines) + "\n")
    (folder / "Observation.ndjson").write_text("\n".join(obs_lines) + "\n")
    started = time.perf_counter()
    reports = validate_paths([folder])
    elapsed = time.perf_counter() - started
    assert [e for r in reports for e in r.errors] == []
    assert elapsed < 20, f"2,000 resources took {elapsed:.1f} s"
