"""Reference data of the lab generator, parsed once per process into arrays.

Files (see ``data/README.md``): ``loinc_tests.csv`` and ``loinc_panels.csv`` (codes, names,
units, reference ranges, healthy means), ``lab_test_models.csv`` (how each test's value is
drawn), ``lab_answers.csv`` (answers of qualitative tests), ``lab_panel_details.csv``
(specimen, billing code, turnaround), ``lab_reasons.csv`` (ICD-10-CM prefixes grouped into
reasons for ordering) and ``lab_orders.csv`` (which panels are ordered where).
"""

from __future__ import annotations

import functools

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import encounter_data, refdata
from .._internal.refdata import Alias, GroupedAlias, read_table

# How a test's value is produced (``distribution`` column of lab_test_models.csv).
NORMAL, LOGNORMAL, DERIVED, ORDINAL, COVID = range(5)
KINDS = ("normal", "lognormal", "derived", "ordinal", "covid")
# Values computed from other tests of the same panel, in the order they are computed.
DERIVED_FORMULAS = (
    "hematocrit",
    "red_cells",
    "mch",
    "total_cholesterol",
    "non_hdl_cholesterol",
    "egfr_ckd_epi_2021",
)
FACTORS = ("blood", "liver", "renal", "glycemic", "lipid", "thyroid")
GROUPS = ("female", "male", "child")  # reference-range groups: adult women, adult men, under 18
MAX_PANELS = 16  # panel numbers fit one hex digit of the specimen-id key


def _floats(table: pa.Table, name: str) -> np.ndarray:
    return pc.fill_null(table[name].cast(pa.float64()), np.nan).to_numpy()


def _strings(table: pa.Table, name: str) -> list[str]:
    return [str(v) for v in table[name].to_pylist()]


@attrs.frozen
class LabTests:
    """Per-test arrays, one row per line of ``loinc_tests.csv`` (file order)."""

    codes: pa.Array
    displays: pa.Array
    units: pa.Array  # null for unitless presence tests
    value_types: pa.Array
    panel: np.ndarray  # index into LabPanels.keys
    position: np.ndarray  # 1-based place of the test in its panel
    kind: np.ndarray  # NORMAL ... COVID
    decimals: np.ndarray
    low: np.ndarray  # (tests, 3 groups)
    high: np.ndarray
    mean: np.ndarray  # (tests, 3 groups)
    sd: np.ndarray
    age_slope: np.ndarray  # per year of age above 40 (adults)
    condition: np.ndarray  # index into refdata.conditions().keys, -1 for none
    shift: np.ndarray
    condition_sd: np.ndarray
    also_condition: np.ndarray
    also_shift: np.ndarray
    reason: np.ndarray  # index into LabOrders.reasons, -1 for none
    reason_shift: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    factor: np.ndarray  # index into FACTORS, -1 for none
    between: np.ndarray  # share of variance that is the member's own level
    derived: np.ndarray  # index into DERIVED_FORMULAS, -1 for drawn values
    adults_only: np.ndarray
    normal_answer: np.ndarray  # qualitative tests: row of ``answers``; -1 otherwise
    answers: pa.Array
    answer_codes: pa.Array  # null where the answer has no LOINC answer code
    abnormal_answers: GroupedAlias  # group = test row (tests without answers get a dummy)

    def row(self, code: str) -> int:
        """Row of the test with LOINC ``code``."""
        return _row_of()[code]


@attrs.frozen
class LabPanels:
    """Panels (``loinc_panels.csv`` order) with their details and test lists."""

    keys: tuple[str, ...]
    codes: pa.Array
    displays: pa.Array
    specimen: pa.Array
    point_of_care: np.ndarray
    procedure_code: pa.Array  # CPT code number billed for the panel
    revenue_code: pa.Array  # UB-04 revenue code of the panel on a facility claim
    venipuncture: np.ndarray  # whether the specimen is drawn from a vein (billed 36415)
    turnaround: np.ndarray  # (panels, 2) minutes, min and max
    variant_tests: tuple[np.ndarray, ...]  # per variant (panel * 2 + child): test rows in order

    def index(self, key: str) -> int:
        """Position of panel ``key``."""
        return self.keys.index(key)


@attrs.frozen
class LabOrders:
    """Chance of each panel per (class, age band, reason, diagnosed-condition combination)."""

    classes: tuple[str, ...]  # encounter classes of encounter_rates.csv; one more index = other
    reasons: tuple[str, ...]  # reason classes, lab_reasons.csv order; one more index = other
    prefixes: tuple[tuple[str, int], ...]  # (ICD-10-CM prefix, reason index), file order
    conditions: np.ndarray  # condition rows (refdata.conditions()) that rules depend on
    age_edges: np.ndarray  # lower bounds of the age bands, in years
    table: np.ndarray  # (classes, bands, reasons + 1, 2**conditions, panels) float64

    def reason_of(self, codes: list[str]) -> np.ndarray:
        """Reason class of each ICD-10-CM code: its first matching prefix, else 'other'."""
        other = len(self.reasons)
        out = np.full(len(codes), other, dtype=np.int64)
        for i, code in enumerate(codes):
            for prefix, reason in self.prefixes:
                if code.startswith(prefix):
                    out[i] = reason
                    break
        return out


