"""Result values: drawn per test from the member's sex, age, conditions and own levels.

A quantitative value is ``mean + sd * z`` (or log-normal with that mean and sd), where the mean
is the healthy mean for the reference group (adult women, adult men, children), plus an age
slope above 40, plus the shifts of the member's conditions and of the visit's reason, and ``z``
mixes a per-member level (shared by the tests of one factor, e.g. HbA1c and glucose, so a
poorly controlled diabetic stays high from visit to visit) with visit noise. Some values are
computed from others of the same panel as analysers and labs do (hematocrit, RBC and MCH from
hemoglobin, MCV and MCHC; Friedewald total and non-HDL cholesterol; CKD-EPI 2021 eGFR from
creatinine). Qualitative tests give their abnormal answers with a chance built the same way.
Flags come from the reported (rounded) value and the range the row reports.
"""

from __future__ import annotations

import functools
import statistics

import attrs
import numpy as np

from . import _lab_data
from ._lab_data import COVID, DERIVED, LOGNORMAL, NORMAL, ORDINAL

_QUANTILES = 16384  # the normal draws: one lookup of a uniform in a quantile table
_DAYS_PER_YEAR = 365.2425
FLAG_CODES = np.frombuffer(b"NLHA", dtype=np.uint8)  # HL7 table 0078: normal, low, high, abnormal
NORMAL_FLAG, LOW, HIGH, ABNORMAL = range(4)


@functools.cache
def _normal_table() -> np.ndarray:
    """Standard normal quantiles at evenly spaced probabilities (tails cut at about 3.8 sd)."""
    normal = statistics.NormalDist()
    q = (np.arange(_QUANTILES) + 0.5) / _QUANTILES
    return np.array([normal.inv_cdf(float(p)) for p in q])


def normals(rng: np.random.Generator, shape: int | tuple[int, ...]) -> np.ndarray:
    """Standard normal draws (discretised to 16,384 quantiles: cheap and plenty for lab values)."""
    u = rng.random(shape, dtype=np.float32)
    return _normal_table()[(u * _QUANTILES).astype(np.int64)]


def member_levels(rng: np.random.Generator, n: int) -> np.ndarray:
    """``(n, factors + 1)`` per-member standard normal levels; the last column (no factor) is 0."""
    levels = np.zeros((n, len(_lab_data.FACTORS) + 1))
    levels[:, :-1] = normals(rng, (n, len(_lab_data.FACTORS)))
    return levels


@attrs.frozen
class Reports:
    """What the values of a report's tests depend on (one entry per report)."""

    panel: np.ndarray
    child: np.ndarray  # under 18 on the collection day: child ranges, adults-only tests left out
    first: np.ndarray  # the report's first row
    member: np.ndarray  # position in the block
    group: np.ndarray  # reference group: 0 adult woman, 1 adult man, 2 under 18
    age_years: np.ndarray
    reason: np.ndarray  # reason class of the encounter


@attrs.frozen
class Values:
    """Values, answers, flags and reference ranges of the result rows."""

    quantity: np.ndarray  # NaN for qualitative tests
    answer: np.ndarray  # row of LabTests.answers, -1 for quantitative tests
    flag: np.ndarray  # index into FLAG_CODES
    low: np.ndarray  # reference range for the member's group, NaN for qualitative tests
    high: np.ndarray


