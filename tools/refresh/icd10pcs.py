"""Build ``icd10pcs.csv``: ~140 ICD-10-PCS codes common in inpatient stays, with CMS titles.

Source: the CMS ICD-10-PCS code titles (a US government work, public domain) as shipped in the
``drg`` package 1.0.0 (``data/tuva/icd_10_pcs.csv``, FY2026 code set, 78.6k codes, no header:
``"code","title"``). Titles are copied verbatim. The selection and the ``category`` (our own
grouping, used to pick procedures consistent with the DRG and diagnoses) are hand-curated in
``CODES`` below: deliveries, newborn care, ventilation, vascular access, transfusion, dialysis,
cardiac catheterisation and surgery, joint replacement and fracture fixation, common abdominal,
gynaecological and urological operations, infusions and a few others.

Output columns ``code,title,category``, sorted by code.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import _common

FILE = "icd10pcs.csv"
HEADER = ("code", "title", "category")

CODES: dict[str, tuple[str, ...]] = {
    "anesthesia": (
        "3E0R3BZ",
        "3E0S3BZ",
    ),
    "breast": (
        "0HBT0ZZ",
        "0HTT0ZZ",
        "0HTU0ZZ",
    ),
    "cardiac": (
        "021009W",
        "02100Z9",
        "021109W",
        "02583ZZ",
        "027034Z",
        "02703DZ",
        "027134Z",
        "02H63JZ",
        "02HK3JZ",
        "02RF38Z",
        "0JH606Z",
        "4A023N6",
        "4A023N7",
        "5A12012",
        "5A1221Z",
        "5A2204Z",
        "B2111ZZ",
        "B2151ZZ",
        "B246ZZZ",
        "B24BZZ4",
    ),
    "digestive": (
        "06L38CZ",
        "0D164ZA",
        "0DB64Z3",
        "0DB68ZX",
        "0DBN8ZX",
        "0DH64UZ",
        "0DH67UZ",
        "0DJ08ZZ",
        "0DJD8ZZ",
        "0DNW4ZZ",
        "0DTH4ZZ",
        "0DTJ0ZZ",
        "0DTJ4ZZ",
        "0DTN0ZZ",
        "0DTN4ZZ",
        "0F798DZ",
        "0FB03ZX",
        "0FC98ZZ",
        "0FT40ZZ",
        "0FT44ZZ",
        "0W3P8ZZ",
        "0W9G3ZZ",
        "0WJG4ZZ",
        "0WQF0ZZ",
        "0YQ50ZZ",
        "0YU54JZ",
    ),
    "gynecologic": (
        "0UDB7ZZ",
        "0UJD8ZZ",
        "0UL74CZ",
        "0UT24ZZ",
        "0UT74ZZ",
        "0UT90ZZ",
        "0UT94ZZ",
    ),
    "medication": (
        "3E03305",
        "3E03317",
        "3E0336Z",
        "3E033GC",
        "3E0436Z",
    ),
    "mental_health": (
        "GZ3ZZZZ",
        "GZB0ZZZ",
    ),
    "neuro": (
        "009U3ZX",
        "00H032Z",
        "03CG3ZZ",
        "0JH60DZ",
    ),
    "newborn": (
        "0VTTXZZ",
        "3E0234Z",
        "3E0CXGC",
    ),
    "obstetric": (
        "0KQM0ZZ",
        "0UQMXZZ",
        "0W8NXZZ",
        "10907ZC",
        "10D00Z0",
        "10D00Z1",
        "10E0XZZ",
        "3E033VJ",
    ),
    "orthopedic": (
        "01NB0ZZ",
        "0PSJ04Z",
        "0QS604Z",
        "0QS634Z",
        "0QS704Z",
        "0QS734Z",
        "0QSG04Z",
        "0QSH04Z",
        "0RG20A0",
        "0RRJ00Z",
        "0RRK00Z",
        "0SG0071",
        "0SG00AJ",
        "0SR9019",
        "0SR90JZ",
        "0SRB019",
        "0SRB0JZ",
        "0SRC0J9",
        "0SRC0JZ",
        "0SRD0J9",
        "0SRD0JZ",
        "0SRR0J9",
        "0SRS0J9",
        "0Y6H0Z2",
        "0Y6N0Z0",
    ),
    "renal": (
        "5A1D70Z",
        "5A1D90Z",
    ),
    "respiratory": (
        "0B110F4",
        "0B113F4",
        "0B9B8ZX",
        "0BH17EZ",
        "0BJ08ZZ",
        "0W9930Z",
        "0W993ZZ",
        "0W9B3ZZ",
        "5A09357",
        "5A09457",
        "5A1935Z",
        "5A1945Z",
        "5A1955Z",
    ),
    "skin": (
        "0HBJXZZ",
        "0HRJX74",
        "0JBM0ZZ",
        "0KBP0ZZ",
    ),
    "substance_use": ("HZ2ZZZZ",),
    "transfusion": (
        "30233L1",
        "30233M1",
        "30233N1",
        "30233R1",
        "30243N1",
    ),
    "urologic": (
        "0T778DZ",
        "0T9B70Z",
        "0TC78ZZ",
        "0TJB8ZZ",
        "0VB08ZZ",
        "0VT04ZZ",
    ),
    "vascular_access": (
        "02HV33Z",
        "05HY33Z",
        "0JH63XZ",
    ),
}


def build(source: Path) -> list[tuple[str, str, str]]:
    """Return the output rows for the PCS title file at ``source``."""
    wanted = {code: category for category, codes in CODES.items() for code in codes}
    found: dict[str, str] = {}
    with source.open(newline="", encoding="utf-8") as fh:
        for rec in csv.reader(fh):
            if len(rec) >= 2 and rec[0].strip() in wanted:
                found[rec[0].strip()] = " ".join(_common.ascii_fold(rec[1]).split())
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise SystemExit(f"{source}: codes not found: {', '.join(missing)}")
    return sorted((code, found[code], wanted[code]) for code in wanted)


def main(argv: list[str] | None = None) -> None:
    parser = _common.base_parser(__doc__.splitlines()[0], "drg/data/tuva/icd_10_pcs.csv")
    args = parser.parse_args(argv)
    source = args.source or _common.package_file("drg", "data", "tuva", "icd_10_pcs.csv")
    rows = build(source)
    _common.write_csv(args.out / FILE, HEADER, rows)
    _common.update_manifest(
        args.out,
        FILE,
        source="CMS ICD-10-PCS code titles via drg data/tuva/icd_10_pcs.csv; selection and "
        "category hand-curated",
        source_version="ICD-10-PCS FY2026 (drg 1.0.0)",
        licence="Public domain (US government work, CMS); selection and categories MIT (project)",
        attribution="Centers for Medicare & Medicaid Services, ICD-10-PCS",
        script="tools/refresh/icd10pcs.py",
    )
    print(f"wrote {args.out / FILE}: {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
