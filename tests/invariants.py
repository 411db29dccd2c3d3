"""Invariants every generated Dataset must satisfy, checked on every row.

Used by the fixed-seed tests and by the Hypothesis property tests, so both check the same rules.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import clinical_data_generator as cdg
from clinical_data_generator._internal.checksums import is_valid_npi
from clinical_data_generator._internal.identifiers import NEVER_ASSIGNED_EIN_PREFIXES

SSN = re.compile(r"^9\d\d-(0[1-9]|[1-4]\d)-\d{4}$")
PHONE = re.compile(r"^[2-9]\d\d-555-01\d\d$")
EMAIL = re.compile(r"^[a-z][a-z.]*\d\d@example\.(com|net|org)$")
MBI = re.compile(
    r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y\d]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y\d]\d[AC-HJKMNP-RT-Y]{2}\d\d$"
)
EIN = re.compile(r"^\d\d-\d{7}$")
ZIP = re.compile(r"^\d{5}$")


def _all_match(column: pa.ChunkedArray, pattern: re.Pattern[str], what: str) -> None:
    values = [v for v in column.to_pylist() if v is not None]
    bad = [v for v in values if not pattern.match(v)]
    assert not bad, f"{what}: {len(bad)} values break the rule, e.g. {bad[:3]}"


def _unique(table: pa.Table, column: str) -> None:
    values = table[column]
    assert pc.count_distinct(values).as_py() == len(values), f"{column} values are not unique"


def _resolves(child: pa.ChunkedArray, parent: pa.ChunkedArray, what: str) -> None:
    present = pc.drop_null(child)
    missing = pc.sum(pc.invert(pc.is_in(present, value_set=parent.combine_chunks()))).as_py() or 0
    assert missing == 0, f"{what}: {missing} references do not resolve"


def _age(birth: np.ndarray, as_of: dt.date) -> np.ndarray:
    b = birth.astype("datetime64[D]").astype(object)
    return np.array(
        [as_of.year - d.year - ((as_of.month, as_of.day) < (d.month, d.day)) for d in b]
    )


def check_safety(ds: cdg.Dataset) -> None:
    """DESIGN section 6: identifiers that can never be real."""
    members = ds.tables["members"]
    _all_match(members["ssn"], SSN, "SSN")
    _all_match(members["mbi"], MBI, "MBI")
    for name, table in ds.tables.items():
        for column in table.column_names:
            if "phone" in column:
                _all_match(table[column], PHONE, f"{name}.{column}")
            if "email" in column:
                _all_match(
                    table[column],
                    EMAIL
                    if name == "members"
                    else re.compile(
                        r"^[^@\s]+@[a-z0-9]+\.example\.(com|net|org)$|^[^@\s]+@example\.(com|net|org)$"
                    ),
                    f"{name}.{column}",
                )
            if column == "tax_id":
                values = [v for v in table[column].to_pylist() if v is not None]
                assert all(EIN.match(v) and v[:2] in NEVER_ASSIGNED_EIN_PREFIXES for v in values), (
                    f"{name}.tax_id"
                )
            if column == "zip":
                _all_match(table[column], ZIP, f"{name}.zip")
    npis = ds.tables["providers"]["npi"].to_pylist()
    assert all(n.startswith("2") and is_valid_npi(n) for n in npis)


def check_members(ds: cdg.Dataset, as_of: dt.date) -> None:
    """Household structure, ages, names and keys of ``members``."""
    m = ds.tables["members"]
    if m.num_rows == 0:
        return
    for column in ("member_id", "identity_id", "member_number", "mrn"):
        _unique(m, column)
    _resolves(m["subscriber_member_id"], m["member_id"], "members.subscriber_member_id")
    _resolves(m["plan_id"], ds.tables["plans"]["plan_id"], "members.plan_id")
    _resolves(m["payer_id"], ds.tables["payers"]["payer_id"], "members.payer_id")
    _resolves(m["sponsor_id"], ds.tables["sponsors"]["sponsor_id"], "members.sponsor_id")

    rows = m.select(["member_id", "subscriber_member_id", "relationship_code", "birth_date", "address_line1",
                     "zip", "line_of_business", "subscriber_number", "member_number", "person_code"]).to_pylist()  # fmt: skip
    by_id = {r["member_id"]: r for r in rows}
    for r in rows:
        sub = by_id[r["subscriber_member_id"]]
        assert r["birth_date"] <= as_of
        assert (r["relationship_code"] == "18") == (r["member_id"] == r["subscriber_member_id"])
        assert r["member_number"] == r["subscriber_number"] + r["person_code"]
        # Dependents share the subscriber's household: address, card number, line of business.
        assert (r["address_line1"], r["zip"], r["subscriber_number"], r["line_of_business"]) == (
            sub["address_line1"], sub["zip"], sub["subscriber_number"], sub["line_of_business"])  # fmt: skip
        if r["relationship_code"] in ("19", "17"):
            assert r["birth_date"] > sub["birth_date"], "a child is not younger than the subscriber"
    lob = m["line_of_business"].to_pylist()
    mbi = m["mbi"].to_pylist()
    assert all((lo == "medicare") == (b is not None) for lo, b in zip(lob, mbi, strict=True))
    sponsor = m["sponsor_id"].to_pylist()
    assert all((lo == "commercial") == (s is not None) for lo, s in zip(lob, sponsor, strict=True))


def check_coverages(ds: cdg.Dataset, as_of: dt.date) -> None:
    """Enrollment spans: dates in order, inside life, consistent with members and plans."""
    m, c = ds.tables["members"], ds.tables["coverages"]
    _unique(c, "coverage_id")
    _resolves(c["member_id"], m["member_id"], "coverages.member_id")
    _resolves(c["plan_id"], ds.tables["plans"]["plan_id"], "coverages.plan_id")
    _resolves(
        c["pcp_provider_id"], ds.tables["providers"]["provider_id"], "coverages.pcp_provider_id"
    )
    assert set(c["member_id"].to_pylist()) == set(m["member_id"].to_pylist()), (
        "a member has no coverage"
    )
    birth = dict(zip(m["member_id"].to_pylist(), m["birth_date"].to_pylist(), strict=True))
    current_plan = dict(zip(m["member_id"].to_pylist(), m["plan_id"].to_pylist(), strict=True))
    plans = {p["plan_id"]: p for p in ds.tables["plans"].to_pylist()}
    last: dict[str, dict[str, object]] = {}
    for r in c.to_pylist():
        start, end = r["effective_date"], r["termination_date"]
        assert start >= birth[r["member_id"]], "coverage starts before birth"
        assert start <= as_of, "coverage starts after as_of"
        if end is not None:
            assert start <= end < as_of, "termination not between effective date and as_of"
            assert r["termination_reason"] is not None
        plan = plans[r["plan_id"]]
        assert (
            plan["payer_id"] == r["payer_id"] and plan["line_of_business"] == r["line_of_business"]
        )
        assert (r["pcp_provider_id"] is not None) == plan["requires_pcp"]
        assert (r["sponsor_id"] is not None) == (r["line_of_business"] == "commercial")
        previous = last.get(r["member_id"])
        if previous is not None:
            assert (
                previous["termination_date"] is not None and previous["termination_date"] < start
            ), "spans overlap"
        last[r["member_id"]] = r
    for member_id, r in last.items():
        assert r["plan_id"] == current_plan[member_id], (
            "members.plan_id is not the latest span's plan"
        )


def check_reference(ds: cdg.Dataset) -> None:
    """Payers, plans, sponsors and providers are internally consistent."""
    for name, key in (("payers", "payer_id"), ("plans", "plan_id"), ("sponsors", "sponsor_id"),
                      ("providers", "provider_id")):  # fmt: skip
        _unique(ds.tables[name], key)
    _unique(ds.tables["providers"], "npi")
    _unique(ds.tables["sponsors"], "group_number")
    for p in ds.tables["plans"].to_pylist():
        assert p["oop_max_individual"] >= p["deductible_individual"] >= 0
        assert p["oop_max_family"] == 2 * p["oop_max_individual"]
    providers = ds.tables["providers"]
    individual = pc.equal(providers["entity_type"], "individual")
    orgs = providers.filter(pc.invert(individual))
    _resolves(
        providers.filter(individual)["organization_id"],
        orgs["provider_id"],
        "providers.organization_id",
    )
    assert orgs["tax_id"].null_count == 0 and orgs["first_name"].null_count == orgs.num_rows


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_conditions(ds: cdg.Dataset, as_of: dt.date) -> None:
    """Conditions: billable codes valid for the member's age and sex, dates inside life."""
    from clinical_data_generator._internal import refdata

    c, m = ds.tables["conditions"], ds.tables["members"]
    _unique(c, "condition_id")
    _resolves(c["member_id"], m["member_id"], "conditions.member_id")
    if "encounters" in ds.tables:
        _resolves(
            c["encounter_id"], ds.tables["encounters"]["encounter_id"], "conditions.encounter_id"
        )
    icd = refdata.icd10cm()
    people = {r["member_id"]: r for r in m.select(["member_id", "sex", "birth_date"]).to_pylist()}
    for r in c.to_pylist():
        person = people[r["member_id"]]
        row = icd.row.get(r["code"])
        assert row is not None, f"{r['code']} is not a billable ICD-10-CM code"
        assert r["display"] == icd.titles[row].as_py()
        chronic = r["category"] == "chronic"
        assert chronic == (r["encounter_id"] is None) == (r["abatement_date"] is None)
        # Age edits apply on the day of the encounter (acute) or on as_of (chronic problem list).
        age = _age_on(person["birth_date"], as_of if chronic else r["onset_date"])
        assert icd.age_min[row] <= age <= icd.age_max[row], f"{r['code']} at age {age}"
        assert icd.sex[row] in ("", person["sex"]), f"{r['code']} for sex {person['sex']}"
        if chronic:
            assert not r["code"].startswith(("O", "P")), "pregnancy or perinatal code as chronic"
        else:
            assert r["onset_date"] < r["abatement_date"]
        assert person["birth_date"] <= r["onset_date"] <= as_of, "onset outside the member's life"


