"""Recompute the sha256 column of ``MANIFEST.csv`` (or check it with ``--check``).

The generated tables get their manifest rows from their own refresh scripts. The hand-curated
tables have no upstream file: the CSV in ``clinical_data_generator/data`` *is* the source of
truth, edited by hand and reviewed like code. Their provenance rows live in ``HAND_CURATED``
below; this script adds any that are missing from the manifest and refreshes every sha256.

``--check`` changes nothing and exits 1 when a listed file is missing, a sha256 differs, or a
data file is not listed in the manifest.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import _common

HAND = "hand-curated; the CSV is the source of truth"
NOT_LISTED_OK = frozenset({_common.MANIFEST_NAME, "NOTICE", "README.md", "__init__.py"})

HAND_CURATED: dict[str, dict[str, str]] = {
    "languages.csv": {
        "source": "Hand-curated from US Census Bureau ACS 2019 table B16001 and "
        "'Language Use in the United States: 2019' (ACS-50); BCP-47 codes",
        "source_version": "ACS 2019 (approximate shares per 10,000)",
        "licence": "Public domain figures (US Census Bureau); selection and weights "
        "Apache-2.0 (project)",
        "attribution": "US Census Bureau, American Community Survey 2019",
    },
    "notes.csv": {
        "source": "Hand-curated synthetic member-roster notes",
        "source_version": "project",
        "licence": "Apache-2.0 (project-authored, as the package)",
        "attribution": "",
    },
    "organization_words.csv": {
        "source": "Hand-curated word lists for fictional payer, employer and facility names",
        "source_version": "project",
        "licence": "Apache-2.0 (project-authored, as the package)",
        "attribution": "",
    },
    "plan_designs.csv": {
        "source": "Hand-curated fictional plan designs (cost sharing in the range of public "
        "benefit designs)",
        "source_version": "project",
        "licence": "Apache-2.0 (project-authored, as the package)",
        "attribution": "",
    },
    "street_names.csv": {
        "source": "Hand-curated common US street name stems",
        "source_version": "project",
        "licence": "Apache-2.0 (project-authored, as the package)",
        "attribution": "",
    },
    "street_suffixes.csv": {
        "source": "USPS Publication 28, Appendix C1 standard street suffix abbreviations; "
        "weights hand-curated",
        "source_version": "USPS Pub 28 (2024)",
        "licence": "Public domain (US government work, USPS); weights Apache-2.0 (project)",
        "attribution": "United States Postal Service, Publication 28",
    },
    "taxonomies.csv": {
        "source": "NUCC Health Care Provider Taxonomy code set (code; classification and "
        "specialization text unchanged); specialty, credential and weight hand-curated",
        "source_version": "NUCC Health Care Provider Taxonomy v25.0 (January 2025)",
        "licence": "NUCC code set (c) American Medical Association; free use with the "
        "notice in NOTICE",
        "attribution": "Health Care Provider Taxonomy code set, National Uniform Claim "
        "Committee (nucc.org), (c) AMA",
    },
}


def data_files(out_dir: Path) -> list[str]:
    """Every shipped data file in ``out_dir`` that must appear in the manifest."""
    return sorted(
        p.name
        for p in out_dir.iterdir()
        if p.is_file() and p.name not in NOT_LISTED_OK and not p.name.startswith(".")
    )


def problems(out_dir: Path) -> list[str]:
    """Human-readable list of manifest mismatches (empty when the manifest is current)."""
    rows = _common.read_manifest(out_dir)
    found: list[str] = []
    for name, row in sorted(rows.items()):
        path = out_dir / name
        if not path.exists():
            found.append(f"{name}: listed in {_common.MANIFEST_NAME} but missing")
        elif _common.sha256_file(path) != row["sha256"]:
            found.append(f"{name}: sha256 differs from {_common.MANIFEST_NAME}")
    found.extend(
        f"{name}: not listed in {_common.MANIFEST_NAME}"
        for name in data_files(out_dir)
        if name not in rows
    )
    return found


def refresh(out_dir: Path) -> None:
    """Add missing hand-curated rows and recompute every sha256."""
    rows = _common.read_manifest(out_dir)
    for name, meta in HAND_CURATED.items():
        if (out_dir / name).exists():
            rows[name] = {"file": name, **meta, "sha256": "", "script": HAND}
    for name, row in list(rows.items()):
        path = out_dir / name
        if not path.exists():
            print(f"dropping {name}: file is gone", file=sys.stderr)
            del rows[name]
            continue
        row["sha256"] = _common.sha256_file(path)
    _common.write_manifest(out_dir, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=_common.DATA_DIR, help="data directory")
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 on mismatch")
    args = parser.parse_args(argv)
    if args.check:
        found = problems(args.out)
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    refresh(args.out)
    remaining = problems(args.out)
    for line in remaining:
        print(line, file=sys.stderr)
    print(f"updated {args.out / _common.MANIFEST_NAME}")
    return 1 if remaining else 0


if __name__ == "__main__":
    sys.exit(main())
