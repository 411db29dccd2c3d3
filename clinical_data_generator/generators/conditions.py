"""Conditions: chronic conditions by sex and age band, clustered through a shared risk factor."""

from __future__ import annotations

import functools
import math
import statistics

import attrs
import numpy as np
import pyarrow as pa

from .._internal import arrow, refdata, validation
from .._internal.rng import stream
from ..errors import InvalidArgumentError
from ..models import Condition, arrow_schema
from ._context import BlockContext
from .members import MemberBlock

__all__ = ["ConditionBlock", "ConditionGenerator"]


_DAYS_PER_YEAR = 365.2425
_LEVELS = 32  # equiprobable levels of the shared risk factor
_SUBSTEPS = 16  # points averaged within each level


@functools.lru_cache(maxsize=8)
def _probabilities(scale: float, correlation: float) -> np.ndarray:
    """P(condition | risk level) per (level, sex, band, condition) for a Gaussian copula.

    A member's latent score for condition k is ``rho * z + sqrt(1 - rho**2) * e_k`` and the
    member has k when it exceeds the cut-off ``c_k`` with ``P(score > c_k) = p_k``. Given the
    shared factor ``z``, that is ``Phi((rho * z - c_k) / sqrt(1 - rho**2))``. ``z`` is split
    into equiprobable levels and the probability averaged within each, so the marginal
    prevalence stays ``p_k`` while only uniform draws are needed per member and condition.
    """
    normal = statistics.NormalDist()
    p = np.clip(refdata.conditions().prevalence * scale, 0.0, 1.0)  # (conditions, sexes, bands)
    spread = math.sqrt(1.0 - correlation * correlation)
    quantiles = (np.arange(_LEVELS * _SUBSTEPS) + 0.5) / (_LEVELS * _SUBSTEPS)
    z = np.array([normal.inv_cdf(q) for q in quantiles]).reshape(_LEVELS, _SUBSTEPS)
    out = np.empty((_LEVELS, *p.shape[1:], p.shape[0]), dtype=np.float32)
    for index in np.ndindex(p.shape):
        k, sex, band = index
        value = p[index]
        if value <= 0.0 or value >= 1.0:
            out[:, sex, band, k] = value
            continue
        cut = normal.inv_cdf(1.0 - float(value))
        given = [[normal.cdf((correlation * zz - cut) / spread) for zz in row] for row in z]
        out[:, sex, band, k] = np.mean(given, axis=1)
    return out


def _scale(value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 10.0:
        raise InvalidArgumentError("prevalence_scale", value, "a number from 0 to 10")
    return float(value)


@attrs.frozen
class ConditionBlock:
    """The chronic ``conditions`` rows of one block, with member positions and code rows."""

    table: pa.Table
    member: np.ndarray  # position of each row's member in the block (member-major order)
    code_row: np.ndarray  # row of icd10cm


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

    def block(
        self, ctx: BlockContext, members: MemberBlock, required: tuple[str, ...] | None = None
    ) -> ConditionBlock:
        """The chronic conditions of the members of one block.

        ``required`` (a condition cohort) gives every member those conditions, with the shared
        risk level drawn given that they have them, so their comorbidities cluster as well.
        """
        rng = stream(ctx.seed, "conditions", ctx.block)
        table = refdata.conditions()
        icd = refdata.icd10cm()
        n = members.birth_date.size
        age = members.households.age
        sex = (~members.female).astype(np.int64)  # 0 = F, 1 = M, as in the prevalence table
        band = np.searchsorted(refdata.AGE_BANDS, age, side="right") - 1
        table_p = _probabilities(self.prevalence_scale, self.correlation)
        if required:
            # P(level | has the required conditions) is proportional to P(them | level).
            wanted = [table.keys.index(name) for name in required]
            weight = table_p[:, sex, band][:, :, wanted].prod(axis=2).T.astype(np.float64)
            weight[weight.sum(axis=1) == 0] = 1.0
            cum = np.cumsum(weight, axis=1)
            u = rng.random(n) * cum[:, -1]
            level = np.minimum((cum < u[:, None]).sum(axis=1), _LEVELS - 1)
        else:
            level = rng.integers(0, _LEVELS, n)  # the member's shared health-risk level
        chance = table_p[level, sex, band]
        if required:
            chance[:, [table.keys.index(name) for name in required]] = 1.0
        # (members, conditions) layout: nonzero walks members first, conditions in table order.
        member, condition = np.nonzero(rng.random(chance.shape, dtype=np.float32) < chance)
        code = table.codes.draw(rng, condition)

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
            "encounter_id": pa.nulls(member.size, pa.string()),
            "abatement_date": pa.nulls(member.size, pa.date32()),
        }
        return ConditionBlock(pa.table(columns, schema=arrow_schema(Condition)), member, code)
