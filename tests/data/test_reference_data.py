"""Checks on the packaged reference data: manifest, schemas, sums, and licensing traps."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
from functools import cache
from pathlib import Path

import pytest

from tests.csv_files import text_of

DATA = Path(__file__).resolve().parents[2] / "clinical_data_generator" / "data"
RACE_GROUPS = ("white", "black", "api", "aian", "multiple", "hispanic")
NOT_DATA = {"MANIFEST.csv", "NOTICE", "README.md", "__init__.py"}
# Files whose schema this test owns (plan_designs.csv belongs to the generators).
SCHEMAS = {
    "first_names.csv.gz": ("decade", "sex", "name", "weight"),
    "surnames.csv.gz": ("surname", "count", *RACE_GROUPS),
    "zip_codes.csv.gz": (
        "zip",
        "city",
        "state",
        "county",
        "timezone",
        "area_code",
        "latitude",
        "longitude",
        "population",
        *RACE_GROUPS,
    ),
    "race_ethnicity_codes.csv": ("code", "display", "kind", "census_group"),
    "languages.csv": ("census_group", "code", "display", "weight"),
    "street_names.csv": ("name", "weight"),
    "street_suffixes.csv": ("suffix", "weight"),
    "taxonomies.csv": ("code", "display", "entity", "specialty", "credential", "weight"),
    "organization_words.csv": ("kind", "word"),
    "notes.csv": ("note", "weight"),
}
MANIFEST_HEADER = ("file", "source", "source_version", "licence", "attribution", "sha256", "script")
_STATE_CODES = (
    "AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE "
    "NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY"
)
STATES_51 = set(_STATE_CODES.split())


def raw_text(name: str) -> str:
    return text_of(DATA / name)


@cache
def table(name: str) -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
    reader = csv.DictReader(io.StringIO(raw_text(name), newline=""))
    rows = tuple(reader)
    return tuple(reader.fieldnames or ()), rows


def manifest() -> dict[str, dict[str, str]]:
    _, rows = table("MANIFEST.csv")
    return {row["file"]: row for row in rows}


def data_files() -> list[str]:
    return sorted(p.name for p in DATA.iterdir() if p.is_file() and p.name not in NOT_DATA)


def test_manifest_header_and_order() -> None:
    """MANIFEST.csv keeps its documented columns and is sorted by file name."""
    header, rows = table("MANIFEST.csv")
    assert header == MANIFEST_HEADER
    files = [row["file"] for row in rows]
    assert files == sorted(files)
    assert all(row["source"] and row["licence"] and row["script"] for row in rows)


def test_manifest_files_exist_and_hashes_match() -> None:
    """Every file the manifest lists is shipped with exactly the recorded sha256."""
    for name, row in manifest().items():
        path = DATA / name
        assert path.is_file(), name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"], name


def test_every_data_file_is_in_manifest() -> None:
    """No data file ships without provenance in the manifest."""
    assert set(data_files()) <= set(manifest())
    assert set(SCHEMAS) <= set(manifest())


@pytest.mark.parametrize(("name", "header"), sorted(SCHEMAS.items()))
def test_header_matches_schema(name: str, header: tuple[str, ...]) -> None:
    """Each file's header is exactly the schema the loader is written against."""
    assert table(name)[0] == header
    assert table(name)[1], f"{name} has no rows"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_plain_csv_format(name: str) -> None:
    """Files use newline line endings and no carriage returns or ragged lines."""
    text = raw_text(name)
    assert "\r" not in text
    assert text.endswith("\n")
    width = len(SCHEMAS[name])
    for row in csv.reader(io.StringIO(text, newline="")):
        assert len(row) == width, (name, row)


@pytest.mark.parametrize("name", sorted(n for n in SCHEMAS if n.endswith(".gz")))
def test_gzip_header_is_deterministic(name: str) -> None:
    """Gzip files carry mtime 0 and no embedded file name, so refreshes are byte-stable."""
    head = (DATA / name).read_bytes()[:10]
    assert head[:3] == b"\x1f\x8b\x08"
    assert head[3] & 0x08 == 0  # FNAME flag
    assert head[4:8] == b"\x00\x00\x00\x00"  # MTIME


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("first_names.csv.gz", "weight"),
        ("surnames.csv.gz", "count"),
        ("zip_codes.csv.gz", "population"),
        ("languages.csv", "weight"),
        ("street_names.csv", "weight"),
        ("street_suffixes.csv", "weight"),
        ("taxonomies.csv", "weight"),
        ("notes.csv", "weight"),
    ],
)
def test_weights_are_positive_integers(name: str, column: str) -> None:
    """Sampling weights are whole numbers above zero."""
    for row in table(name)[1]:
        assert row[column].isdigit(), (name, row)
        assert int(row[column]) > 0, (name, row)