def check_encounters(ds: cdg.Dataset, as_of: dt.date, history_years: int = 1) -> None:
    """Encounters: dates in the window and in life, providers of the right kind, coverage link."""
    e, m = ds.tables["encounters"], ds.tables["members"]
    if e.num_rows == 0:
        return
    _unique(e, "encounter_id")
    _resolves(e["member_id"], m["member_id"], "encounters.member_id")
    _resolves(
        e["reason_condition_id"], ds.tables["conditions"]["condition_id"], "encounters.reason"
    )
    _check_vaccination_visits(ds)
    providers = {p["provider_id"]: p["entity_type"] for p in ds.tables["providers"].to_pylist()}
    birth = dict(zip(m["member_id"].to_pylist(), m["birth_date"].to_pylist(), strict=True))
    spans: dict[str, list[dict[str, object]]] = {}
    for cov in ds.tables["coverages"].to_pylist():
        spans.setdefault(cov["member_id"], []).append(cov)
    reasons = {r["condition_id"]: r for r in ds.tables["conditions"].to_pylist()}
    pos = {"office": "11", "telehealth": "10", "urgent_care": "20", "emergency": "23",
           "outpatient": "22", "inpatient": "21", "lab": "81", "vaccination": "11"}  # fmt: skip
    try:
        window = as_of.replace(year=as_of.year - history_years)
    except ValueError:
        window = as_of.replace(year=as_of.year - history_years, day=28)
    stays: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for r in e.to_pylist():
        if r["encounter_class"] == "inpatient":
            stays.setdefault(r["member_id"], []).append((r["start_date"], r["end_date"]))
    for r in e.to_pylist():
        start, end = r["start_date"], r["end_date"]
        if r["encounter_class"] not in ("inpatient", "vaccination"):
            for admitted, discharged in stays.get(r["member_id"], []):
                assert not admitted < start <= discharged, "a visit during an inpatient stay"
        assert max(window, birth[r["member_id"]]) <= start <= end < as_of, "encounter dates"
        if r["encounter_class"] != "inpatient":
            assert start == end, "only inpatient stays span several days"
        assert r["place_of_service"] == pos[r["encounter_class"]]
        assert providers[r["billing_provider_id"]] == "organization"
        if r["rendering_provider_id"] is not None:
            assert providers[r["rendering_provider_id"]] == "individual"
        if r["facility_provider_id"] is not None:
            assert providers[r["facility_provider_id"]] == "organization"
        assert (r["rendering_provider_id"] is None) == (r["encounter_class"] == "lab")
        inpatient = r["encounter_class"] == "inpatient"
        for field in ("admission_type", "admission_source", "discharge_status"):
            assert (r[field] is not None) == inpatient
        if r["encounter_class"] == "vaccination":
            assert r["reason_condition_id"] is None and r["reason_code"] == "Z23"
        else:
            reason = reasons[r["reason_condition_id"]]
            assert reason["member_id"] == r["member_id"] and reason["code"] == r["reason_code"]
            assert reason["onset_date"] <= start, "a visit for a condition that had not begun"
        covering = [
            c["coverage_id"] for c in spans.get(r["member_id"], [])
            if c["effective_date"] <= start and (c["termination_date"] is None or start <= c["termination_date"])
        ]  # fmt: skip
        assert covering == ([r["coverage_id"]] if r["coverage_id"] else []), "coverage link"


