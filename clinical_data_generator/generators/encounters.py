"""Encounters: visits and stays by setting, and the acute problems they diagnose.

Visit counts are Poisson per member and setting, with rates per person-year by age band
(``data/encounter_rates.csv``), raised for women of child-bearing age and by each chronic
condition, over the part of the history window the member was alive. A visit is either a
follow-up of one of the member's chronic conditions or an acute problem that fits the setting,
age and sex; acute problems become ``conditions`` rows of category encounter-diagnosis.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, encounter_data, refdata, validation
from .._internal.dates import age_on
from .._internal.rng import stream
from .._internal.sorting import run_ranks, stable_order
from ..errors import InvalidArgumentError
from ..models import Condition, Encounter, arrow_schema
from ._context import BlockContext
from .conditions import ConditionBlock
from .members import MemberBlock

__all__ = ["EncounterBlock", "EncounterGenerator", "VaccinationVisits"]

_DAYS_PER_YEAR = 365.2425
_MAX_PER_MEMBER = 999  # three-digit sequence in encounter_id
# Which acute-problem setting each encounter class draws from (see acute_problems.csv).
_PROBLEM_SETTING = {
    "office": "office", "telehealth": "telehealth", "urgent_care": "urgent_care",
    "emergency": "emergency", "outpatient": "office", "inpatient": "inpatient", "lab": "lab",
    "vaccination": "office",
}  # fmt: skip
_VACCINATION_REASON = "Z23"  # Encounter for immunization
_FOLLOW_UP_CLASSES = ("office", "telehealth", "lab")


@attrs.frozen
class EncounterBlock:
    """The ``encounters`` rows of one block and the acute ``conditions`` rows they diagnosed.

    The arrays give, per encounter, the member's position in the block, provider rows (-1 for
    none) and the row of ``coverages`` active on the start date (-1 when uninsured).
    """

    table: pa.Table
    acute: pa.Table
    member: np.ndarray
    class_code: np.ndarray  # position in ``classes``
    classes: tuple[str, ...]  # the encounter class names
    reason_row: np.ndarray  # row of icd10cm of ``reason_code``
    rendering: np.ndarray
    billing: np.ndarray
    facility: np.ndarray
    coverage: np.ndarray

    def of_class(self, *names: str) -> np.ndarray:
        """Per encounter: whether its class is one of ``names``."""
        return of_class(self.class_code, self.classes, *names)


@attrs.frozen
class EncounterGenerator:
    """Visits and stays over the ``history_years`` before ``as_of``.

    Args:
        history_years: Length of the history window before ``as_of`` (1-10 years).
        visit_scale: Multiplies every visit rate (0-10); 0 gives no encounters.
        follow_up_share: Share of office, telehealth and lab visits of members with chronic
            conditions that follow up one of them (0-1); the rest are acute problems.
    """

    history_years: int = attrs.field(
        default=1, validator=validation.integer_field("history_years", 1, 10)
    )
    visit_scale: float = attrs.field(default=1.0)
    follow_up_share: float = attrs.field(
        default=0.5, validator=validation.share_field("follow_up_share")
    )

    def __attrs_post_init__(self) -> None:
        value = self.visit_scale
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 10:
            raise InvalidArgumentError("visit_scale", value, "a number from 0 to 10")

    def window_start(self, as_of: dt.date) -> np.datetime64:
        """First day of the history window."""
        try:
            start = as_of.replace(year=as_of.year - self.history_years)
        except ValueError:  # Feb 29 in a common year
            start = as_of.replace(year=as_of.year - self.history_years, day=28)
        return np.datetime64(start, "D")

    def block(
        self,
        ctx: BlockContext,
        members: MemberBlock,
        coverages: pa.Table,
        chronic: ConditionBlock,
        vaccinations: VaccinationVisits | None = None,
    ) -> EncounterBlock:
        """Generate the encounters of the members of one block.

        ``vaccinations`` adds a visit of class ``vaccination`` per member and day a vaccine was
        given (reason Z23), rendered by the vaccinator.
        """
        rng = stream(ctx.seed, "encounters", ctx.block)
        rates = encounter_data.encounter_rates()
        n = members.birth_date.size
        as_of = np.datetime64(ctx.as_of, "D")
        age = members.households.age
        female = members.female

        # Expected visits per class: rate x exposure x (1 + factor x chronic count).
        exposure_start = np.maximum(self.window_start(ctx.as_of), members.birth_date)
        exposure_days = (as_of - exposure_start).astype(np.int64)
        band = np.searchsorted(encounter_data.RATE_BANDS, age, side="right") - 1
        chronic_count = np.bincount(chronic.member, minlength=n)
        lam = rates.rate[:, band].T * (exposure_days / _DAYS_PER_YEAR)[:, None]
        lam *= np.where((female & (band == 2))[:, None], rates.female_18_44, 1.0)
        lam *= 1.0 + rates.chronic * chronic_count[:, None]
        counts = rng.poisson(lam * self.visit_scale)

        # One row per visit, member-major and in date order.
        classes = len(rates.classes)
        flat = np.repeat(np.arange(n * classes), counts.ravel())
        member, cls = flat // classes, flat % classes
        start = exposure_start[member] + (rng.random(member.size) * exposure_days[member]).astype(
            "timedelta64[D]"
        )
        inpatient = cls == rates.classes.index("inpatient")
        stay = np.where(inpatient, 1 + rng.poisson(3.4, member.size), 0).astype(np.int64)
        # Stays end before as_of: move late admissions back (never before the window or birth).
        latest = as_of - np.timedelta64(1, "D") - stay.astype("timedelta64[D]")
        start = np.where(
            inpatient, np.maximum(np.minimum(start, latest), exposure_start[member]), start
        )
        stay = np.where(
            inpatient,
            np.minimum(stay, (as_of - np.timedelta64(1, "D") - start).astype(np.int64)),
            0,
        )
        # Vaccination visits come from the immunizations given inside the window.
        vaccinator = np.full(member.size, -1, np.int64)
        if vaccinations is not None:
            member = np.concatenate([member, vaccinations.member])
            cls = np.concatenate([cls, np.full(vaccinations.member.size, classes)])
            start = np.concatenate([start, vaccinations.day.astype("datetime64[D]")])
            stay = np.concatenate([stay, np.zeros(vaccinations.member.size, np.int64)])
            inpatient = np.concatenate([inpatient, np.zeros(vaccinations.member.size, bool)])
            vaccinator = np.concatenate([vaccinator, vaccinations.provider])
        order = stable_order(member, start, cls)
        member, cls, start, stay = member[order], cls[order], start[order], stay[order]
        vaccinator = vaccinator[order]
        # Nobody visits an office while admitted: drop other visits after an admission day and
        # up to its discharge. A running maximum of (member, discharge day) keys finds, for each
        # row, the latest discharge among the member's earlier rows.
        day = (start - as_of).astype(np.int64)  # <= 0
        span = 1 << 20  # more days than any window; keeps members apart in the running maximum
        discharge = np.where(inpatient[order], day + stay, -span // 2)
        last_discharge = np.maximum.accumulate(member * span + discharge) - member * span
        previous = np.concatenate([[-span // 2], last_discharge[:-1]])
        same_member = np.concatenate([[False], member[1:] == member[:-1]])
        # (Vaccines given in hospital keep their visit: the immunization links to it.)
        during_stay = same_member & (previous >= day) & ~inpatient[order] & (cls < classes)
        member, cls, start, stay, vaccinator = (
            a[~during_stay] for a in (member, cls, start, stay, vaccinator)
        )
        sequence = run_ranks(member) + 1
        keep = sequence <= _MAX_PER_MEMBER
        member, cls, start, stay, sequence, vaccinator = (
            a[keep] for a in (member, cls, start, stay, sequence, vaccinator)
        )
        rows = member.size
        end = start + stay.astype("timedelta64[D]")

        member_ids = members.table["member_id"].combine_chunks()
        ids = arrow.take(member_ids, member)
        encounter_id = arrow.fixed(rows, arrow.chars(ids, 10), "-E", arrow.digit_chars(sequence, 3))
        all_classes = (*rates.classes, "vaccination")

        providers = _providers(
            stream(ctx.seed, "encounters.providers", ctx.block), ctx, members, member, cls,
            all_classes,
        )  # fmt: skip
        # The vaccinator gives the shot and bills through their organisation.
        vaccination = vaccinator >= 0
        providers.rendering[vaccination] = vaccinator[vaccination]
        providers.billing[vaccination] = ctx.reference.provider_org[vaccinator[vaccination]]
        coverage = _coverage_rows(coverages, member_ids, member, start)
        reason, acute = self._reasons(stream(ctx.seed, "encounters.reasons", ctx.block), ctx, members,
                                      chronic, member, cls, all_classes, start, encounter_id)  # fmt: skip

        icd = refdata.icd10cm()
        ref = ctx.reference
        inpatient = of_class(cls, all_classes, "inpatient")
        ub = stream(ctx.seed, "encounters.ub04", ctx.block)
        columns = {
            "encounter_id": encounter_id,
            "member_id": ids,
            "encounter_class": arrow.codes(all_classes, cls),
            "start_date": arrow.dates(start),
            "end_date": arrow.dates(end),
            "place_of_service": arrow.codes((*rates.place_of_service, "11"), cls),
            "reason_code": arrow.take(icd.codes, reason.code_row),
            "reason_display": arrow.take(icd.titles, reason.code_row),
            "billing_provider_id": arrow.take(ref.provider_ids, providers.billing),
            "reason_condition_id": reason.condition_id,
            "rendering_provider_id": arrow.optional(ref.provider_ids, providers.rendering),
            "facility_provider_id": arrow.optional(ref.provider_ids, providers.facility),
            "coverage_id": arrow.optional(coverages["coverage_id"].combine_chunks(), coverage),
            "admission_type": _ub04(ub, "admission_types.csv", inpatient),
            "admission_source": _ub04(ub, "admission_sources.csv", inpatient),
            "discharge_status": _ub04(ub, "discharge_status.csv", inpatient),
        }
        return EncounterBlock(
            pa.table(columns, schema=arrow_schema(Encounter)),
            acute,
            member,
            cls,
            all_classes,
            reason.code_row,
            providers.rendering,
            providers.billing,
            providers.facility,
            coverage,
        )

    def _reasons(
        self,
        rng: np.random.Generator,
        ctx: BlockContext,
        members: MemberBlock,
        chronic: ConditionBlock,
        member: np.ndarray,
        cls: np.ndarray,
        classes: tuple[str, ...],
        start: np.ndarray,
        encounter_id: pa.Array,
    ) -> tuple[_Reasons, pa.Table]:
        """Primary diagnosis per encounter, and the acute conditions rows."""
        rows = member.size
        n = members.birth_date.size
        # The member's chronic conditions are consecutive rows of ``chronic`` (member-major).
        first = np.searchsorted(chronic.member, np.arange(n), side="left")
        count = np.bincount(chronic.member, minlength=n)
        vaccination = of_class(cls, classes, "vaccination")
        follow_up = (
            of_class(cls, classes, *_FOLLOW_UP_CLASSES)
            & (count[member] > 0)
            & (rng.random(rows) < self.follow_up_share)
        )
        pick = first[member] + (rng.random(rows) * count[member]).astype(np.int64)
        pick = np.where(follow_up, pick, 0)
        # A follow-up needs the condition to have begun by then; otherwise the visit is acute.
        if chronic.member.size:
            onset = chronic.table["onset_date"].to_numpy().astype("datetime64[D]")
            follow_up &= onset[pick] <= start

        age = age_on(members.birth_date[member], start)
        setting_of = [encounter_data.SETTINGS.index(_PROBLEM_SETTING[c]) for c in classes]
        setting = np.array(setting_of, dtype=np.int64)[cls]
        group = encounter_data.problem_group(setting, members.female[member], age)
        acute_code = encounter_data.acute_problems().draw(rng, group)
        code_row = np.where(
            follow_up, chronic.code_row[pick] if chronic.code_row.size else 0, acute_code
        )
        code_row = np.where(vaccination, _vaccination_code_row(), code_row)

        acute = ~follow_up & ~vaccination
        acute_rows = np.flatnonzero(acute)
        acute_ids = arrow.take(encounter_id, acute_rows)
        acute_condition_id = arrow.join(acute_ids, "-D")
        chronic_ids = chronic.table["condition_id"].combine_chunks()
        condition_id = pc.if_else(
            pa.array(follow_up),
            arrow.take(chronic_ids, pick) if len(chronic_ids) else pa.nulls(rows, pa.string()),
            arrow.scatter(acute, acute_condition_id),
        )
        icd = refdata.icd10cm()
        onset = start[acute_rows]
        resolved = onset + rng.integers(7, 31, acute_rows.size).astype("timedelta64[D]")
        acute = pa.table(
            {
                "condition_id": acute_condition_id,
                "member_id": arrow.take(
                    members.table["member_id"].combine_chunks(), member[acute_rows]
                ),
                "condition": arrow.codes(("acute",), np.zeros(acute_rows.size, dtype=np.int64)),
                "code": arrow.take(icd.codes, code_row[acute_rows]),
                "display": arrow.take(icd.titles, code_row[acute_rows]),
                "category": arrow.codes(
                    ("encounter-diagnosis",), np.zeros(acute_rows.size, dtype=np.int64)
                ),
                "onset_date": arrow.dates(onset),
                "encounter_id": acute_ids,
                "abatement_date": arrow.dates(resolved),
            },
            schema=arrow_schema(Condition),
        )
        return _Reasons(code_row, condition_id), acute


@functools.cache
def _vaccination_code_row() -> int:
    codes = refdata.icd10cm().codes.to_pylist()
    return codes.index(_VACCINATION_REASON)


@attrs.frozen
class VaccinationVisits:
    """Immunization visits to add: member position, day and vaccinator (provider row)."""

    member: np.ndarray
    day: np.ndarray
    provider: np.ndarray


@attrs.frozen
class _Reasons:
    code_row: np.ndarray
    condition_id: pa.Array


@attrs.frozen
class _Providers:
    rendering: np.ndarray  # provider rows, -1 for none
    billing: np.ndarray
    facility: np.ndarray


def _providers(
    rng: np.random.Generator,
    ctx: BlockContext,
    members: MemberBlock,
    member: np.ndarray,
    cls: np.ndarray,
    classes: tuple[str, ...],
) -> _Providers:
    """Rendering, billing and facility providers per encounter, in the member's state."""
    roles = ctx.reference.roles
    state = refdata.zip_codes().state_codes[members.zip_index[member]]
    child = members.households.age[member] < 18
    rows = member.size
    rendering = np.full(rows, -1, dtype=np.int64)
    facility = np.full(rows, -1, dtype=np.int64)

    office = np.flatnonzero(
        of_class(cls, classes, "office", "telehealth", "urgent_care", "inpatient")
    )
    rendering[office] = roles.primary_care(rng, state[office], child[office])
    # About 40% of adult (15% of child) office visits are with a specialist.
    specialist = np.flatnonzero(
        of_class(cls, classes, "office") & (rng.random(rows) < np.where(child, 0.15, 0.40))
    )
    rendering[specialist] = roles.specialists[
        rng.integers(0, roles.specialists.size, specialist.size)
    ]
    outpatient = np.flatnonzero(of_class(cls, classes, "outpatient"))
    rendering[outpatient] = roles.specialists[
        rng.integers(0, roles.specialists.size, outpatient.size)
    ]
    emergency = np.flatnonzero(of_class(cls, classes, "emergency"))
    rendering[emergency] = roles.pick(rng, "emergency", state[emergency])
    for role, names in (("urgent_care", ("urgent_care",)), ("hospital", ("emergency", "outpatient", "inpatient")),
                        ("laboratory", ("lab",))):  # fmt: skip
        where = np.flatnonzero(of_class(cls, classes, *names))
        facility[where] = roles.pick(rng, role, state[where])
    # Facilities bill their encounters; practitioners bill through their organisation.
    billing = np.where(
        facility >= 0, facility, ctx.reference.provider_org[np.maximum(rendering, 0)]
    )
    return _Providers(rendering, billing, facility)


