"""Same seed, same bytes: whatever the block split, path (Population or Dataset) or run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.generators.population import REFERENCE_TABLES
from clinical_data_generator.serializers._output import write_output

from .conftest import FORMATS

GOLDEN = Path(__file__).with_name("golden.json")
GOLDEN_POPULATION = {"members": 30, "seed": 3}


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def test_population_write_equals_dataset_write(tmp_path: Path) -> None:
    """Population.write (streaming blocks) and Dataset.write give byte-identical FHIR files."""
    population = cdg.Population(members=60, seed=4)
    population.write(tmp_path / "stream", formats=FORMATS)
    population.generate().write(tmp_path / "dataset", formats=FORMATS)
    assert _digests(tmp_path / "stream") == _digests(tmp_path / "dataset")


def _split(ds: cdg.Dataset, parts: int) -> list[dict[str, pa.Table]]:
    """The member tables cut into ``parts`` blocks at household boundaries, rows kept in order."""
    members = ds.tables["members"]
    households = list(dict.fromkeys(members["subscriber_member_id"].to_pylist()))
    step = -(-len(households) // parts)
    blocks = []
    for i in range(parts):
        mine = pa.array(households[i * step : (i + 1) * step])
        ids = members.filter(pc.is_in(members["subscriber_member_id"], mine))["member_id"]
        block = {}
        for name, table in ds.tables.items():
            if name in REFERENCE_TABLES:
                continue
            if "member_id" in table.column_names:
                block[name] = table.filter(pc.is_in(table["member_id"], ids))
            else:  # payments, line adjudications: only looked up by key, so every part sees all
                block[name] = table
        blocks.append(block)
    return blocks


def test_output_does_not_depend_on_block_boundaries(tmp_path: Path) -> None:
    """Writing the same rows as one block or as three gives byte-identical files."""
    ds = cdg.generate(members=60, seed=5)
    reference = {n: t for n, t in ds.tables.items() if n in REFERENCE_TABLES}
    one = {n: t for n, t in ds.tables.items() if n not in REFERENCE_TABLES}
    write_output(tmp_path / "one", FORMATS, {}, reference, [one], ds.info)
    write_output(tmp_path / "three", FORMATS, {}, reference, _split(ds, 3), ds.info)
    assert _digests(tmp_path / "one") == _digests(tmp_path / "three")


def test_golden_digests(tmp_path: Path, update_golden: bool) -> None:
    """The files of a small seeded population keep their recorded sha256 (refresh with --update-golden)."""
    cdg.generate(**GOLDEN_POPULATION).write(tmp_path, formats=FORMATS)
    digests = _digests(tmp_path)
    if update_golden:
        GOLDEN.write_text(
            json.dumps({"population": GOLDEN_POPULATION, "files": digests}, indent=1) + "\n"
        )
    recorded = json.loads(GOLDEN.read_text())
    assert recorded["population"] == GOLDEN_POPULATION
    changed = sorted(k for k in digests.keys() | recorded["files"].keys()
                     if digests.get(k) != recorded["files"].get(k))  # fmt: skip
    if changed:
        pytest.fail(
            f"{len(changed)} FHIR files changed (e.g. {changed[:3]}); if intended, run "
            "pytest tests/fhir --update-golden and record it under 'Output changes' in CHANGELOG.md"
        )
