"""Members: subscribers and dependents of one block, fully vectorised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, identifiers, refdata
from .._internal.rng import seeded_bijection, stream
from ..errors import InvalidArgumentError
from ..models import Member, arrow_schema
from . import _households, _places
from ._context import BlockContext
from ._lookup import COMMERCIAL, LINES_OF_BUSINESS, MEDICARE

__all__ = ["MemberBlock", "MemberGenerator"]

# Race of people of Hispanic ethnicity (Census 2010 shares, rounded): White, Other, Black, AIAN, Asian.
_HISPANIC_RACE = (("2106-3", 0.55), ("2131-1", 0.36), ("2054-5", 0.05), ("1002-5", 0.025), ("2028-9", 0.015))
# Two-race combinations for the "two or more races" group.
_TWO_RACES = ((("2106-3", "2054-5"), 0.30), (("2106-3", "2028-9"), 0.25), (("2106-3", "1002-5"), 0.25),
              (("2054-5", "1002-5"), 0.10), (("2106-3", "2076-8"), 0.10))  # fmt: skip
_SINGLE_RACE = {"white": "2106-3", "black": "2054-5", "aian": "1002-5"}
RACE_CODES = ("1002-5", "2028-9", "2054-5", "2076-8", "2106-3", "2131-1")
ETHNICITY_CODES = ("2186-5", "2135-2")  # not Hispanic, Hispanic
BLOCK_MEMBERS = 4096  # members per block: a constant of the output format version


@attrs.frozen
class MemberBlock:
    """The ``members`` rows of one block plus the arrays later generators build on."""

    table: pa.Table
    households: _households.Households
    birth_date: np.ndarray  # datetime64[D]
    global_index: np.ndarray
    zip_index: np.ndarray  # per member
    plan_row: np.ndarray  # per household, row of ``plans``
    sponsor_row: np.ndarray  # per household, row of ``sponsors`` or -1


def _validate_lobs(value: Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    lobs = tuple(value)
    bad = [v for v in lobs if v not in LINES_OF_BUSINESS]
    if not lobs or bad:
        raise InvalidArgumentError("lines_of_business", value, f"a non-empty subset of {list(LINES_OF_BUSINESS)}")
    return tuple(sorted(set(lobs), key=LINES_OF_BUSINESS.index))


def _validate_states(value: Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    states = tuple(sorted({str(s).upper() for s in value}))
    known = set(refdata.zip_codes().states)
    bad = sorted(set(states) - known)
    if not states or bad:
        raise InvalidArgumentError("states", value, "two-letter codes of the 50 states and DC, e.g. ['TX', 'CA']")
    return states


def _validate_age(name: str, value: int | None) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 105):
        raise InvalidArgumentError(name, value, "an integer from 0 to 105")
    return value


@attrs.frozen
class MemberGenerator:
    """Subscribers and dependents with US-like demographics.

    Args:
        min_age: Youngest age (at ``as_of``) of any member, 0-105.
        max_age: Oldest age of any member, ``min_age``-105. Below 18 gives child-only policies.
        states: Restrict addresses to these states (two-letter codes).
        lines_of_business: Restrict to these lines: commercial, individual, medicare, medicaid.
        dependents: Whether subscribers have covered spouses and children.

    Example:
        >>> import clinical_data_generator as cdg
        >>> ds = cdg.generate(members=20, seed=1, member_generator=cdg.MemberGenerator(states=["TX"]))
        >>> set(ds.tables["members"]["state"].to_pylist())
        {'TX'}
    """

    min_age: int | None = attrs.field(default=None, converter=lambda v: _validate_age("min_age", v))
    max_age: int | None = attrs.field(default=None, converter=lambda v: _validate_age("max_age", v))
    states: tuple[str, ...] | None = attrs.field(default=None, converter=_validate_states)
    lines_of_business: tuple[str, ...] | None = attrs.field(default=None, converter=_validate_lobs)
    dependents: bool = True

    def __attrs_post_init__(self) -> None:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise InvalidArgumentError("max_age", self.max_age, f"at least min_age ({self.min_age})")

    @property
    def age_range(self) -> _households.AgeRange:
        """The inclusive age limits."""
        return _households.AgeRange(
            0 if self.min_age is None else self.min_age, 105 if self.max_age is None else self.max_age
        )

    def block(self, ctx: BlockContext) -> MemberBlock:
        """Generate the members of block ``ctx.block``."""
        n = ctx.size
        seed, b = ctx.seed, ctx.block
        allowed = np.array([self.lines_of_business is None or lob in self.lines_of_business for lob in LINES_OF_BUSINESS])
        hh = _households.build(
            stream(seed, "members.households", b), n, ages=self.age_range, lob_allowed=allowed, dependents=self.dependents
        )
        k = hh.count
        member_hh = hh.household
        sub = hh.role == _households.ROLE_SUBSCRIBER

        # Birth dates: exactly ``age`` years old at as_of.
        rng = stream(seed, "members.birth", b)
        as_of = np.datetime64(ctx.as_of, "D")
        anniversary = _years_before(ctx.as_of, hh.age)
        birth = anniversary - rng.integers(0, 365, n).astype("timedelta64[D]")
        birth = np.minimum(birth, as_of)
        birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970

        # Sex: subscribers 52% female; spouses mostly of the other sex; children 51% male.
        rng = stream(seed, "members.sex", b)
        u = rng.random(n)
        female = np.where(sub, u < 0.52, u < 0.488)
        spouse = hh.role == _households.ROLE_SPOUSE
        sub_female = female[hh.start][member_hh]
        female[spouse] = np.where(u[spouse] < 0.97, ~sub_female[spouse], sub_female[spouse])
        sex = np.where(female, "F", "M")  # for the name samplers
        sex_column = arrow.codes(("M", "F"), female.astype(np.int64))

        # Place: one address per household.
        rng = stream(seed, "members.address", b)
        place = _places.addresses(rng, k, states=self.states, unit_share=0.18)
        zip_index = place.zip_index[member_hh]
        zips = refdata.zip_codes()

        # Race group per household from the ZIP's mix; some spouses differ.
        rng = stream(seed, "members.race", b)
        hh_group = (zips.race_cum[place.zip_index] < rng.random(k)[:, None]).sum(axis=1)
        group = hh_group[member_hh]
        own = spouse & (rng.random(n) < 0.15)
        group[own] = (zips.race_cum[zip_index[own]] < rng.random(int(own.sum()))[:, None]).sum(axis=1)
        race, second_race = _race_codes(rng, group)
        hispanic = group == refdata.RACE_GROUPS.index("hispanic")

        # Names.
        rng = stream(seed, "members.names", b)
        hh_last = _places.surnames(rng, hh_group)
        own_last = _places.surnames(rng, group)
        keeps_family_name = np.where(spouse, rng.random(n) < 0.75, rng.random(n) < 0.95) | sub
        last = arrow.choose(keeps_family_name, arrow.take(hh_last, member_hh), own_last)
        first = _places.first_names(rng, birth_year, sex)
        middle = _places.initials(_places.first_names(rng, birth_year, sex))
        middle = arrow.choose(rng.random(n) < 0.8, middle, None)

        # Contact details.
        rng = stream(seed, "members.contact", b)
        area = zips.area_chars[zip_index]
        age = hh.age
        mobile = arrow.choose((age >= 18) & (rng.random(n) < 0.88) | (age >= 13) & (age < 18) & (rng.random(n) < 0.5), identifiers.phone(rng, area), None)
        home_hh = identifiers.phone(rng, place.area_chars)
        home = arrow.choose((rng.random(k) < 0.4)[member_hh], arrow.take(home_hh, member_hh), None)
        email = arrow.choose((age >= 18) & (rng.random(n) < 0.78) | (age >= 13) & (rng.random(n) < 0.35), identifiers.email(rng, first, last), None)
        ssn = arrow.choose(rng.random(n) < np.where(age < 1, 0.6, 0.98), identifiers.ssn(rng, n), None)

        # Language: one per household, from the subscriber's group.
        rng = stream(seed, "members.language", b)
        language = arrow.take(_languages(rng, hh_group), member_hh)

        # Coverage: payer, plan and sponsor per household.
        rng = stream(seed, "members.plan", b)
        plan_row, sponsor_row = _plans(rng, ctx, hh.lob)
        payer_row = ctx.reference.plan_payer[plan_row]

        global_index = ctx.first_member + np.arange(n)
        member_id = identifiers.prefixed("M", seeded_bijection(global_index, seed=seed, name="members.id", modulus=10**9), 9)
        household_key = ctx.block * BLOCK_MEMBERS + np.arange(k)
        number = arrow.digit_chars(seeded_bijection(household_key, seed=seed, name="members.number", modulus=10**9), 9)
        subscriber_number = arrow.fixed(k, ctx.reference.payer_prefix[payer_row], number)
        subscriber_number = arrow.take(subscriber_number, member_hh)
        position = np.arange(n) - hh.start[member_hh]
        person = np.where(hh.role == _households.ROLE_CHILD, position + 1 + (~_has_spouse(hh))[member_hh], position + 1)
        person_chars = arrow.digit_chars(person, 2)
        person_code = arrow.fixed_width(person_chars)
        relationship = np.where(sub, 0, np.where(spouse, 1, np.where(rng.random(n) < 0.05, 3, 2)))
        rng = stream(seed, "members.extra", b)
        is_medicare = (hh.lob == MEDICARE)[member_hh]
        notes = refdata.weighted("notes.csv", "note")

        columns = {
            "member_id": member_id,
            "identity_id": identifiers.identity(stream(seed, "members.identity", b), n),
            "subscriber_member_id": arrow.take(member_id, hh.start[member_hh]),
            "relationship_code": arrow.codes(("18", "01", "19", "17"), relationship),
            "person_code": person_code,
            "subscriber_number": subscriber_number,
            "member_number": arrow.fixed(n, arrow.chars(subscriber_number, 12), person_chars),
            "first_name": first,
            "last_name": last,
            "sex": sex_column,
            "birth_date": arrow.dates(birth),
            "race_code": arrow.codes(RACE_CODES, race),
            "race_display": arrow.codes(_displays(RACE_CODES), race),
            "ethnicity_code": arrow.codes(ETHNICITY_CODES, hispanic.astype(np.int64)),
            "ethnicity_display": arrow.codes(_displays(ETHNICITY_CODES), hispanic.astype(np.int64)),
            "language": language,
            "address_line1": arrow.take(place.line1, member_hh),
            "city": arrow.take(zips.city, zip_index),
            "state": arrow.take(zips.state, zip_index),
            "zip": arrow.take(zips.zip, zip_index),
            "county": arrow.take(zips.county, zip_index),
            "latitude": pa.array(place.latitude[member_hh]),
            "longitude": pa.array(place.longitude[member_hh]),
            "line_of_business": arrow.take(pa.array(LINES_OF_BUSINESS), hh.lob[member_hh]),
            "payer_id": arrow.take(ctx.reference.payer_ids, payer_row[member_hh]),
            "plan_id": arrow.take(ctx.reference.plan_ids, plan_row[member_hh]),
            "middle_initial": middle,
            "ssn": ssn,
            "second_race_code": arrow.choose(second_race >= 0, arrow.codes(RACE_CODES, np.maximum(second_race, 0)), None),
            "mobile_phone": mobile,
            "home_phone": home,
            "email": email,
            "address_line2": arrow.take(place.line2, member_hh),
            "sponsor_id": _sponsor_ids(ctx, sponsor_row[member_hh]),
            "mbi": arrow.choose(is_medicare, identifiers.mbi(rng, n), None),
            "note": arrow.choose(rng.random(n) < 0.06, arrow.take(notes.values, refdata.sample(rng, notes.cum, n)), None),
        }
        table = pa.table(columns, schema=arrow_schema(Member))
        return MemberBlock(table, hh, birth, global_index, zip_index, plan_row, sponsor_row)


def _has_spouse(hh: _households.Households) -> np.ndarray:
    spouse = np.zeros(hh.count, dtype=bool)
    spouse[hh.household[hh.role == _households.ROLE_SPOUSE]] = True
    return spouse


def _years_before(as_of: dt.date, years: np.ndarray) -> np.ndarray:
    """``as_of`` minus whole ``years`` (Feb 29 falls to Mar 1 in common years)."""
    months = (as_of.year - 1970 - years) * 12 + (as_of.month - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]") + np.timedelta64(as_of.day - 1, "D")


def _race_codes(rng: np.random.Generator, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices into ``RACE_CODES`` (first race, second race or -1) per person."""
    n = group.size
    race = np.zeros(n, dtype=np.int64)
    second = np.full(n, -1, dtype=np.int64)
    for g, name in enumerate(refdata.RACE_GROUPS):
        rows = np.flatnonzero(group == g)
        if not rows.size:
            continue
        if name in _SINGLE_RACE:
            race[rows] = RACE_CODES.index(_SINGLE_RACE[name])
        elif name == "api":
            race[rows] = np.where(rng.random(rows.size) < 0.96, RACE_CODES.index("2028-9"), RACE_CODES.index("2076-8"))
        elif name == "hispanic":
            codes = np.array([RACE_CODES.index(c) for c, _ in _HISPANIC_RACE])
            pick = refdata.sample(rng, refdata.cumulative(np.array([w for _, w in _HISPANIC_RACE])), rows.size)
            race[rows] = codes[pick]
        else:
            pairs = np.array([[RACE_CODES.index(a), RACE_CODES.index(b)] for (a, b), _ in _TWO_RACES])
            pick = refdata.sample(rng, refdata.cumulative(np.array([w for _, w in _TWO_RACES])), rows.size)
            race[rows] = pairs[pick, 0]
            second[rows] = pairs[pick, 1]
    return race, second


