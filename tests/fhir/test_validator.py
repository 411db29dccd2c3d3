"""The package's own FHIR validator (``cdg validate``) finds nothing wrong in our output."""

from __future__ import annotations

from pathlib import Path

import clinical_data_generator as cdg

from .conftest import FORMATS


def test_cdg_validate_accepts_every_format(tmp_path: Path) -> None:
    """NDJSON, Bundles and XML of a small population pass validate_paths with zero errors."""
    cdg.generate(members=25, seed=6).write(tmp_path, formats=FORMATS)
    reports = cdg.validate_paths([tmp_path / fmt for fmt in FORMATS])
    assert reports
    errors = [e for r in reports for e in r.errors]
    assert errors == []
