"""Lab results: panels ordered at encounters, LOINC-coded results, COVID-19 testing rows.

Panels (CBC, CMP, lipid panel, HbA1c, TSH, urinalysis, glucose, COVID-19 PCR and antigen
tests) are ordered at lab-only visits, at a share of office visits (general exams and the
monitoring of chronic conditions), in emergency rooms, urgent care and hospital stays, with
the chances of ``data/lab_orders.csv``. Each ordered panel is a ``diagnostic_reports`` row;
its tests are ``lab_results`` rows whose values depend on the member's sex, age and chronic
conditions (see ``_lab_values``), and every COVID-19 test is also a ``covid_tests`` row in the
legacy testing-site layout. Specimens are collected on an encounter day and resulted minutes
to two days later, never after ``as_of``.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import refdata
from .._internal.rng import stream
from .._internal.sorting import run_ranks
from ..errors import InvalidArgumentError
from . import _lab_columns, _lab_covid, _lab_data, _lab_orders, _lab_tables, _lab_values
from ._context import BlockContext
from .conditions import ConditionBlock
from .encounters import EncounterBlock
from .members import MemberBlock

__all__ = ["LabBlock", "LabGenerator", "PanelOrders"]

_DAY = 86_400
_DAYS_PER_YEAR = 365.2425
# Collection window (minutes after midnight) by encounter class: office hours, morning draws
# on the ward, emergency-room arrivals early enough that check-in, sample and visit share a day.
_WINDOWS = {
    "office": (480, 1020), "telehealth": (540, 1020), "urgent_care": (480, 1260),
    "emergency": (60, 1380), "outpatient": (360, 900), "inpatient": (240, 480), "lab": (420, 1020),
}  # fmt: skip
_NEVER = np.iinfo(np.int64).max


def _number(name: str, high: float) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= high:
            raise InvalidArgumentError(name, value, f"a number from 0 to {high:g}")

    return check


@attrs.frozen
class PanelOrders:
    """Per ``diagnostic_reports`` row: encounter row, panel row and collection day.

    What the claims bill: ``panel`` indexes the panels of ``data/loinc_panels.csv`` and
    ``day`` counts days since 1970-01-01.
    """

    encounter: np.ndarray
    panel: np.ndarray
    day: np.ndarray


@attrs.frozen
class LabBlock:
    """The three lab tables of one block, and the panels ordered (for billing)."""

    results: pa.Table
    reports: pa.Table
    covid_tests: pa.Table
    orders: PanelOrders


@attrs.frozen
class LabGenerator:
    """Lab panels ordered at encounters, with results that fit the member.

    Args:
        panel_scale: Multiplies the chance of every panel other than COVID-19 tests at every
            encounter (0-10, capped at certainty); 0 orders none. Lab-only visits still order
            at least one panel while it is above 0.
        covid_test_rate: Multiplies the chance of COVID-19 tests (0-10); 0 gives none.
        condition_effect: Scales how far chronic conditions move values (0-3): 0 makes
            diabetics' HbA1c look like everyone else's, 2 doubles the shifts.
    """

    panel_scale: float = attrs.field(default=1.0, validator=_number("panel_scale", 10))
    covid_test_rate: float = attrs.field(default=1.0, validator=_number("covid_test_rate", 10))
    condition_effect: float = attrs.field(default=1.0, validator=_number("condition_effect", 3))

    def block(
        self,
        ctx: BlockContext,
        members: MemberBlock,
        encounters: pa.Table,
        conditions: pa.Table,
        *,
        known: tuple[EncounterBlock, ConditionBlock] | None = None,
    ) -> LabBlock:
        """The lab tables of one block's encounters (rows member-major, by encounter).

        ``known`` gives the generators' own blocks behind ``encounters`` and the chronic rows
        of ``conditions``, whose member positions, classes and code rows are then not looked
        up again from the strings.
        """
        member_ids = members.table["member_id"].combine_chunks()
        birth = members.birth_date.astype("datetime64[D]").astype(np.int64)
        as_of = int(np.datetime64(ctx.as_of, "D").astype(np.int64))
        if known is None:
            has, onset = _conditions(conditions, member_ids)
            visits, rank = _visits(encounters, member_ids, birth, onset)
        else:
            chronic = known[1]
            has, onset = _condition_flags(chronic.table, chronic.member, len(member_ids))
            visits, rank = _known_visits(known[0], birth, onset)
        rows, panel = _lab_orders.order(
            stream(ctx.seed, "labs.orders", ctx.block), visits,
            panel_scale=float(self.panel_scale), covid_scale=float(self.covid_test_rate),
        )  # fmt: skip
        keep = visits.day[rows] < as_of  # nothing is collected on or after as_of
        rows, panel = rows[keep], panel[keep]
        member = visits.member[rows]

        # Collection on an encounter day (any day of a stay), results minutes to days later.
        rng = stream(ctx.seed, "labs.times", ctx.block)
        span = visits.end[rows] - visits.day[rows] + 1
        day = visits.day[rows] + (rng.random(rows.size) * span).astype(np.int64)
        classes = (*_lab_data.orders().classes, "other")
        window = np.array([_WINDOWS.get(c, (480, 1020)) for c in classes])
        low, high = window[visits.cls[rows], 0], window[visits.cls[rows], 1]
        minute = low + (rng.random(rows.size) * (high - low)).astype(np.int64)
        # One collection per visit: every panel of an encounter takes its first panel's time.
        lead = np.ones(rows.size, dtype=bool)
        lead[1:] = rows[1:] != rows[:-1]
        head = np.maximum.accumulate(np.where(lead, np.arange(rows.size), 0))
        day, minute = day[head], minute[head]
        collected = day * _DAY + 60 * minute
        turnaround = _lab_data.panels().turnaround[panel]
        u = rng.random(rows.size)  # log-uniform between the panel's shortest and longest
        wait = np.ceil(turnaround[:, 0] * (turnaround[:, 1] / turnaround[:, 0]) ** u)
        limit = (as_of * _DAY - collected) // 60  # >= 1 minute: collection ends by 23:00
        wait = np.where(wait <= limit, wait, 1 + (limit - 1) * u).astype(np.int64)
        resulted = collected + 60 * wait
        child = day < _birthday(members.birth_date, 18)[member]

        layout = _lab_tables.Layout.build(panel, child)
        first = layout.first
        report = _lab_values.Reports(
            panel=panel, child=child, first=first, member=member,
            group=np.where(child, 2, np.where(members.female[member], 0, 1)),
            age_years=(day - birth[member]) / _DAYS_PER_YEAR, reason=visits.reason[rows],
        )  # fmt: skip
        covid_reports = np.flatnonzero(
            _lab_data.tests().kind[layout.test[first]] == _lab_data.COVID
        )
        covid_rows = first[covid_reports]
        covid = _lab_covid.draw(
            stream(ctx.seed, "labs.covid", ctx.block), layout.test[covid_rows],
            visits.reason[rows[covid_reports]], collected[covid_reports],
        )  # fmt: skip
        positive = np.zeros(rows.size, dtype=bool)
        positive[covid_reports] = covid.positive
        levels = _lab_values.member_levels(
            stream(ctx.seed, "labs.levels", ctx.block), len(member_ids)
        )
        values = _lab_values.draw(
            stream(ctx.seed, "labs.values", ctx.block), report, layout.test.size, has, levels,
            positive, effect=float(self.condition_effect),
        )  # fmt: skip

        global_index = members.global_index[member].astype(np.int64)
        key = ((global_index << 10) + rank[rows]) * _lab_data.MAX_PANELS + panel
        ids = _lab_tables.Ids.build(
            ctx.seed, encounters["encounter_id"].combine_chunks(), member_ids, rows, member,
            panel, layout, key,
        )  # fmt: skip
        times = (collected, resulted)
        reports = _lab_tables.reports(
            ctx, members, encounters, rows, panel, member, child, ids, times, layout
        )
        results = _lab_tables.results(ids, values, times, layout)
        covid_ids = {
            name: ids.per_result(name).take(pa.array(covid_rows))
            for name in ("result_id", "report_id", "member_id", "encounter_id")
        }
        covid_ids["specimen_id"] = ids.specimen_id.take(pa.array(covid_reports))
        site = (
            pc.take(encounters["encounter_class"], pa.array(rows[covid_reports])),
            reports["performer_id"].take(pa.array(covid_reports)),
        )
        kit = _lab_columns.accession(key[covid_reports], seed=ctx.seed, name="kit", prefix="KT")
        covid_table = _lab_covid.table(
            covid, covid_ids, member[covid_reports], layout.test[covid_rows],
            (collected[covid_reports], resulted[covid_reports]), site, kit,
            values.answer[covid_rows],
        )  # fmt: skip
        return LabBlock(results, reports, covid_table, PanelOrders(rows, panel, day))


def _birthday(birth: np.ndarray, years: int) -> np.ndarray:
    """Day (since 1970) each member turns ``years``: 29 February birthdays count from 1 March."""
    month = birth.astype("datetime64[M]")
    day_of_month = (birth.astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    return ((month + 12 * years).astype("datetime64[D]").astype(np.int64)) + day_of_month


def _positions(ids: pa.Array, member_ids: pa.Array, argument: str) -> np.ndarray:
    """Position in the block of each row's member (rows of one member are usually adjacent)."""
    chars = _lab_columns.fixed_chars(ids)
    if chars is not None and chars.shape[0] > 1:
        heads = np.flatnonzero(_lab_columns.row_changes(chars))
        found = pc.index_in(ids.take(pa.array(heads)), value_set=member_ids)
        at_heads = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        position = np.repeat(at_heads, np.diff(np.append(heads, chars.shape[0])))
    else:
        found = pc.index_in(ids, value_set=member_ids)
        position = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    if (position < 0).any():
        raise InvalidArgumentError(argument, "a table", "rows whose member_id is in the block")
    return position


