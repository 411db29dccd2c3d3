"""Providers: practitioners (type-1 NPI) and organisations / facilities (type-2 NPI, EIN)."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pyarrow as pa

from .._internal import arrow, identifiers, refdata, validation
from .._internal.groups import groups
from .._internal.rng import seeded_bijection, stream
from ..models import Provider, arrow_schema
from . import _places

__all__ = ["ProviderGenerator"]

PCP_ADULT = (
    "family_medicine", "internal_medicine", "general_practice", "nurse_practitioner",
    "nurse_practitioner_family", "nurse_practitioner_adult",
)  # fmt: skip
PCP_CHILD = ("pediatrics", "family_medicine")


@attrs.frozen
class ProviderGenerator:
    """Practitioners and provider organisations located where the members live.

    Args:
        members_per_practitioner: One practitioner per this many members (at least 25).
        members_per_organization: One organisation per this many members (at least 10).
    """

    members_per_practitioner: int = attrs.field(
        default=250, validator=validation.integer_field("members_per_practitioner", 1, 1_000_000)
    )
    members_per_organization: int = attrs.field(
        default=2500, validator=validation.integer_field("members_per_organization", 1, 10_000_000)
    )

    def counts(self, members: int) -> tuple[int, int]:
        """(practitioners, organisations) for a population of ``members``."""
        return (
            max(25, -(-members // self.members_per_practitioner)),
            max(10, -(-members // self.members_per_organization)),
        )

    def generate(self, seed: int, members: int, as_of: dt.date) -> pa.Table:
        """The ``providers`` table: practitioners first, then organisations."""
        n_ind, n_org = self.counts(members)
        n = n_ind + n_org
        rng = stream(seed, "providers")
        tax = refdata.taxonomies()
        individual = np.arange(n) < n_ind
        taxonomy = np.empty(n, dtype=np.int64)
        for flag, rows in ((True, np.arange(n_ind)), (False, np.arange(n_ind, n))):
            candidates = np.flatnonzero(tax.individual == flag)
            cum = refdata.cumulative(tax.weight[candidates])
            taxonomy[rows] = candidates[refdata.sample(rng, cum, rows.size)]
        place = _places.addresses(rng, n, unit_share=0.5, unit_label="Suite")
        state = place.column("state")

        # Practitioners: names by birth decade (ages 30-70) and sex.
        sex = np.where(rng.random(n) < 0.52, "F", "M")
        birth_year = as_of.year - rng.integers(30, 71, n)
        race = rng.choice(6, size=n, p=[0.60, 0.06, 0.20, 0.005, 0.03, 0.105])
        first = _places.first_names(rng, birth_year, sex)
        last = _places.surnames(rng, race)
        middle = _places.initials(rng, n)
        credential = arrow.take(tax.credential, taxonomy)
        person_name = arrow.join(arrow.join(first, middle, last, sep=" "), credential, sep=", ")

        # Organisations: stem + kind, matched loosely to the taxonomy.
        stems, kinds = refdata.words("facility_stem"), refdata.words("facility_kind")
        org_name = arrow.join(
            arrow.join(
                arrow.take(stems, rng.integers(0, len(stems), n)), place.column("city"), sep=" "
            ),
            arrow.take(kinds, rng.integers(0, len(kinds), n)),
            sep=" ",
        )
        positions = np.arange(n)
        org_of = _nearest_organization(rng, place.zip_index, n_ind)
        provider_id = identifiers.prefixed(
            "P", seeded_bijection(positions, seed=seed, name="providers.id", modulus=100_000_000), 8
        )
        columns = {
            "provider_id": provider_id,
            "npi": identifiers.npi(positions, seed=seed, name="providers.npi"),
            "entity_type": arrow.choose(individual, "individual", "organization"),
            "name": arrow.choose(individual, person_name, org_name),
            "taxonomy_code": arrow.take(tax.code, taxonomy),
            "taxonomy_display": arrow.take(tax.display, taxonomy),
            "specialty": arrow.take(tax.specialty, taxonomy),
            "address_line1": place.line1,
            "city": place.column("city"),
            "state": state,
            "zip": place.column("zip"),
            "zip4": arrow.digits(rng.integers(1, 10000, n), 4),
            "latitude": pa.array(place.latitude),
            "longitude": pa.array(place.longitude),
            "phone": identifiers.phone(rng, place.area_chars),
            "first_name": arrow.choose(individual, first, None),
            "middle_initial": arrow.choose(individual, middle, None),
            "last_name": arrow.choose(individual, last, None),
            "sex": arrow.choose(individual, pa.array(sex), None),
            "credential": arrow.choose(individual, credential, None),
            "organization_name": arrow.choose(individual, None, org_name),
            "tax_id": arrow.choose(
                individual, None, identifiers.ein(positions, seed=seed, name="providers.ein")
            ),
            "organization_id": arrow.choose(individual, arrow.take(provider_id, org_of), None),
        }
        return pa.table(columns, schema=arrow_schema(Provider))


def _nearest_organization(
    rng: np.random.Generator, zip_index: np.ndarray, n_ind: int
) -> np.ndarray:
    """For every provider row, an organisation row in the same state (any, if the state has none)."""
    zips = refdata.zip_codes()
    state = zips.state_codes[zip_index]
    org_rows = np.arange(n_ind, zip_index.size)
    out = org_rows[rng.integers(0, org_rows.size, zip_index.size)]
    for s in np.unique(state[:n_ind]):
        here = org_rows[state[org_rows] == s]
        if here.size:
            rows = np.flatnonzero(state[:n_ind] == s)
            out[rows] = here[rng.integers(0, here.size, rows.size)]
    return out


#: Provider roles: role -> specialties that fill it.
ROLES: dict[str, tuple[str, ...]] = {
    "pcp_adult": PCP_ADULT,
    "pcp_child": PCP_CHILD,
    "emergency": ("emergency_medicine",),
    "hospital": ("hospital", "critical_access_hospital"),
    "urgent_care": ("urgent_care",),
    "laboratory": ("laboratory",),
}


@attrs.frozen
class ProviderIndex:
    """Provider rows per role and state, with national fallbacks, for vectorised picks."""

    by_state: dict[str, dict[int, np.ndarray]]
    anywhere: dict[str, np.ndarray]
    specialists: np.ndarray  # individuals who are not primary care or emergency physicians

    @classmethod
    def build(cls, providers: pa.Table) -> ProviderIndex:
        """Index ``providers`` by role (see ``ROLES``) and state."""
        zips = refdata.zip_codes()
        state_of = {s: i for i, s in enumerate(zips.states)}
        state = np.array([state_of[s] for s in providers["state"].to_pylist()], dtype=np.int64)
        specialty = np.asarray(providers["specialty"].to_pylist())
        individual = np.asarray(providers["entity_type"].to_pylist()) == "individual"
        fallback = {True: np.flatnonzero(individual), False: np.flatnonzero(~individual)}
        by_state: dict[str, dict[int, np.ndarray]] = {}
        anywhere: dict[str, np.ndarray] = {}
        for role, specialties in ROLES.items():
            rows = np.flatnonzero(np.isin(specialty, specialties))
            if rows.size == 0:  # small populations may lack a role: any provider of the kind
                rows = fallback[role not in ("hospital", "urgent_care", "laboratory")]
            anywhere[role] = rows
            by_state[role] = {int(s): rows[state[rows] == s] for s in np.unique(state[rows])}
        busy = np.isin(specialty, (*PCP_ADULT, *PCP_CHILD, "emergency_medicine"))
        specialists = np.flatnonzero(individual & ~busy)
        return cls(by_state, anywhere, specialists if specialists.size else fallback[True])

    def primary_care(
        self, rng: np.random.Generator, state: np.ndarray, child: np.ndarray
    ) -> np.ndarray:
        """A primary-care practitioner per member: paediatric for children, in their state."""
        out = self.pick(rng, "pcp_adult", state)
        kids = np.flatnonzero(child)
        out[kids] = self.pick(rng, "pcp_child", state[kids])
        return out

    def pick(self, rng: np.random.Generator, role: str, state: np.ndarray) -> np.ndarray:
        """One provider row of ``role`` per entry of ``state``, in that state when possible."""
        out = np.empty(state.size, dtype=np.int64)
        u = rng.random(state.size)
        local = self.by_state[role]
        for s, rows in groups(state):
            candidates = local.get(s)
            if candidates is None or candidates.size == 0:
                candidates = self.anywhere[role]
            out[rows] = candidates[(u[rows] * candidates.size).astype(np.int64)]
        return out
