"""Helpers shared by the reference-data and refresh-script tests."""

from __future__ import annotations

import csv
import gzip
import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "clinical_data_generator" / "data"
REFRESH = ROOT / "tools" / "refresh"


def text_of(path: Path) -> str:
    """A data file's text, gunzipped when the name ends in .gz (files are ASCII)."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("ascii")


def read_rows(path: Path) -> list[list[str]]:
    """Every row of a CSV data file, header included."""
    return list(csv.reader(io.StringIO(text_of(path), newline="")))


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``tools/refresh/<script>.py`` in a subprocess from the repository root."""
    return subprocess.run(
        [sys.executable, str(REFRESH / f"{script}.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
