"""Cohort: Medicare members aged 65 or older in Texas, summarised with pyarrow.compute.

Run it with ``python examples/cohort_medicare_texas.py [--out DIR]``. Cohort options restrict how
the population is drawn, so all 2,000 rows fit the cohort. No filtering and no pandas are needed.
The summary lists the age range, the age bands and the members per plan. The cohort is then
written as Parquet to ``--out``, or to a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile

import pyarrow as pa
import pyarrow.compute as pc

import clinical_data_generator as cdg

COHORT = cdg.MemberGenerator(min_age=65, states=["TX"], lines_of_business=["medicare"])


def ages_at(birth_dates: pa.ChunkedArray, as_of: dt.date) -> pa.ChunkedArray:
    """Exact age in whole years on ``as_of`` (``years_between`` only counts calendar years)."""
    calendar_years = pc.years_between(birth_dates, pa.scalar(as_of, pa.date32()))
    birthday = pc.add(pc.multiply(pc.month(birth_dates), 100), pc.day(birth_dates))
    not_yet = pc.greater(birthday, as_of.month * 100 + as_of.day)  # birthday still to come
    return pc.subtract(calendar_years, pc.cast(not_yet, pa.int64()))


def main(out: str) -> None:
    """Generate the cohort, print an age and plan summary and write it to ``out``."""
    ds = cdg.generate(members=2_000, seed=7, member_generator=COHORT)
    members = ds.tables["members"]
    plans = ds.tables["plans"]

    age = ages_at(members["birth_date"], cdg.DEFAULT_AS_OF)
    low, high = pc.min_max(age).as_py().values()
    print(f"members: {members.num_rows:,}")
    print(f"states: {pc.unique(members['state']).to_pylist()}")
    print(f"lines of business: {pc.unique(members['line_of_business']).to_pylist()}")
    print(f"age: min {low}, mean {pc.mean(age).as_py():.1f}, max {high}")

    print("age bands:")
    for lo, hi in ((65, 74), (75, 84), (85, 105)):
        count = pc.sum(pc.and_(pc.greater_equal(age, lo), pc.less_equal(age, hi))).as_py() or 0
        print(f"  {lo}-{hi:<4} {count:>6,}")

    # Members per plan, joined to the plan's name and product type.
    per_plan = members.group_by("plan_id").aggregate([("member_id", "count")])
    per_plan = per_plan.join(plans.select(["plan_id", "name", "product_type"]), "plan_id")
    per_plan = per_plan.sort_by([("member_id_count", "descending"), ("plan_id", "ascending")])
    print("members per plan:")
    for row in per_plan.to_pylist():
        label = f"{row['plan_id']} {row['name']} ({row['product_type']})"
        print(f"  {label:<44} {row['member_id_count']:>6,}")

    manifest = ds.write(out, formats=["parquet"])
    print(f"wrote {len(manifest['files'])} parquet files to {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="output folder or fsspec URL (default: a temporary folder)")
    args = parser.parse_args()
    if args.out:
        main(args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="cdg-cohort-") as tmp:
            main(tmp)
