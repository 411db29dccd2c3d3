"""Conditions: chronic conditions by sex and age band, clustered through a shared risk factor."""

from __future__ import annotations

import statistics

import attrs
import numpy as np
import pyarrow as pa

from .._internal import arrow, refdata, validation
from .._internal.groups import groups
from .._internal.rng import stream
from ..errors import InvalidArgumentError
from ..models import Condition, arrow_schema
from ._context import BlockContext
from .members import MemberBlock

__all__ = ["ConditionGenerator"]

_DAYS_PER_YEAR = 365.2425


def _scale(value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 10.0:
        raise InvalidArgumentError("prevalence_scale", value, "a number from 0 to 10")
    return float(value)


@attrs.frozen
class ConditionGenerator:
    """Chronic conditions assigned with CDC prevalence by sex and age band.

    Each member draws every condition independently given a shared latent health-risk factor
    (a Gaussian copula), so marginal prevalences match the table while comorbidities such as
    diabetes, hypertension and obesity cluster as they do in practice.

    Args:
        prevalence_scale: Multiplies every prevalence (capped at 1); 0 gives nobody any condition.
        correlation: Loading of the shared risk factor, 0 (independent) to 0.9.
    """

    prevalence_scale: float = attrs.field(default=1.0, converter=_scale)
    correlation: float = attrs.field(default=0.5, validator=validation.share_field("correlation"))

    def __attrs_post_init__(self) -> None:
        if self.correlation > 0.9:
            raise InvalidArgumentError("correlation", self.correlation, "a number from 0 to 0.9")

    def thresholds(self) -> np.ndarray:
        """Standard-normal cut-offs per (condition, sex, band): P(latent > cut) = prevalence."""
        p = np.clip(refdata.conditions().prevalence * self.prevalence_scale, 0.0, 1.0)
        normal = statistics.NormalDist()
        flat = [
            np.inf if v <= 0 else -np.inf if v >= 1 else normal.inv_cdf(1.0 - v) for v in p.ravel()
        ]
        return np.array(flat).reshape(p.shape)

    def block(self, ctx: BlockContext, members: MemberBlock) -> pa.Table:
        """The chronic conditions of the members of one block."""
        rng = stream(ctx.seed, "conditions", ctx.block)
        table = refdata.conditions()
        icd = refdata.icd10cm()
        n = members.birth_date.size
        age = members.households.age
        sex = (~members.female).astype(np.int64)  # 0 = F, 1 = M, as in the prevalence table
        band = np.searchsorted(refdata.AGE_BANDS, age, side="right") - 1
        cut = self.thresholds()[:, sex, band]  # (conditions, members)
        rho = self.correlation
        latent = rho * rng.standard_normal(n) + np.sqrt(1 - rho * rho) * rng.standard_normal(
            cut.shape
        )
        # The transpose is (members, conditions): nonzero walks members first, so rows come out
        # grouped by member with conditions in table order.
        member, condition = np.nonzero((latent > cut).T)

        code = np.empty(member.size, dtype=np.int64)
        for k, rows in groups(condition):
            code[rows] = table.code_rows[k][table.code_samplers[k].draw(rng, rows.size)]

        # Onset: uniformly within the last min(age, 15) years, never before birth.
        years_back = rng.random(member.size) * np.minimum(age[member], 15)
        onset = np.datetime64(ctx.as_of, "D") - (years_back * _DAYS_PER_YEAR).astype(
            "timedelta64[D]"
        )
        onset = np.maximum(onset, members.birth_date[member])

        member_id = members.table["member_id"].combine_chunks()
        ids = arrow.take(member_id, member)
        columns = {
            "condition_id": arrow.fixed(
                member.size, arrow.chars(ids, 10), "-C", arrow.digit_chars(condition, 2)
            ),
            "member_id": ids,
            "condition": arrow.codes(table.keys, condition),
            "code": arrow.take(icd.codes, code),
            "display": arrow.take(icd.titles, code),
            "category": arrow.codes(("chronic",), np.zeros(member.size, dtype=np.int64)),
            "onset_date": arrow.dates(onset),
        }
        return pa.table(columns, schema=arrow_schema(Condition))
