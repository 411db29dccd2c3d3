"""Reference data of the billing generators: the service catalogue, bundles, charges and DRGs."""

from __future__ import annotations

import functools

import attrs
import numpy as np
import pyarrow as pa

from .refdata import Alias, GroupedAlias, read_table

#: Medicare physician fee schedule conversion factor used for RVU-based fees (CY2026, approximate).
CONVERSION_FACTOR = 33.4009
MAX_AGE = 110
CLAIM_TYPES = ("professional", "institutional")
# Our procedure categories, from the finer categories of procedures.csv and hcpcs.csv.
CATEGORIES = ("evaluation", "preventive", "lab", "imaging", "procedure", "drug", "supply",
              "therapy", "vaccine", "vaccine_admin", "inpatient")  # fmt: skip
_CATEGORY = {
    "em_office": "evaluation", "em_virtual": "evaluation", "em_emergency": "evaluation",
    "em_inpatient": "evaluation", "care_management": "evaluation", "telehealth": "evaluation",
    "em_preventive": "preventive", "screening": "preventive", "preventive": "preventive",
    "lab": "lab", "specimen": "lab", "pathology": "lab", "radiology": "imaging",
    "procedure": "procedure", "surgery": "procedure", "obstetric": "procedure",
    "injection": "procedure", "cardiology": "procedure", "pulmonary": "procedure",
    "behavioral": "therapy", "therapy": "therapy", "drug": "drug", "supply": "supply",
    "dme": "supply", "vaccine": "vaccine", "vaccine_admin": "vaccine_admin",
}  # fmt: skip


@attrs.frozen
class Catalogue:
    """CPT and HCPCS Level II codes we bill, with our labels, categories and fees in cents."""

    codes: pa.Array
    labels: pa.Array
    system: np.ndarray  # 0 CPT, 1 HCPCS
    category: np.ndarray  # index into CATEGORIES
    fee: np.ndarray  # cents per unit, non-facility setting
    fee_facility: np.ndarray  # cents per unit when performed in a facility
    units: np.ndarray  # typical units
    index: dict[str, int]


@functools.cache
def catalogue() -> Catalogue:
    """Every billable CPT/HCPCS code: CPT fees from RVUs x conversion factor, else its price."""
    cpt = read_table("procedures.csv", {"code": pa.string(), "price": pa.float64()})
    hcpcs = read_table("hcpcs.csv", {"code": pa.string(), "price": pa.float64()})
    price = cpt["price"].to_numpy(zero_copy_only=False)
    work, mp = cpt["work_rvu"].to_numpy(), cpt["mp_rvu"].to_numpy()
    nonfacility = (work + cpt["pe_rvu_nonfacility"].to_numpy() + mp) * CONVERSION_FACTOR
    facility = (work + cpt["pe_rvu_facility"].to_numpy() + mp) * CONVERSION_FACTOR
    has_price = ~np.isnan(price)
    cpt_fee = np.where(has_price, price, nonfacility)
    cpt_fee_facility = np.where(has_price, price, facility)
    hcpcs_fee = hcpcs["price"].to_numpy()
    codes = cpt["code"].to_pylist() + hcpcs["code"].to_pylist()
    categories = cpt["category"].to_pylist() + hcpcs["category"].to_pylist()
    return Catalogue(
        codes=pa.array(codes, pa.string()),
        labels=pa.array(cpt["label"].to_pylist() + hcpcs["label"].to_pylist(), pa.string()),
        system=np.concatenate([np.zeros(len(cpt), np.int64), np.ones(len(hcpcs), np.int64)]),
        category=np.array([CATEGORIES.index(_CATEGORY[c]) for c in categories], np.int64),
        fee=np.round(np.concatenate([cpt_fee, hcpcs_fee]) * 100).astype(np.int64),
        fee_facility=np.round(np.concatenate([cpt_fee_facility, hcpcs_fee]) * 100).astype(np.int64),
        units=np.concatenate(
            [cpt["typical_units"].to_numpy(), np.ones(len(hcpcs), np.int64)]
        ).astype(np.int64),
        index={code: i for i, code in enumerate(codes)},
    )


