"""Quickstart: generate 1,000 members, look at the tables, write CSV and Parquet.

Run it with ``python examples/quickstart.py [--out DIR]``. Without ``--out`` the files go to a
temporary folder that is removed afterwards. The same seed gives byte-identical files on every
run, so the sha256 values printed here stay the same from run to run.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import clinical_data_generator as cdg


def main(out: str) -> None:
    """Generate a small population, print its row counts and write it to ``out``."""
    ds = cdg.generate(members=1_000, seed=7)

    print("rows per table:")
    for name, table in ds.tables.items():
        print(f"  {name:<10} {table.num_rows:>6,}")

    manifest = ds.write(out, formats=["csv", "parquet"])
    print(f"wrote {len(manifest['files'])} files to {out}:")
    for entry in manifest["files"]:
        print(f"  {entry['path']:<28} {entry['size']:>9,} bytes  sha256 {entry['sha256'][:12]}")
    print("manifest:", Path(out) / "manifest.json")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="output folder or fsspec URL (default: a temporary folder)")
    args = parser.parse_args()
    if args.out:
        main(args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="cdg-quickstart-") as tmp:
            main(tmp)