@attrs.frozen
class _Panel:
    """One panel's reports, gathered once for all of its tests."""

    reports: np.ndarray
    member: np.ndarray
    group: np.ndarray
    age_years: np.ndarray
    reason: np.ndarray
    adult: np.ndarray  # mask over ``reports``

    def rows(
        self, first: np.ndarray, offset: int, adults_only: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """(mask over the panel's reports, rows) of the test at ``offset``."""
        mask = self.adult if adults_only else np.ones(self.reports.size, dtype=bool)
        return mask, first[self.reports[mask]] + offset


def draw(
    rng: np.random.Generator,
    reports: Reports,
    size: int,
    has: np.ndarray,
    levels: np.ndarray,
    positive: np.ndarray,
    *,
    effect: float,
) -> Values:
    """Values and flags of the ``size`` result rows, panel by panel and test by test.

    Args:
        rng: The values stream.
        reports: The reports the rows belong to.
        size: Number of result rows.
        has: ``(members, conditions + 1)`` whether the member has each chronic condition; the
            last column is False (for tests without a condition).
        levels: :func:`member_levels` of the block.
        positive: Per report: whether a COVID-19 test found the virus (False for others).
        effect: Multiplies every condition shift (0 = conditions change nothing).
    """
    t = _lab_data.tests()
    p = _lab_data.panels()
    out = Values(
        quantity=np.full(size, np.nan),
        answer=np.full(size, -1, dtype=np.int64),
        flag=np.zeros(size, dtype=np.int64),
        low=np.full(size, np.nan),
        high=np.full(size, np.nan),
    )
    for k in range(len(p.keys)):
        mine = np.flatnonzero(reports.panel == k)
        if mine.size == 0:
            continue
        panel = _Panel(
            reports=mine, member=reports.member[mine], group=reports.group[mine],
            age_years=reports.age_years[mine], reason=reports.reason[mine],
            adult=~reports.child[mine],
        )  # fmt: skip
        tests = p.variant_tests[2 * k]
        for offset, test in enumerate(tests):
            mask, rows = panel.rows(reports.first, offset, bool(t.adults_only[test]))
            kind = t.kind[test]
            if kind in (NORMAL, LOGNORMAL):
                _quantitative(rng, out, panel, mask, rows, int(test), has, levels, effect)
            elif kind == ORDINAL:
                _ordinal(rng, out, panel, mask, rows, int(test), has, effect)
            elif kind == COVID:
                hit = positive[panel.reports[mask]]
                # Presence tests have one abnormal answer (Detected / Positive).
                abnormal = t.abnormal_answers.value[t.abnormal_answers.offset[test]]
                out.answer[rows] = np.where(hit, abnormal, t.normal_answer[test])
                out.flag[rows] = np.where(hit, ABNORMAL, NORMAL_FLAG)
        derived = sorted((t.derived[r], i, r) for i, r in enumerate(tests) if t.kind[r] == DERIVED)
        for _, offset, test in derived:  # in formula order: hematocrit before red cells
            mask, rows = panel.rows(reports.first, offset, bool(t.adults_only[test]))
            value = _derive(int(test), out.quantity, panel, mask, reports.first, tests)
            _report(out, panel.group[mask], rows, int(test), value)
    return out


def _report(out: Values, group: np.ndarray, rows: np.ndarray, test: int, value: np.ndarray) -> None:
    """Clip, round and flag ``value`` (one test) into the rows."""
    t = _lab_data.tests()
    scale = 10.0 ** t.decimals[test]
    value = np.rint(np.clip(value, t.minimum[test], t.maximum[test]) * scale) / scale
    low, high = t.low[test][group], t.high[test][group]
    out.quantity[rows] = value
    out.low[rows] = low
    out.high[rows] = high
    out.flag[rows] = np.where(value < low, LOW, np.where(value > high, HIGH, NORMAL_FLAG))


def _shifts(panel: _Panel, mask: np.ndarray, test: int, has: np.ndarray,
            effect: float) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Condition, second-condition and reason shifts of the test, and who has the condition."""
    t = _lab_data.tests()
    member = panel.member[mask]
    sick = has[member, t.condition[test]]
    shift = np.zeros(member.size)
    if t.shift[test]:
        shift += effect * t.shift[test] * sick
    if t.also_shift[test]:
        shift += effect * t.also_shift[test] * has[member, t.also_condition[test]]
    if t.reason_shift[test]:
        shift += t.reason_shift[test] * (panel.reason[mask] == t.reason[test])
    return shift, sick


def _quantitative(rng: np.random.Generator, out: Values, panel: _Panel, mask: np.ndarray,
                  rows: np.ndarray, test: int, has: np.ndarray, levels: np.ndarray,
                  effect: float) -> None:  # fmt: skip
    """Draw one measured test for the rows."""
    t = _lab_data.tests()
    group = panel.group[mask]
    mean = t.mean[test][group]
    if t.age_slope[test]:
        mean = mean + np.where(
            group < 2, t.age_slope[test] * np.maximum(panel.age_years[mask] - 40.0, 0.0), 0.0
        )
    shift, sick = _shifts(panel, mask, test, has, effect)
    mean = np.maximum(mean + shift, 1e-3)
    sd = t.sd[test][group]
    if t.condition[test] >= 0:
        sd = np.where(sick, sd + (t.condition_sd[test] - sd) * min(effect, 1.0), sd)
    z = normals(rng, rows.size)
    between = t.between[test]
    if between and t.factor[test] >= 0:
        z = (
            np.sqrt(1.0 - between) * z
            + np.sqrt(between) * levels[panel.member[mask], t.factor[test]]
        )
    if t.kind[test] == LOGNORMAL:
        sigma2 = np.log1p((sd / mean) ** 2)
        value = np.exp(np.log(mean) - sigma2 / 2 + np.sqrt(sigma2) * z)
    else:
        value = mean + sd * z
    _report(out, group, rows, test, value)


def _ordinal(rng: np.random.Generator, out: Values, panel: _Panel, mask: np.ndarray,
             rows: np.ndarray, test: int, has: np.ndarray, effect: float) -> None:  # fmt: skip
    """Draw one qualitative test: its normal answer, or an abnormal one by weight."""
    t = _lab_data.tests()
    shift, _ = _shifts(panel, mask, test, has, effect)
    chance = t.mean[test][panel.group[mask]] + shift
    abnormal = rng.random(rows.size) < chance
    which = t.abnormal_answers.draw(rng, np.full(rows.size, test, dtype=np.int64))
    out.answer[rows] = np.where(abnormal, which, t.normal_answer[test])
    out.flag[rows] = np.where(abnormal, ABNORMAL, NORMAL_FLAG)


def _derive(test: int, quantity: np.ndarray, panel: _Panel, mask: np.ndarray,
            first: np.ndarray, tests: np.ndarray) -> np.ndarray:  # fmt: skip
    """A computed test from the (rounded) values of the same reports' other tests."""
    t = _lab_data.tests()
    formula = _lab_data.DERIVED_FORMULAS[t.derived[test]]
    base = first[panel.reports[mask]]
    offset = {int(r): i for i, r in enumerate(tests)}

    def source(code: str) -> np.ndarray:
        return quantity[base + offset[t.row(code)]]

    if formula == "hematocrit":  # Hct % = Hgb / MCHC x 100
        return source("718-7") / source("786-4") * 100.0
    if formula == "red_cells":  # RBC 10*6/uL = Hct / MCV x 10
        return source("4544-3") / source("787-2") * 10.0
    if formula == "mch":  # MCH pg = MCV x MCHC / 100
        return source("787-2") * source("786-4") / 100.0
    if formula == "total_cholesterol":  # Friedewald: TC = LDL + HDL + TG / 5
        return source("13457-7") + source("2085-9") + np.rint(source("2571-8") / 5.0)
    if formula == "non_hdl_cholesterol":  # non-HDL = TC - HDL
        return source("2093-3") - source("2085-9")
    # CKD-EPI 2021 creatinine equation (race-free), adults
    return _egfr(source("2160-0"), panel.age_years[mask], panel.group[mask] == 0)


def _egfr(creatinine: np.ndarray, age: np.ndarray, female: np.ndarray) -> np.ndarray:
    """EGFR = 142 x min(Scr/k, 1)^a x max(Scr/k, 1)^-1.200 x 0.9938^age x 1.012 [female]."""
    kappa = np.where(female, 0.7, 0.9)
    alpha = np.where(female, -0.241, -0.302)
    ratio = creatinine / kappa
    return (
        142.0
        * np.minimum(ratio, 1.0) ** alpha
        * np.maximum(ratio, 1.0) ** -1.2
        * 0.9938 ** np.floor(age)
        * np.where(female, 1.012, 1.0)
    )