@attrs.frozen
class Slot:
    """One optional part of an encounter's services: included with ``probability``."""

    name: str
    probability: float
    options: GroupedAlias  # group = sex (0 F, 1 M) x age -> option index
    has_option: np.ndarray  # per group: any option fits this sex and age


@attrs.frozen
class Bundles:
    """Per encounter class, its slots; per option, its lines (claim type, code, revenue code)."""

    slots: dict[str, tuple[Slot, ...]]
    line_start: np.ndarray  # per option: first line
    line_count: np.ndarray
    claim_type: np.ndarray  # per line: 0 professional, 1 institutional
    code: np.ndarray  # per line: catalogue row or -1 (revenue code only)
    revenue: np.ndarray  # per line: row of revenue_codes or -1
    modifier: np.ndarray  # per line: row of MODIFIERS or -1
    revenue_codes: pa.Array


MODIFIERS = ("25", "26", "95", "90")


def group_of(female: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Bundle option group of each (sex, age)."""
    return np.where(female, 0, 1) * (MAX_AGE + 1) + np.clip(age, 0, MAX_AGE)


@functools.cache
def bundles() -> Bundles:
    """Parse ``service_bundles.csv`` into per-slot samplers over (sex, age)."""
    t = read_table("service_bundles.csv", {"sex": pa.string(), "lines": pa.string()}).to_pylist()
    cat = catalogue()
    revenue = read_table("revenue_codes.csv", {"code": pa.string()})["code"].to_pylist()
    revenue = [*revenue, *(c for c in facility_charges().codes if c not in revenue)]
    claim_type: list[int] = []
    code: list[int] = []
    rev: list[int] = []
    modifier: list[int] = []
    line_start: list[int] = []
    line_count: list[int] = []
    per_slot: dict[tuple[str, str], list[tuple[int, dict[str, object]]]] = {}
    for row in t:
        specs = str(row["lines"]).split(";")
        line_start.append(len(code))
        line_count.append(len(specs))
        for spec in specs:
            kind, number, *rest = spec.split(":")
            claim_type.append("PI".index(kind))
            code.append(cat.index[number] if number else -1)
            if kind == "I":
                rev.append(revenue.index(rest[0]))
                rest = rest[1:]
            else:
                rev.append(-1)
            modifier.append(MODIFIERS.index(rest[0]) if rest else -1)
        per_slot.setdefault((str(row["encounter_class"]), str(row["slot"])), []).append(
            (len(line_start) - 1, row)
        )
    slots: dict[str, list[Slot]] = {}
    groups = 2 * (MAX_AGE + 1)
    for (klass, name), options in per_slot.items():
        samplers, values, has = [], [], np.zeros(groups, dtype=bool)
        for g in range(groups):
            sex, age = ("F", "M")[g // (MAX_AGE + 1)], g % (MAX_AGE + 1)
            fit = [(i, float(str(r["weight"]))) for i, r in options
                   if int(str(r["min_age"])) <= age <= int(str(r["max_age"]))
                   and r["sex"] in ("", sex)]  # fmt: skip
            has[g] = bool(fit)
            fit = fit or [(options[0][0], 1.0)]
            samplers.append(Alias.from_weights(np.array([w for _, w in fit])))
            values.append(np.array([i for i, _ in fit], dtype=np.int64))
        probability = float(str(options[0][1]["probability"]))
        slots.setdefault(klass, []).append(
            Slot(name, probability, GroupedAlias.build(samplers, values), has)
        )
    return Bundles(
        slots={k: tuple(v) for k, v in slots.items()},
        line_start=np.array(line_start, np.int64),
        line_count=np.array(line_count, np.int64),
        claim_type=np.array(claim_type, np.int64),
        code=np.array(code, np.int64),
        revenue=np.array(rev, np.int64),
        modifier=np.array(modifier, np.int64),
        revenue_codes=pa.array(revenue, pa.string()),
    )


@attrs.frozen
class FacilityCharges:
    codes: tuple[str, ...]
    charge: np.ndarray  # cents
    per_day: np.ndarray


@functools.cache
def facility_charges() -> FacilityCharges:
    """Typical hospital charges of revenue-code-only lines (per day for room and board)."""
    t = read_table("facility_charges.csv", {"revenue_code": pa.string()})
    return FacilityCharges(
        codes=tuple(t["revenue_code"].to_pylist()),
        charge=np.round(t["charge"].to_numpy() * 100).astype(np.int64),
        per_day=t["per_day"].to_numpy(zero_copy_only=False).astype(bool),
    )


@attrs.frozen
class DRGChoices:
    """MS-DRG choices by principal-diagnosis prefix (longest prefix wins; '' is the fallback)."""

    prefixes: tuple[str, ...]
    samplers: tuple[Alias, ...]
    drgs: tuple[np.ndarray, ...]  # per prefix: DRG choice rows
    drg: pa.Array  # per choice row
    weight: np.ndarray  # per choice row: relative weight (ms_drg.csv)
    surgical: np.ndarray
    pcs: tuple[tuple[str, ...], ...]


@functools.cache
def drg_choices() -> DRGChoices:
    """Load ``drg_choices.csv`` joined with the DRG weights of ``ms_drg.csv``."""
    t = read_table("drg_choices.csv", {"icd10_prefix": pa.string(), "drg": pa.string(),
                                       "pcs_codes": pa.string()}).to_pylist()  # fmt: skip
    weights = read_table("ms_drg.csv", {"drg": pa.string()})
    weight_of = dict(zip(weights["drg"].to_pylist(), weights["weight"].to_pylist(), strict=True))
    prefixes = tuple(dict.fromkeys(str(r["icd10_prefix"]) for r in t))
    samplers, drgs = [], []
    for prefix in prefixes:
        rows = [i for i, r in enumerate(t) if r["icd10_prefix"] == prefix]
        weights = np.array([float(str(t[i]["weight"])) for i in rows])
        samplers.append(Alias.from_weights(weights))
        drgs.append(np.array(rows, np.int64))
    return DRGChoices(
        prefixes=prefixes,
        samplers=tuple(samplers),
        drgs=tuple(drgs),
        drg=pa.array([str(r["drg"]) for r in t], pa.string()),
        weight=np.array([float(weight_of[str(r["drg"])]) for r in t]),
        surgical=np.array([bool(r["surgical"]) for r in t]),
        pcs=tuple(tuple(str(r["pcs_codes"]).split()) for r in t),
    )


@functools.cache
def cvx_products() -> dict[str, str]:
    """CVX code -> the CPT code of the vaccine product."""
    t = read_table("cvx.csv", {"cvx": pa.string(), "cpt": pa.string()})
    return dict(zip(t["cvx"].to_pylist(), t["cpt"].to_pylist(), strict=True))


@functools.cache
def pcs_titles() -> dict[str, str]:
    """ICD-10-PCS code -> title, for the codes we use."""
    t = read_table("icd10pcs.csv", {"code": pa.string()})
    return dict(zip(t["code"].to_pylist(), t["title"].to_pylist(), strict=True))


@functools.cache
def claim_adjustments() -> tuple[pa.Array, pa.Array, np.ndarray, np.ndarray]:
    """Denial reasons drawn for denied lines: (CARC, RARC, group is PR, weight)."""
    reasons = (("16", "MA130", 20), ("97", "M15", 18), ("50", "N115", 14), ("18", "N522", 12),
               ("197", "M62", 10), ("4", "M20", 6), ("204", "N130", 8), ("29", "N211", 4),
               ("181", "M51", 4), ("11", "N56", 4))  # fmt: skip
    carc = read_table("carc.csv", {"code": pa.string()})
    groups = dict(zip(carc["code"].to_pylist(), carc["group_code"].to_pylist(), strict=True))
    return (
        pa.array([r[0] for r in reasons], pa.string()),
        pa.array([r[1] for r in reasons], pa.string()),
        np.array([groups[r[0]] == "PR" for r in reasons]),
        np.array([r[2] for r in reasons], np.float64),
    )
