"""Pinned columns: fixed values on every row, for edge-case and negative tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import clinical_data_generator as cdg
from clinical_data_generator import cli


def test_pins_reach_every_row_and_the_manifest(tmp_path: Path) -> None:
    """A pinned member name and claim diagnosis appear on every row and in the manifest."""
    pins = {"members": {"last_name": "O'Brien-Nunez"}, "claims": {"principal_diagnosis": "E1165"}}
    population = cdg.Population(60, seed=4, pins=pins)
    ds = population.generate()
    assert set(ds.tables["members"]["last_name"].to_pylist()) == {"O'Brien-Nunez"}
    assert set(ds.tables["claims"]["principal_diagnosis"].to_pylist()) == {"E1165"}
    manifest = population.write(tmp_path, formats=["csv"])
    assert manifest["options"]["pins"] == pins  # type: ignore[index]
    unpinned = cdg.Population(60, seed=4).generate()
    assert ds.tables["coverages"].equals(unpinned.tables["coverages"])


def test_pinned_amounts_flow_into_x12(tmp_path: Path) -> None:
    """A pinned line amount is what the 837P bills (a deliberately unbalanced claim)."""
    code = cli.run(["generate", "--members", "30", "--seed", "1", "--pin",
                    "claim_lines.billed_amount=12.50", "--format", "x12-837p",
                    "--out", str(tmp_path), "--quiet"])  # fmt: skip
    assert code == 0
    text = "".join(p.read_text() for p in (tmp_path / "x12-837p").glob("*.x12"))
    amounts = {seg.split("*")[2] for seg in text.split("~") if seg.startswith("SV1*")}
    assert amounts == {"12.5"}


@pytest.mark.parametrize(
    ("pins", "message"),
    [({"claim": {"x": 1}}, "a member table name"),
     ({"payers": {"name": "X"}}, "a member table name"),
     ({"claims": {"nope": 1}}, "a column of claims"),
     ({"claims": {"total_billed": "abc"}}, "decimal128"),
     ({"claims": {"claim_id": None}}, "not null")],
)  # fmt: skip
def test_bad_pins_name_the_problem(pins: dict[str, dict[str, object]], message: str) -> None:
    """Unknown tables or columns, and values of the wrong type, are refused up front."""
    with pytest.raises(cdg.InvalidArgumentError, match=message):
        cdg.Population(5, pins=pins)


def test_cli_pin_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """--pin without TABLE.COLUMN=VALUE is a usage error naming the flag."""
    code = cli.run(["generate", "--members", "5", "--pin", "nope", "--format", "csv",
                    "--out", "unused"])  # fmt: skip
    assert code == 2
    assert "--pin" in capsys.readouterr().err
