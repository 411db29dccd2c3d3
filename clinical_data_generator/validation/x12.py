"""X12 checks: pyx12 (extra ``x12``) where it has a 5010 map, plus our own structural checks."""

from __future__ import annotations

from pathlib import Path

from ._report import FileReport

__all__ = ["check_x12_file"]


def check_x12_file(path: Path) -> FileReport:
    """Validate one X12 file (placeholder until the X12 validator lands)."""
    return FileReport(str(path), "x12", errors=("X12 validation is not implemented yet",))