@pytest.mark.parametrize("name", ["surnames.csv.gz", "zip_codes.csv.gz"])
def test_race_shares_sum_to_one(name: str) -> None:
    """Race/ethnicity shares are 6-decimal fractions that sum to 1 on every row."""
    pattern = re.compile(r"^[01]\.\d{6}$")
    for row in table(name)[1]:
        assert all(pattern.match(row[g]) for g in RACE_GROUPS), row
        assert abs(sum(float(row[g]) for g in RACE_GROUPS) - 1.0) <= 1e-5, row


def test_first_names_cover_decades_and_sexes() -> None:
    """Every birth decade 1880-2010 has names for both sexes, at most 400 each, sorted."""
    rows = table("first_names.csv.gz")[1]
    groups: dict[tuple[int, str], int] = {}
    for row in rows:
        key = (int(row["decade"]), row["sex"])
        groups[key] = groups.get(key, 0) + 1
    assert set(groups) == {(d, s) for d in range(1880, 2011, 10) for s in "FM"}
    assert max(groups.values()) <= 400
    keys = [(int(r["decade"]), r["sex"], -int(r["weight"]), r["name"]) for r in rows]
    assert keys == sorted(keys)


def test_surnames_title_case_and_sorted() -> None:
    """Surnames are unique ASCII letters in title case, sorted by count descending."""
    rows = table("surnames.csv.gz")[1]
    names = [r["surname"] for r in rows]
    assert len(names) == len(set(names)) == 10_000
    assert all(n.isalpha() and n == n.capitalize() for n in names)
    keys = [(-int(r["count"]), r["surname"]) for r in rows]
    assert keys == sorted(keys)


def test_zip_codes_are_valid() -> None:
    """ZIPs are unique 5-digit strings in the 51 jurisdictions with dialable area codes."""
    rows = table("zip_codes.csv.gz")[1]
    zips = [r["zip"] for r in rows]
    assert all(re.fullmatch(r"\d{5}", z) for z in zips)
    assert len(zips) == len(set(zips))
    assert zips == sorted(zips)
    assert {r["state"] for r in rows} == STATES_51
    assert all(re.fullmatch(r"[2-9]\d\d", r["area_code"]) for r in rows)
    for row in rows:
        assert re.fullmatch(r"-?\d+\.\d{4}", row["latitude"]), row
        assert re.fullmatch(r"-?\d+\.\d{4}", row["longitude"]), row
        assert 17.0 < float(row["latitude"]) < 72.0
        assert -180.0 < float(row["longitude"]) < -60.0
        assert row["city"]
        assert row["timezone"]


def test_race_ethnicity_codes_content() -> None:
    """The OMB categories map to the agreed CDC codes and Census groups, sorted by kind, code."""
    rows = table("race_ethnicity_codes.csv")[1]
    got = {r["code"]: (r["kind"], r["census_group"]) for r in rows}
    assert got == {
        "1002-5": ("race", "aian"),
        "2028-9": ("race", "api"),
        "2054-5": ("race", "black"),
        "2076-8": ("race", "api"),
        "2106-3": ("race", "white"),
        "2131-1": ("race", ""),
        "2135-2": ("ethnicity", "hispanic"),
        "2186-5": ("ethnicity", ""),
    }
    assert [(r["kind"], r["code"]) for r in rows] == sorted((r["kind"], r["code"]) for r in rows)


def test_languages_sum_to_10000_per_group() -> None:
    """Each Census group's language weights sum to 10,000 and list English."""
    rows = table("languages.csv")[1]
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["census_group"]] = totals.get(row["census_group"], 0) + int(row["weight"])
        assert re.fullmatch(r"[a-z]{2,3}", row["code"]), row
    assert totals == dict.fromkeys(RACE_GROUPS, 10_000)
    assert {r["census_group"] for r in rows if r["code"] == "en"} == set(RACE_GROUPS)
    keys = [(r["census_group"], -int(r["weight"]), r["code"]) for r in rows]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("name", "column"),
    [("street_names.csv", "name"), ("street_suffixes.csv", "suffix"), ("notes.csv", "note")],
)
def test_weighted_lists_unique_and_sorted(name: str, column: str) -> None:
    """Weighted word lists have unique values sorted by weight descending."""
    rows = table(name)[1]
    values = [r[column] for r in rows]
    assert len(values) == len(set(values))
    weights = [int(r["weight"]) for r in rows]
    assert weights == sorted(weights, reverse=True)


