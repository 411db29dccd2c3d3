"""Procedures: the services performed at each encounter, and the lines that will bill them.

Each encounter class has *slots* (``data/service_bundles.csv``): the office visit's E/M or
preventive code, an in-office procedure in 8% of visits, a lab draw ... A slot is included with
its probability, then one option that fits the member's sex and age is drawn by weight. An
option lists the lines it bills: on the professional claim (P), on the facility's institutional
claim (I, with a revenue code), or both (the same imaging study read by a radiologist, modifier
26, and billed by the hospital). Inpatient stays get daily hospital visits, room and board per
day, ancillary revenue lines, an MS-DRG chosen from the principal diagnosis, and an ICD-10-PCS
code for operations.
"""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa

from .._internal import arrow, billing_data
from .._internal.dates import age_on
from .._internal.rng import stream
from .._internal.sorting import run_ranks, stable_order
from ..models import Procedure, arrow_schema
from . import _lab_data
from ._context import BlockContext
from .encounters import EncounterBlock
from .labs import PanelOrders
from .members import MemberBlock

__all__ = ["ProcedureBlock", "ServiceLines", "procedures", "ranks"]

_MAX_PER_ENCOUNTER = 99  # two-digit sequence in procedure_id
_PROFESSIONAL, _INSTITUTIONAL = 0, 1
_MOD_25 = billing_data.MODIFIERS.index("25")
_MOD_90 = billing_data.MODIFIERS.index("90")  # reference (outside) laboratory


@attrs.frozen
class ServiceLines:
    """Billable lines of a block, encounter-major, in billing order (not yet split into claims)."""

    encounter: np.ndarray  # encounter row
    claim_type: np.ndarray  # 0 professional, 1 institutional
    code: np.ndarray  # catalogue row, -1 for revenue-code-only lines
    revenue: np.ndarray  # revenue code row, -1 on professional lines
    modifier: np.ndarray  # MODIFIERS row or -1
    units: np.ndarray
    day: np.ndarray  # days after the encounter start
    end_day: np.ndarray  # last day of the line (room and board spans the stay)
    procedure: np.ndarray  # procedures row billed, -1 for revenue-code-only lines


@attrs.frozen
class ProcedureBlock:
    """The ``procedures`` table, the lines to bill, and each stay's DRG and operation."""

    table: pa.Table
    lines: ServiceLines
    drg: np.ndarray  # per encounter: drg_choices row, -1 outside inpatient stays
    pcs: np.ndarray  # per encounter: procedures row of the ICD-10-PCS operation, or -1


