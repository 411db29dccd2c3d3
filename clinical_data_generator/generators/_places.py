"""Places and people shared by every generator: ZIPs, street addresses, names."""

from __future__ import annotations

import functools

import attrs
import numpy as np
import pyarrow as pa

from .._internal import arrow, refdata
from .._internal.groups import groups


@functools.cache
def zip_sampler(states: tuple[str, ...] | None) -> refdata.Alias:
    """Population-weighted sampler over ZIPs, optionally restricted to ``states``."""
    z = refdata.zip_codes()
    if states is None:
        return refdata.Alias.from_weights(z.population)
    allowed = np.isin(np.asarray(z.states)[z.state_codes], np.asarray(states))
    return refdata.Alias.from_weights(np.where(allowed, z.population, 0.0))


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
    zip_index = zip_sampler(states).draw(rng, n)
    streets = refdata.weighted("street_names.csv", "name")
    suffixes = refdata.weighted("street_suffixes.csv", "suffix")
    number = np.minimum(np.round(rng.lognormal(6.4, 1.1, n)).astype(np.int64) + 1, 29999)
    street = streets.draw(rng, n)
    suffix = suffixes.draw(rng, n)
    line1 = arrow.join(pa.array(number, pa.int64()).cast(pa.string()), street, suffix, sep=" ")
    has_unit = rng.random(n) < unit_share
    unit_number = rng.integers(1, 400, int(has_unit.sum()))
    line2 = arrow.scatter(
        has_unit, arrow.join(unit_label, pa.array(unit_number).cast(pa.string()), sep=" ")
    )
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
    return arrow.take(refdata.first_names().names, first_name_index(rng, birth_year, sex))


def first_name_index(
    rng: np.random.Generator, birth_year: np.ndarray, sex: np.ndarray
) -> np.ndarray:
    """Rows of the first-name table, as :func:`first_names` draws them."""
    names = refdata.first_names()
    decade = np.clip(birth_year // 10 * 10, refdata.FIRST_DECADE, refdata.LAST_DECADE)
    index = np.zeros(birth_year.size, dtype=np.int64)
    for key, rows in groups(decade * 2 + (sex == "M")):
        offset, sampler = names.groups[(key // 2, "M" if key % 2 else "F")]
        index[rows] = offset + sampler.draw(rng, rows.size)
    return index


def surnames(rng: np.random.Generator, race_group: np.ndarray) -> pa.Array:
    """Family names drawn with each person's census race group (0..5)."""
    return arrow.take(refdata.surnames().names, surname_index(rng, race_group))


def surname_index(rng: np.random.Generator, race_group: np.ndarray) -> np.ndarray:
    """Rows of the surname table, as :func:`surnames` draws them."""
    table = refdata.surnames()
    index = np.zeros(race_group.size, dtype=np.int64)
    for group, rows in groups(race_group):
        index[rows] = table.by_group[refdata.RACE_GROUPS[group]].draw(rng, rows.size)
    return index


def initials(rng: np.random.Generator, n: int) -> pa.Array:
    """Middle initials, letters weighted as the first letters of US given names."""
    letters, sampler = refdata.initials()
    return arrow.fixed_width(letters[sampler.draw(rng, n)][:, None])
