"""Write tables in several formats to a local path or fsspec URL, all or nothing.

Files are written under a hidden temporary folder inside the target and moved into place only
when everything succeeded, so a failed run leaves no partial files. The manifest records every
file's relative path, size and sha256, computed while the bytes stream out.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import fsspec
import orjson
import pyarrow as pa

from ..errors import InvalidArgumentError, OutputError
from ._registry import AnySerializer, DocumentWriter, TableWriter, get_serializer


class _HashingStream:
    """A write-only file wrapper that counts bytes and hashes them on the way through."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.digest = ""
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self.sha256.update(data)
        self.size += len(data)
        self._raw.write(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._raw.flush()

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        """Close the file and keep only its size and digest (flat memory for many files)."""
        if not self.closed:
            self._raw.close()
            self._raw = None
            self.digest = self.sha256.hexdigest()
            self.closed = True


def normalise_formats(formats: Sequence[str | AnySerializer] | str) -> list[AnySerializer]:
    """Resolve format names (or configured serializer objects); duplicates dropped, order kept."""
    if isinstance(formats, str):
        formats = [formats]
    if not formats:
        raise InvalidArgumentError(
            "formats", list(formats), "at least one format name (see cdg.FORMATS)"
        )
    resolved: dict[str, AnySerializer] = {}
    for item in formats:
        serializer = get_serializer(item)
        resolved.setdefault(serializer.name, serializer)
    return list(resolved.values())


def needed_tables(formats: Sequence[str | AnySerializer] | str) -> tuple[str, ...]:
    """The tables the document formats among ``formats`` are built from."""
    names: dict[str, None] = {}
    for serializer in normalise_formats(formats):
        if serializer.kind == "documents":
            names.update(dict.fromkeys(serializer.tables))
    return tuple(names)


class _Sink:
    """Opens hashed streams under one format's folder and remembers them for the manifest."""

    def __init__(self, fs: Any, partial: str, fmt: str) -> None:
        self._fs, self._partial, self._fmt = fs, partial, fmt
        self.streams: dict[str, _HashingStream] = {}

    def open(self, relative_path: str) -> _HashingStream:
        if relative_path in self.streams or relative_path.startswith(("/", ".")):
            raise ValueError(f"bad or repeated document path {relative_path!r}")
        rel = f"{self._fmt}/{relative_path}"
        folder = rel.rsplit("/", 1)[0]
        self._fs.makedirs(f"{self._partial}/{folder}", exist_ok=True)
        stream = _HashingStream(self._fs.open(f"{self._partial}/{rel}", "wb"))
        self.streams[rel] = stream
        return stream


def write_output(
    target: str | os.PathLike[str],
    formats: Sequence[str | AnySerializer] | str,
    schemas: Mapping[str, pa.Schema],
    reference: Mapping[str, pa.Table],
    blocks: Iterable[Mapping[str, pa.Table] | Iterable[tuple[str, pa.Table]]],
    info: Mapping[str, object],
) -> dict[str, Any]:
    """Write every format under ``target``; return the manifest.

    ``schemas`` names the tables that table formats write (population-wide tables come from
    ``reference``, the others from each block). A block is a mapping or an iterable of
    ``(name, table)`` pairs; table formats write each table as it arrives, so a block given
    as pairs from a generator need never be whole in memory. Document formats get
    ``reference`` once and every block's tables in order.
    """
    serializers = normalise_formats(formats)
    fs, root = _filesystem(target)
    partial = f"{root.rstrip('/')}/.cdg-partial-{os.getpid()}"
    writers: dict[tuple[str, str], tuple[TableWriter, _HashingStream, str]] = {}
    documents: list[tuple[str, DocumentWriter, _Sink]] = []
    rows = dict.fromkeys(schemas, 0)
    streams: list[_HashingStream] = []
    try:
        fs.makedirs(partial, exist_ok=True)
        for serializer in serializers:
            fmt = serializer.name
            fs.makedirs(f"{partial}/{fmt}", exist_ok=True)
            if serializer.kind == "documents":
                sink = _Sink(fs, partial, fmt)
                wanted = {n: t for n, t in reference.items() if n in serializer.tables}
                documents.append((fmt, serializer.open(sink, wanted, info), sink))
                continue
            for table, schema in schemas.items():
                rel = f"{fmt}/{table}{serializer.extension}"
                stream = _HashingStream(fs.open(f"{partial}/{rel}", "wb"))
                streams.append(stream)
                writers[(fmt, table)] = (serializer.open(stream, schema), stream, rel)

        def table_rows(table: str, data: pa.Table) -> None:
            if table in schemas:
                rows[table] += data.num_rows
                for batch in data.to_batches():
                    for (_, name), (writer, _, _) in writers.items():
                        if name == table:
                            writer.write(batch)

        for table, data in reference.items():
            table_rows(table, data)
        for block in blocks:
            kept: dict[str, pa.Table] = {}
            pairs = block.items() if isinstance(block, Mapping) else block
            for table, data in pairs:
                table_rows(table, data)
                if documents:
                    kept[table] = data
                del data  # a table-only write forgets each table once written
            for _, document, _ in documents:
                document.write_block(kept)
            del block, pairs, kept  # let the block go before the next one is generated
        files = []
        for (fmt, table), (writer, stream, rel) in writers.items():
            writer.close()
            stream.close()
            files.append({"path": rel, "format": fmt, "table": table, "rows": rows[table],
                          "size": stream.size, "sha256": stream.digest})  # fmt: skip
        for fmt, document, sink in documents:
            document.close()
            for rel, stream in sink.streams.items():
                stream.close()
                files.append({"path": rel, "format": fmt, "size": stream.size,
                              "sha256": stream.digest})  # fmt: skip
        manifest = {
            **info,
            "formats": [s.name for s in serializers],
            **_format_options(serializers),
            "tables": rows,
            "files": sorted(files, key=lambda f: str(f["path"])),
        }
        with fs.open(f"{partial}/manifest.json", "wb") as out:
            out.write(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
        for serializer in serializers:
            final = f"{root}/{serializer.name}"
            if fs.exists(final):
                fs.rm(final, recursive=True)
            fs.mv(f"{partial}/{serializer.name}", final, recursive=True)
        fs.mv(f"{partial}/manifest.json", f"{root}/manifest.json")
    except OSError as exc:
        _abort(fs, partial, [*streams, *(s for _, _, k in documents for s in k.streams.values())])
        raise OutputError(f"cannot write output to {os.fspath(target)!r}: {exc}") from exc
    except BaseException:
        _abort(fs, partial, [*streams, *(s for _, _, k in documents for s in k.streams.values())])
        raise
    _remove(fs, partial)
    return manifest


def _format_options(serializers: Sequence[AnySerializer]) -> dict[str, Any]:
    """``{"format_options": {format: options}}`` for configured formats (e.g. X12 ids)."""
    found: dict[str, Any] = {}
    for serializer in serializers:
        options = getattr(serializer, "options", None)
        if options is not None and attrs.has(type(options)):
            found[serializer.name] = attrs.asdict(
                options,
                value_serializer=lambda _, __, v: v.isoformat() if hasattr(v, "isoformat") else v,
            )
    return {"format_options": found} if found else {}


def _filesystem(target: str | os.PathLike[str]) -> tuple[Any, str]:
    text = os.fspath(target)
    if not text:
        raise InvalidArgumentError(
            "target", text, "a folder path or fsspec URL such as memory://out"
        )
    try:
        fs, root = fsspec.core.url_to_fs(text)
    except (ValueError, ImportError) as exc:
        raise InvalidArgumentError(
            "target", text, f"a folder path or a supported fsspec URL ({exc})"
        ) from None
    try:
        if fs.isfile(root):
            raise OutputError(f"cannot write output to {text!r}: it is a file, not a folder")
        fs.makedirs(root, exist_ok=True)
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"cannot write output to {text!r}: {exc}") from exc
    return fs, root


def _abort(fs: Any, partial: str, streams: Iterable[_HashingStream]) -> None:
    for stream in streams:
        with contextlib.suppress(Exception):  # best effort while already failing
            stream.close()
    _remove(fs, partial)


def _remove(fs: Any, path: str) -> None:
    try:
        if fs.exists(path):
            fs.rm(path, recursive=True)
    except OSError:
        pass
