"""Table formats: CSV, JSON, NDJSON and Parquet, one file per table.

Every writer produces the same bytes however the rows are split into batches, so output does
not depend on the number of workers or on how blocks were grouped.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ._registry import TableWriter, register

PARQUET_ROW_GROUP = 65_536
# Parquet encoding buffers come from the C library's allocator, like numpy's arrays: memory the
# generators free between blocks is then reused for writing instead of growing a second heap.
_WRITER_POOL = pa.system_memory_pool()
_DICTIONARY_SAMPLE = 16_384  # rows whose distinct values decide a column's dictionary encoding


def _json_ready(batch: pa.RecordBatch) -> list[dict[str, object]]:
    """Rows as dicts; decimals become JSON numbers, dates ISO strings (via orjson)."""
    columns = []
    for field, column in zip(batch.schema, batch.columns, strict=True):
        if pa.types.is_decimal(field.type):
            column = pc.cast(column, pa.float64())
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names).to_pylist()


@attrs.define
class _CSVWriter:
    stream: Any
    schema: pa.Schema
    writer: pacsv.CSVWriter | None = None

    def write(self, batch: pa.RecordBatch) -> None:
        if self.writer is None:
            self.writer = pacsv.CSVWriter(
                self.stream, self.schema, write_options=pacsv.WriteOptions(quoting_style="needed")
            )
        self.writer.write_batch(batch)

    def close(self) -> None:
        if self.writer is None:
            self.write(pa.RecordBatch.from_pylist([], schema=self.schema))
        assert self.writer is not None
        self.writer.close()


@attrs.define
class _NDJSONWriter:
    stream: Any
    schema: pa.Schema

    def write(self, batch: pa.RecordBatch) -> None:
        rows = _json_ready(batch)
        if rows:
            self.stream.write(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")

    def close(self) -> None:
        pass


@attrs.define
class _JSONWriter:
    """A JSON array of row objects, one row per line for readability and streaming."""

    stream: Any
    schema: pa.Schema
    rows: int = 0

    def write(self, batch: pa.RecordBatch) -> None:
        rows = _json_ready(batch)
        if not rows:
            return
        lead = b"[\n" if self.rows == 0 else b",\n"
        self.stream.write(lead + b",\n".join(orjson.dumps(r) for r in rows))
        self.rows += len(rows)

    def close(self) -> None:
        self.stream.write(b"[]\n" if self.rows == 0 else b"\n]\n")


def _copy(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` in buffers of its own (same values and nulls); concatenating copies."""
    columns = [
        pa.concat_arrays([column, column.slice(0, 0)], memory_pool=_WRITER_POOL)
        for column in batch.columns
    ]
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


@attrs.define
class _ParquetWriter:
    """Row groups of exactly ``PARQUET_ROW_GROUP`` rows, independent of how batches arrive."""

    stream: Any
    schema: pa.Schema
    buffer: list[pa.RecordBatch] = attrs.Factory(list)
    buffered: int = 0
    writer: pq.ParquetWriter | None = None

    def _writer(self) -> pq.ParquetWriter:
        if self.writer is None:
            self.writer = pq.ParquetWriter(
                self.stream,
                self.schema,
                compression="zstd",
                use_dictionary=self._dictionary_columns(),
                memory_pool=_WRITER_POOL,
            )
        return self.writer

    def _dictionary_columns(self) -> list[str]:
        """Names of the columns worth dictionary-encoding: the repetitive ones.

        Decided on the first ``_DICTIONARY_SAMPLE`` rows, so the choice is the same on every
        path; dictionary-encoding unique ids only costs time.
        """
        if not self.buffer:
            return []
        first = self.buffer[0].slice(0, _DICTIONARY_SAMPLE)
        return [
            field.name
            for field, column in zip(self.schema, first.columns, strict=True)
            if pc.count_distinct(column).as_py() <= first.num_rows // 2
        ]

    def write(self, batch: pa.RecordBatch) -> None:
        self.buffer.append(batch)
        self.buffered += batch.num_rows
        if self.buffered >= PARQUET_ROW_GROUP:
            self._flush(PARQUET_ROW_GROUP)

    def _flush(self, rows: int) -> None:
        """Write every whole group of ``rows`` buffered rows; keep (a copy of) the rest."""
        table = pa.Table.from_batches(self.buffer, schema=self.schema)
        done = 0
        while table.num_rows - done >= rows:
            # Rows arrive in per-block batches on every path (streaming or from a Dataset), so
            # the chunk layout of a row group, and with it the bytes, is the same whatever the
            # workers.
            self._writer().write_table(table.slice(done, rows), row_group_size=rows)
            done += rows
        rest = table.slice(done)
        # The rest are slices of whole block tables: copy them (once), or they keep every
        # buffer of the block alive until the next row group is written.
        self.buffer = [_copy(batch) for batch in rest.to_batches()]
        self.buffered = rest.num_rows

    def close(self) -> None:
        if self.buffered:
            self._flush(self.buffered)
        self._writer().close()


@attrs.frozen
class TableFormat:
    """A registered table format."""

    name: str
    summary: str
    extension: str
    writer: type
    kind: Literal["tables"] = "tables"

    def open(self, stream: Any, schema: pa.Schema) -> TableWriter:
        """Start writing one table."""
        writer: TableWriter = self.writer(stream, schema)
        return writer


CSV = register(
    TableFormat(
        "csv", "One CSV file per table, with a header row (RFC 4180 quoting).", ".csv", _CSVWriter
    )
)
JSON = register(
    TableFormat("json", "One JSON array of row objects per table.", ".json", _JSONWriter)
)
NDJSON = register(
    TableFormat(
        "ndjson",
        "One newline-delimited JSON file per table, one row object per line.",
        ".ndjson",
        _NDJSONWriter,
    )
)
PARQUET = register(
    TableFormat(
        "parquet",
        "One Parquet file per table (zstd, typed dates and decimals).",
        ".parquet",
        _ParquetWriter,
    )
)
