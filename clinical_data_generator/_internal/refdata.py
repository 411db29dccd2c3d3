"""Lazy, cached loading of the packaged reference data (see ``data/README.md``).

Nothing is read at import time; each table is parsed once per process on first use and turned
into the numpy / Arrow arrays the samplers need.
"""

from __future__ import annotations

import functools
from importlib import resources

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

RACE_GROUPS = ("white", "black", "api", "aian", "multiple", "hispanic")
FIRST_DECADE = 1880
LAST_DECADE = 2010


def read_table(name: str, types: dict[str, pa.DataType] | None = None) -> pa.Table:
    source = resources.files("clinical_data_generator.data").joinpath(name)
    with source.open("rb") as raw:
        data = raw.read()
    compression = "gzip" if name.endswith(".gz") else None
    stream = pa.input_stream(pa.py_buffer(data), compression=compression)
    convert = pacsv.ConvertOptions(
        column_types=types or {}, strings_can_be_null=False, quoted_strings_can_be_null=False
    )
    # One thread and the C library's allocator: the files are small, and Arrow's own pool
    # would keep tens of MB of (huge-page) arenas around for the life of the process.
    return pacsv.read_csv(
        stream,
        read_options=pacsv.ReadOptions(use_threads=False),
        convert_options=convert,
        memory_pool=pa.system_memory_pool(),
    )


def cumulative(weights: np.ndarray) -> np.ndarray:
    """Normalised cumulative weights for :func:`sample`."""
    c = np.cumsum(np.asarray(weights, dtype=np.float64))
    return c / c[-1]


