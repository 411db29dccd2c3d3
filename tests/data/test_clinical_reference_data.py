"""Checks on the clinical and claims reference tables: schemas, code shapes, edits, licences."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

import pytest

from tests.csv_files import text_of

DATA = Path(__file__).resolve().parents[2] / "clinical_data_generator" / "data"
SEX_AGE = ("f_0_17", "f_18_44", "f_45_64", "f_65_plus", "m_0_17", "m_18_44", "m_45_64", "m_65_plus")
SCHEMAS = {
    "icd10cm.csv.gz": ("code", "title", "sex", "age_min", "age_max"),
    "conditions.csv": ("condition", "label", *SEX_AGE, "source"),
    "condition_codes.csv": ("condition", "code", "weight"),
    "acute_problems.csv": ("code", "setting", "sex", "age_min", "age_max", "weight"),
    "procedures.csv": (
        "code",
        "label",
        "category",
        "work_rvu",
        "pe_rvu_nonfacility",
        "pe_rvu_facility",
        "mp_rvu",
        "typical_units",
        "price",
        "note",
    ),
    "hcpcs.csv": ("code", "label", "category", "price"),
    "icd10pcs.csv": ("code", "title", "category"),
    "ms_drg.csv": ("drg", "title", "type", "weight", "gmlos", "amlos"),
    "place_of_service.csv": ("code", "label"),
    "revenue_codes.csv": ("code", "label", "category"),
    "type_of_bill.csv": ("code", "label"),
    "discharge_status.csv": ("code", "label", "weight"),
    "admission_types.csv": ("code", "label", "weight"),
    "admission_sources.csv": ("code", "label", "weight"),
    "claim_frequency.csv": ("code", "label"),
    "carc.csv": ("code", "label", "group_code"),
    "rarc.csv": ("code", "label", "group_code"),
    "service_type_codes.csv": ("code", "label"),
    "claim_status_categories.csv": ("code", "label"),
    "loinc_tests.csv": (
        "loinc",
        "long_common_name",
        "panel",
        "unit",
        "value_type",
        "decimals",
        "low_f",
        "high_f",
        "low_m",
        "high_m",
        "child_low",
        "child_high",
        "mean",
        "sd",
        "condition",
        "condition_shift",
    ),
    "loinc_panels.csv": ("panel", "loinc", "name"),
    "cvx.csv": ("cvx", "short_description", "mvx", "route", "site", "vaccine_group", "cpt"),
    "immunization_schedule.csv": (
        "vaccine_group",
        "cvx",
        "dose",
        "min_age_days",
        "recommended_age_days",
        "max_age_days",
        "sex",
        "repeat_every_days",
    ),
}
# Fragments of AMA CPT descriptors; none may appear anywhere in the shipped data.
CPT_DESCRIPTOR_PHRASES = (
    "office or other outpatient visit for the evaluation and management",
    "which requires a medically appropriate history",
    "initial hospital inpatient or observation care",
    "subsequent hospital inpatient or observation care",
    "emergency department visit for the evaluation and management",
    "periodic comprehensive preventive medicine reevaluation",
    "initial comprehensive preventive medicine evaluation",
    "collection of venous blood by venipuncture",
    "immunization administration through 18 years of age",
    "therapeutic procedure, 1 or more areas, each 15 minutes",
    "psychotherapy, 60 minutes with patient",
    "electrocardiogram, routine ecg with at least 12 leads",
    "blood count; complete (cbc), automated",
    "radiologic examination, chest; 2 views",
    "hemoglobin; glycosylated (a1c)",
    "urinalysis, by dip stick or tablet reagent",
)
# Second character is a digit, except the April 2026 QA (genetic conditions) block.
ICD_RE = re.compile(r"[A-Z][0-9A-Z][0-9A-Z]{1,5}")
SETTINGS = {"office", "urgent_care", "emergency", "telehealth", "inpatient", "lab", "any"}


def raw_text(name: str) -> str:
    return text_of(DATA / name)


@cache
def table(name: str) -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
    reader = csv.DictReader(io.StringIO(raw_text(name), newline=""))
    rows = tuple(reader)
    return tuple(reader.fieldnames or ()), rows


@cache
def icd10cm() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in table("icd10cm.csv.gz")[1]}


def loinc_check_digit_ok(code: str) -> bool:
    """LOINC mod-10: double every other digit from the right of the body, sum digits."""
    match = re.fullmatch(r"(\d{1,7})-(\d)", code)
    if not match:
        return False
    body, check = match.groups()
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return (10 - total % 10) % 10 == int(check)


def test_loinc_check_digit_algorithm() -> None:
    """The check-digit helper accepts known LOINC codes and rejects altered ones."""
    for good in ("4548-4", "2345-7", "24323-8", "58410-2", "94500-6", "718-7"):
        assert loinc_check_digit_ok(good), good
    for bad in ("4548-5", "2345-1", "24323-0", "94500"):
        assert not loinc_check_digit_ok(bad), bad


def test_clinical_files_listed_in_manifest() -> None:
    """Every clinical table ships with a manifest row naming its source and licence."""
    rows = {r["file"]: r for r in table("MANIFEST.csv")[1]}
    for name in SCHEMAS:
        assert name in rows, name
        assert rows[name]["source"] and rows[name]["licence"] and rows[name]["script"]


def test_project_licence_is_mit() -> None:
    """Manifest, README and NOTICE name the project licence as MIT, never Apache-2.0."""
    for name in ("MANIFEST.csv", "README.md", "NOTICE"):
        assert "Apache-2.0" not in (DATA / name).read_text(encoding="ascii"), name


@pytest.mark.parametrize(("name", "header"), sorted(SCHEMAS.items()))
def test_clinical_headers(name: str, header: tuple[str, ...]) -> None:
    """Each clinical table has exactly its documented snake_case header and some rows."""
    got, rows = table(name)
    assert got == header
    assert rows
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", col) for col in got)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_clinical_rows_are_rectangular_and_unix(name: str) -> None:
    """Rows have the header's width, no carriage returns, and a final newline."""
    text = raw_text(name)
    assert "\r" not in text and text.endswith("\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        assert len(row) == len(SCHEMAS[name]), row


def test_icd10cm_codes_and_edits() -> None:
    """ICD-10-CM codes are 3-7 chars without dots, sorted, with valid sex/age edits."""
    rows = table("icd10cm.csv.gz")[1]
    codes = [r["code"] for r in rows]
    assert codes == sorted(set(codes))
    assert len(codes) > 70_000
    for r in rows:
        assert ICD_RE.fullmatch(r["code"]) and "." not in r["code"], r
        assert r["title"], r
        assert r["sex"] in {"", "F", "M"}, r
        assert (r["age_min"], r["age_max"]) in {
            ("0", "124"),
            ("0", "0"),
            ("0", "17"),
            ("12", "55"),
            ("15", "124"),
        }, r


def test_icd10cm_known_edits() -> None:
    """Spot checks: prostate codes are male, pregnancy codes female 12-55, newborn codes 0-0."""
    icd = icd10cm()
    assert icd["N401"]["sex"] == "M"
    assert icd["C61"]["sex"] == "M"
    assert (icd["O80"]["sex"], icd["O80"]["age_min"], icd["O80"]["age_max"]) == ("F", "12", "55")
    assert (icd["Z3800"]["age_min"], icd["Z3800"]["age_max"]) == ("0", "0")
    assert icd["Z00129"]["age_max"] == "17"
    assert icd["E119"]["title"] == "Type 2 diabetes mellitus without complications"


def test_no_pregnancy_codes_for_men_or_children() -> None:
    """Every O-chapter code is female-only and starts at age 12 or later."""
    for code, r in icd10cm().items():
        if code.startswith("O"):
            assert r["sex"] == "F" and int(r["age_min"]) >= 12, r


def _fits(code: str, sex: str, age_min: int, age_max: int) -> bool:
    edit = icd10cm()[code]
    if edit["sex"] and edit["sex"] != sex:
        return False
    return int(edit["age_min"]) <= age_min and age_max <= int(edit["age_max"])


def test_conditions_prevalence() -> None:
    """Prevalences are 4-decimal fractions in [0, 1] with a cited source on every row."""
    rows = table("conditions.csv")[1]
    keys = [r["condition"] for r in rows]
    assert keys == sorted(set(keys))
    for r in rows:
        assert r["source"] and r["label"]
        for col in SEX_AGE:
            assert re.fullmatch(r"[01]\.\d{4}", r[col]), (r["condition"], col)
            assert 0.0 <= float(r[col]) <= 1.0


def test_condition_codes_exist_and_fit() -> None:
    """Each condition maps to 2-8 billable codes valid for both sexes and its ages."""
    conditions = {r["condition"]: r for r in table("conditions.csv")[1]}
    rows = table("condition_codes.csv")[1]
    assert [(r["condition"], r["code"]) for r in rows] == sorted(
        {(r["condition"], r["code"]) for r in rows}
    )
    per: dict[str, int] = {}
    bands = {"0_17": (0, 17), "18_44": (18, 44), "45_64": (45, 64), "65_plus": (65, 124)}
    for r in rows:
        assert r["condition"] in conditions, r
        assert r["code"] in icd10cm(), r
        assert r["weight"].isdigit() and int(r["weight"]) > 0, r
        per[r["condition"]] = per.get(r["condition"], 0) + 1
        for sex in "fm":
            for band, (lo, hi) in bands.items():
                if float(conditions[r["condition"]][f"{sex}_{band}"]) > 0:
                    assert _fits(r["code"], sex.upper(), lo, hi), (r, sex, band)
    assert set(per) == set(conditions)
    assert all(2 <= n <= 8 for n in per.values()), per


def test_acute_problems_fit_edits() -> None:
    """Acute problems are billable, in a known setting, and respect sex/age edits."""
    rows = table("acute_problems.csv")[1]
    assert [(r["code"], r["setting"]) for r in rows] == sorted(
        {(r["code"], r["setting"]) for r in rows}
    )
    for r in rows:
        assert r["code"] in icd10cm(), r
        assert r["setting"] in SETTINGS, r
        assert r["sex"] in {"", "F", "M"}, r
        lo, hi = int(r["age_min"]), int(r["age_max"])
        assert 0 <= lo <= hi <= 124, r
        assert r["weight"].isdigit() and int(r["weight"]) > 0, r
        for sex in [r["sex"]] if r["sex"] else ["F", "M"]:
            assert _fits(r["code"], sex, lo, hi), r
        if r["code"].startswith("O"):
            assert r["sex"] == "F" and lo >= 12, r


def test_procedures_shape() -> None:
    """Procedure rows are 5-digit CPT numbers with short own labels and numeric values."""
    rows = table("procedures.csv")[1]
    codes = [r["code"] for r in rows]
    assert codes == sorted(set(codes))
    assert len(codes) <= 160
    for r in rows:
        assert re.fullmatch(r"\d{5}", r["code"]), r
        assert 0 < len(r["label"]) < 40, r
        for col in ("work_rvu", "pe_rvu_nonfacility", "pe_rvu_facility", "mp_rvu"):
            assert re.fullmatch(r"\d+\.\d{2}", r[col]), (r, col)
        assert r["typical_units"].isdigit() and int(r["typical_units"]) >= 1
        priced = float(r["work_rvu"]) + float(r["pe_rvu_nonfacility"]) > 0 or r["price"]
        assert priced, r
        assert r["note"], r


def test_hcpcs_shape() -> None:
    """HCPCS rows are a letter plus 4 digits, never dental D-codes, with short own labels."""
    rows = table("hcpcs.csv")[1]
    codes = [r["code"] for r in rows]
    assert codes == sorted(set(codes))
    for r in rows:
        assert re.fullmatch(r"[A-CEGHJ-MP-V]\d{4}", r["code"]), r
        assert not r["code"].startswith("D")
        assert 0 < len(r["label"]) < 40, r
        assert float(r["price"]) > 0, r


def test_icd10pcs_and_drg_shape() -> None:
    """PCS codes are 7 characters; MS-DRGs are 3 digits with positive weights and LOS."""
    for r in table("icd10pcs.csv")[1]:
        assert re.fullmatch(r"[0-9A-HJ-NP-Z]{7}", r["code"]), r
        assert r["title"] and r["category"]
    rows = table("ms_drg.csv")[1]
    assert len(rows) >= 700
    for r in rows:
        assert re.fullmatch(r"\d{3}", r["drg"]), r
        assert r["type"] in {"MED", "SURG"}, r
        assert float(r["weight"]) > 0 and float(r["gmlos"]) > 0
        assert float(r["amlos"]) >= float(r["gmlos"]) - 0.05, r


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("place_of_service.csv", r"\d{2}"),
        ("revenue_codes.csv", r"0\d{3}"),
        ("type_of_bill.csv", r"0\d{3}"),
        ("discharge_status.csv", r"\d{2}"),
        ("admission_types.csv", r"\d"),
        ("admission_sources.csv", r"[0-9A-Z]"),
        ("claim_frequency.csv", r"[178]"),
        ("carc.csv", r"\d{1,3}|[A-Z]\d{1,2}"),
        ("rarc.csv", r"(M|MA|N)\d{1,3}"),
        ("service_type_codes.csv", r"\d{1,2}|[A-Z][0-9A-Z]"),
        ("claim_status_categories.csv", r"[ADEFPR]\d"),
    ],
)
def test_small_code_tables(name: str, pattern: str) -> None:
    """Small code tables hold unique well-formed codes with short labels of our own."""
    rows = table(name)[1]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    for r in rows:
        assert re.fullmatch(pattern, r["code"]), r
        assert 0 < len(r["label"]) <= 45, r
        if "weight" in r:
            assert r["weight"].isdigit() and int(r["weight"]) > 0, r
        if "group_code" in r:
            assert r["group_code"] in {"CO", "PR", "OA", "PI", "CR"}, r


