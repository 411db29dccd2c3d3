"""Assemble the ``diagnostic_reports`` and ``lab_results`` tables from the drawn arrays."""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, refdata
from .._internal.rng import stream
from ..models import arrow_schema
from ..models.lab import DiagnosticReport, LabResult
from . import _lab_columns, _lab_data, _lab_values
from ._context import BlockContext
from .members import MemberBlock


@attrs.frozen
class Layout:
    """Where each report's rows are: a report holds its variant's tests, in order."""

    variant: np.ndarray  # per report: panel * 2 + (1 for members under 18)
    count: np.ndarray  # per report: number of rows
    first: np.ndarray  # per report: its first row
    report_of: np.ndarray  # per row: its report
    test: np.ndarray  # per row: row of LabTests

    @classmethod
    def build(cls, panel: np.ndarray, child: np.ndarray) -> Layout:
        """Lay out the rows of the reports of ``panel`` (children get the child variant)."""
        variants = _lab_data.panels().variant_tests
        sizes = np.array([t.size for t in variants], dtype=np.int64)
        variant = panel * 2 + child
        count = sizes[variant]
        first = np.cumsum(count) - count
        report_of = np.repeat(np.arange(panel.size), count)
        start = np.cumsum(sizes) - sizes
        within = np.arange(report_of.size) - first[report_of]
        test = np.concatenate(variants)[start[variant][report_of] + within]
        return cls(variant, count, first, report_of, test)


@attrs.frozen
class Ids:
    """Identifiers of the reports (per report) and of their result rows."""

    report_id: pa.Array
    member_id: pa.Array  # per report
    encounter_id: pa.Array  # per report
    specimen_id: pa.Array
    result_id: pa.Array
    result_columns: dict[str, pa.Array]  # report_id, member_id, encounter_id per result row

    def per_result(self, name: str) -> pa.Array:
        """``result_id`` or the ``report_id``, ``member_id``, ``encounter_id`` of each row."""
        return self.result_id if name == "result_id" else self.result_columns[name]

    @classmethod
    def build(cls, seed: int, encounter_ids: pa.Array, member_ids: pa.Array, rows: np.ndarray,
              member: np.ndarray, panel: np.ndarray, layout: Layout, key: np.ndarray) -> Ids:  # fmt: skip
        """report_id = encounter_id + '-L' + panel number; result_id = report_id + place."""
        position = _lab_data.tests().position[layout.test]
        specimen = _lab_columns.accession(key, seed=seed, name="specimen", prefix="SP")
        enc = _lab_columns.fixed_chars(encounter_ids)
        mem = _lab_columns.fixed_chars(member_ids)
        if enc is None or mem is None:  # hand-made tables: general (slower) string joins
            report_id = arrow.join(
                arrow.take(encounter_ids, rows), "-L", arrow.digits(panel + 1, 2)
            )
            member_id = arrow.take(member_ids, member)
            encounter_id = arrow.take(encounter_ids, rows)
            columns = {
                "report_id": arrow.take(report_id, layout.report_of),
                "member_id": arrow.take(member_id, layout.report_of),
                "encounter_id": arrow.take(encounter_id, layout.report_of),
            }
            result_id = arrow.join(columns["report_id"], arrow.digits(position, 2))
            return cls(report_id, member_id, encounter_id, specimen, result_id, columns)
        # Rows of one report are consecutive, so per-row identifiers are repeated report rows.
        count = layout.count
        suffix = np.broadcast_to(np.frombuffer(b"-L", dtype=np.uint8), (rows.size, 2))
        visit = enc[rows]
        report = np.hstack([visit, suffix, arrow.digit_chars(panel + 1, 2)])
        width = report.shape[1]
        per_row = np.repeat(report, count, axis=0)
        result = np.empty((position.size, width + 2), dtype=np.uint8)
        result[:, :width] = per_row
        result[:, width:] = arrow.digit_chars(position, 2)
        member_rows = mem[member]
        return cls(
            report_id=_lab_columns.strings(report),
            member_id=_lab_columns.strings(member_rows),
            encounter_id=_lab_columns.strings(visit),
            specimen_id=specimen,
            result_id=_lab_columns.strings(result),
            result_columns={
                "report_id": _lab_columns.strings(per_row),
                "member_id": _lab_columns.strings(np.repeat(member_rows, count, axis=0)),
                "encounter_id": _lab_columns.strings(np.repeat(visit, count, axis=0)),
            },
        )


