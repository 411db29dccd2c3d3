"""Dataset: tables, record views, pandas, notebooks and writing to fsspec targets."""

from __future__ import annotations

from pathlib import Path

import fsspec
import orjson
import pyarrow as pa
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.serializers import _registry


def test_tables_and_counts(small: cdg.Dataset) -> None:
    """Every table of the models exists, with its model's schema."""
    from clinical_data_generator.models import MODELS, arrow_schema

    assert sorted(small.tables) == sorted(MODELS)
    for name, table in small.tables.items():
        assert table.schema.equals(arrow_schema(MODELS[name])), name
    assert small.tables["members"].schema.names[0] == "member_id"
    assert small.tables["members"].num_rows == 3_000


def test_record_views_are_frozen_models(small: cdg.Dataset) -> None:
    """records() returns frozen attrs models equal to the table rows."""
    import attrs

    members = small.records("members")
    assert isinstance(members[0], cdg.Member)
    assert members[0].member_id == small.tables["members"]["member_id"][0].as_py()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        members[0].first_name = "x"  # type: ignore[misc]
    assert len(list(small.iter_records("coverages"))) == small.tables["coverages"].num_rows
    assert isinstance(small.records("plans")[0], cdg.Plan)


def test_to_pandas(small: cdg.Dataset) -> None:
    """to_pandas gives a DataFrame with the table's columns."""
    frame = small.to_pandas("coverages")
    assert list(frame.columns) == small.tables["coverages"].column_names
    assert len(frame) == small.tables["coverages"].num_rows


def test_unknown_table_names_the_choices(small: cdg.Dataset) -> None:
    """Asking for a missing table raises InvalidArgumentError listing the tables."""
    with pytest.raises(cdg.InvalidArgumentError, match=r"name='claim'.*'coverages'"):
        small.to_pandas("claim")


def test_repr_html_summarises_tables(small: cdg.Dataset) -> None:
    """The Jupyter summary shows every table with its row count."""
    html = small._repr_html_()
    for name, table in small.tables.items():
        assert f"<code>{name}</code>" in html and f"{table.num_rows:,}" in html
    assert "members=3,000" in repr(small)


def test_write_to_memory_filesystem() -> None:
    """Writing to memory:// produces the manifest and the ndjson files, readable back."""
    ds = cdg.generate(members=1_000, seed=7)
    manifest = ds.write("memory://demo", formats=["ndjson"])
    fs = fsspec.filesystem("memory")
    assert fs.exists("/demo/manifest.json")
    with fs.open("/demo/ndjson/members.ndjson", "rb") as handle:
        rows = [orjson.loads(line) for line in handle.read().splitlines()]
    assert (
        len(rows) == 1_000 and rows[0]["member_id"] == ds.tables["members"]["member_id"][0].as_py()
    )
    assert {f["path"] for f in manifest["files"]} >= {
        "ndjson/members.ndjson",
        "ndjson/plans.ndjson",
    }
    assert not [p for p in fs.ls("/demo", detail=False) if ".cdg-partial" in p]
    fs.rm("/demo", recursive=True)


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A serializer failing mid-run leaves no files, not even earlier formats' files."""

    class Boom:
        name, summary, extension, kind = "boom", "fails", ".boom", "tables"

        def open(self, stream: object, schema: pa.Schema) -> object:
            class Writer:
                def write(self, batch: pa.RecordBatch) -> None:
                    raise RuntimeError("disk on fire")

                def close(self) -> None:
                    pass

            return Writer()

    monkeypatch.setitem(_registry._REGISTRY, "boom", Boom())
    with pytest.raises(RuntimeError, match="disk on fire"):
        cdg.generate(members=50, seed=1).write(tmp_path / "out", formats=["csv", "boom"])
    assert list((tmp_path / "out").iterdir()) == []


