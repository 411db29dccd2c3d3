"""Build the X12 code tables whose values pyx12 lists: place of service, service type, RARC, 277 category.

Code *values* are checked against the code lists in ``pyx12`` 4.0.0 (``map/codes.xml``: code sets
``pos`` (CMS place of service, code source 237), ``service_type`` (X12 element 1365),
``remark_code`` (RARC, code source 411) and ``claim_status_cat`` (code source 507)). pyx12 holds
values only; the X12, CMS and WPC descriptions are not used. Every label below is our own short
wording, written for this project (MIT), so the tables can ship without the X12 licence.

Outputs (``code,label``, sorted by code): ``place_of_service.csv``, ``service_type_codes.csv``,
``rarc.csv`` (``code,label,group_code``: RARCs have no group; the column holds the CAS group the
remark usually accompanies, so it joins the CARC table) and ``claim_status_categories.csv``.
A code missing from the source list stops the script.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import _common

POS = {
    "01": "Pharmacy",
    "02": "Telehealth, not in patient home",
    "03": "School",
    "04": "Homeless shelter",
    "10": "Telehealth in patient home",
    "11": "Office",
    "12": "Home",
    "13": "Assisted living",
    "19": "Off-campus hospital outpatient",
    "20": "Urgent care",
    "21": "Inpatient hospital",
    "22": "On-campus hospital outpatient",
    "23": "Hospital emergency room",
    "24": "Ambulatory surgery center",
    "31": "Skilled nursing facility",
    "32": "Nursing facility",
    "33": "Custodial care",
    "34": "Hospice",
    "41": "Ground ambulance",
    "49": "Independent clinic",
    "50": "Federally qualified health center",
    "51": "Inpatient psychiatric",
    "53": "Community mental health center",
    "61": "Inpatient rehabilitation",
    "65": "Dialysis facility",
    "71": "Public health clinic",
    "72": "Rural health clinic",
    "81": "Independent laboratory",
    "99": "Other place",
}
SERVICE_TYPES = {
    "1": "Medical care",
    "2": "Surgery",
    "4": "Diagnostic imaging",
    "5": "Diagnostic lab",
    "30": "Plan coverage, general",
    "33": "Chiropractic",
    "35": "Dental",
    "42": "Home health",
    "45": "Hospice",
    "47": "Hospital",
    "48": "Hospital inpatient",
    "50": "Hospital outpatient",
    "51": "Emergency, accident",
    "52": "Emergency, medical",
    "53": "Ambulatory surgery",
    "68": "Well baby",
    "73": "Diagnostic medical",
    "76": "Dialysis",
    "80": "Immunizations",
    "81": "Routine physical",
    "82": "Family planning",
    "86": "Emergency services",
    "88": "Pharmacy",
    "98": "Physician office visit",
    "A4": "Psychiatric",
    "A6": "Psychotherapy",
    "AL": "Vision",
    "BV": "Obesity",
    "BY": "Physician visit, sick",
    "BZ": "Physician visit, well",
    "MH": "Mental health",
    "PT": "Physical therapy",
    "UC": "Urgent care",
}
# RARC -> (label, usual CAS group of the accompanying CARC)
RARCS = {
    "M15": ("Billed separately but bundled", "CO"),
    "M20": ("HCPCS code missing or invalid", "CO"),
    "M51": ("Procedure code missing or invalid", "CO"),
    "M62": ("Treatment authorization missing", "CO"),
    "M80": ("Not covered with other service", "CO"),
    "M86": ("Same service already paid", "CO"),
    "M127": ("Medical records needed", "CO"),
    "MA01": ("Appeal rights notice", "CO"),
    "MA04": ("Primary payer details needed", "OA"),
    "MA18": ("Sent to supplemental insurer", "PR"),
    "MA130": ("Incomplete claim, resubmit", "CO"),
    "N4": ("Prior payer EOB needed", "OA"),
    "N20": ("Not payable with same-day service", "CO"),
    "N30": ("Patient not eligible", "PR"),
    "N56": ("Code not valid for service", "CO"),
    "N59": ("See billing guidance", "CO"),
    "N95": ("Benefit limit reached", "PR"),
    "N115": ("Coverage policy decision", "CO"),
    "N130": ("See plan benefit documents", "PR"),
    "N211": ("No appeal rights", "CO"),
    "N290": ("Rendering provider ID missing", "CO"),
    "N381": ("See contract terms", "CO"),
    "N386": ("National coverage decision", "CO"),
    "N432": ("Adjusted for prior overpayment", "CO"),
    "N479": ("Other payer EOB missing", "OA"),
    "N522": ("Duplicate of another claim", "CO"),
    "N657": ("Fee schedule rate applied", "CO"),
}
CLAIM_STATUS_CATEGORIES = {
    "A0": "Forwarded to another entity",
    "A1": "Received",
    "A2": "Accepted for processing",
    "A3": "Returned, unprocessable",
    "A4": "Not found",
    "A6": "Rejected, missing data",
    "A7": "Rejected, invalid data",
    "A8": "Rejected, relational field",
    "E0": "Response not possible, system",
    "F0": "Finalized",
    "F1": "Finalized, paid",
    "F2": "Finalized, denied",
    "F3": "Finalized, revised",
    "F4": "Finalized, no payment due",
    "P0": "Pending",
    "P1": "Pending, in process",
    "P2": "Pending, under review",
    "P3": "Pending, provider info requested",
    "P4": "Pending, patient info requested",
    "R0": "Request for more information",
}

# output file -> (pyx12 code set id, header, rows)
TABLES: dict[str, tuple[str, tuple[str, ...], list[tuple[str, ...]]]] = {
    "place_of_service.csv": ("pos", ("code", "label"), list(POS.items())),
    "service_type_codes.csv": (
        "service_type",
        ("code", "label"),
        list(SERVICE_TYPES.items()),
    ),
    "rarc.csv": (
        "remark_code",
        ("code", "label", "group_code"),
        [(k, *v) for k, v in RARCS.items()],
    ),
    "claim_status_categories.csv": (
        "claim_status_cat",
        ("code", "label"),
        list(CLAIM_STATUS_CATEGORIES.items()),
    ),
}


def sort_key(code: str) -> tuple[int, str]:
    """Numeric codes first in numeric order, then the others alphabetically."""
    return (int(code), "") if code.isdigit() else (10**6, code)


def code_sets(source: Path) -> dict[str, set[str]]:
    """Read ``{codeset id: {codes}}`` from pyx12's ``codes.xml``."""
    root = ET.parse(source).getroot()  # a local file from an installed package
    return {
        cs.findtext("id", ""): {(c.text or "").strip() for c in cs.iter("code")}
        for cs in root.iter("codeset")
    }


def build(source: Path) -> dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """Return ``{file: (header, rows)}``, checking every code value against ``source``."""
    sets = code_sets(source)
    out = {}
    for name, (set_id, header, rows) in TABLES.items():
        missing = sorted(r[0] for r in rows if r[0] not in sets.get(set_id, set()))
        if missing:
            raise SystemExit(f"{source}: not in code set {set_id!r}: {', '.join(missing)}")
        out[name] = (header, sorted(rows, key=lambda r: sort_key(r[0])))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = _common.base_parser(__doc__.splitlines()[0], "pyx12/map/codes.xml")
    args = parser.parse_args(argv)
    source = args.source or _common.package_file("pyx12", "map", "codes.xml")
    for name, (header, rows) in build(source).items():
        _common.write_csv(args.out / name, header, rows)
        _common.update_manifest(
            args.out,
            name,
            source="Code values checked against pyx12 map/codes.xml; labels our own (no X12, "
            "CMS or WPC descriptions)",
            source_version="pyx12 4.0.0 code lists (X12 5010 era)",
            licence="Code values are facts; labels MIT (project)",
            attribution="",
            script="tools/refresh/x12_codes.py",
        )
        print(f"wrote {args.out / name}: {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
