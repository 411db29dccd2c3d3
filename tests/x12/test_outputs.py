"""All X12 formats together: block independence, golden files, the project validator."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.errors import InvalidArgumentError
from clinical_data_generator.generators.encounters import EncounterGenerator
from clinical_data_generator.serializers.x12 import X12Format, X12Options
from clinical_data_generator.serializers.x12._text import join_present
from clinical_data_generator.validation.x12 import check_x12_file
from tests.x12.conftest import output, population, write

FORMATS = ["x12-834", "x12-837p", "x12-837i", "x12-835", "x12-270", "x12-271", "x12-276",
           "x12-277"]  # fmt: skip
GOLDEN = Path(__file__).parent / "golden"


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.x12"))
    }


def test_blocks_and_one_block_give_the_same_bytes(tmp_path: Path) -> None:
    """Population.write (block by block) and Dataset.write (one block) write identical files."""
    population_ = cdg.Population(
        cdg.BLOCK_MEMBERS + 150, seed=4, encounter_generator=EncounterGenerator(visit_scale=0.05)
    )
    assert population_.block_count == 2
    needed = sorted({t for name in FORMATS for t in X12Format(name).tables})
    # Small batches, so interchanges complete in both blocks and across their boundary.
    options = X12Options(claims_per_interchange=700, transactions_per_interchange=40,
                         inquiries_per_transaction=20)  # fmt: skip
    formats = [X12Format(name, options=options) for name in FORMATS]
    population_.write(tmp_path / "stream", formats=formats, tables=["payers"])
    population_.generate(tables=needed).write(tmp_path / "memory", formats=formats)
    stream, memory = _tree(tmp_path / "stream"), _tree(tmp_path / "memory")
    assert {p.split("/")[0] for p in stream} == set(FORMATS)
    assert stream == memory


def test_golden_files(update_golden: bool, tmp_path: Path) -> None:
    """The files of a small seeded population match the recorded ones (--update-golden)."""
    ds = cdg.generate(members=20, seed=3)
    formats = [X12Format(name, options=X12Options(newline=True)) for name in FORMATS]
    ds.write(tmp_path, formats=formats)
    written = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*.x12")}
    assert {path.split("/")[0] for path in written} == set(FORMATS)
    if update_golden:
        for old in GOLDEN.rglob("*.x12"):
            old.unlink()
        for path, data in written.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(data)
    recorded = {str(p.relative_to(GOLDEN)): p.read_bytes() for p in GOLDEN.rglob("*.x12")}
    assert recorded, "no golden files: run pytest --update-golden once and commit them"
    assert sorted(written) == sorted(recorded)
    for path, data in written.items():
        assert data == recorded[path], f"{path} changed: record it under 'Output changes'"


@pytest.mark.parametrize("fmt", FORMATS)
def test_project_validator_accepts_every_file(fmt: str, tmp_path: Path) -> None:
    """`cdg validate`'s X12 checks (pyx12 where it has a map, plus ours) pass on our files."""
    for path, data in output(40, 1, fmt).items():
        target = tmp_path / Path(path).name
        target.write_bytes(data)
        report = check_x12_file(target)
        assert report.errors == (), (path, report.errors[:5])
        assert "envelope-counts" in report.checks


def test_missing_tables_are_named(tmp_path: Path) -> None:
    """Writing claims from a population without a claims table fails with a clear message."""
    ds = population(40, 1)
    tables = {n: t for n, t in ds.tables.items() if n not in ("claims", "claim_lines")}
    with pytest.raises(InvalidArgumentError, match="claims"):
        cdg.Dataset(tables, info=ds.info).write(tmp_path, formats=["x12-837p"])
    assert not list(tmp_path.rglob("*.x12"))


def test_join_present_keeps_every_row() -> None:
    """Skipping nulls never drops a row (pyarrow 26's null_handling='skip' does)."""
    a = pa.array([None, "x", None, "a"])
    b = pa.array([None, "y", "z", None])
    assert join_present([a, b], "*").to_pylist() == [None, "x*y", "z", "a"]


def test_members_without_contacts_get_no_per(tmp_path: Path) -> None:
    """834 PER appears exactly for members with a phone or e-mail, on the right member."""
    ds = population(120, 7)
    members = ds.tables["members"].to_pylist()
    reachable = {m["member_number"] for m in members
                 if m["home_phone"] or m["mobile_phone"] or m["email"]}  # fmt: skip
    assert len(reachable) < len(members), "the population needs members without contacts"
    for data in write(ds, tmp_path, "x12-834").values():
        loops = data.decode().split("~INS*")[1:]
        for loop in loops:
            number = loop.split("~REF*23*", 1)[1].split("~", 1)[0]
            assert ("~PER*IP*" in loop) == (number in reachable)