def test_loinc_tests() -> None:
    """LOINC codes pass the mod-10 check, ranges are ordered, shifts name known conditions."""
    conditions = {r["condition"] for r in table("conditions.csv")[1]}
    panels = {r["panel"] for r in table("loinc_panels.csv")[1]}
    rows = table("loinc_tests.csv")[1]
    assert len({r["loinc"] for r in rows}) == len(rows) >= 40
    for r in rows:
        assert loinc_check_digit_ok(r["loinc"]), r
        assert r["panel"] in panels, r
        assert r["value_type"] in {"quantitative", "ordinal", "nominal"}, r
        if r["value_type"] == "quantitative":
            for lo, hi in (("low_f", "high_f"), ("low_m", "high_m"), ("child_low", "child_high")):
                assert float(r[lo]) < float(r[hi]), (r, lo)
            assert float(r["sd"]) > 0
        else:
            assert 0 <= float(r["mean"]) <= 1, r
        if r["condition"]:
            assert r["condition"] in conditions, r
            assert float(r["condition_shift"]) != 0, r
    shifted = {(r["loinc"], r["condition"]) for r in rows if r["condition"]}
    assert {
        ("4548-4", "diabetes"),
        ("13457-7", "hyperlipidemia"),
        ("3016-3", "hypothyroidism"),
    } <= (shifted)