@functools.cache
def panels() -> LabPanels:
    """The panels with their specimen, billing code, turnaround and tests."""
    p = read_table("loinc_panels.csv", {"loinc": pa.string()})
    keys = tuple(_strings(p, "panel"))
    if len(keys) > MAX_PANELS:
        raise ValueError(f"at most {MAX_PANELS} lab panels are supported")
    d = read_table(
        "lab_panel_details.csv", {"procedure_code": pa.string(), "revenue_code": pa.string()}
    )
    detail_row = [_strings(d, "panel").index(k) for k in keys]
    d = d.take(pa.array(detail_row))
    t = read_table("loinc_tests.csv", {"loinc": pa.string()})
    panel_of = np.array([keys.index(k) for k in _strings(t, "panel")], dtype=np.int64)
    adults_only = _models(t)["adults_only"].to_numpy() == 1
    variants = []
    for k in range(len(keys)):
        rows = np.flatnonzero(panel_of == k)
        child = rows[~adults_only[rows]]
        # A child report is a prefix of the adult one, so a test has one offset in both.
        if not np.array_equal(child, rows[: child.size]):
            raise ValueError(f"adults-only tests of panel {keys[k]} must come last")
        variants += [rows, child]
    return LabPanels(
        keys=keys,
        codes=p["loinc"].combine_chunks(),
        displays=p["name"].combine_chunks(),
        specimen=d["specimen"].combine_chunks(),
        point_of_care=d["point_of_care"].to_numpy() == 1,
        procedure_code=d["procedure_code"].combine_chunks(),
        revenue_code=d["revenue_code"].combine_chunks(),
        venipuncture=d["venipuncture"].to_numpy() == 1,
        turnaround=np.column_stack(
            [_floats(d, "turnaround_min_minutes"), _floats(d, "turnaround_max_minutes")]
        ),
        variant_tests=tuple(variants),
    )


def _models(tests: pa.Table) -> pa.Table:
    """``lab_test_models.csv`` in the row order of ``tests``."""
    m = read_table(
        "lab_test_models.csv",
        {"loinc": pa.string(), "also_condition": pa.string(), "reason": pa.string(),
         "factor": pa.string(), "derived": pa.string(), "adults_only": pa.int64()},
    )  # fmt: skip
    order = [_strings(m, "loinc").index(code) for code in _strings(tests, "loinc")]
    return m.take(pa.array(order))


def _index(names: list[str], vocabulary: tuple[str, ...]) -> np.ndarray:
    return np.array([vocabulary.index(n) if n else -1 for n in names], dtype=np.int64)


@functools.cache
def _row_of() -> dict[str, int]:
    return {code: i for i, code in enumerate(tests().codes.to_pylist())}


@functools.cache
def tests() -> LabTests:
    """Every test with its ranges, value model and (qualitative tests) answers."""
    t = read_table(
        "loinc_tests.csv", {"loinc": pa.string(), "condition": pa.string(), "unit": pa.string()}
    )
    m = _models(t)
    keys = panels().keys
    conditions = refdata.conditions().keys
    panel = np.array([keys.index(k) for k in _strings(t, "panel")], dtype=np.int64)
    position = np.zeros(t.num_rows, dtype=np.int64)
    for k in range(len(keys)):
        rows = np.flatnonzero(panel == k)
        position[rows] = np.arange(1, rows.size + 1)
    adult_mean, sd = _floats(t, "mean"), _floats(t, "sd")
    mean_f = np.where(np.isnan(_floats(m, "mean_f")), adult_mean, _floats(m, "mean_f"))
    mean_m = np.where(np.isnan(_floats(m, "mean_m")), adult_mean, _floats(m, "mean_m"))
    child_mean = np.where(np.isnan(_floats(m, "child_mean")), adult_mean, _floats(m, "child_mean"))
    child_sd = np.where(np.isnan(_floats(m, "child_sd")), sd, _floats(m, "child_sd"))
    units = t["unit"].combine_chunks()
    kind = _index(_strings(m, "distribution"), KINDS)
    answers = _answers(_strings(t, "loinc"))
    condition_sd = _floats(m, "condition_sd")
    return LabTests(
        codes=t["loinc"].combine_chunks(),
        displays=t["long_common_name"].combine_chunks(),
        units=pc.if_else(pc.equal(units, ""), pa.scalar(None, pa.string()), units),
        value_types=t["value_type"].combine_chunks(),
        panel=panel,
        position=position,
        kind=kind,
        decimals=t["decimals"].to_numpy().astype(np.int64),
        low=np.column_stack([_floats(t, c) for c in ("low_f", "low_m", "child_low")]),
        high=np.column_stack([_floats(t, c) for c in ("high_f", "high_m", "child_high")]),
        mean=np.column_stack([mean_f, mean_m, child_mean]),
        sd=np.column_stack([sd, sd, child_sd]),
        age_slope=_floats(m, "age_slope"),
        condition=_index(_strings(t, "condition"), conditions),
        shift=np.nan_to_num(_floats(t, "condition_shift")),
        condition_sd=np.where(np.isnan(condition_sd), sd, condition_sd),
        also_condition=_index(_strings(m, "also_condition"), conditions),
        also_shift=np.nan_to_num(_floats(m, "also_shift")),
        reason=_index(_strings(m, "reason"), orders().reasons),
        reason_shift=np.nan_to_num(_floats(m, "reason_shift")),
        minimum=np.nan_to_num(_floats(m, "minimum"), nan=-np.inf),
        maximum=np.nan_to_num(_floats(m, "maximum"), nan=np.inf),
        factor=_index(_strings(m, "factor"), FACTORS),
        between=np.nan_to_num(_floats(m, "between")),
        derived=_index(_strings(m, "derived"), DERIVED_FORMULAS),
        adults_only=m["adults_only"].to_numpy() == 1,
        normal_answer=answers.normal_answer,
        answers=answers.answers,
        answer_codes=answers.answer_codes,
        abnormal_answers=answers.abnormal_answers,
    )


