"""Whole-population throughput (members with one year of history, claims included) vs Faker.

Run ``python benchmarks/bench_population.py [--members N] [--rounds R] [--quick]``. It times
``Population.generate()`` with every table (members, coverages, encounters, conditions,
procedures, claims and lines, adjudications, payments, inquiries, immunizations) and reports
members/s and claim lines/s per CPU second, next to the naive per-record Faker baseline of
``bench_members.py`` (members only: Faker has no claims to compare with) measured in the same
run, interleaved. Peak RSS is measured in child processes streaming two population sizes to
Parquet, to show memory stays flat as the population grows. The script never fails on a
budget: it prints PASS or BELOW and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from _harness import budget_line, fmt_rate, measure, report
from bench_members import faker_members

import clinical_data_generator as cdg

SEED = 20260101
MEMBERS_BUDGET = 50_000  # members/s with one year of history, one core
RSS_SIZES = (131_072, 524_288)  # 4 and 16 blocks
RSS_FLAT = 1.3  # the larger run may use at most 30% more memory


def rss_child(members: int) -> None:
    """Body of ``--child-rss N``: stream N members (every table) to Parquet; print peak RSS."""
    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="cdg-bench-pop-") as tmp:
        manifest = cdg.Population(members, seed=SEED).write(tmp, formats=["parquet"])
    print(json.dumps({
        "members": members,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "claim_lines": manifest["tables"]["claim_lines"],  # type: ignore[index]
    }))  # fmt: skip


def run_rss_child(members: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-rss", str(members)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": f"child exited {done.returncode}: {done.stderr.strip()[-2000:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=None, help="members per run (131,072)")
    parser.add_argument("--baseline-members", type=int, default=None, help="Faker records per run")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="smoke mode: one block, 2 rounds")
    parser.add_argument("--no-rss", action="store_true", help="skip the peak-RSS children")
    parser.add_argument("--json", type=Path, default=None, help="also write results as JSON")
    parser.add_argument("--child-rss", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_rss is not None:
        rss_child(args.child_rss)
        return 0
    rss = [] if args.quick or args.no_rss else [run_rss_child(size) for size in RSS_SIZES]

    from faker import Faker

    n = args.members or (32_768 if args.quick else 131_072)
    nb = args.baseline_members or (500 if args.quick else 10_000)
    rounds = args.rounds or (2 if args.quick else 5)
    print(
        f"bench_population  {dt.datetime.now().isoformat(timespec='seconds')}  "
        f"python {platform.python_version()}  clinical_data_generator {cdg.__version__}  "
        f"pyarrow {pa.__version__}  numpy {np.__version__}"
    )
    print(f"ours: {n:,} members per run, every table, history 1 year; baseline: {nb:,} "
          f"records per run; {rounds} interleaved rounds; CPU seconds (time.process_time)")  # fmt: skip
    pop = cdg.Population(n, seed=SEED)
    pop.reference()
    pop.generate()  # warm caches: reference data, samplers
    fake = Faker("en_US")
    faker_members(10, fake)
    lines: list[int] = []

    def ours() -> int:
        ds = pop.generate()
        lines.append(ds.tables["claim_lines"].num_rows)
        return n

    def baseline() -> int:
        return int(faker_members(nb, fake).num_rows)

    rates = measure({"ours: population -> Arrow": ours, "Faker baseline: members": baseline},
                    rounds, progress=print)  # fmt: skip
    medians = report("Members per CPU second", rates, unit="members/s")
    ours_rate = medians["ours: population -> Arrow"]
    lines_per_member = lines[-1] / n
    ratio = ours_rate / medians["Faker baseline: members"]
    print("")
    print("Summary (medians)")
    print(f"  {'claim lines per member (one year)':<52} {lines_per_member:>14.2f}")
    print(f"  {'claim lines per CPU second':<52} {fmt_rate(ours_rate * lines_per_member):>14}")
    print(f"  {'ratio ours (all tables) / Faker (members only)':<52} {ratio:>13.1f}x")
    print("")
    print("Budgets")
    print(budget_line("Population with 1y history, members/s", ours_rate, MEMBERS_BUDGET,
                      f"{fmt_rate(ours_rate)} (budget >= {MEMBERS_BUDGET:,})"))  # fmt: skip
    if len(rss) == 2 and all("error" not in r for r in rss):
        small, large = (r["maxrss_kb"] / 1024 for r in rss)
        growth = large / small
        print(budget_line(f"Peak RSS {RSS_SIZES[0]:,} -> {RSS_SIZES[1]:,} members (Parquet)",
                          growth, RSS_FLAT, f"{small:,.0f} MB -> {large:,.0f} MB ({growth:.2f}x)",
                          higher_is_better=False))  # fmt: skip
    elif rss:
        print(f"  peak RSS children failed: {rss}")
    else:
        print("  peak RSS: skipped (--quick / --no-rss)")
    if args.json is not None:
        args.json.write_text(json.dumps({"rates": rates, "medians": medians, "rss": rss,
                                         "lines_per_member": lines_per_member}, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