def test_loinc_panels() -> None:
    """Panel codes are check-digit valid and every panel has at least one test."""
    tests = {r["panel"] for r in table("loinc_tests.csv")[1]}
    for r in table("loinc_panels.csv")[1]:
        assert loinc_check_digit_ok(r["loinc"]), r
        assert r["panel"] in tests, r
        assert r["name"]


def test_cvx_and_schedule() -> None:
    """CVX codes are numeric with MVX, route and site; schedule rows reference them in order."""
    cvx = {r["cvx"]: r for r in table("cvx.csv")[1]}
    procedure_codes = {r["code"] for r in table("procedures.csv")[1]}
    for r in cvx.values():
        assert re.fullmatch(r"\d{2,3}", r["cvx"]), r
        assert re.fullmatch(r"[A-Z]{3}", r["mvx"]), r
        assert r["route"] in {"IM", "SC", "PO", "IN", "ID"}, r
        assert r["site"] in {"", "LA", "RA", "LT", "RT", "LD", "RD"}, r
        assert (r["site"] == "") == (r["route"] in {"PO", "IN"}), r
        assert r["cpt"] in procedure_codes and r["cpt"].startswith("9"), r  # product code
    rows = table("immunization_schedule.csv")[1]
    seen = set()
    for r in rows:
        assert r["cvx"] in cvx, r
        assert cvx[r["cvx"]]["vaccine_group"] == r["vaccine_group"], r
        lo, rec, hi = int(r["min_age_days"]), int(r["recommended_age_days"]), int(r["max_age_days"])
        assert 0 <= lo <= rec <= hi, r
        assert r["sex"] in {"", "F", "M"}
        assert r["repeat_every_days"] == "" or int(r["repeat_every_days"]) >= 365
        key = (r["vaccine_group"], r["cvx"], r["dose"])
        assert key not in seen, key
        seen.add(key)
    groups = {r["vaccine_group"] for r in rows}
    assert {"HepB", "DTaP", "MMR", "Influenza", "COVID-19", "Zoster", "HPV"} <= groups


