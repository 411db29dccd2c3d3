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

import fsspec
import orjson
import pyarrow as pa

from ..errors import InvalidArgumentError, OutputError
from ._registry import TableWriter, get_serializer


class _HashingStream:
    """A write-only file wrapper that counts bytes and hashes them on the way through."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0
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
        if not self.closed:
            self._raw.close()
            self.closed = True


def normalise_formats(formats: Sequence[str] | str) -> list[str]:
    """Validate format names; duplicates are dropped, order kept."""
    if isinstance(formats, str):
        formats = [formats]
    names = list(dict.fromkeys(formats))
    if not names:
        raise InvalidArgumentError(
            "formats", list(formats), "at least one format name (see cdg.FORMATS)"
        )
    for name in names:
        get_serializer(name)
    return names


def write_tables(
    target: str | os.PathLike[str],
    formats: Sequence[str] | str,
    schemas: Mapping[str, pa.Schema],
    batches: Iterable[tuple[str, pa.RecordBatch]],
    info: Mapping[str, object],
) -> dict[str, Any]:
    """Stream ``(table, batch)`` pairs into every format; return the manifest."""
    names = normalise_formats(formats)
    fs, root = _filesystem(target)
    partial = f"{root.rstrip('/')}/.cdg-partial-{os.getpid()}"
    writers: dict[tuple[str, str], tuple[TableWriter, _HashingStream, str]] = {}
    rows = dict.fromkeys(schemas, 0)
    try:
        fs.makedirs(partial, exist_ok=True)
        for fmt in names:
            serializer = get_serializer(fmt)
            fs.makedirs(f"{partial}/{fmt}", exist_ok=True)
            for table, schema in schemas.items():
                rel = f"{fmt}/{table}{serializer.extension}"
                stream = _HashingStream(fs.open(f"{partial}/{rel}", "wb"))
                writers[(fmt, table)] = (serializer.open(stream, schema), stream, rel)
        for table, batch in batches:
            rows[table] += batch.num_rows
            for fmt in names:
                writers[(fmt, table)][0].write(batch)
        files = []
        for (fmt, table), (writer, stream, rel) in writers.items():
            writer.close()
            stream.close()
            files.append({"path": rel, "format": fmt, "table": table, "rows": rows[table],
                          "size": stream.size, "sha256": stream.sha256.hexdigest()})  # fmt: skip
        manifest = {
            **info,
            "formats": names,
            "tables": rows,
            "files": sorted(files, key=lambda f: str(f["path"])),
        }
        with fs.open(f"{partial}/manifest.json", "wb") as out:
            out.write(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
        for fmt in names:
            final = f"{root}/{fmt}"
            if fs.exists(final):
                fs.rm(final, recursive=True)
            fs.mv(f"{partial}/{fmt}", final, recursive=True)
        fs.mv(f"{partial}/manifest.json", f"{root}/manifest.json")
    except OSError as exc:
        _abort(fs, partial, writers)
        raise OutputError(f"cannot write output to {os.fspath(target)!r}: {exc}") from exc
    except BaseException:
        _abort(fs, partial, writers)
        raise
    _remove(fs, partial)
    return manifest


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


def _abort(
    fs: Any,
    partial: str,
    writers: Mapping[tuple[str, str], tuple[TableWriter, _HashingStream, str]],
) -> None:
    for _, stream, _ in writers.values():
        with contextlib.suppress(Exception):  # best effort while already failing
            stream.close()
    _remove(fs, partial)


def _remove(fs: Any, path: str) -> None:
    try:
        if fs.exists(path):
            fs.rm(path, recursive=True)
    except OSError:
        pass