def _check_vaccination_visits(ds: cdg.Dataset) -> None:
    """Each vaccination visit is one member-day of doses; doses in the window link to it."""
    if "immunizations" not in ds.tables:
        return
    visits = {
        r["encounter_id"]: r
        for r in ds.tables["encounters"].to_pylist()
        if r["encounter_class"] == "vaccination"
    }
    linked: set[str] = set()
    for dose in ds.tables["immunizations"].to_pylist():
        if dose["encounter_id"] is None:
            continue
        visit = visits[dose["encounter_id"]]
        assert visit["member_id"] == dose["member_id"]
        assert visit["start_date"] == dose["occurrence_date"]
        assert visit["rendering_provider_id"] == dose["provider_id"]
        linked.add(dose["encounter_id"])
    assert linked == set(visits), "a vaccination visit without doses"


def check_no_empty_strings(ds: cdg.Dataset) -> None:
    """Missing values are nulls, never empty strings (CSV could not tell them apart)."""
    for name, table in ds.tables.items():
        for field in table.schema:
            if pa.types.is_string(field.type):
                empty = pc.sum(pc.equal(table[field.name], "")).as_py() or 0
                assert empty == 0, f"{name}.{field.name} has {empty} empty strings"


def check_dataset(ds: cdg.Dataset, as_of: dt.date = cdg.DEFAULT_AS_OF) -> None:
    """Every invariant above."""
    check_no_empty_strings(ds)
    check_reference(ds)
    check_members(ds, as_of)
    check_coverages(ds, as_of)
    check_conditions(ds, as_of)
    if "encounters" in ds.tables:
        check_encounters(ds, as_of)
    if "claims" in ds.tables:
        from tests.claim_rules import check_claims, check_inquiries

        check_claims(ds, as_of)
        if "eligibility_inquiries" in ds.tables:
            check_inquiries(ds, as_of)
    if "lab_results" in ds.tables:
        t = ds.tables
        _unique(t["diagnostic_reports"], "report_id")
        _unique(t["lab_results"], "result_id")
        _resolves(t["diagnostic_reports"]["encounter_id"], t["encounters"]["encounter_id"],
                  "diagnostic_reports.encounter_id")  # fmt: skip
        _resolves(t["lab_results"]["report_id"], t["diagnostic_reports"]["report_id"],
                  "lab_results.report_id")  # fmt: skip
        _resolves(t["covid_tests"]["result_id"], t["lab_results"]["result_id"],
                  "covid_tests.result_id")  # fmt: skip
    if "immunizations" in ds.tables:
        from tests.immunization_rules import check_immunizations

        tables = ds.tables
        history = (
            ds.info.get("options", {}).get("immunization_generator", {}).get("history_years", 3)
        )  # type: ignore[union-attr]
        check_immunizations(tables["members"], tables["coverages"], tables["providers"],
                            tables["immunizations"], as_of, int(history))  # fmt: skip
    check_safety(ds)
