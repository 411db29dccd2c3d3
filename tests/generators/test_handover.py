"""Blocks cross from worker processes to the parent as memory-mapped Arrow IPC files."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.generators import _handover, population


def _tables() -> dict[str, pa.Table]:
    return {
        "members": pa.table({"member_id": ["M1", "M2"], "age": [3, 70]}),
        "claims": pa.concat_tables(  # two chunks: the layout must survive too
            [
                pa.table({"claim_id": ["C1"]}),
                pa.table({"claim_id": [None]}, schema=pa.schema([("claim_id", pa.string())])),
            ]
        ),
    }


def test_tables_round_trip_through_files_that_are_then_removed(tmp_path: Path) -> None:
    tables = _tables()
    handed = _handover.hand_over(tables, str(tmp_path), 7)
    assert isinstance(handed, list)
    assert sorted(os.listdir(tmp_path)) == ["7-claims.arrow", "7-members.arrow"]
    back = dict(_handover.take_over(handed))
    assert os.listdir(tmp_path) == []  # unlinked once mapped; the tables stay readable
    for name, table in tables.items():
        assert back[name].equals(table)
        assert back[name].num_columns == table.num_columns
        assert [len(c) for c in back[name].column(0).chunks] == [
            len(c) for c in table.column(0).chunks
        ]


def test_when_files_cannot_be_written_the_tables_travel_themselves(tmp_path: Path) -> None:
    tables = _tables()
    handed = _handover.hand_over(tables, str(tmp_path / "missing"), 0)
    assert handed is tables
    assert dict(_handover.take_over(handed)) == tables


def test_the_spill_directory_is_new_and_private() -> None:
    first, second = _handover.spill_directory(1), _handover.spill_directory(1)
    try:
        assert first != second
        assert os.path.isdir(first) and os.listdir(first) == []
        assert os.path.basename(first).startswith(f"cdg-blocks-{os.getpid()}-")
        if os.name == "posix":
            assert os.stat(first).st_mode & 0o077 == 0  # no one else may read the blocks
    finally:
        os.rmdir(first)
        os.rmdir(second)


def test_two_workers_give_the_same_blocks_and_leave_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spill = tmp_path / "spill"

    def fixed(workers: int) -> str:
        spill.mkdir()
        return str(spill)

    monkeypatch.setattr(population, "spill_directory", fixed)
    pop = cdg.Population(40_000, seed=5)
    tables = ["members", "claims", "lab_results"]
    together = list(pop.iter_blocks(workers=2, tables=tables))
    assert not spill.exists()
    alone = list(pop.iter_blocks(workers=1, tables=tables))
    assert len(together) == len(alone) == 2
    for mine, theirs in zip(together, alone, strict=True):
        assert list(mine) == list(theirs) == tables
        for name in tables:
            assert mine[name].equals(theirs[name]), name


def test_directories_of_dead_runs_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = tmp_path / "cdg-blocks-999999999-abc"  # beyond any pid_max
    live = tmp_path / f"cdg-blocks-{os.getpid()}-def"
    other = tmp_path / "cdg-blocks-notapid"
    for folder in (dead, live, other):
        folder.mkdir()
        (folder / "0-members.arrow").write_bytes(b"x")
    _handover._remove_orphans(str(tmp_path))
    assert not dead.exists()
    assert live.exists() and other.exists()