def procedures(
    ctx: BlockContext,
    members: MemberBlock,
    visits: EncounterBlock,
    doses: pa.Table | None = None,
    dose_encounter: np.ndarray | None = None,
    lab_orders: PanelOrders | None = None,
) -> ProcedureBlock:
    """Draw the services of every encounter of one block.

    ``doses`` (immunizations rows) with ``dose_encounter`` (their vaccination encounter row or
    -1) add the vaccine product and administration lines of vaccination visits; ``lab_orders``
    (the lab generator's panels) add a line for each panel reported, so the claims bill exactly
    the lab work of ``diagnostic_reports``.
    """
    rng = stream(ctx.seed, "procedures", ctx.block)
    enc = visits.table
    n = enc.num_rows
    start = enc["start_date"].to_numpy().astype("datetime64[D]")
    stay = (enc["end_date"].to_numpy().astype("datetime64[D]") - start).astype(np.int64)
    member = visits.member
    age = age_on(members.birth_date[member], start)
    group = billing_data.group_of(members.female[member], age)
    b = billing_data.bundles()

    parts: list[tuple[np.ndarray, ...]] = []  # (encounter, order, option)
    with_procedure = np.zeros(n, dtype=bool)
    for name, slots in b.slots.items():
        rows = np.flatnonzero(visits.of_class(name))
        for slot_order, slot in enumerate(slots):
            pick = rows[rng.random(rows.size) < slot.probability]
            pick = pick[slot.has_option[group[pick]]]
            option = slot.options.draw(rng, group[pick])
            parts.append((pick, np.full(pick.size, slot_order), option))
            if slot.name == "procedure":
                with_procedure[pick] = True
    encounter = np.concatenate([p[0] for p in parts])
    order = np.concatenate([p[1] for p in parts])
    option = np.concatenate([p[2] for p in parts])
    # One row per line of each drawn option.
    count = b.line_count[option]
    line = np.repeat(b.line_start[option], count) + ranks(count)
    encounter, order = np.repeat(encounter, count), np.repeat(order, count) * 8 + ranks(count)
    code, claim_type = b.code[line], b.claim_type[line]
    modifier, revenue = b.modifier[line], b.revenue[line]
    cat = billing_data.catalogue()
    units = np.where(code >= 0, cat.units[np.maximum(code, 0)], 1)
    day = np.zeros(encounter.size, np.int64)
    end_day = day.copy()
    # Room and board: one unit per night of the stay, billed from admission to discharge.
    charges = billing_data.facility_charges()
    per_day = np.isin(
        revenue, [i for i, c in enumerate(b.revenue_codes.to_pylist()) if _per_day(charges, c)]
    )
    units = np.where(per_day, np.maximum(stay[encounter], 1), units)
    end_day = np.where(per_day, stay[encounter], end_day)
    # E/M with a same-day procedure: modifier 25 on the E/M line (CPT guidelines).
    em = (order // 8 == 0) & with_procedure[encounter] & (modifier < 0) & (claim_type == 0)
    modifier = np.where(em, _MOD_25, modifier)

    drawn = {"encounter": encounter, "order": order, "code": code, "claim_type": claim_type,
             "modifier": modifier, "revenue": revenue, "units": units, "day": day,
             "end_day": end_day}  # fmt: skip
    line_parts = [_lines(**drawn)]
    stays = np.flatnonzero(visits.of_class("inpatient"))
    visit = _hospital_visits(rng, stays, stay[stays])
    line_parts.append(_lines(visit[0], 1000 + visit[1], visit[2], day=visit[1]))
    if doses is not None and dose_encounter is not None:
        shot = _vaccine_lines(doses, dose_encounter, members, visits)
        line_parts.append(_lines(shot[0], 2000 + shot[1], shot[2], immunization=shot[3]))
    if lab_orders is not None:
        line_parts.append(_lab_lines(lab_orders, visits, start, line_parts[0]))
    every = {name: np.concatenate([part[name] for part in line_parts]) for name in line_parts[0]}
    # Let the drawn columns go before sorting copies them once more (they are block-sized).
    del parts, drawn, line_parts, encounter, order, option, count, line, code, claim_type
    del modifier, revenue, units, day, end_day, per_day, em
    sort = stable_order(every["encounter"], every["claim_type"], every["order"])
    encounter, claim_type, code, revenue, modifier, units, day, end_day, immunization = (
        every[name][sort] for name in ("encounter", "claim_type", "code", "revenue", "modifier",
                                       "units", "day", "end_day", "immunization")
    )  # fmt: skip
    del every, sort

    drg, surgical_code = _drgs(rng, enc, stays)
    imm_ids = doses["immunization_id"].combine_chunks() if doses is not None else None
    return _procedure_rows(
        ctx, enc, members, member, start, encounter, claim_type, code, revenue, modifier, units,
        day, end_day, drg, surgical_code, immunization, imm_ids,
    )  # fmt: skip


def _lines(
    encounter: np.ndarray,
    order: np.ndarray,
    code: np.ndarray,
    *,
    claim_type: np.ndarray | int = _PROFESSIONAL,
    modifier: np.ndarray | int = -1,
    revenue: np.ndarray | int = -1,
    units: np.ndarray | int = 1,
    day: np.ndarray | int = 0,
    end_day: np.ndarray | None = None,
    immunization: np.ndarray | int = -1,
) -> dict[str, np.ndarray]:
    """Service line columns; scalars are broadcast (a professional line, one unit, day 0)."""
    size = encounter.size

    def column(value: np.ndarray | int) -> np.ndarray:
        return np.asarray(value, np.int64) if np.ndim(value) else np.full(size, value, np.int64)

    days = column(day)
    return {
        "encounter": column(encounter), "order": column(order), "code": column(code),
        "claim_type": column(claim_type), "modifier": column(modifier),
        "revenue": column(revenue), "units": column(units), "day": days,
        "end_day": days if end_day is None else column(end_day),
        "immunization": column(immunization),
    }  # fmt: skip


def _lab_lines(
    orders: PanelOrders, visits: EncounterBlock, start: np.ndarray, drawn: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The lines billing the ordered lab panels, on the day each specimen was collected.

    Offices, urgent care and labs bill each panel's CPT code on the professional claim, with
    one venipuncture (36415) per visit that drew blood unless the visit already bills one; a
    practice marks the panels it sent to a reference laboratory with modifier 90.
    Emergency rooms and outpatient departments bill it on the facility claim under the
    panel's revenue code; a hospital stay bills its lab work as one revenue-code-only line
    (0300), like its other ancillary services.
    """
    cat = billing_data.catalogue()
    revenue_codes = billing_data.bundles().revenue_codes.to_pylist()
    panels = _lab_data.panels()
    cpt = np.array([cat.index[c] for c in panels.procedure_code.to_pylist()], np.int64)
    revenue = np.array([revenue_codes.index(c) for c in panels.revenue_code.to_pylist()], np.int64)
    encounter, panel = orders.encounter, orders.panel
    day = orders.day - start[encounter].astype(np.int64)
    stay = visits.of_class("inpatient")[encounter]
    facility = visits.of_class("emergency", "outpatient")[encounter]
    office = ~stay & ~facility
    # As diagnostic_reports has it: without a facility, only point-of-care tests stay in house.
    sent_out = (visits.facility[encounter] < 0) & ~panels.point_of_care[panel]
    each = np.flatnonzero(~stay)
    parts = [
        _lines(encounter[each], 3001 + panel[each], cpt[panel[each]],
               claim_type=facility[each].astype(np.int64),
               revenue=np.where(facility[each], revenue[panel[each]], -1),
               modifier=np.where(sent_out[each], _MOD_90, -1),
               units=cat.units[cpt[panel[each]]], day=day[each]),
    ]  # fmt: skip
    # One venipuncture per visit: all panels of a visit share one collection.
    draw = cat.index["36415"]
    has_draw = np.zeros(visits.member.size, dtype=bool)
    has_draw[drawn["encounter"][drawn["code"] == draw]] = True
    blood = np.flatnonzero(office & panels.venipuncture[panel] & ~has_draw[encounter])
    first = _first_per_encounter(blood, encounter)
    parts.append(_lines(encounter[first], np.full(first.size, 3000), np.full(first.size, draw),
                        day=day[first]))  # fmt: skip
    ward = np.flatnonzero(stay)
    first = _first_per_encounter(ward, encounter)
    parts.append(_lines(encounter[first], np.full(first.size, 3000), np.full(first.size, -1),
                        claim_type=_INSTITUTIONAL, revenue=revenue_codes.index("0300")))  # fmt: skip
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _first_per_encounter(rows: np.ndarray, encounter: np.ndarray) -> np.ndarray:
    """The first of ``rows`` (sorted by ``encounter``) of each encounter."""
    return rows[run_ranks(encounter[rows]) == 0]


def _vaccine_lines(
    doses: pa.Table, dose_encounter: np.ndarray, members: MemberBlock, visits: EncounterBlock
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per dose given at a vaccination visit: an administration line then the product line.

    Administration: 90480 for COVID-19 vaccines; 90460 (with counselling) under 19; G0008 /
    G0009 for influenza / pneumococcal vaccines from 65 (Medicare's codes); else 90471 for a
    visit's first dose and 90472 for each further one.
    """
    cat = billing_data.catalogue()
    rows = np.flatnonzero(dose_encounter >= 0)
    encounter = dose_encounter[rows]
    product = _products(doses, rows)
    groups, group_code = _vocabulary(doses["vaccine_group"].combine_chunks().take(pa.array(rows)))

    def is_group(name: str) -> np.ndarray:
        return group_code == (groups.index(name) if name in groups else -1)

    start = visits.table["start_date"].to_numpy().astype("datetime64[D]")[encounter]
    age = age_on(members.birth_date[visits.member[encounter]], start)
    first_of_visit = (
        np.concatenate([[True], encounter[1:] != encounter[:-1]])
        if rows.size
        else np.zeros(0, bool)
    )
    index = cat.index
    admin = np.select(
        [is_group("COVID-19"), age < 19, (age >= 65) & is_group("Influenza"),
         (age >= 65) & is_group("Pneumococcal"), first_of_visit],
        [index["90480"], index["90460"], index["G0008"], index["G0009"], index["90471"]],
        index["90472"],
    )  # fmt: skip
    rank = run_ranks(encounter)
    both = np.repeat(np.arange(rows.size), 2)
    kind = np.tile([0, 1], rows.size)
    code = np.where(kind == 0, admin[both], product[both])
    return encounter[both], rank[both] * 2 + kind, code, rows[both]


def _products(doses: pa.Table, rows: np.ndarray) -> np.ndarray:
    """Catalogue row of the CPT product code of each dose's CVX."""
    cat = billing_data.catalogue()
    mapping = billing_data.cvx_products()
    names, inverse = _vocabulary(doses["cvx"].combine_chunks().take(pa.array(rows)))
    return np.array([cat.index[mapping[c]] for c in names] or [0], np.int64)[inverse]


def _vocabulary(values: pa.Array) -> tuple[list[str], np.ndarray]:
    """The distinct values of a null-free string column and each row's position among them."""
    encoded = values.dictionary_encode()
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy().astype(np.int64)


def _per_day(charges: billing_data.FacilityCharges, code: str) -> bool:
    return code in charges.codes and bool(charges.per_day[charges.codes.index(code)])


def ranks(count: np.ndarray) -> np.ndarray:
    """0, 1, ... within each run of ``np.repeat(..., count)``."""
    total = int(count.sum())
    starts = np.repeat(np.cumsum(count) - count, count)
    return np.arange(total) - starts


def _hospital_visits(
    rng: np.random.Generator, stays: np.ndarray, nights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Professional hospital visits: admission, one per middle day, discharge day management."""
    cat = billing_data.catalogue()
    count = nights + 1
    encounter = np.repeat(stays, count)
    day = ranks(count)
    last = np.repeat(nights, count)
    admit = np.array([cat.index[c] for c in ("99221", "99222", "99223")])
    daily = np.array([cat.index[c] for c in ("99231", "99232", "99233")])
    size = encounter.size
    code = np.where(
        day == 0,
        admit[np.searchsorted([0.2, 0.6], rng.random(size), side="right")],
        daily[np.searchsorted([0.3, 0.8], rng.random(size), side="right")],
    )
    code = np.where((day == last) & (day > 0), cat.index["99238"], code)
    return encounter, day, code


def _drgs(
    rng: np.random.Generator, enc: pa.Table, stays: np.ndarray
) -> tuple[np.ndarray, dict[int, str]]:
    """DRG row per encounter (-1 outside stays) and the ICD-10-PCS code of each operation.

    The operations are keyed by encounter row, in row order.
    """
    choices = billing_data.drg_choices()
    n = enc.num_rows
    drg = np.full(n, -1, np.int64)
    reason = enc["reason_code"].take(stays).to_numpy(zero_copy_only=False).astype(str)
    prefix_of = np.zeros(stays.size, np.int64)
    best = np.zeros(stays.size, np.int64)
    for i, prefix in enumerate(choices.prefixes):
        match = np.char.startswith(reason, prefix) & (len(prefix) >= best)
        prefix_of = np.where(match, i, prefix_of)
        best = np.where(match, len(prefix), best)
    for i, (sampler, rows) in enumerate(zip(choices.samplers, choices.drgs, strict=True)):
        where = np.flatnonzero(prefix_of == i)
        drg[stays[where]] = rows[sampler.draw(rng, where.size)]
    pcs: dict[int, str] = {}
    u = rng.random(stays.size)
    for k, row in enumerate(drg[stays]):
        options = choices.pcs[row]
        if options:
            pcs[int(stays[k])] = options[int(u[k] * len(options))]
    return drg, pcs


def _procedure_rows(
    ctx: BlockContext,
    enc: pa.Table,
    members: MemberBlock,
    member: np.ndarray,
    start: np.ndarray,
    encounter: np.ndarray,
    claim_type: np.ndarray,
    code: np.ndarray,
    revenue: np.ndarray,
    modifier: np.ndarray,
    units: np.ndarray,
    day: np.ndarray,
    end_day: np.ndarray,
    drg: np.ndarray,
    surgical_code: dict[int, str],
    immunization: np.ndarray,
    immunization_ids: pa.Array | None,
) -> ProcedureBlock:
    """One procedures row per service.

    A facility line of a service the professional claim also bills (the E/M of an ER visit,
    an imaging study) is the same procedure.
    """
    cat = billing_data.catalogue()
    # Same encounter, code and day: one service; each dose's lines stay their own services.
    key = (encounter * (1 << 20) + (code + 1) * 4096 + day) * (1 << 20) + immunization + 1
    coded = code >= 0
    # First line of each (encounter, code, day) among coded lines is the procedure.
    order = stable_order(key, claim_type)
    first = np.zeros(key.size, dtype=bool)
    sorted_key = key[order]
    new = np.concatenate([[True], sorted_key[1:] != sorted_key[:-1]])
    first[order] = new
    owner = np.empty(key.size, np.int64)
    owner[order] = order[np.maximum.accumulate(np.where(new, np.arange(key.size), 0))]
    is_procedure = coded & first
    # PCS operations: one extra procedure row per surgical stay, after its lines.
    surgical = np.array(sorted(surgical_code), np.int64)
    rows_enc = np.concatenate([encounter[is_procedure], surgical])
    rows_line = np.concatenate([np.flatnonzero(is_procedure), np.full(surgical.size, -1)])
    sort = stable_order(rows_enc)  # a stay's operation after its lines
    rows_enc, rows_line = rows_enc[sort], rows_line[sort]
    sequence = run_ranks(rows_enc) + 1
    keep = sequence <= _MAX_PER_ENCOUNTER
    rows_enc, rows_line, sequence = rows_enc[keep], rows_line[keep], sequence[keep]

    procedure_of_line = np.full(key.size, -1, np.int64)
    kept_lines = rows_line >= 0
    position = np.full(key.size, -1, np.int64)
    position[rows_line[kept_lines]] = np.flatnonzero(kept_lines)
    procedure_of_line[coded] = position[owner[coded]]
    pcs_row = np.full(enc.num_rows, -1, np.int64)
    pcs_row[rows_enc[~kept_lines]] = np.flatnonzero(~kept_lines)

    m = rows_enc.size
    line = np.maximum(rows_line, 0)
    is_pcs = rows_line < 0
    titles = billing_data.pcs_titles()
    pcs_codes = [surgical_code[e] for e in rows_enc[is_pcs].tolist()]
    code_column = arrow.take(cat.codes, np.maximum(code[line], 0))
    label_column = arrow.take(cat.labels, np.maximum(code[line], 0))
    if is_pcs.any():
        code_column = _merge(is_pcs, pa.array(pcs_codes, pa.string()), code_column)
        label_column = _merge(is_pcs, pa.array([titles[c] for c in pcs_codes], pa.string()),
                              label_column)  # fmt: skip
    system = np.where(is_pcs, 2, cat.system[np.maximum(code[line], 0)])
    category = np.where(
        is_pcs, billing_data.CATEGORIES.index("inpatient"), cat.category[np.maximum(code[line], 0)]
    )
    performed = start[rows_enc] + np.where(is_pcs, 0, day[line]).astype("timedelta64[D]")
    mod = np.where(is_pcs, -1, modifier[line])
    enc_ids = enc["encounter_id"].combine_chunks()
    procedure_id = arrow.fixed(m, arrow.chars(arrow.take(enc_ids, rows_enc), 15), "-P",
                               arrow.digit_chars(sequence, 2))  # fmt: skip
    table = pa.table(
        {
            "procedure_id": procedure_id,
            "encounter_id": arrow.take(enc_ids, rows_enc),
            "member_id": arrow.take(enc["member_id"].combine_chunks(), rows_enc),
            "performed_date": arrow.dates(performed),
            "code_system": arrow.codes(("CPT", "HCPCS", "ICD-10-PCS"), system),
            "code": code_column,
            "display": label_column,
            "category": arrow.codes(billing_data.CATEGORIES, category),
            "units": pa.array(np.where(is_pcs, 1, units[line]), pa.int32()),
            "diagnosis_code": arrow.take(enc["reason_code"].combine_chunks(), rows_enc),
            "modifier_1": _modifiers(mod),
            "modifier_2": pa.nulls(m, pa.string()),
            "immunization_id": _immunization_ids(immunization_ids, immunization, rows_line),
        },
        schema=arrow_schema(Procedure),
    )
    lines = ServiceLines(encounter, claim_type, code, revenue, modifier, units, day, end_day,
                         procedure_of_line)  # fmt: skip
    del members, member
    return ProcedureBlock(table, lines, drg, pcs_row)


def _immunization_ids(
    ids: pa.Array | None, immunization: np.ndarray, rows_line: np.ndarray
) -> pa.Array:
    """The dose each vaccine product or administration procedure bills for."""
    if ids is None:
        return pa.nulls(rows_line.size, pa.string())
    dose = np.where(rows_line >= 0, immunization[np.maximum(rows_line, 0)], -1)
    return ids.take(pa.array(np.maximum(dose, 0), pa.int64(), mask=dose < 0))


def _merge(mask: np.ndarray, when_true: pa.Array, otherwise: pa.Array) -> pa.Array:
    return arrow.choose(mask, arrow.scatter(mask, when_true), otherwise)


def _modifiers(index: np.ndarray) -> pa.Array:
    vocab = pa.array(billing_data.MODIFIERS, pa.string())
    return vocab.take(pa.array(np.maximum(index, 0), pa.int64(), mask=index < 0))
