"""Places and people shared by every generator: ZIPs, street addresses, names."""

from __future__ import annotations

import functools

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, refdata


@functools.cache
def zip_sampler(states: tuple[str, ...] | None) -> np.ndarray:
    """Cumulative population weights over ZIPs, optionally restricted to ``states``."""
    z = refdata.zip_codes()
    if states is None:
        return z.cum_population
    weights = np.diff(np.concatenate([[0.0], z.cum_population]))
    allowed = np.isin(np.asarray(z.states)[z.state_codes], np.asarray(states))
    return refdata.cumulative(np.where(allowed, weights, 0.0))


@attrs.frozen
class Addresses:
    """Columns of a batch of synthetic addresses on real ZIP codes."""

    zip_index: np.ndarray
    line1: pa.Array
    line2: pa.Array
    latitude: np.ndarray
    longitude: np.ndarray

    @property
    def area_chars(self) -> np.ndarray:
        """``(n, 3)`` ASCII codes of each address's telephone area code."""
        return refdata.zip_codes().area_chars[self.zip_index]

    def column(self, name: str) -> pa.Array:
        """A ZIP attribute (zip, city, state, county, area_code) per address."""
        return arrow.take(getattr(refdata.zip_codes(), name), self.zip_index)


def addresses(
    rng: np.random.Generator,
    n: int,
    *,
    states: tuple[str, ...] | None = None,
    unit_share: float = 0.0,
    unit_label: str = "Apt",
) -> Addresses:
    """``n`` population-weighted addresses: synthetic street lines on real ZIP/city/state."""
    zips = refdata.zip_codes()
    zip_index = refdata.sample(rng, zip_sampler(states), n)
    streets = refdata.weighted("street_names.csv", "name")
    suffixes = refdata.weighted("street_suffixes.csv", "suffix")
    number = np.minimum(np.round(rng.lognormal(6.4, 1.1, n)).astype(np.int64) + 1, 29999)
    street = arrow.take(streets.values, refdata.sample(rng, streets.cum, n))
    suffix = arrow.take(suffixes.values, refdata.sample(rng, suffixes.cum, n))
    line1 = arrow.join(pa.array(number, pa.int64()).cast(pa.string()), street, suffix, sep=" ")
    has_unit = rng.random(n) < unit_share
    unit = arrow.join(
        unit_label, pa.array(rng.integers(1, 400, n), pa.int64()).cast(pa.string()), sep=" "
    )
    line2 = arrow.choose(has_unit, unit, None)
    jitter = rng.normal(0.0, 0.01, (n, 2))
    return Addresses(
        zip_index=zip_index,
        line1=line1,
        line2=line2,
        latitude=np.round(zips.latitude[zip_index] + jitter[:, 0], 5),
        longitude=np.round(zips.longitude[zip_index] + jitter[:, 1], 5),
    )


def first_names(rng: np.random.Generator, birth_year: np.ndarray, sex: np.ndarray) -> pa.Array:
    """Given names that fit each person's birth decade and sex (``sex`` holds 'F'/'M')."""
    names = refdata.first_names()
    decade = np.clip(birth_year // 10 * 10, refdata.FIRST_DECADE, refdata.LAST_DECADE)
    index = np.zeros(birth_year.size, dtype=np.int64)
    for d in np.unique(decade):
        for s in ("F", "M"):
            rows = np.flatnonzero((decade == d) & (sex == s))
            if rows.size:
                offset, cum = names.groups[(int(d), s)]
                index[rows] = offset + refdata.sample(rng, cum, rows.size)
    return arrow.take(names.names, index)


def surnames(rng: np.random.Generator, race_group: np.ndarray) -> pa.Array:
    """Family names drawn with each person's census race group (0..5)."""
    table = refdata.surnames()
    index = np.zeros(race_group.size, dtype=np.int64)
    for g, group in enumerate(refdata.RACE_GROUPS):
        rows = np.flatnonzero(race_group == g)
        if rows.size:
            index[rows] = refdata.sample(rng, table.cum_by_group[group], rows.size)
    return arrow.take(table.names, index)


def initials(names: pa.Array) -> pa.Array:
    """First letter of each name."""
    return pc.utf8_slice_codeunits(names, 0, 1)