def test_rewrite_replaces_format_folders(tmp_path: Path) -> None:
    """Writing again into the same target replaces the format folders and the manifest."""
    cdg.generate(members=50, seed=1).write(tmp_path, formats=["csv"])
    cdg.generate(members=60, seed=1).write(tmp_path, formats=["csv"])
    assert (tmp_path / "csv" / "members.csv").read_text().count("\n") == 61


def test_json_is_one_valid_array(small: cdg.Dataset, tmp_path: Path) -> None:
    """The json format is a single JSON array per table, with decimals as numbers."""
    small.write(tmp_path, formats=["json"])
    plans = orjson.loads((tmp_path / "json" / "plans.json").read_bytes())
    assert isinstance(plans, list) and len(plans) == small.tables["plans"].num_rows
    assert isinstance(plans[0]["deductible_individual"], float | int)
    empty = cdg.Dataset({"payers": small.tables["payers"].slice(0, 0)})
    empty.write(tmp_path / "e", formats=["json", "csv", "ndjson", "parquet"])
    assert orjson.loads((tmp_path / "e" / "json" / "payers.json").read_bytes()) == []
    assert (tmp_path / "e" / "csv" / "payers.csv").read_text().startswith('"payer_id"')


def test_csv_reads_back_with_types(small: cdg.Dataset, tmp_path: Path) -> None:
    """CSV reads back with pyarrow to the same values (dates and decimals typed by schema)."""
    import pyarrow.csv as pacsv

    small.write(tmp_path, formats=["csv"])
    for name, table in small.tables.items():
        back = pacsv.read_csv(
            tmp_path / "csv" / f"{name}.csv",
            convert_options=pacsv.ConvertOptions(
                column_types=table.schema, strings_can_be_null=True
            ),
        )
        assert back.equals(table.cast(back.schema)), name


def test_concat_requires_parts() -> None:
    """Dataset.concat([]) is a clear error."""
    with pytest.raises(cdg.InvalidArgumentError, match="parts"):
        cdg.Dataset.concat([])


def test_concat_checks_shards() -> None:
    """Dataset.concat refuses shards of different populations or out-of-order block ranges."""
    population = cdg.Population(3 * cdg.BLOCK_MEMBERS, seed=1)
    first = population.generate(blocks=range(0, 1))
    third = population.generate(blocks=range(2, 3))
    assert first.info["blocks"] == [0, 1]
    with pytest.raises(cdg.InvalidArgumentError, match="consecutive block ranges"):
        cdg.Dataset.concat([first, third])
    other = cdg.Population(3 * cdg.BLOCK_MEMBERS, seed=2).generate(blocks=range(1, 2))
    with pytest.raises(cdg.InvalidArgumentError, match="same seed and options"):
        cdg.Dataset.concat([first, other])
    joined = cdg.Dataset.concat([first, population.generate(blocks=range(1, 2))])
    assert joined.info["blocks"] == [0, 2]


def test_generate_refuses_cohort_options_twice() -> None:
    """generate() with member_generator and a cohort option is an error, not a silent choice."""
    with pytest.raises(cdg.InvalidArgumentError, match=r"states=\['TX'\].*member_generator"):
        cdg.generate(members=5, states=["TX"], member_generator=cdg.MemberGenerator())


def test_tables_selects_what_is_generated(tmp_path: Path) -> None:
    """tables=[...] keeps only those tables, with the same rows as a full run, in API and files."""
    full = cdg.generate(members=800, seed=6)
    some = cdg.generate(members=800, seed=6, tables=["members", "plans"])
    assert sorted(some.tables) == ["members", "plans"]
    assert some.tables["members"].equals(full.tables["members"])
    manifest = cdg.Population(800, seed=6).write(tmp_path, formats=["csv"], tables=["conditions"])
    assert [f["path"] for f in manifest["files"]] == ["csv/conditions.csv"]
    assert manifest["tables"] == {"conditions": full.tables["conditions"].num_rows}
    with pytest.raises(cdg.InvalidArgumentError, match=r"tables=\['claim'\] is not allowed"):
        cdg.generate(members=5, tables=["claim"])
