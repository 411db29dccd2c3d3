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
    # LOINC answer codes (LAnnnn-n, e.g. LA6577-6 Negative) belong to http://loinc.org too; the
    # validator's LOINC pattern does not know them yet (reported to its owner), so skip those.
    errors = [e for r in reports for e in r.errors
              if not ("is not a LOINC code" in e and "'LA" in e)]  # fmt: skip
    assert errors == []
