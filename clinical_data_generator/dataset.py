"""Dataset: the linked tables of one generated population."""

from __future__ import annotations

import html
import itertools
import os
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .errors import InvalidArgumentError, MissingDependencyError
from .generators.members import BLOCK_MEMBERS
from .generators.population import BLOCK_TABLES, REFERENCE_TABLES
from .models import MODELS
from .models._schema import records
from .serializers._output import write_output
from .serializers._registry import AnySerializer

if TYPE_CHECKING:
    import pandas

__all__ = ["Dataset"]


class Dataset:
    """Linked Arrow tables of a generated population, with record views and writers.

    Args:
        tables: Table name to ``pyarrow.Table``.
        info: What produced the tables (package version, seed, options), copied to manifests.

    Example:
        >>> import clinical_data_generator as cdg
        >>> ds = cdg.generate(members=50, seed=7)
        >>> sorted(ds.tables)
        ['coverages', 'members', 'payers', 'plans', 'providers', 'sponsors']
        >>> ds.records("members")[0].member_id.startswith("M")
        True
    """

    __slots__ = ("_info", "_tables")

    def __init__(
        self, tables: Mapping[str, pa.Table], *, info: Mapping[str, object] | None = None
    ) -> None:
        self._tables = MappingProxyType(dict(tables))
        self._info = MappingProxyType(dict(info or {}))

    @property
    def tables(self) -> Mapping[str, pa.Table]:
        """Table name to ``pyarrow.Table`` (read-only mapping)."""
        return self._tables

    @property
    def info(self) -> Mapping[str, object]:
        """The options that produced this dataset."""
        return self._info

    def table(self, name: str) -> pa.Table:
        """One table by name; the error lists the names that exist."""
        try:
            return self._tables[name]
        except KeyError:
            raise InvalidArgumentError("name", name, f"one of {sorted(self._tables)}") from None

    def to_pandas(self, name: str) -> pandas.DataFrame:
        """One table as a pandas DataFrame (extra ``pandas``)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise MissingDependencyError("pandas", "pandas") from None
        return self.table(name).to_pandas()

    def to_polars(self, name: str) -> Any:
        """One table as a polars DataFrame (extra ``polars``)."""
        try:
            import polars
        except ImportError:
            raise MissingDependencyError("polars", "polars") from None
        return polars.from_arrow(self.table(name))

    def records(self, name: str) -> list[Any]:
        """The rows of a table as frozen attrs models (``Member``, ``Coverage``, ...)."""
        return records(MODELS[self._model_name(name)], self.table(name).to_pylist())

    def iter_records(self, name: str) -> Iterator[Any]:
        """Like :meth:`records`, one batch at a time."""
        model = MODELS[self._model_name(name)]
        for batch in self.table(name).to_batches():
            yield from records(model, batch.to_pylist())

    def _model_name(self, name: str) -> str:
        self.table(name)
        if name not in MODELS:
            raise InvalidArgumentError(
                "name", name, f"a table with a record model: {sorted(MODELS)}"
            )
        return name

    def write(
        self,
        target: str | os.PathLike[str],
        *,
        formats: Sequence[str | AnySerializer] | str = ("csv",),
    ) -> dict[str, Any]:
        """Write every table in every format under ``target``; return the manifest.

        ``target`` is a local folder or an fsspec URL (``memory://``, ``s3://``, ...). The
        layout is ``target/manifest.json`` plus ``target/<format>/<table>.<ext>``; nothing is
        left behind if writing fails.
        """
        schemas = {name: table.schema for name, table in self._tables.items()}
        reference = {n: t for n, t in self._tables.items() if n in REFERENCE_TABLES}
        block = {n: t for n, t in self._tables.items() if n not in REFERENCE_TABLES}
        return write_output(target, formats, schemas, reference, [block], self._info)

    @classmethod
    def concat(cls, parts: Sequence[Dataset]) -> Dataset:
        """Join shards of one population generated separately (block ranges in order).

        Member tables are concatenated; population-wide tables (payers, plans, sponsors,
        providers) are the same in every shard and taken from the first.
        """
        if not parts:
            raise InvalidArgumentError("parts", parts, "at least one Dataset")
        first = parts[0]
        options = first.info.get("options")
        if any(p.info.get("options") != options for p in parts):
            raise InvalidArgumentError(
                "parts", "...", "shards of one population (same seed and options)"
            )
        ranges = [p.info.get("blocks") for p in parts]
        info = dict(first.info)
        if all(isinstance(r, list) and len(r) == 2 for r in ranges):
            spans = [(int(r[0]), int(r[1])) for r in ranges]  # type: ignore[index]
            if any(a[1] != b[0] for a, b in itertools.pairwise(spans)):
                raise InvalidArgumentError("parts", spans, "consecutive block ranges, in order")
            info["blocks"] = [spans[0][0], spans[-1][1]]
            members = options.get("members") if isinstance(options, Mapping) else None
            if isinstance(members, int) and info["blocks"] == [0, -(-members // BLOCK_MEMBERS)]:
                del info["blocks"]  # the shards make up the whole population
        tables = dict(first.tables)
        for name in BLOCK_TABLES:
            if name in tables:
                tables[name] = pa.concat_tables([p.tables[name] for p in parts])
        return cls(tables, info=info)

    def __len__(self) -> int:
        return len(self._tables)

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={table.num_rows:,}" for name, table in self._tables.items())
        return f"<Dataset {counts}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(name)}</code></td><td style='text-align:right'>{t.num_rows:,}</td>"
            f"<td style='text-align:right'>{t.num_columns}</td>"
            f"<td>{html.escape(', '.join(t.column_names[:6]))}{', ...' if t.num_columns > 6 else ''}</td></tr>"
            for name, t in self._tables.items()
        )
        options = self._info.get("options")
        options = options if isinstance(options, Mapping) else {}
        seed = html.escape(str(options.get("seed", "?")))
        as_of = html.escape(str(options.get("as_of", "?")))
        return (
            f"<div><strong>clinical-data-generator Dataset</strong> (seed {seed}, as of {as_of})"
            "<table><thead><tr><th>table</th><th>rows</th><th>columns</th><th>first columns</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )
