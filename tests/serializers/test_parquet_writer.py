"""The Parquet writer's carried-over rows do not keep a whole block in memory."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clinical_data_generator.serializers.tables import PARQUET_ROW_GROUP, _ParquetWriter


def _inside(buffer: pa.Buffer | None, owner: pa.Buffer) -> bool:
    return buffer is not None and owner.address <= buffer.address < owner.address + owner.size


def test_rows_carried_to_the_next_row_group_are_copied_out_of_the_block() -> None:
    rows = PARQUET_ROW_GROUP + 1000
    block = pa.table({"id": pa.array(np.arange(rows)), "code": pa.array(["A1"] * rows)})
    sink = io.BytesIO()
    writer = _ParquetWriter(sink, block.schema)
    for batch in block.to_batches():
        writer.write(batch)
    assert writer.buffered == 1000
    owners = [b for column in block.columns for chunk in column.chunks for b in chunk.buffers()]
    carried = [b for batch in writer.buffer for column in batch.columns for b in column.buffers()]
    assert not any(_inside(b, owner) for b in carried for owner in owners if owner is not None)
    writer.close()
    back = pq.read_table(io.BytesIO(sink.getvalue()))
    assert back.equals(block)
    assert pq.ParquetFile(io.BytesIO(sink.getvalue())).metadata.row_group(0).num_rows == (
        PARQUET_ROW_GROUP
    )


def test_a_batch_of_several_row_groups_is_split_exactly_and_the_rest_carried() -> None:
    rows = 3 * PARQUET_ROW_GROUP + 123
    block = pa.table({"id": pa.array(np.arange(rows)), "code": pa.array(["B2"] * rows)})
    sink = io.BytesIO()
    writer = _ParquetWriter(sink, block.schema)
    for batch in block.to_batches():
        writer.write(batch)
    assert writer.buffered == 123
    assert sum(batch.num_rows for batch in writer.buffer) == 123
    writer.close()
    meta = pq.ParquetFile(io.BytesIO(sink.getvalue())).metadata
    sizes = [meta.row_group(k).num_rows for k in range(meta.num_row_groups)]
    assert sizes == [PARQUET_ROW_GROUP] * 3 + [123]
    assert pq.read_table(io.BytesIO(sink.getvalue())).equals(block)
