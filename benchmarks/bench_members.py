"""Member generation and writing throughput against a naive per-record Faker baseline.

Run ``python benchmarks/bench_members.py [--members N] [--rounds R] [--quick]``; see
``benchmarks/README.md`` for what every line means and for the budgets.  The script never
fails on a budget: it prints PASS or BELOW next to each and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import clinical_data_generator as cdg
from clinical_data_generator.models import MODELS, arrow_schema

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import budget_line, fmt_bytes, fmt_rate, measure, report

RATIO_BUDGET = 200.0  # ours / Faker baseline, members into an Arrow table, one core
CSV_BUDGET = 0.50  # our CSV rate / pyarrow's own CSV writing rate of the members table
RSS_BUDGET_MB = 1000.0  # peak RSS for 1,000,000 members streamed to Parquet
RSS_MEMBERS = 1_000_000
SEED = 7

# Contender names (also the keys of --json output).
MEMBERS = ("members",)
OURS = "ours: generate(tables=[members]) -> Arrow"
FAKER = "baseline: Faker per record -> Arrow"
OURS_CSV = "ours: Population.write csv, members (gen+write)"
OURS_PARQUET = "ours: Population.write parquet, members (gen+write)"
OURS_CSV_ONLY = "ours: Dataset.write csv, members only"
PA_CSV = "pyarrow: csv.write_csv(members)"
PA_PARQUET = "pyarrow: parquet.write_table(members)"
PA_PARQUET_ZSTD = "pyarrow: parquet.write_table(members, zstd)"


# --------------------------------------------------------------------------------------------
# The baseline: what a team would hand-write with Faker, one record at a time.
# --------------------------------------------------------------------------------------------

RELATIONSHIPS = [("18", 0.55), ("01", 0.18), ("19", 0.24), ("17", 0.03)]
RACES = [
    ("2106-3", "White", 0.60),
    ("2054-5", "Black or African American", 0.13),
    ("2028-9", "Asian", 0.06),
    ("1002-5", "American Indian or Alaska Native", 0.01),
    ("2076-8", "Native Hawaiian or Other Pacific Islander", 0.01),
    ("2131-1", "Other Race", 0.19),
]
ETHNICITIES = [("2135-2", "Hispanic or Latino", 0.19), ("2186-5", "Not Hispanic or Latino", 0.81)]
LANGUAGES = [
    ("en", 0.78),
    ("es", 0.13),
    ("zh", 0.01),
    ("vi", 0.01),
    ("tl", 0.01),
    ("fr", 0.01),
    ("ko", 0.05),
]
LINES_OF_BUSINESS = [
    ("commercial", 0.55),
    ("individual", 0.07),
    ("medicare", 0.18),
    ("medicaid", 0.20),
]
PAYERS = [f"PAY{i:03d}" for i in range(1, 9)]
PLAN_CODES = {
    "commercial": ["CEPO", "CHDHP", "CHMO", "CPOS", "CPPO"],
    "individual": ["IBRZ", "ISLV", "IGLD"],
    "medicare": ["MAHMO", "MAPPO", "MDSNP"],
    "medicaid": ["MCD", "CHIP"],
}
NOTES = [
    "Prefers text reminders",
    "Paperless statements",
    "Prefers email contact",
    "Address verified by mail",
    "Requested replacement ID card",
]
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"


def _pick(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def faker_members(n: int, fake: Any) -> pa.Table:
    """``n`` members built field by field with Faker calls, then ``pa.Table.from_pylist``."""
    from faker import Faker

    Faker.seed(0)
    rng = random.Random(0)
    schema = arrow_schema(MODELS["members"])
    rows: list[dict[str, object]] = []
    subscriber = ("", "", "", "", "", "", "", "")
    for _ in range(n):
        relationship = _pick(rng, RELATIONSHIPS) if rows else "18"
        sex = rng.choice("FM")
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        race = rng.choices(RACES, weights=[r[2] for r in RACES])[0]
        ethnicity = rng.choices(ETHNICITIES, weights=[e[2] for e in ETHNICITIES])[0]
        member_id = fake.numerify("M#########")
        if relationship == "18":
            lob = _pick(rng, LINES_OF_BUSINESS)
            payer = rng.choice(PAYERS)
            state = fake.state_abbr(include_territories=False)
            subscriber = (
                member_id,
                fake.bothify("???#########").upper(),
                fake.street_address(),
                fake.city(),
                state,
                fake.zipcode_in_state(state),
                lob,
                payer,
            )
            person_code = "01"
            age = (18, 90) if lob != "medicare" else (65, 100)
        else:
            person_code = "02" if relationship == "01" else f"{rng.randint(3, 9):02d}"
            age = (18, 90) if relationship == "01" else (0, 25)
        sub_id, sub_number, street, city, state, zipcode, lob, payer = subscriber
        rows.append(
            {
                "member_id": member_id,
                "identity_id": fake.uuid4(),
                "subscriber_member_id": sub_id,
                "relationship_code": relationship,
                "person_code": person_code,
                "subscriber_number": sub_number,
                "member_number": sub_number + person_code,
                "first_name": first,
                "last_name": fake.last_name(),
                "sex": sex,
                "birth_date": fake.date_of_birth(minimum_age=age[0], maximum_age=age[1]),
                "race_code": race[0],
                "race_display": race[1],
                "ethnicity_code": ethnicity[0],
                "ethnicity_display": ethnicity[1],
                "language": _pick(rng, LANGUAGES),
                "address_line1": street,
                "city": city,
                "state": state,
                "zip": zipcode,
                "county": f"{fake.last_name()} County",
                "latitude": float(fake.latitude()),
                "longitude": float(fake.longitude()),
                "line_of_business": lob,
                "payer_id": payer,
                "plan_id": f"{payer}-{rng.choice(PLAN_CODES[lob])}",
                "middle_initial": fake.random_uppercase_letter() if rng.random() < 0.6 else None,
                "ssn": fake.ssn() if rng.random() < 0.9 else None,
                "second_race_code": rng.choice(RACES)[0] if rng.random() < 0.03 else None,
                "mobile_phone": fake.phone_number() if rng.random() < 0.8 else None,
                "home_phone": fake.phone_number() if rng.random() < 0.3 else None,
                "email": fake.email(safe=True) if rng.random() < 0.7 else None,
                "address_line2": fake.secondary_address() if rng.random() < 0.15 else None,
                "sponsor_id": fake.numerify("S#######") if lob == "commercial" else None,
                "mbi": (
                    fake.numerify("#")
                    + rng.choice(MBI_LETTERS)
                    + fake.numerify("#")
                    + rng.choice(MBI_LETTERS)
                    + fake.numerify("##")
                    + rng.choice(MBI_LETTERS)
                    + fake.numerify("####")
                )
                if lob == "medicare"
                else None,
                "note": rng.choice(NOTES) if rng.random() < 0.1 else None,
            }
        )
    return pa.Table.from_pylist(rows, schema=schema)


# --------------------------------------------------------------------------------------------
# The RSS child: a fresh interpreter streams 1M members to Parquet and reports its peak RSS.
# --------------------------------------------------------------------------------------------


def _vm_hwm_kb() -> int | None:
    """Peak RSS of this process's own address space (Linux ``VmHWM``), or None elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_child(members: int) -> None:
    """Body of ``--child-rss N``: print one JSON line with ru_maxrss (kB on Linux) and timings.

    Linux carries ``ru_maxrss`` over from the parent across fork/vfork + exec, so the parent
    starts this child before it allocates anything large; ``VmHWM`` (the peak of this
    process's own address space, not inherited) is reported next to it as a cross-check.
    """
    after_import_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    after_import_hwm_kb = _vm_hwm_kb()
    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="cdg-bench-rss-") as tmp:
        manifest = cdg.Population(members, seed=1).write(tmp, formats=["parquet"])
        size = sum(int(f["size"]) for f in manifest["files"])
    result = {
        "members": members,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "vm_hwm_kb": _vm_hwm_kb(),
        "after_import_kb": after_import_kb,
        "after_import_hwm_kb": after_import_hwm_kb,
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "bytes": size,
    }
    print(json.dumps(result))


