"""Rules of the immunizations table, checked on every row in plain Python.

Shared by the immunization tests and by ``tests.invariants.check_dataset``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from importlib import resources
from typing import Any

import pyarrow as pa

from clinical_data_generator.models import arrow_schema
from clinical_data_generator.models.immunization import Immunization

LOT = re.compile(r"^[A-Z]{2}\d{4}$")
MRN = re.compile(r"^MRN\d{8}$")
SEASONAL = ("Influenza", "COVID-19")
YEAR = 365.2425


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("clinical_data_generator.data").joinpath(name).read_text()
    return list(csv.DictReader(text.splitlines()))


CVX = {r["cvx"]: r for r in _csv("cvx.csv")}
SCHEDULE = [
    {**r, **{k: int(r[k] or 0) for k in ("dose", "min_age_days", "max_age_days",
                                          "recommended_age_days", "repeat_every_days")}}
    for r in _csv("immunization_schedule.csv")
]  # fmt: skip


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _rows_for(group: str, cvx: str, dose: int) -> list[dict[str, Any]]:
    """Schedule rows a dose can come from (a recurring row covers its later doses too)."""
    return [
        r
        for r in SCHEDULE
        if r["vaccine_group"] == group
        and r["cvx"] == cvx
        and (r["dose"] == dose or (r["repeat_every_days"] and dose >= r["dose"]))
    ]


def _earliest_age(group: str, dose: int) -> int:
    """Youngest age in days at which dose ``dose`` of a series can be given."""
    ages = [
        r["min_age_days"] + (dose - r["dose"]) * r["repeat_every_days"]
        for r in SCHEDULE
        if r["vaccine_group"] == group
        and (r["dose"] == dose or (r["repeat_every_days"] and dose >= r["dose"]))
    ]
    return min(ages)


def check_immunizations(members: pa.Table, coverages: pa.Table, providers: pa.Table,
                        table: pa.Table, as_of: dt.date, history_years: int) -> None:  # fmt: skip
    """Every rule of the immunizations table, row by row in plain Python."""
    assert table.schema.equals(arrow_schema(Immunization))
    start = _years_before(as_of, history_years)
    people = {
        r["member_id"]: r for r in members.select(["member_id", "birth_date", "sex"]).to_pylist()
    }
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for c in coverages.select(["member_id", "effective_date", "termination_date"]).to_pylist():
        spans[c["member_id"]].append((c["effective_date"], c["termination_date"]))
    practitioners = {
        p["provider_id"]
        for p in providers.select(["provider_id", "entity_type"]).to_pylist()
        if p["entity_type"] == "individual"
    }
    rows = table.to_pylist()
    assert len({r["immunization_id"] for r in rows}) == len(rows), "immunization_id not unique"
    mrn: dict[str, str] = {}
    series: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    seasons: set[tuple[str, str, int]] = set()
    seen: list[str] = []
    for r in rows:
        person = people[r["member_id"]]  # member_id resolves
        if not seen or seen[-1] != r["member_id"]:
            assert r["member_id"] not in seen[-1:], "rows of a member are not together"
            seen.append(r["member_id"])
            sequence = 1
            last_date = dt.date.min
        assert r["immunization_id"] == f"{r['member_id']}-I{sequence:03d}"
        assert r["occurrence_date"] >= last_date, "a member's rows are not by date"
        sequence, last_date = sequence + 1, r["occurrence_date"]
        assert MRN.match(r["mrn"]) and mrn.setdefault(r["member_id"], r["mrn"]) == r["mrn"]
        day, birth = r["occurrence_date"], person["birth_date"]
        assert birth <= day <= as_of and day >= start, "date outside life or the history window"
        age = (day - birth).days
        matches = _rows_for(r["vaccine_group"], r["cvx"], r["dose_number"])
        assert any(
            m["min_age_days"] <= age <= m["max_age_days"] and m["sex"] in ("", person["sex"])
            for m in matches
        ), f"{r['vaccine_group']} dose {r['dose_number']} (CVX {r['cvx']}) at {age} days"
        product = CVX[r["cvx"]]
        assert (r["mvx"], r["vaccine_display"], r["route"]) == (
            product["mvx"], product["short_description"], product["route"])  # fmt: skip
        assert product["vaccine_group"] == r["vaccine_group"] == r["vaccine_type"]
        assert r["status"] == "completed" and LOT.match(r["lot_number"])
        assert _add_months(day, 6) <= r["expiration_date"] < _add_months(day, 24)
        if r["route"] == "PO":
            assert r["site"] is None
        else:
            assert r["site"] in (("LT", "RT") if age < 3 * 365 + 1 else ("LA", "RA"))
        assert r["provider_id"] in practitioners
        covered = any(s <= day and (e is None or day <= e) for s, e in spans[r["member_id"]])
        assert r["no_insurance"] == (not covered)
        if r["vaccine_group"] in SEASONAL:
            key = (r["member_id"], r["vaccine_group"], day.year)
            assert r["dose_number"] == 1 and day.month >= 9 and key not in seasons
            seasons.add(key)
        else:
            series[(r["member_id"], r["vaccine_group"])].append(r)
    assert len(set(mrn.values())) == len(mrn), "two members share an MRN"
    for (member_id, group), doses in series.items():
        numbers = [d["dose_number"] for d in doses]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), (group, numbers)
        if numbers[0] > 1:  # the earlier doses were given before the window
            earliest = people[member_id]["birth_date"] + dt.timedelta(
                days=_earliest_age(group, numbers[0] - 1)
            )
            assert earliest < start, f"{group} starts at dose {numbers[0]} inside the window"
