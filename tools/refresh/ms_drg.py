"""Build ``ms_drg.csv``: every FY2026 MS-DRG with its relative weight and mean lengths of stay.

Source: CMS FY2026 IPPS Final Rule Table 5 ("List of MS-DRGs, relative weighting factors, and
geometric and arithmetic mean length of stay"), a US government work in the public domain, as
shipped in the ``drg`` package 1.0.0 (``data/cms/drg_weights.txt``: tab-separated, Windows-1252,
two title lines before the header). ``weight`` is the column with the 10% cap applied (the one
used for payment). Titles are CMS's, verbatim (upper case). DRGs 998 and 999 (invalid principal
diagnosis, ungroupable) have no weight and are left out.

Output columns ``drg,title,type,weight,gmlos,amlos`` (type MED or SURG; weight 4 decimals, LOS 1
decimal), sorted by DRG.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import _common

FILE = "ms_drg.csv"
HEADER = ("drg", "title", "type", "weight", "gmlos", "amlos")


def build(source: Path) -> list[tuple[str, ...]]:
    """Return the output rows for the Table 5 text file at ``source``."""
    text = source.read_bytes().decode("cp1252")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("MS-DRG"))
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter="\t")
    header = [h.strip() for h in next(reader)]
    col = {name: header.index(name) for name in header}
    weight_col = next(i for i, h in enumerate(header) if h.startswith("Weights - 10% Cap"))
    rows = []
    for rec in reader:
        if not rec or not rec[0].strip().isdigit():
            continue
        drg = rec[0].strip().zfill(3)
        kind = rec[col["TYPE"]].strip()
        if kind not in {"MED", "SURG"}:
            continue  # 998/999: no weight
        title = " ".join(_common.ascii_fold(rec[col["MS-DRG Title"]]).split())
        weight = float(rec[weight_col])
        gmlos = float(rec[col["Geometric mean LOS"]])
        amlos = float(rec[col["Arithmetic mean LOS"]])
        rows.append((drg, title, kind, f"{weight:.4f}", f"{gmlos:.1f}", f"{amlos:.1f}"))
    if not rows:
        raise SystemExit(f"{source}: no MS-DRG rows found")
    rows.sort()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = _common.base_parser(__doc__.splitlines()[0], "drg/data/cms/drg_weights.txt")
    args = parser.parse_args(argv)
    source = args.source or _common.package_file("drg", "data", "cms", "drg_weights.txt")
    rows = build(source)
    _common.write_csv(args.out / FILE, HEADER, rows)
    _common.update_manifest(
        args.out,
        FILE,
        source="CMS FY2026 IPPS Final Rule Table 5 (MS-DRG relative weights, GMLOS, AMLOS) via "
        "drg data/cms/drg_weights.txt",
        source_version="FY2026 Final Rule, MS-DRG v43 (drg 1.0.0)",
        licence="Public domain (US government work, CMS)",
        attribution="Centers for Medicare & Medicaid Services, FY2026 IPPS Final Rule Table 5",
        script="tools/refresh/ms_drg.py",
    )
    print(f"wrote {args.out / FILE}: {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