def run_rss_child(members: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-rss", str(members)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": f"child exited {done.returncode}: {done.stderr.strip()[-2000:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------
# The benchmark.
# --------------------------------------------------------------------------------------------


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--members", type=int, default=None, help="members per run of ours (default 200,000)"
    )
    parser.add_argument(
        "--baseline-members",
        type=int,
        default=None,
        help="records per run of the Faker baseline (default min(N, 20,000))",
    )
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 5)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke mode: small sizes, 2 rounds, no RSS child"
    )
    parser.add_argument("--no-rss", action="store_true", help="skip the 1M-member peak-RSS child")
    parser.add_argument("--rss-members", type=int, default=RSS_MEMBERS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the medians to this JSON file"
    )
    parser.add_argument("--child-rss", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_rss is not None:
        rss_child(args.child_rss)
        return 0
    do_rss = not (args.quick or args.no_rss)

    # The RSS child runs first, while this process is still small: ru_maxrss is inherited
    # from the parent across exec on Linux (see rss_child).
    rss = run_rss_child(args.rss_members) if do_rss else None

    from faker import Faker

    n = args.members or (65_536 if args.quick else 200_000)  # quick: two full blocks
    nb = args.baseline_members or min(n, 1_000 if args.quick else 20_000)
    rounds = args.rounds or (2 if args.quick else 5)

    print(
        f"bench_members  {dt.datetime.now().isoformat(timespec='seconds')}  "
        f"python {platform.python_version()}  clinical_data_generator {cdg.__version__}  "
        f"pyarrow {pa.__version__}  numpy {np.__version__}  faker {_faker_version()}"
    )
    print(f"machine: {platform.machine()}  {os.cpu_count()} logical CPUs  {platform.platform()}")
    print(
        f"ours: {n:,} members per run; baseline: {nb:,} records per run; "
        f"{rounds} interleaved rounds; rates are items per CPU second (time.process_time), "
        "median of rounds"
    )

    pop = cdg.Population(n, seed=SEED)
    pop.reference()  # payers, plans, sponsors, providers: built once, outside every timing
    # Only the members table is timed, the same fields the Faker baseline makes (its coverage
    # spans are computed too, because members.plan_id is the latest span's plan).
    members_table = pop.generate(tables=MEMBERS).tables["members"]  # warm-up; pyarrow writes it
    fake = Faker("en_US")
    faker_members(10, fake)  # warm Faker's lazy provider loading

    tmp = Path(tempfile.mkdtemp(prefix="cdg-bench-"))
    written: dict[str, int] = {}

    def ours() -> int:
        return int(pop.generate(tables=MEMBERS).tables["members"].num_rows)

    def baseline() -> int:
        return int(faker_members(nb, fake).num_rows)

    def ours_write(fmt: str) -> Callable[[], int]:
        def run() -> int:
            out = tmp / f"ours-{fmt}"
            pop.write(out, formats=[fmt], tables=MEMBERS)
            written[f"ours-{fmt}"] = _dir_size(out / fmt)
            return n

        return run

    def ours_csv_members_only() -> int:
        out = tmp / "ours-csv-members"
        cdg.Dataset({"members": members_table}).write(out, formats=["csv"])
        written["ours-csv-members"] = _dir_size(out / "csv")
        return members_table.num_rows

    def pa_csv() -> int:
        pacsv.write_csv(members_table, tmp / "pa-members.csv")
        return members_table.num_rows

    def pa_parquet() -> int:
        pq.write_table(members_table, tmp / "pa-members.parquet")
        return members_table.num_rows

    def pa_parquet_zstd() -> int:
        pq.write_table(members_table, tmp / "pa-members-zstd.parquet", compression="zstd")
        return members_table.num_rows

    contenders = {
        OURS: ours,
        FAKER: baseline,
        OURS_CSV: ours_write("csv"),
        PA_CSV: pa_csv,
        OURS_CSV_ONLY: ours_csv_members_only,
        OURS_PARQUET: ours_write("parquet"),
        PA_PARQUET: pa_parquet,
        PA_PARQUET_ZSTD: pa_parquet_zstd,
    }
    try:
        rates = measure(contenders, rounds, progress=print)
        sizes = {
            "members.csv (ours)": (tmp / "ours-csv" / "csv" / "members.csv").stat().st_size,
            "members.csv (pyarrow)": (tmp / "pa-members.csv").stat().st_size,
            "members.parquet (ours, zstd)": (tmp / "ours-parquet" / "parquet" / "members.parquet")
            .stat()
            .st_size,
            "members.parquet (pyarrow, default)": (tmp / "pa-members.parquet").stat().st_size,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    medians = report(
        "Throughput (members per CPU second; median, min, max over rounds)", rates, unit="members/s"
    )
    print("")
    print("Output sizes of one run: " + ", ".join(f"{k} {fmt_bytes(v)}" for k, v in sizes.items()))

    if rss is not None:
        print("")
        print(
            f"Peak RSS: fresh subprocess, Population({args.rss_members:,}, seed=1)"
            ".write(tmp, formats=['parquet']), run before the timings"
        )
        if "error" in rss:
            print(f"  RSS child failed: {rss['error']}")
        else:
            print(
                f"  peak RSS: ru_maxrss {rss['maxrss_kb'] / 1024:,.0f} MB, "
                f"VmHWM {_mb(rss['vm_hwm_kb'])} "
                f"(after imports: ru_maxrss {rss['after_import_kb'] / 1024:,.0f} MB, "
                f"VmHWM {_mb(rss['after_import_hwm_kb'])}), "
                f"wall {rss['wall_s']:.1f} s, CPU {rss['cpu_s']:.1f} s, "
                f"{rss['members'] / rss['wall_s']:,.0f} members/s wall, "
                f"{fmt_bytes(rss['bytes'])} written"
            )

    csv_share = medians[OURS_CSV] / medians[PA_CSV]
    csv_only_share = medians[OURS_CSV_ONLY] / medians[PA_CSV]
    parquet_share = medians[OURS_PARQUET] / medians[PA_PARQUET_ZSTD]
    ratio = medians[OURS] / medians[FAKER]

    print("")
    print("Summary (medians)")
    rows = [
        ("ours, members -> Arrow table", medians[OURS]),
        ("Faker baseline, members -> Arrow table", medians[FAKER]),
        ("ours, Population.write csv, members, end to end", medians[OURS_CSV]),
        ("ours, Dataset.write csv, members table only", medians[OURS_CSV_ONLY]),
        ("pyarrow csv.write_csv, members table", medians[PA_CSV]),
        ("ours, Population.write parquet, members, end to end", medians[OURS_PARQUET]),
        ("pyarrow parquet.write_table, members (snappy)", medians[PA_PARQUET]),
        ("pyarrow parquet.write_table, members (zstd)", medians[PA_PARQUET_ZSTD]),
    ]
    for label, value in rows:
        print(f"  {label:<52} {fmt_rate(value):>14} members/s")
    print("")
    print("Budgets")
    # The budget compares writers: our csv serializer writing the members table against
    # pyarrow writing the same, already-built table. Generating and writing together is shown
    # for information; it is bounded by generation speed, not by the writer.
    print(
        budget_line(
            "CSV: our writer / pyarrow writing the same table",
            csv_only_share,
            CSV_BUDGET,
            f"{csv_only_share:.1%} (budget >= 50%)",
        )
    )
    print(f"  {'CSV: generate + write / pyarrow writing (info)':<52} {csv_share:.1%}")
    print(f"  {'Parquet: ours end to end / pyarrow zstd (info)':<52} {parquet_share:.1%}")
    if rss is not None and "error" not in rss:
        mb = rss["maxrss_kb"] / 1024
        print(
            budget_line(
                f"Peak RSS, {rss['members']:,} members -> Parquet",
                mb,
                RSS_BUDGET_MB,
                f"{mb:,.0f} MB (budget < {RSS_BUDGET_MB:,.0f} MB)",
                higher_is_better=False,
            )
        )
    elif rss is not None:
        print(f"  {'Peak RSS, 1,000,000 members -> Parquet':<52} {'(child failed)':<34} BELOW")
    else:
        print(f"  {'Peak RSS, 1,000,000 members -> Parquet':<52} {'skipped (--quick / --no-rss)'}")
    print(
        budget_line(
            "RATIO ours / Faker baseline, members -> Arrow",
            ratio,
            RATIO_BUDGET,
            f"{ratio:,.1f}x (budget >= {RATIO_BUDGET:.0f}x)",
        )
    )

    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "members": n,
                    "baseline_members": nb,
                    "rounds": rounds,
                    "rates": rates,
                    "medians": medians,
                    "sizes": sizes,
                    "rss": rss,
                    "csv_share": csv_share,
                    "csv_members_only_share": csv_only_share,
                    "ratio": ratio,
                },
                indent=2,
            )
        )
    return 0


def _mb(kb: int | None) -> str:
    return "n/a" if kb is None else f"{kb / 1024:,.0f} MB"


def _faker_version() -> str:
    from importlib.metadata import version

    return version("faker")


if __name__ == "__main__":
    sys.exit(main())
