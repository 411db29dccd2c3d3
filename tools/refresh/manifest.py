"""Recompute the sha256 column of ``MANIFEST.csv`` (or check it with ``--check``).

The generated tables get their manifest rows from their own refresh scripts. The hand-curated
tables have no upstream file: the CSV in ``clinical_data_generator/data`` *is* the source of
truth, edited by hand and reviewed like code. Their provenance rows live in ``HAND_CURATED``
below; this script adds any that are missing from the manifest and refreshes every sha256.

``--check`` changes nothing and exits 1 when a listed file is missing, a sha256 differs, or a
data file is not listed in the manifest.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import _common

HAND = "hand-curated; the CSV is the source of truth"
NOT_LISTED_OK = frozenset({_common.MANIFEST_NAME, "NOTICE", "README.md", "__init__.py"})

HAND_CURATED: dict[str, dict[str, str]] = {
    "lab_answers.csv": {
        "source": "Answer lists of the qualitative lab tests: LOINC answer codes (LA) verbatim where one exists, answer wording and weights our own",
        "source_version": "LOINC 2.80 (2025); weights project",
        "licence": "LOINC licence (Regenstrief Institute); notice in NOTICE; weights MIT (project)",
        "attribution": "LOINC (c) 1995-2025 Regenstrief Institute, Inc. and the LOINC Committee",
    },
    "lab_orders.csv": {
        "source": "Hand-curated chances of ordering each lab panel by encounter setting, visit reason, age and diagnosed condition (guided by USPSTF/ADA screening and monitoring intervals; scaled down to keep generation cheap)",
        "source_version": "project (approximate)",
        "licence": "MIT (project-authored, as the package)",
        "attribution": "",
    },
    "lab_panel_details.csv": {
        "source": "Hand-curated specimen, point-of-care flag, CPT code number (see procedures.csv) and turnaround range per lab panel",
        "source_version": "project (approximate)",
        "licence": "Code numbers only (CPT is (c) AMA; no descriptors); values MIT (project)",
        "attribution": "",
    },
    "lab_reasons.csv": {
        "source": "Hand-curated ICD-10-CM code prefixes grouped into reasons for ordering labs",
        "source_version": "ICD-10-CM April 2026",
        "licence": "Codes public domain (CDC NCHS); grouping MIT (project)",
        "attribution": "",
    },
    "lab_test_models.csv": {
        "source": "Hand-curated value models per LOINC test: distribution, sex/child means, age slope, condition and reason shifts, physical bounds, computed tests (CKD-EPI 2021, Friedewald, red-cell indices)",
        "source_version": "project (approximate; typical adult and paediatric values)",
        "licence": "MIT (project-authored, as the package)",
        "attribution": "",
    },
    "service_bundles.csv": {
        "source": "Hand-curated services billed per encounter setting: slots with the share of "
        "encounters that include them, code choices with weights and age/sex limits, and which "
        "claim (professional P or institutional I, with revenue code) bills each line",
        "source_version": "project",
        "licence": "MIT (project-authored, as the package); code numbers only, no descriptors",
        "attribution": "",
    },
    "facility_charges.csv": {
        "source": "Hand-curated typical hospital charges for revenue-code-only lines (order of "
        "magnitude of published chargemaster averages), per day for room and board",
        "source_version": "project (approximate)",
        "licence": "MIT (project-authored, as the package)",
        "attribution": "",
    },
    "drg_choices.csv": {
        "source": "Hand-curated MS-DRGs for the inpatient principal diagnoses we generate "
        "(ICD-10-CM prefix -> plausible DRGs, weights, surgical flag and ICD-10-PCS codes of "
        "the operation); not a grouper",
        "source_version": "project; DRG numbers from CMS MS-DRG v42",
        "licence": "MIT (project-authored); DRG numbers public domain (CMS)",
        "attribution": "",
    },
    "encounter_rates.csv": {
        "source": "Hand-curated visits per person-year by setting and age band, rounded from "
        "CDC/NCHS NAMCS 2019 (office visits), NHAMCS 2021 (emergency and outpatient "
        "department visits), HCUP NIS 2020 (hospital stays per capita) and the AAP Bright "
        "Futures well-child schedule (infants); telehealth, urgent care and lab-only rates "
        "are approximations",
        "source_version": "NAMCS 2019 / NHAMCS 2021 / HCUP 2020 (approximate)",
        "licence": "Public domain figures (US government); selection MIT (project)",
        "attribution": "CDC National Center for Health Statistics; AHRQ HCUP",
    },
    "languages.csv": {
        "source": "Hand-curated from US Census Bureau ACS 2019 table B16001 and "
        "'Language Use in the United States: 2019' (ACS-50); BCP-47 codes",
        "source_version": "ACS 2019 (approximate shares per 10,000)",
        "licence": "Public domain figures (US Census Bureau); selection and weights MIT (project)",
        "attribution": "US Census Bureau, American Community Survey 2019",
    },
    "notes.csv": {
        "source": "Hand-curated synthetic member-roster notes",
        "source_version": "project",
        "licence": "MIT (project-authored, as the package)",
        "attribution": "",
    },
    "organization_words.csv": {
        "source": "Hand-curated word lists for fictional payer, employer and facility names",
        "source_version": "project",
        "licence": "MIT (project-authored, as the package)",
        "attribution": "",
    },
    "plan_designs.csv": {
        "source": "Hand-curated fictional plan designs (cost sharing in the range of public "
        "benefit designs)",
        "source_version": "project",
        "licence": "MIT (project-authored, as the package)",
        "attribution": "",
    },
    "street_names.csv": {
        "source": "Hand-curated common US street name stems",
        "source_version": "project",
        "licence": "MIT (project-authored, as the package)",
        "attribution": "",
    },
    "street_suffixes.csv": {
        "source": "USPS Publication 28, Appendix C1 standard street suffix abbreviations; "
        "weights hand-curated",
        "source_version": "USPS Pub 28 (2024)",
        "licence": "Public domain (US government work, USPS); weights MIT (project)",
        "attribution": "United States Postal Service, Publication 28",
    },
    "taxonomies.csv": {
        "source": "NUCC Health Care Provider Taxonomy code set (code; classification and "
        "specialization text unchanged); specialty, credential and weight hand-curated",
        "source_version": "NUCC Health Care Provider Taxonomy v25.0 (January 2025)",
        "licence": "NUCC code set (c) American Medical Association; free use with the "
        "notice in NOTICE",
        "attribution": "Health Care Provider Taxonomy code set, National Uniform Claim "
        "Committee (nucc.org), (c) AMA",
    },
    # --- clinical and claims reference tables (issue 3) ---
    "acute_problems.csv": {
        "source": "Hand-curated common reasons for a visit (ICD-10-CM codes checked against "
        "icd10cm.csv.gz sex/age edits); settings, ages and weights our own",
        "source_version": "ICD-10-CM April 2026",
        "licence": "Codes public domain (CDC NCHS); selection and weights MIT (project)",
        "attribution": "National Center for Health Statistics (CDC), ICD-10-CM",
    },
    "admission_sources.csv": {
        "source": "UB-04 point-of-origin code values (form locator 15); labels and weights our own",
        "source_version": "NUBC UB-04 code values as used by CMS (2025); weights approximate",
        "licence": "Code values only (no NUBC descriptions); labels and weights MIT (project)",
        "attribution": "",
    },
    "admission_types.csv": {
        "source": "UB-04 priority (type) of admission code values (form locator 14); labels and "
        "weights our own",
        "source_version": "NUBC UB-04 code values as used by CMS (2025); weights approximate",
        "licence": "Code values only (no NUBC descriptions); labels and weights MIT (project)",
        "attribution": "",
    },
    "carc.csv": {
        "source": "X12 Claim Adjustment Reason Code values with the CAS group they usually take; "
        "labels our own",
        "source_version": "CARC list as published by X12/WPC (2025)",
        "licence": "Code values only (no X12 descriptions); labels MIT (project)",
        "attribution": "",
    },
    "claim_frequency.csv": {
        "source": "Claim frequency type code values (CLM05-3 / UB-04 type of bill 4th digit); "
        "labels our own",
        "source_version": "X12 5010 / NUBC (2025)",
        "licence": "Code values only; labels MIT (project)",
        "attribution": "",
    },
    "condition_codes.csv": {
        "source": "Hand-curated ICD-10-CM codes per chronic condition (checked against "
        "icd10cm.csv.gz); weights our own",
        "source_version": "ICD-10-CM April 2026",
        "licence": "Codes public domain (CDC NCHS); selection and weights MIT (project)",
        "attribution": "National Center for Health Statistics (CDC), ICD-10-CM",
    },
    "conditions.csv": {
        "source": "Chronic-condition prevalence by sex and age band, rounded from the CDC/NCHS, "
        "NIH, SAMHSA and AHA publications cited per row in its source column",
        "source_version": "Publications 2020-2024 as cited per row (approximate, rounded)",
        "licence": "Public domain figures (US government works) and cited statistics; "
        "table MIT (project)",
        "attribution": "Centers for Disease Control and Prevention / National Center for Health "
        "Statistics and the other sources cited per row",
    },
    "cvx.csv": {
        "source": "CDC CVX codes and short descriptions (verbatim) and MVX manufacturer codes; "
        "route and site (HL7 table 0162/0163 values) our defaults",
        "source_version": "CDC IIS CVX and MVX code sets (2025)",
        "licence": "Public domain (US government work, CDC); route/site choices MIT (project)",
        "attribution": "Centers for Disease Control and Prevention, IIS Code Sets (CVX, MVX)",
    },
    "discharge_status.csv": {
        "source": "UB-04 patient discharge status code values (form locator 17); labels ours, "
        "weights approximate national shares (HCUP NIS disposition mix)",
        "source_version": "NUBC UB-04 code values as used by CMS (2025); weights approximate",
        "licence": "Code values only (no NUBC descriptions); labels and weights MIT (project)",
        "attribution": "",
    },
    "hcpcs.csv": {
        "source": "CMS HCPCS Level II code numbers (no D-codes) with our own labels; prices are "
        "approximate national amounts (PFS, ASP, DMEPOS), not verified against CY2026 files",
        "source_version": "HCPCS Level II 2026 (code numbers); prices approximate",
        "licence": "Code numbers public (CMS); labels and prices MIT (project)",
        "attribution": "Centers for Medicare & Medicaid Services, HCPCS Level II",
    },
    "immunization_schedule.csv": {
        "source": "CDC Child and Adolescent Immunization Schedule and Adult Immunization "
        "Schedule, United States, 2025 (ages converted to days)",
        "source_version": "CDC schedules 2025 (ACIP)",
        "licence": "Public domain (US government work, CDC); table MIT (project)",
        "attribution": "Centers for Disease Control and Prevention, Recommended Immunization "
        "Schedules, 2025",
    },
    "loinc_panels.csv": {
        "source": "LOINC panel codes with Long Common Names verbatim",
        "source_version": "LOINC 2.80 (2025)",
        "licence": "LOINC licence (Regenstrief Institute); notice in NOTICE",
        "attribution": "LOINC (c) 1995-2025 Regenstrief Institute, Inc. and the LOINC Committee",
    },
    "loinc_tests.csv": {
        "source": "LOINC codes with Long Common Names verbatim; UCUM units; reference ranges, "
        "population means/SDs and condition shifts our own (typical adult values)",
        "source_version": "LOINC 2.80 (2025); ranges project",
        "licence": "LOINC licence (Regenstrief Institute); notice in NOTICE; ranges MIT (project)",
        "attribution": "LOINC (c) 1995-2025 Regenstrief Institute, Inc. and the LOINC Committee",
    },
    "procedures.csv": {
        "source": "About 150 CPT code numbers with our own labels (no AMA descriptors); RVUs "
        "approximate CMS PFS values, not verified against the CY2026 RVU file (see note "
        "column); lab and vaccine prices approximate CLFS/CDC price-list amounts",
        "source_version": "CMS PFS (approximate, pre-CY2026 values); CY2026 conversion factor "
        "33.4009",
        "licence": "Code numbers only (CPT is (c) AMA; no descriptors shipped); labels and "
        "values MIT (project); CMS figures public domain",
        "attribution": "Centers for Medicare & Medicaid Services, Physician Fee Schedule",
    },
    "revenue_codes.csv": {
        "source": "UB-04 revenue code values (form locator 42); labels and categories our own",
        "source_version": "NUBC UB-04 code values as used by CMS (2025)",
        "licence": "Code values only (no NUBC descriptions); labels MIT (project)",
        "attribution": "",
    },
    "type_of_bill.csv": {
        "source": "UB-04 type of bill code values (form locator 4); labels our own",
        "source_version": "NUBC UB-04 code values as used by CMS (2025)",
        "licence": "Code values only (no NUBC descriptions); labels MIT (project)",
        "attribution": "",
    },
}


def data_files(out_dir: Path) -> list[str]:
    """Every shipped data file in ``out_dir`` that must appear in the manifest."""
    return sorted(
        p.name
        for p in out_dir.iterdir()
        if p.is_file() and p.name not in NOT_LISTED_OK and not p.name.startswith(".")
    )


def problems(out_dir: Path) -> list[str]:
    """Human-readable list of manifest mismatches (empty when the manifest is current)."""
    rows = _common.read_manifest(out_dir)
    found: list[str] = []
    for name, row in sorted(rows.items()):
        path = out_dir / name
        if not path.exists():
            found.append(f"{name}: listed in {_common.MANIFEST_NAME} but missing")
        elif _common.sha256_file(path) != row["sha256"]:
            found.append(f"{name}: sha256 differs from {_common.MANIFEST_NAME}")
    found.extend(
        f"{name}: not listed in {_common.MANIFEST_NAME}"
        for name in data_files(out_dir)
        if name not in rows
    )
    return found


def refresh(out_dir: Path) -> None:
    """Add missing hand-curated rows and recompute every sha256."""
    rows = _common.read_manifest(out_dir)
    for name, meta in HAND_CURATED.items():
        if (out_dir / name).exists():
            rows[name] = {"file": name, **meta, "sha256": "", "script": HAND}
    for name, row in list(rows.items()):
        path = out_dir / name
        if not path.exists():
            print(f"dropping {name}: file is gone", file=sys.stderr)
            del rows[name]
            continue
        row["sha256"] = _common.sha256_file(path)
    _common.write_manifest(out_dir, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=_common.DATA_DIR, help="data directory")
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 on mismatch")
    args = parser.parse_args(argv)
    if args.check:
        found = problems(args.out)
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    refresh(args.out)
    remaining = problems(args.out)
    for line in remaining:
        print(line, file=sys.stderr)
    print(f"updated {args.out / _common.MANIFEST_NAME}")
    return 1 if remaining else 0


if __name__ == "__main__":
    sys.exit(main())