def test_no_cpt_descriptors_anywhere() -> None:
    """No AMA CPT descriptor wording appears in any shipped data file."""
    for path in DATA.iterdir():
        if not path.is_file() or path.suffix == ".py":
            continue
        text = raw_text(path.name).lower()
        found = [p for p in CPT_DESCRIPTOR_PHRASES if p in text]
        assert not found, (path.name, found)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_no_snomed_dental_or_ndc(name: str) -> None:
    """No SNOMED CT content, HCPCS D-codes or NDC-like numbers ship in clinical tables."""
    header, _ = table(name)
    text = raw_text(name)
    assert "snomed" not in text.lower() and "sctid" not in text.lower()
    assert not any("snomed" in col or "sct" in col or "ndc" in col for col in header)
    if name != "icd10cm.csv.gz":  # ICD-10-CM D-chapter codes (D00-D89) are diagnoses
        assert not re.search(r"\bD\d{4}\b", text)
    assert not re.search(r"(?<![\d.])\d{11}(?![\d.])", text)
    assert not re.search(r"\b\d{4,5}-\d{3,4}-\d{1,2}\b", text)


def test_notice_has_loinc_notice() -> None:
    """NOTICE carries the LOINC copyright notice required for the LOINC names."""
    notice = (DATA / "NOTICE").read_text(encoding="ascii")
    assert "Regenstrief Institute" in notice and "loinc.org/license" in notice


def test_total_data_size() -> None:
    """All packaged data together stays under 3 MB."""
    assert sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file()) < 3 * 1024 * 1024
