"""Coverages: enrollment spans with continuous members, terminations, plan changes and gaps."""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, refdata, validation
from .._internal.dates import month_of
from .._internal.rng import stream
from .._internal.sorting import stable_order
from ..errors import InvalidArgumentError
from ..models import Coverage, arrow_schema
from . import _households
from ._context import BlockContext
from ._lookup import LINES_OF_BUSINESS, MEDICAID, MEDICARE
from .members import MemberBlock
from .payers import PlanCatalog

__all__ = ["CoverageBlock", "CoverageGenerator"]

CONTINUOUS, TERMINATED, PLAN_CHANGE, GAP = range(4)
_REASONS = ("voluntary", "non_payment", "loss_of_eligibility", "plan_change")


@attrs.frozen
class CoverageBlock:
    """The ``coverages`` rows of one block and each household's current plan."""

    table: pa.Table | None  # None when only the current plans were asked for
    current_plan_row: np.ndarray  # per household


@attrs.frozen
class CoverageGenerator:
    """Enrollment spans relative to ``as_of``.

    Args:
        history_years: How far before ``as_of`` coverage may start (1-30 years).
        terminated_share: Share of households whose coverage ended before ``as_of``.
        plan_change_share: Share that switched to another plan of the same payer.
        gap_share: Share with a gap of 1-6 months between two spans.
    """

    history_years: int = attrs.field(
        default=5, validator=validation.integer_field("history_years", 1, 30)
    )
    terminated_share: float = attrs.field(
        default=0.08, validator=validation.share_field("terminated_share")
    )
    plan_change_share: float = attrs.field(
        default=0.08, validator=validation.share_field("plan_change_share")
    )
    gap_share: float = attrs.field(default=0.06, validator=validation.share_field("gap_share"))

    def __attrs_post_init__(self) -> None:
        total = self.terminated_share + self.plan_change_share + self.gap_share
        if total > 1.0:
            raise InvalidArgumentError(
                "terminated_share + plan_change_share + gap_share", round(total, 6), "at most 1"
            )

    def block(
        self,
        ctx: BlockContext,
        members: MemberBlock,
        *,
        rows: bool = True,
        product_types: tuple[str, ...] | None = None,
    ) -> CoverageBlock:
        """Generate the coverage spans of the members of one block.

        With ``rows=False`` only each household's current plan is worked out (what the
        ``members`` table needs); the draws are the same either way.
        """
        rng = stream(ctx.seed, "coverages", ctx.block)
        ref = ctx.reference
        hh = members.households
        k = hh.count
        member_hh = hh.household
        lob = hh.lob
        birth = members.birth_date
        as_of_m = np.datetime64(ctx.as_of, "M")

        # Earliest month the subscriber could enrol: 18th (65th for Medicare) birthday month.
        sub_birth = birth[hh.start]
        sub_age = hh.age[hh.start]
        elig_years = np.where(lob == MEDICARE, 65, np.where(sub_age < 18, 0, 18))
        elig_m = month_of(sub_birth) + elig_years.astype("timedelta64[Y]").astype("timedelta64[M]")
        elig_m = np.minimum(
            elig_m + np.where(elig_years > 0, 1, 0).astype("timedelta64[M]"), as_of_m
        )
        months_back = rng.integers(0, self.history_years * 12 + 1, k).astype("timedelta64[M]")
        start_m = np.minimum(np.maximum(as_of_m - months_back, elig_m), as_of_m)
        youngest_m = month_of(
            np.maximum.reduceat(birth.astype(np.int64), hh.start).astype("datetime64[D]")
        )

        cum = refdata.cumulative(np.array([
            max(0.0, 1 - self.terminated_share - self.plan_change_share - self.gap_share) + 1e-12,
            self.terminated_share, self.plan_change_share, self.gap_share,
        ]))  # fmt: skip
        scenario = refdata.sample(rng, cum, k)
        u = rng.random(k)
        one = np.timedelta64(1, "M")

        end1_m = np.full(k, np.datetime64("NaT", "M"))
        start2_m = np.full(k, np.datetime64("NaT", "M"))
        # Terminated: last month between the later of start and the youngest birth, and last month.
        lo = np.maximum(start_m, youngest_m)
        ok = (scenario == TERMINATED) & (lo <= as_of_m - one)
        end1_m[ok] = lo[ok] + np.floor(
            u[ok] * ((as_of_m - one - lo[ok]).astype(np.int64) + 1)
        ).astype("timedelta64[M]")
        # Plan change: new plan from month c in (start, as_of].
        new_plan = np.full(k, -1, dtype=np.int64)
        switching = np.flatnonzero(scenario == PLAN_CHANGE)
        plan_now = members.plan_row[switching]
        new_plan[switching] = _other_plan(
            rng, ref.catalog, lob[switching], ref.plan_payer[plan_now], plan_now, product_types
        )
        ok_change = (scenario == PLAN_CHANGE) & (start_m + one <= as_of_m) & (new_plan >= 0)
        change = (
            start_m
            + one
            + np.floor(u * ((as_of_m - start_m - one).astype(np.int64) + 1)).astype(
                "timedelta64[M]"
            )
        )
        start2_m[ok_change] = change[ok_change]
        end1_m[ok_change] = change[ok_change] - one
        # Gap: first span ends in [start, as_of - 2], the second starts 1-6 months later.
        ok_gap = (scenario == GAP) & (start_m <= as_of_m - 2 * one)
        gap_end = start_m + np.floor(
            u * ((as_of_m - 2 * one - start_m).astype(np.int64) + 1)
        ).astype("timedelta64[M]")
        room = np.maximum((as_of_m - gap_end).astype(np.int64) - 1, 1)
        gap = 1 + np.floor(rng.random(k) * np.minimum(room, 6)).astype(np.int64)
        end1_m[ok_gap] = gap_end[ok_gap]
        start2_m[ok_gap] = gap_end[ok_gap] + 1 + gap[ok_gap].astype("timedelta64[M]")

        current_plan = np.where(ok_change, new_plan, members.plan_row)
        reason1 = np.full(k, -1)
        reason_draw = rng.random(k)
        medicaid = lob == MEDICAID
        ended = ok | ok_gap
        reason1[ended] = np.where(
            medicaid[ended],
            np.where(reason_draw[ended] < 0.7, 2, 0),
            np.where(reason_draw[ended] < 0.6, 0, np.where(reason_draw[ended] < 0.85, 1, 2)),
        )
        reason1[ok_change] = 3
        if not rows:
            return CoverageBlock(None, current_plan)

        # Member spans: never before birth; a span ending before birth is dropped.
        start1 = np.maximum(start_m.astype("datetime64[D]")[member_hh], birth)
        end1 = ((end1_m + one).astype("datetime64[D]") - np.timedelta64(1, "D"))[member_hh]
        keep1 = np.isnat(end1) | (end1 >= start1)
        has2 = ~np.isnat(start2_m)[member_hh]
        start2 = np.maximum(start2_m.astype("datetime64[D]")[member_hh], birth)

        level = _coverage_level(hh, lob)
        pcp_rng = stream(ctx.seed, "coverages.pcp", ctx.block)
        zips = refdata.zip_codes()
        # PCPs only for members whose plans need one (either span), near where they live.
        pcp_plan = ref.plan_requires_pcp[members.plan_row] | ref.plan_requires_pcp[current_plan]
        wants = np.flatnonzero(pcp_plan[member_hh])
        pcp = np.zeros(member_hh.size, dtype=np.int64)
        pcp[wants] = ref.roles.primary_care(
            pcp_rng, zips.state_codes[members.zip_index[wants]], hh.age[wants] < 18
        )

        rows_member = np.concatenate([np.flatnonzero(keep1), np.flatnonzero(has2)])
        span = np.concatenate([np.ones(int(keep1.sum()), np.int64), np.full(int(has2.sum()), 2)])
        order = stable_order(rows_member, span)
        m, span = rows_member[order], span[order]
        second = span == 2
        h = member_hh[m]
        plan = np.where(second, current_plan[h], members.plan_row[h])
        number = np.where(second & keep1[m], 2, 1)
        starts = np.where(second, start2[m], start1[m])
        ends = np.where(second, np.datetime64("NaT", "D"), end1[m])
        reason = np.where(second, -1, reason1[h])
        sponsor = members.sponsor_row[h]
        member_table = members.table
        member_id = arrow.take(member_table["member_id"].combine_chunks(), m)
        has_sponsor = sponsor >= 0
        safe_sponsor = np.where(has_sponsor, sponsor, 0)
        needs_pcp = ref.plan_requires_pcp[plan]
        columns = {
            "coverage_id": arrow.fixed(
                m.size, arrow.chars(member_id, 10), "-", arrow.digit_chars(number, 1)
            ),
            "member_id": member_id,
            "subscriber_member_id": arrow.take(
                member_table["subscriber_member_id"].combine_chunks(), m
            ),
            "payer_id": arrow.take(ref.payer_ids, ref.plan_payer[plan]),
            "plan_id": arrow.take(ref.plan_ids, plan),
            "line_of_business": arrow.take(pa.array(LINES_OF_BUSINESS), lob[h]),
            "coverage_level": arrow.take(pa.array(("EMP", "ESP", "ECH", "FAM", "IND")), level[h]),
            "relationship_code": arrow.take(member_table["relationship_code"].combine_chunks(), m),
            "effective_date": arrow.dates(starts),
            "sponsor_id": arrow.choose(
                has_sponsor, arrow.take(ref.sponsor_ids, safe_sponsor), None
            ),
            "group_number": arrow.choose(
                has_sponsor, arrow.take(ref.sponsor_group_numbers, safe_sponsor), None
            ),
            "termination_date": arrow.dates(ends, mask=np.isnat(ends)),
            "termination_reason": arrow.choose(
                reason >= 0, arrow.take(pa.array(_REASONS), np.maximum(reason, 0)), None
            ),
            "pcp_provider_id": arrow.choose(needs_pcp, arrow.take(ref.provider_ids, pcp[m]), None),
        }
        return CoverageBlock(pa.table(columns, schema=arrow_schema(Coverage)), current_plan)