def sample(rng: np.random.Generator, cum: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn from the distribution whose normalised cumulative weights are ``cum``."""
    return sample_with(cum, rng.random(size))


def sample_with(cum: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Like :func:`sample`, from given uniform draws (inverse-CDF lookup)."""
    return np.minimum(np.searchsorted(cum, uniform, side="right"), cum.size - 1)


@attrs.frozen
class Alias:
    """Walker's alias table: O(1) weighted draws (one index, one uniform) for large tables."""

    prob: np.ndarray
    alias: np.ndarray

    @classmethod
    def from_weights(cls, weights: np.ndarray) -> Alias:
        """Build the table with Vose's method (once per process; the tables are cached)."""
        w = np.asarray(weights, dtype=np.float64)
        n = w.size
        scaled = w * (n / w.sum())
        prob = np.ones(n)
        alias = np.arange(n)
        small = [i for i in range(n) if scaled[i] < 1.0]
        large = [i for i in range(n) if scaled[i] >= 1.0]
        while small and large:
            s, g = small.pop(), large.pop()
            prob[s], alias[s] = scaled[s], g
            scaled[g] -= 1.0 - scaled[s]
            (small if scaled[g] < 1.0 else large).append(g)
        return cls(prob, alias)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` indices distributed as the weights."""
        i = rng.integers(0, self.prob.size, size)
        return np.where(rng.random(size) < self.prob[i], i, self.alias[i])


@attrs.frozen
class GroupedAlias:
    """Several alias tables laid end to end: one vectorised draw per row, for any mix of groups."""

    offset: np.ndarray  # per group: first slot
    size: np.ndarray  # per group: number of slots
    prob: np.ndarray
    alias: np.ndarray  # absolute slot
    value: np.ndarray  # per slot: the value it stands for

    @classmethod
    def build(cls, samplers: list[Alias], values: list[np.ndarray]) -> GroupedAlias:
        """Concatenate per-group samplers; ``values[g][i]`` is what slot ``i`` of group g yields."""
        size = np.array([s.prob.size for s in samplers], dtype=np.int64)
        offset = np.concatenate([[0], np.cumsum(size)[:-1]])
        return cls(
            offset=offset,
            size=size,
            prob=np.concatenate([s.prob for s in samplers]),
            alias=np.concatenate([s.alias + o for s, o in zip(samplers, offset, strict=True)]),
            value=np.concatenate(values),
        )

    def draw(self, rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
        """One value per entry of ``group`` (group indices), each drawn from its group's weights."""
        slot = self.offset[group] + (rng.random(group.size) * self.size[group]).astype(np.int64)
        slot = np.where(rng.random(group.size) < self.prob[slot], slot, self.alias[slot])
        return self.value[slot]


@attrs.frozen
class WeightedStrings:
    values: pa.Array
    sampler: Alias

    @classmethod
    def from_table(cls, table: pa.Table, value: str, weight: str = "weight") -> WeightedStrings:
        return cls(table[value].combine_chunks(), Alias.from_weights(table[weight].to_numpy()))

    def draw(self, rng: np.random.Generator, size: int) -> pa.Array:
        """``size`` values drawn by weight."""
        return self.values.take(pa.array(self.sampler.draw(rng, size)))


@attrs.frozen
class FirstNames:
    names: pa.Array
    # (decade, sex) -> (offset of the group's rows in ``names``, sampler over them)
    groups: dict[tuple[int, str], tuple[int, Alias]]


@attrs.frozen
class Surnames:
    names: pa.Array
    by_group: dict[str, Alias]


@attrs.frozen
class ZipCodes:
    zip: pa.Array
    city: pa.Array
    state: pa.Array
    county: pa.Array
    area_code: pa.Array
    area_chars: np.ndarray  # (n, 3) ASCII codes of area_code
    latitude: np.ndarray
    longitude: np.ndarray
    population: np.ndarray
    race_cum: np.ndarray  # (n, 6) cumulative race shares per ZIP
    state_codes: np.ndarray  # (n,) int index into ``states``
    states: tuple[str, ...]


@attrs.frozen
class Taxonomies:
    code: pa.Array
    display: pa.Array
    specialty: pa.Array
    credential: pa.Array
    specialty_np: np.ndarray
    individual: np.ndarray
    weight: np.ndarray


@functools.cache
def first_names() -> FirstNames:
    t = read_table("first_names.csv.gz", {"decade": pa.int32(), "weight": pa.int64()})
    decades = t["decade"].to_numpy()
    sexes = np.asarray(t["sex"].to_pylist())
    weights = t["weight"].to_numpy()
    groups: dict[tuple[int, str], tuple[int, Alias]] = {}
    for decade in np.unique(decades):
        for sex in ("F", "M"):
            rows = np.flatnonzero((decades == decade) & (sexes == sex))
            groups[(int(decade), sex)] = (int(rows[0]), Alias.from_weights(weights[rows]))
    return FirstNames(t["name"].combine_chunks(), groups)


@functools.cache
def initials() -> tuple[np.ndarray, Alias]:
    """ASCII codes of initial letters and a sampler weighted like given names' first letters."""
    t = read_table("first_names.csv.gz", {"weight": pa.int64()})
    first = pc.utf8_slice_codeunits(t["name"], 0, 1).to_pylist()
    weights = t["weight"].to_numpy().astype(np.float64)
    letters = sorted(set(first))
    totals = np.zeros(len(letters))
    np.add.at(totals, np.searchsorted(letters, first), weights)
    return np.frombuffer("".join(letters).encode("ascii"), dtype=np.uint8), Alias.from_weights(
        totals
    )


@functools.cache
def surnames() -> Surnames:
    t = read_table("surnames.csv.gz", {"count": pa.int64()})
    count = t["count"].to_numpy().astype(np.float64)
    samplers = {g: Alias.from_weights(count * t[g].to_numpy()) for g in RACE_GROUPS}
    return Surnames(t["surname"].combine_chunks(), samplers)


@functools.cache
def zip_codes() -> ZipCodes:
    t = read_table("zip_codes.csv.gz", {"zip": pa.string(), "area_code": pa.string()})
    shares = np.column_stack([t[g].to_numpy() for g in RACE_GROUPS])
    race_cum = np.cumsum(shares, axis=1)
    race_cum /= race_cum[:, -1:]
    state = t["state"].combine_chunks()
    states = tuple(sorted(set(state.to_pylist())))
    state_codes = pc.index_in(state, value_set=pa.array(states)).to_numpy()
    return ZipCodes(
        zip=t["zip"].combine_chunks(),
        city=t["city"].combine_chunks(),
        state=state,
        county=t["county"].combine_chunks(),
        area_code=t["area_code"].combine_chunks(),
        area_chars=np.frombuffer(
            "".join(t["area_code"].to_pylist()).encode("ascii"), dtype=np.uint8
        ).reshape(-1, 3),
        latitude=t["latitude"].to_numpy(),
        longitude=t["longitude"].to_numpy(),
        population=t["population"].to_numpy().astype(np.float64),
        race_cum=race_cum,
        state_codes=state_codes.astype(np.int64),
        states=states,
    )


@functools.cache
def race_ethnicity_codes() -> dict[str, tuple[str, str]]:
    """``{census_group or code: (code, display)}`` for OMB race and ethnicity categories."""
    t = read_table("race_ethnicity_codes.csv", {"code": pa.string(), "census_group": pa.string()})
    out: dict[str, tuple[str, str]] = {}
    for row in t.to_pylist():
        out[row["code"]] = (row["code"], row["display"])
    return out


@attrs.frozen
class Languages:
    codes: pa.Array  # every row of languages.csv
    rows: dict[str, np.ndarray]  # census group -> its rows
    cum: dict[str, np.ndarray]  # census group -> cumulative weights over its rows


@functools.cache
def languages() -> Languages:
    """Language (BCP-47 code) distribution per census race group."""
    t = read_table("languages.csv", {"weight": pa.int64()})
    group = np.asarray(t["census_group"].to_pylist())
    weight = t["weight"].to_numpy()
    rows = {g: np.flatnonzero(group == g) for g in RACE_GROUPS}
    cum = {g: cumulative(weight[r]) for g, r in rows.items()}
    return Languages(t["code"].combine_chunks(), rows, cum)


@functools.cache
def weighted(name: str, column: str) -> WeightedStrings:
    """A two-column ``value,weight`` file as a sampler (street names, suffixes, notes)."""
    return WeightedStrings.from_table(read_table(name, {"weight": pa.int64()}), column)


@functools.cache
def words(kind: str) -> pa.Array:
    """One word list of ``organization_words.csv``."""
    t = read_table("organization_words.csv")
    mask = pc.equal(t["kind"], kind)
    return t.filter(mask)["word"].combine_chunks()


@functools.cache
def taxonomies() -> Taxonomies:
    t = read_table("taxonomies.csv", {"weight": pa.int64(), "credential": pa.string()})
    return Taxonomies(
        code=t["code"].combine_chunks(),
        display=t["display"].combine_chunks(),
        specialty=t["specialty"].combine_chunks(),
        credential=t["credential"].combine_chunks(),
        specialty_np=np.asarray(t["specialty"].to_pylist()),
        individual=np.asarray(t["entity"].to_pylist()) == "individual",
        weight=t["weight"].to_numpy().astype(np.float64),
    )


AGE_BANDS = (0, 18, 45, 65)  # lower bounds of the prevalence bands 0-17, 18-44, 45-64, 65+


@attrs.frozen
class ICD10CM:
    codes: pa.Array
    titles: pa.Array
    row: dict[str, int]
    sex: np.ndarray  # "F", "M" or ""
    age_min: np.ndarray
    age_max: np.ndarray


@functools.cache
def icd10cm() -> ICD10CM:
    """Billable ICD-10-CM codes with titles and the CMS age/sex edits."""
    t = read_table(
        "icd10cm.csv.gz",
        {"code": pa.string(), "sex": pa.string(), "age_min": pa.int32(), "age_max": pa.int32()},
    )
    codes = t["code"].combine_chunks()
    return ICD10CM(
        codes=codes,
        titles=t["title"].combine_chunks(),
        row={c: i for i, c in enumerate(codes.to_pylist())},
        sex=np.asarray(t["sex"].to_pylist()),
        age_min=t["age_min"].to_numpy(),
        age_max=t["age_max"].to_numpy(),
    )


@attrs.frozen
class Conditions:
    keys: tuple[str, ...]
    prevalence: np.ndarray  # (conditions, 2 sexes [F, M], 4 age bands)
    codes: GroupedAlias  # per condition: ICD-10-CM rows drawn by weight


@functools.cache
def conditions() -> Conditions:
    """Chronic conditions with prevalence by sex x age band, and their ICD-10-CM codes."""
    t = read_table("conditions.csv")
    keys = tuple(t["condition"].to_pylist())
    bands = ("0_17", "18_44", "45_64", "65_plus")
    prevalence = np.stack(
        [np.stack([t[f"{sex}_{band}"].to_numpy() for band in bands], axis=1) for sex in ("f", "m")],
        axis=1,
    ).astype(np.float64)
    codes = read_table("condition_codes.csv", {"code": pa.string(), "weight": pa.int64()})
    icd = icd10cm()
    condition_of = np.asarray(codes["condition"].to_pylist())
    code_list = codes["code"].to_pylist()
    weights = codes["weight"].to_numpy()
    rows, samplers = [], []
    for key in keys:
        mine = np.flatnonzero(condition_of == key)
        rows.append(np.array([icd.row[code_list[i]] for i in mine], dtype=np.int64))
        samplers.append(Alias.from_weights(weights[mine]))
    return Conditions(keys, prevalence, GroupedAlias.build(samplers, rows))


@attrs.frozen
class Immunizations:
    """``cvx.csv`` and ``immunization_schedule.csv`` as arrays (schedule rows in file order)."""

    cvx: pa.Array  # per CVX row: code, with its leading zero
    display: pa.Array  # CDC short description
    mvx: pa.Array
    route: pa.Array
    site: pa.Array  # null for oral vaccines
    groups: tuple[str, ...]  # vaccine groups, in order of first appearance in the schedule
    group: np.ndarray  # per schedule row: index into ``groups``
    cvx_row: np.ndarray  # per schedule row: row of the CVX arrays
    dose: np.ndarray
    min_age: np.ndarray  # days, inclusive
    recommended_age: np.ndarray  # days
    max_age: np.ndarray  # days, inclusive
    sex: np.ndarray  # "F", "M" or "" (either)
    repeat: np.ndarray  # days between recurring doses, 0 when the dose does not recur


@functools.cache
def immunizations() -> Immunizations:
    """CVX codes (with MVX, route and site) and the CDC schedule by age in days."""
    cvx = read_table("cvx.csv", {"cvx": pa.string(), "site": pa.string()})
    codes = cvx["cvx"].to_pylist()
    site = cvx["site"].combine_chunks()
    s = read_table(
        "immunization_schedule.csv",
        {"cvx": pa.string(), "sex": pa.string(), "repeat_every_days": pa.int64()},
    )
    names = s["vaccine_group"].to_pylist()
    groups = tuple(dict.fromkeys(names))
    return Immunizations(
        cvx=cvx["cvx"].combine_chunks(),
        display=cvx["short_description"].combine_chunks(),
        mvx=cvx["mvx"].combine_chunks(),
        route=cvx["route"].combine_chunks(),
        site=pc.if_else(pc.equal(site, ""), pa.scalar(None, pa.string()), site),
        groups=groups,
        group=np.array([groups.index(g) for g in names], dtype=np.int64),
        cvx_row=np.array([codes.index(c) for c in s["cvx"].to_pylist()], dtype=np.int64),
        dose=s["dose"].to_numpy().astype(np.int64),
        min_age=s["min_age_days"].to_numpy().astype(np.int64),
        recommended_age=s["recommended_age_days"].to_numpy().astype(np.int64),
        max_age=s["max_age_days"].to_numpy().astype(np.int64),
        sex=np.asarray(s["sex"].to_pylist()),
        repeat=pc.fill_null(s["repeat_every_days"], 0).to_numpy().astype(np.int64),
    )