def _displays(codes: Sequence[str]) -> tuple[str, ...]:
    table = refdata.race_ethnicity_codes()
    return tuple(table[c][1] for c in codes)


def _languages(rng: np.random.Generator, group: np.ndarray) -> pa.Array:
    table = refdata.languages()
    index = np.zeros(group.size, dtype=np.int64)
    for g, name in enumerate(refdata.RACE_GROUPS):
        rows = np.flatnonzero(group == g)
        if rows.size:
            index[rows] = table.rows[name][refdata.sample(rng, table.cum[name], rows.size)]
    return arrow.take(table.codes, index)


def _plans(rng: np.random.Generator, ctx: BlockContext, lob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ref = ctx.reference
    catalog = ref.catalog
    k = lob.size
    payer = np.zeros(k, dtype=np.int64)
    sponsor = np.full(k, -1, dtype=np.int64)
    group = lob == COMMERCIAL
    if group.any():
        sponsor[group] = refdata.sample(rng, ref.sponsor_cum, int(group.sum()))
        payer[group] = ref.sponsor_payer[sponsor[group]]
    plan = np.zeros(k, dtype=np.int64)
    for code in range(len(LINES_OF_BUSINESS)):
        rows = np.flatnonzero(lob == code)
        if not rows.size:
            continue
        if code != COMMERCIAL:
            payer[rows] = refdata.sample(rng, catalog.payer_cum[code], rows.size)
        product = refdata.sample(rng, catalog.product_cum[code], rows.size)
        plan[rows] = catalog.plan_row[code][payer[rows], product]
    return plan, sponsor


def _sponsor_ids(ctx: BlockContext, rows: np.ndarray) -> pa.Array:
    has = rows >= 0
    return arrow.choose(has, arrow.take(ctx.reference.sponsor_ids, np.where(has, rows, 0)), None)