def _conditions(conditions: pa.Table, member_ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Chronic conditions per member: has-condition flags and onset days of the rule conditions.

    Returns ``has`` (members, conditions + 1; the last column is False, for tests without a
    condition) and ``onset`` (members, rule conditions; ``_NEVER`` when absent).
    """
    # Chronic rows are the ones without an encounter (acute problems name theirs).
    candidates = np.flatnonzero(conditions["encounter_id"].is_null().to_numpy(zero_copy_only=False))
    chronic = conditions.take(pa.array(candidates, pa.int64()))
    member = (
        _positions(chronic["member_id"].combine_chunks(), member_ids, "conditions")
        if chronic.num_rows
        else np.zeros(0, np.int64)
    )
    return _condition_flags(chronic, member, len(member_ids))


def _condition_flags(
    chronic: pa.Table, member: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """``has`` and ``onset`` (see ``_conditions``) from chronic rows and their member positions."""
    keys = refdata.conditions().keys
    index = pc.index_in(chronic["condition"], value_set=pa.array(keys))
    code = pc.fill_null(index, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    rows = np.flatnonzero(code >= 0)
    code, member = code[rows], member[rows]
    has = np.zeros((n, len(keys) + 1), dtype=bool)
    used = _lab_data.orders().conditions
    onset = np.full((n, used.size), _NEVER, dtype=np.int64)
    if rows.size == 0:
        return has, onset
    has[member, code] = True
    onset_date = chronic["onset_date"].combine_chunks().take(pa.array(rows, pa.int64()))
    day = onset_date.to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)
    for j, c in enumerate(used):
        mine = code == c  # one chronic row per member and condition
        onset[member[mine], j] = day[mine]
    return has, onset


def _visits(encounters: pa.Table, member_ids: pa.Array, birth: np.ndarray,
            onset: np.ndarray) -> tuple[_lab_orders.Visits, np.ndarray]:  # fmt: skip
    """Per-encounter arrays, and each encounter's rank among its member's encounters."""
    orders = _lab_data.orders()
    member = _positions(encounters["member_id"].combine_chunks(), member_ids, "encounters")
    cls = _classes(encounters["encounter_class"].combine_chunks(), orders.classes)
    codes = pc.dictionary_encode(encounters["reason_code"]).combine_chunks()
    reason = orders.reason_of([str(c) for c in codes.dictionary.to_pylist()])[
        codes.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    ] if len(codes) else np.zeros(0, dtype=np.int64)  # fmt: skip
    return _visit_arrays(encounters, member, cls, reason, birth, onset)


def _known_visits(
    block: EncounterBlock, birth: np.ndarray, onset: np.ndarray
) -> tuple[_lab_orders.Visits, np.ndarray]:
    """``_visits`` from the encounter generator's own arrays (no string lookups)."""
    orders = _lab_data.orders()
    other = len(orders.classes)
    to_order = np.array([orders.classes.index(c) if c in orders.classes else other
                         for c in block.classes] or [other], np.int64)  # fmt: skip
    rows, inverse = np.unique(block.reason_row, return_inverse=True)
    codes = refdata.icd10cm().codes.take(pa.array(rows, pa.int64())).to_pylist()
    reason = orders.reason_of([str(c) for c in codes])[inverse.reshape(-1)]
    return _visit_arrays(
        block.table, block.member, to_order[block.class_code], reason, birth, onset
    )


def _visit_arrays(
    encounters: pa.Table,
    member: np.ndarray,
    cls: np.ndarray,
    reason: np.ndarray,
    birth: np.ndarray,
    onset: np.ndarray,
) -> tuple[_lab_orders.Visits, np.ndarray]:
    """The ``Visits`` of the orders model, and each encounter's rank among its member's."""
    day = encounters["start_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end = encounters["end_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    # Conditions diagnosed by the visit: every one the member has once the last has begun
    # (most visits), else condition by condition.
    bits = 1 << np.arange(onset.shape[1], dtype=np.int64)
    ever = ((onset < _NEVER) * bits).sum(axis=1)
    last = np.where(onset < _NEVER, onset, np.iinfo(np.int64).min).max(axis=1, initial=0)
    combo = ever[member]
    early = np.flatnonzero(day < last[member])
    for j in range(onset.shape[1]):
        late = onset[member[early], j] > day[early]
        combo[early[late]] &= ~bits[j]
    visits = _lab_orders.Visits(
        member=member, cls=cls, day=day, end=np.maximum(end, day), reason=reason,
        age_days=day - birth[member], combo=combo,
    )  # fmt: skip
    return visits, _rank(member)


def _classes(values: pa.Array, classes: tuple[str, ...]) -> np.ndarray:
    """Index of each encounter class in ``classes``; ``len(classes)`` for any other class.

    By the first two letters and the length when those tell the classes apart (a cheap byte
    lookup), else by a hash lookup of the whole string.
    """
    other = len(classes)
    pairs = _lab_columns.leading_pairs(values)
    known = np.array([ord(c[0]) * 256 + ord(c[1]) for c in classes])
    if pairs is not None and np.unique(known).size == known.size:
        lookup = np.full(1 << 16, -1, dtype=np.int64)
        lookup[known] = np.arange(known.size)
        cls = lookup[pairs]
        length = np.diff(np.frombuffer(values.buffers()[1], dtype=np.int32, count=len(values) + 1,
                                       offset=values.offset * 4))  # fmt: skip
        sizes = np.array([len(c) for c in classes])
        if (sizes[cls] == length)[cls >= 0].all():
            return np.where(cls >= 0, cls, other)
    found = pc.index_in(values, value_set=pa.array(classes))
    return pc.fill_null(found, other).to_numpy(zero_copy_only=False).astype(np.int64)


def _rank(member: np.ndarray) -> np.ndarray:
    """0-based rank of each row among its member's rows (in row order)."""
    size = member.size
    if size and (member[1:] >= member[:-1]).all():  # member-major, as generated: runs
        rank = run_ranks(member)
    else:
        order = np.argsort(member, kind="stable")
        rank = np.empty(size, dtype=np.int64)
        rank[order] = run_ranks(member[order])
    if size and rank.max() >= 1 << 10:
        raise InvalidArgumentError("encounters", "a table", "at most 1,024 encounters per member")
    return rank