def test_taxonomies_shape() -> None:
    """Taxonomy rows are unique NUCC-shaped codes; individuals carry credentials, orgs none."""
    rows = table("taxonomies.csv")[1]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", c) for c in codes)
    for row in rows:
        assert row["entity"] in {"individual", "organization"}, row
        assert re.fullmatch(r"[a-z_]+", row["specialty"]), row
        assert bool(row["credential"]) == (row["entity"] == "individual"), row
    assert {r["entity"] for r in rows} == {"individual", "organization"}


def test_organization_word_kinds() -> None:
    """All seven word lists exist, without duplicates, sorted by kind and word."""
    rows = table("organization_words.csv")[1]
    pairs = [(r["kind"], r["word"]) for r in rows]
    assert pairs == sorted(set(pairs))
    kinds = {k for k, _ in pairs}
    assert kinds == {
        "payer_prefix",
        "payer_suffix",
        "sponsor_stem",
        "sponsor_industry",
        "sponsor_suffix",
        "facility_stem",
        "facility_kind",
    }


REAL_INSURER_BRANDS = (
    "Aetna",
    "Cigna",
    "Humana",
    "Anthem",
    "Elevance",
    "Kaiser",
    "Permanente",
    "Blue Cross",
    "Blue Shield",
    "BlueCross",
    "UnitedHealthcare",
    "UnitedHealth",
    "United Healthcare",
    "Optum",
    "Centene",
    "Molina",
    "Oscar",
    "Ambetter",
    "Highmark",
    "Wellcare",
    "WellPoint",
    "Amerigroup",
    "CareSource",
    "Medica",
    "HealthPartners",
    "Premera",
    "Regence",
    "Geisinger",
    "EmblemHealth",
    "Healthfirst",
    "Fidelis",
    "Tricare",
    "Horizon",
    "Independence",
    "Excellus",
    "Meridian",
    "AmeriHealth",
    "Keystone",
    "Magnolia",
    "Sunflower",
    "Trillium",
    "Superior",
)


def test_no_real_insurer_brands_in_organization_words() -> None:
    """Fictional payer/sponsor/facility names cannot be built from real insurer brands."""
    rows = table("organization_words.csv")[1]
    for row in rows:
        word = row["word"].lower()
        tokens = set(re.findall(r"[a-z]+", word))
        for brand in REAL_INSURER_BRANDS:
            b = brand.lower()
            assert b not in tokens, (brand, row)
            assert b.replace(" ", "") not in word.replace(" ", "").split("'"), (brand, row)
            assert " " not in b or b not in word, (brand, row)


HAND_CURATED = (
    "languages.csv",
    "notes.csv",
    "organization_words.csv",
    "race_ethnicity_codes.csv",
    "street_names.csv",
    "street_suffixes.csv",
    "taxonomies.csv",
)
CPT_PHRASES = (
    "office or other outpatient visit",
    "evaluation and management",
    "established patient",
    "new patient",
    "comprehensive metabolic panel",
    "venipuncture",
)


@pytest.mark.parametrize("name", HAND_CURATED)
def test_no_cpt_codes_or_descriptions(name: str) -> None:
    """Hand-curated files hold no CPT-shaped codes nor CPT descriptor wording (AMA)."""
    text = raw_text(name)
    assert not re.search(r"(?<![\w-])\d{4}[0-9FTU](?![\w-])", text)
    lowered = text.lower()
    assert not [p for p in CPT_PHRASES if p in lowered]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_no_snomed_hcpcs_dental_or_ndc(name: str) -> None:
    """No SNOMED CT content, ADA dental (HCPCS D) codes or NDC-like 11-digit codes ship."""
    text = raw_text(name)
    assert "snomed" not in text.lower()
    assert "sctid" not in text.lower()
    assert not re.search(r"\bD\d{4}\b", text)
    assert not re.search(r"(?<![\d.])\d{11}(?![\d.])", text)
    assert not re.search(r"\b\d{4,5}-\d{3,4}-\d{1,2}\b", text)


def test_notice_has_required_attributions() -> None:
    """NOTICE carries the GeoNames CC BY 4.0 and NUCC/AMA attributions."""
    notice = (DATA / "NOTICE").read_text(encoding="ascii")
    for needle in ("GeoNames", "CC BY 4.0", "NUCC", "American Medical Association", "AMA"):
        assert needle in notice


@pytest.mark.parametrize("name", [*data_files(), "NOTICE", "README.md", "MANIFEST.csv"])
def test_files_are_ascii(name: str) -> None:
    """Every shipped data file is plain ASCII (after decompression)."""
    data = (DATA / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    assert data.isascii()


def test_data_folder_under_3_mb() -> None:
    """The packaged data stays under 3 MB in all."""
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024