@attrs.frozen
class _Answers:
    normal_answer: np.ndarray
    answers: pa.Array
    answer_codes: pa.Array
    abnormal_answers: GroupedAlias


def _answers(codes: list[str]) -> _Answers:
    """Answer lists of the qualitative tests: the expected answer and weighted abnormal ones."""
    a = read_table("lab_answers.csv", {"loinc": pa.string(), "answer_code": pa.string()})
    test_of = _strings(a, "loinc")
    normal = a["normal"].to_numpy() == 1
    weight = a["weight"].to_numpy().astype(np.float64)
    normal_answer = np.full(len(codes), -1, dtype=np.int64)
    samplers, values = [], []
    for i, code in enumerate(codes):
        rows = np.array([j for j, c in enumerate(test_of) if c == code], dtype=np.int64)
        if rows.size:
            normal_answer[i] = rows[normal[rows]][0]
            abnormal = rows[~normal[rows]]
            samplers.append(Alias.from_weights(weight[abnormal]))
            values.append(abnormal)
        else:
            samplers.append(Alias.from_weights(np.ones(1)))
            values.append(np.array([-1], dtype=np.int64))
    answer_codes = a["answer_code"].combine_chunks()
    return _Answers(
        normal_answer=normal_answer,
        answers=a["answer"].cast(pa.string()).combine_chunks(),
        answer_codes=pc.if_else(
            pc.equal(answer_codes, ""), pa.scalar(None, pa.string()), answer_codes
        ),
        abnormal_answers=GroupedAlias.build(samplers, values),
    )


@functools.cache
def orders() -> LabOrders:
    """The ordering rules of ``lab_orders.csv`` as one lookup table.

    A panel's chance at an encounter is the largest chance among the rules that match it
    (setting, reason class, age band, and a condition the member has been diagnosed with),
    so specific rules only ever raise the general ones.
    """
    r = read_table("lab_reasons.csv", {"prefix": pa.string()})
    reason_names = _strings(r, "reason")
    reasons = tuple(dict.fromkeys(reason_names))
    prefixes = tuple(
        (p, reasons.index(n)) for p, n in zip(_strings(r, "prefix"), reason_names, strict=True)
    )
    o = read_table("lab_orders.csv", {"reason": pa.string(), "condition": pa.string()})
    classes = encounter_data.encounter_rates().classes
    keys = read_table("loinc_panels.csv")["panel"].to_pylist()
    condition_keys = refdata.conditions().keys
    rule_condition = _strings(o, "condition")
    used = sorted({condition_keys.index(c) for c in rule_condition if c})
    low, high = o["min_age"].to_numpy(), o["max_age"].to_numpy()
    edges = np.unique(np.concatenate([[0], low, high + 1]))
    # The last class row stays empty: other classes (e.g. vaccination visits) order no labs.
    table = np.zeros((len(classes) + 1, edges.size, len(reasons) + 1, 2 ** len(used), len(keys)))
    combo = np.arange(2 ** len(used))
    for i, (setting, reason, condition, panel) in enumerate(
        zip(_strings(o, "setting"), _strings(o, "reason"), rule_condition,
            _strings(o, "panel"), strict=True)
    ):  # fmt: skip
        combos = combo
        if condition:
            bit = used.index(condition_keys.index(condition))
            combos = combo[(combo >> bit) & 1 == 1]
        where = np.ix_(
            np.array([classes.index(setting)]),
            np.flatnonzero((edges >= low[i]) & (edges <= high[i])),
            np.array([reasons.index(reason)]) if reason else np.arange(len(reasons) + 1),
            combos,
            np.array([keys.index(panel)]),
        )
        table[where] = np.maximum(table[where], o["probability"][i].as_py())
    return LabOrders(
        classes=tuple(classes),
        reasons=reasons,
        prefixes=prefixes,
        conditions=np.array(used, dtype=np.int64),
        age_edges=edges,
        table=table,
    )
