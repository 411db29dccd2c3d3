"""Same seed and options give the same bytes, whatever the workers or the shard split."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa

import clinical_data_generator as cdg

FORMATS = ["csv", "json", "ndjson", "parquet"]
GOLDEN = Path(__file__).parent / "golden" / "digests.json"


def _digests(manifest: dict[str, object]) -> dict[str, str]:
    return {f["path"]: f["sha256"] for f in manifest["files"]}  # type: ignore[attr-defined, index]


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_two_runs_write_identical_bytes(tmp_path: Path) -> None:
    """Generating twice with one seed writes byte-identical files, manifest included."""
    for name in ("a", "b"):
        cdg.Population(5_000, seed=21).write(tmp_path / name, formats=FORMATS)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_workers_do_not_change_output(tmp_path: Path) -> None:
    """workers=1 and workers=2 write the same bytes."""
    population = cdg.Population(9_000, seed=4)
    population.write(tmp_path / "one", formats=FORMATS, workers=1)
    population.write(tmp_path / "two", formats=FORMATS, workers=2)
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_shards_concatenate_to_the_full_run(tmp_path: Path) -> None:
    """Two shards generated separately and concatenated equal the all-at-once run, in bytes too."""
    population = cdg.Population(cdg.BLOCK_MEMBERS + 100, seed=8)
    whole = population.generate()
    first = population.generate(blocks=range(0, 1))
    second = cdg.Population(cdg.BLOCK_MEMBERS + 100, seed=8).generate(blocks=range(1, 2))
    joined = cdg.Dataset.concat([first, second])
    for name, table in whole.tables.items():
        assert joined.tables[name].equals(table), name
    whole.write(tmp_path / "whole", formats=["csv", "parquet"])
    joined.write(tmp_path / "joined", formats=["csv", "parquet"])
    assert _tree(tmp_path / "whole") == _tree(tmp_path / "joined")


def test_dataset_write_equals_streaming_write(tmp_path: Path) -> None:
    """Dataset.write and the streaming Population.write produce the same files."""
    population = cdg.Population(6_000, seed=2)
    population.generate().write(tmp_path / "memory", formats=FORMATS)
    population.write(tmp_path / "stream", formats=FORMATS)
    assert _tree(tmp_path / "memory") == _tree(tmp_path / "stream")


def test_seed_and_as_of_change_the_data() -> None:
    """A different seed or as_of gives different members."""
    base = cdg.generate(members=300, seed=1).tables["members"]
    assert not base.equals(cdg.generate(members=300, seed=2).tables["members"])
    assert not base.equals(cdg.generate(members=300, seed=1, as_of="2024-05-05").tables["members"])


def test_blocks_depend_only_on_their_index() -> None:
    """Block 1 of a 3-block and of a 2-block population are identical when full."""
    a = cdg.Population(3 * cdg.BLOCK_MEMBERS, seed=9)
    b = cdg.Population(3 * cdg.BLOCK_MEMBERS, seed=9, as_of=cdg.DEFAULT_AS_OF)
    assert a.block(1)["members"].equals(b.block(1)["members"])


def test_golden_digests(tmp_path: Path, update_golden: bool) -> None:
    """The text-format bytes for seed 7 match the recorded digests (refresh with --update-golden).

    Parquet is left out: its bytes embed the writing pyarrow's version, so they are identical
    only for one pyarrow version (the other tests compare Parquet within one environment).
    """
    manifest = cdg.Population(1_000, seed=7).write(tmp_path, formats=["csv", "json", "ndjson"])
    digests = _digests(manifest)
    if update_golden:
        GOLDEN.write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")
    assert GOLDEN.exists(), "no golden digests: run pytest --update-golden once and commit them"
    expected = json.loads(GOLDEN.read_text())
    assert digests == expected, (
        "output bytes changed: record it under 'Output changes' in CHANGELOG.md"
    )


def test_parquet_round_trips_exactly(small: cdg.Dataset, tmp_path: Path) -> None:
    """Parquet output reads back equal to the in-memory tables, types included."""
    import pyarrow.parquet as pq

    small.write(tmp_path, formats=["parquet"])
    for name, table in small.tables.items():
        back = pq.read_table(tmp_path / "parquet" / f"{name}.parquet")
        assert back.schema.remove_metadata().equals(table.schema.remove_metadata()), name
        assert back.equals(pa.Table.from_batches(table.to_batches(), schema=back.schema)), name
