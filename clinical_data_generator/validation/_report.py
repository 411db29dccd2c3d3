"""The validation report and the dispatcher that sends each file to the right checker."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import attrs

from ..errors import InvalidArgumentError

__all__ = ["FileReport", "sniff", "validate_paths"]

_SKIPPED = {"manifest.json"}


@attrs.frozen
class FileReport:
    """What was checked in one file and what was wrong with it.

    Attributes:
        path: The file.
        kind: What the file was recognised as, e.g. ``x12-837p``, ``fhir-ndjson``.
        checks: Names of the checks that ran (e.g. ``pyx12``, ``envelope``, ``fhir.resources``).
        errors: One line per problem found; empty when the file is valid.
        notes: Remarks that are not errors, e.g. a validator that has no map for a transaction.
    """

    path: str
    kind: str
    checks: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no check found an error."""
        return not self.errors


def sniff(path: Path) -> str | None:
    """``"x12"``, ``"fhir-json"``, ``"fhir-ndjson"``, ``"fhir-xml"`` or None, from the first bytes."""
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip()
    if head.startswith(b"ISA"):
        return "x12"
    if head.startswith(b"{"):
        if b'"resourceType"' not in head:
            return None
        first_line = head.split(b"\n", 1)[0]
        # NDJSON: a whole resource on the first line, and more than one line or the .ndjson name.
        if path.suffix == ".ndjson" or (
            b"\n" in head.strip() and first_line.rstrip().endswith(b"}")
        ):
            return "fhir-ndjson"
        return "fhir-json"
    if head.startswith(b"<") and b"http://hl7.org/fhir" in head:
        return "fhir-xml"
    return None


def _files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.name not in _SKIPPED
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InvalidArgumentError("paths", os.fspath(raw), "existing files or folders")
    return found


def validate_paths(paths: Iterable[str | os.PathLike[str]]) -> list[FileReport]:
    """Check every X12 and FHIR file under ``paths`` (files or folders, searched recursively).

    FHIR NDJSON files of one folder are checked together, so references may point from one
    resource type's file to another's, as in a Bulk Data export. Files that are neither X12
    nor FHIR are reported with kind ``unknown`` and an error.

    Example:
        >>> import clinical_data_generator as cdg
        >>> reports = cdg.validate_paths(["out/x12-837p"])  # doctest: +SKIP
        >>> all(r.ok for r in reports)  # doctest: +SKIP
        True
    """
    reports: list[FileReport] = []
    fhir_groups: dict[Path, list[tuple[Path, str]]] = defaultdict(list)
    for path in _files(paths):
        kind = sniff(path)
        if kind == "x12":
            from .x12 import check_x12_file

            reports.append(check_x12_file(path))
        elif kind is not None:
            fhir_groups[path.parent].append((path, kind))
        else:
            reports.append(
                FileReport(
                    str(path), "unknown", errors=("not an X12 interchange or FHIR resource file",)
                )
            )
    for group in fhir_groups.values():
        from .fhir import check_fhir_files

        reports.extend(check_fhir_files(group))
    return sorted(reports, key=lambda r: r.path)