def _coverage_level(hh: _households.Households, lob: np.ndarray) -> np.ndarray:
    """Per household: 0 EMP, 1 ESP, 2 ECH, 3 FAM, 4 IND (single, outside employer groups)."""
    spouse = np.bincount(hh.household[hh.role == _households.ROLE_SPOUSE], minlength=hh.count) > 0
    children = np.bincount(hh.household[hh.role == _households.ROLE_CHILD], minlength=hh.count) > 0
    level = np.where(spouse & children, 3, np.where(spouse, 1, np.where(children, 2, 0)))
    return np.where((level == 0) & (lob != 0), 4, level)


def _other_plan(rng: np.random.Generator, catalog: PlanCatalog, lob: np.ndarray, payer: np.ndarray,
                plan: np.ndarray, types: tuple[str, ...] | None = None) -> np.ndarray:  # fmt: skip
    """Another plan of the same payer and line of business (of ``types``), or -1 if none."""
    out = np.full(lob.size, -1, dtype=np.int64)
    for code in np.unique(lob):
        rows = np.flatnonzero(lob == code)
        table = catalog.plan_row[int(code)][payer[rows]]
        if types is not None:  # a product-type cohort stays inside its types
            table = table[:, np.isin(catalog.product_type[int(code)], types)]
        products = table.shape[1]
        if products < 2:
            continue
        current = np.argmax(table == plan[rows][:, None], axis=1)
        shift = 1 + rng.integers(0, products - 1, rows.size)
        out[rows] = table[np.arange(rows.size), (current + shift) % products]
    return out


def member_spans(coverages: pa.Table, member_ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """First and last ``coverages`` row of each member (rows are member-major, block order).

    Every member has at least one span. Positions come from runs of equal ``member_id``,
    checked against ``member_ids``; other layouts fall back to a hash lookup.
    """
    ids = coverages["member_id"].combine_chunks()
    n = len(member_ids)
    if len(ids):
        change = np.ones(len(ids), dtype=bool)
        change[1:] = pc.not_equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)
        heads = np.flatnonzero(change)
        if heads.size == n and ids.take(pa.array(heads)).equals(member_ids):
            last = np.concatenate([heads[1:], [len(ids)]]) - 1
            return heads, last
    owner = pc.index_in(ids, value_set=member_ids).to_numpy(zero_copy_only=False)
    return (np.searchsorted(owner, np.arange(n), side="left"),
            np.searchsorted(owner, np.arange(n), side="right") - 1)  # fmt: skip