def _constant(value: str, size: int) -> pa.Array:
    code = np.frombuffer(value.encode("ascii"), dtype=np.uint8)
    return _lab_columns.strings(np.broadcast_to(code, (size, code.size)))


def reports(ctx: BlockContext, members: MemberBlock, encounters: pa.Table, rows: np.ndarray,
            panel: np.ndarray, member: np.ndarray, child: np.ndarray, ids: Ids,
            times: tuple[np.ndarray, np.ndarray], layout: Layout) -> pa.Table:  # fmt: skip
    """The ``diagnostic_reports`` rows, one per ordered panel."""
    p = _lab_data.panels()
    rng = stream(ctx.seed, "labs.providers", ctx.block)
    roles = ctx.reference.roles
    state = refdata.zip_codes().state_codes[members.zip_index[member]]
    taken = pa.array(rows, pa.int64())

    # Ordering: the practitioner seen, or (lab-only visits) a primary-care practitioner.
    ordering = pc.take(encounters["rendering_provider_id"], taken).combine_chunks()
    missing = ordering.is_null().to_numpy(zero_copy_only=False)
    picked = roles.primary_care(rng, state[missing], child[missing])
    ordering = pc.coalesce(
        ordering, arrow.scatter(missing, arrow.take(ctx.reference.provider_ids, picked))
    )
    # Performing lab: the facility; in a practice, the practice itself for point-of-care
    # tests and a reference laboratory in the member's state for the rest.
    performer = pc.take(encounters["facility_provider_id"], taken).combine_chunks()
    no_facility = performer.is_null().to_numpy(zero_copy_only=False)
    in_practice = no_facility & p.point_of_care[panel]
    sent_out = no_facility & ~p.point_of_care[panel]
    laboratory = roles.pick(rng, "laboratory", state[sent_out])
    billing = pc.take(encounters["billing_provider_id"], pa.array(rows[in_practice], pa.int64()))
    performer = pc.coalesce(
        performer,
        arrow.scatter(in_practice, billing.combine_chunks()),
        arrow.scatter(sent_out, arrow.take(ctx.reference.provider_ids, laboratory)),
    )
    size = rows.size
    columns = {
        "report_id": ids.report_id,
        "member_id": ids.member_id,
        "encounter_id": ids.encounter_id,
        "panel": arrow.codes(p.keys, panel),
        "code": arrow.take(p.codes, panel),
        "display": arrow.take(p.displays, panel),
        "category": _constant("LAB", size),
        "status": _constant("final", size),
        "effective_at": _lab_columns.timestamps(times[0]),
        "issued_at": _lab_columns.timestamps(times[1]),
        "ordering_provider_id": ordering,
        "performer_id": performer,
        "specimen_id": ids.specimen_id,
        "specimen_type": arrow.take(p.specimen, panel),
        "procedure_code": arrow.take(p.procedure_code, panel),
        "result_count": pa.array(layout.count, pa.int32()),
    }
    return pa.table(columns, schema=arrow_schema(DiagnosticReport))


def results(ids: Ids, values: _lab_values.Values, times: tuple[np.ndarray, np.ndarray],
            layout: Layout) -> pa.Table:  # fmt: skip
    """The ``lab_results`` rows, report by report in panel order."""
    t = _lab_data.tests()
    test = layout.test
    size = test.size
    answer = values.answer
    normal = t.normal_answer[test]

    def per_test(name: str) -> pa.Array:
        return _lab_columns.per_test(name, layout.variant, test)

    columns = {
        "result_id": ids.result_id,
        "report_id": ids.per_result("report_id"),
        "member_id": ids.per_result("member_id"),
        "encounter_id": ids.per_result("encounter_id"),
        "code": per_test("codes"),
        "display": per_test("displays"),
        "value_type": per_test("value_types"),
        "value_quantity": _lab_columns.floats(values.quantity),
        "value_string": _lab_columns.sparse_strings(t.answers, answer),
        "value_code": _lab_columns.sparse_strings(t.answer_codes, answer),
        "unit": per_test("units"),
        "reference_low": _lab_columns.floats(values.low),
        "reference_high": _lab_columns.floats(values.high),
        "reference_text": _lab_columns.sparse_strings(t.answers, normal),
        "abnormal_flag": _lab_columns.strings(_lab_values.FLAG_CODES[values.flag][:, None]),
        "collected_at": _lab_columns.timestamps(times[0][layout.report_of]),
        "resulted_at": _lab_columns.timestamps(times[1][layout.report_of]),
        "status": _constant("final", size),
    }
    return pa.table(columns, schema=arrow_schema(LabResult))
