"""Stream a larger population straight to files with two worker processes.

Run it with ``python examples/stream_large_run.py [--out DIR] [--members N]``.
``Population.write`` generates blocks of 32,768 members in worker processes and writes each
block as it arrives, so memory stays flat whatever ``--members`` is. The files are the same
bytes as a single-process run; the script checks that against the manifest of a
``workers=1`` run when ``--check`` is given.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import clinical_data_generator as cdg


def main(out: str, members: int, *, check: bool = False) -> None:
    """Write ``members`` members (every table) as Parquet to ``out`` with two workers."""
    population = cdg.Population(members, seed=7)
    print(f"{members:,} members in {population.block_count} blocks of {cdg.BLOCK_MEMBERS:,}")

    done: list[int] = []
    started = time.perf_counter()
    manifest = population.write(out, formats=["parquet"], workers=2, on_block=done.append)
    seconds = time.perf_counter() - started
    print(f"wrote {len(done)} blocks with 2 workers in {seconds:.1f} s")

    print("rows per table:")
    for name, rows in manifest["tables"].items():
        print(f"  {name:<24} {rows:>10,}")

    if check:
        with tempfile.TemporaryDirectory(prefix="cdg-check-") as tmp:
            single = population.write(tmp, formats=["parquet"], workers=1)
        same = [f["sha256"] for f in single["files"]] == [f["sha256"] for f in manifest["files"]]
        print(f"identical to a workers=1 run: {same}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="output folder or fsspec URL (default: a temporary folder)")
    parser.add_argument("--members", type=int, default=70_000, help="members (default 70,000)")
    parser.add_argument("--check", action="store_true", help="compare with a workers=1 run")
    args = parser.parse_args()
    if args.out:
        main(args.out, args.members, check=args.check)
    else:
        with tempfile.TemporaryDirectory(prefix="cdg-stream-") as tmp:
            main(tmp, args.members, check=args.check)