def of_class(codes: np.ndarray, classes: Sequence[str], *names: str) -> np.ndarray:
    """Whether each class code (a position in ``classes``) names one of ``names``."""
    wanted = [classes.index(name) for name in names]
    if len(wanted) == 1:
        return np.asarray(codes == wanted[0])
    return np.isin(codes, wanted)


def _coverage_rows(
    coverages: pa.Table, member_ids: pa.Array, member: np.ndarray, start: np.ndarray
) -> np.ndarray:
    """Row of ``coverages`` active on each encounter's start date, or -1."""
    from .coverages import member_spans

    effective = coverages["effective_date"].to_numpy().astype("datetime64[D]")
    open_end = pa.scalar(dt.date(9999, 12, 31), pa.date32())
    ends = coverages["termination_date"].fill_null(open_end).to_numpy().astype("datetime64[D]")
    # Each member has one or two spans, in date order: their first and last rows.
    first, last = member_spans(coverages, member_ids)
    out = np.full(member.size, -1, dtype=np.int64)
    for rows_of in (first, last):
        r = rows_of[member]
        inside = (effective[r] <= start) & (start <= ends[r])
        out = np.where(inside, r, out)
    return out


def _ub04(rng: np.random.Generator, name: str, where: np.ndarray) -> pa.Array:
    table = encounter_data.ub04(name)
    return arrow.scatter(where, table.draw(rng, int(where.sum())))
