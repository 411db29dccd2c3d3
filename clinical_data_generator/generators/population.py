"""Population: composes the generators and runs them block by block, in one or more processes."""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import multiprocessing
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from ..dataset import Dataset

from .._internal import arrow, validation
from .._internal.sorting import stable_order
from .._version import __version__
from ..errors import InvalidArgumentError
from ..models import MODELS, arrow_schema
from ..serializers._output import needed_tables, write_output
from ..serializers._registry import AnySerializer
from ._context import BlockContext, Reference
from ._handover import Handed, hand_over, spill_directory, take_over
from ._pins import Pins, apply_pins, to_pins
from .claims import ClaimGenerator
from .conditions import ConditionGenerator
from .coverages import CoverageGenerator
from .encounters import EncounterBlock, EncounterGenerator, VaccinationVisits
from .immunizations import ImmunizationGenerator
from .inquiries import InquiryGenerator
from .labs import LabGenerator
from .members import BLOCK_MEMBERS, MemberBlock, MemberGenerator
from .payers import PayerGenerator
from .procedures import procedures
from .providers import ProviderGenerator
from .sponsors import SponsorGenerator

__all__ = ["DEFAULT_AS_OF", "MAX_MEMBERS", "MAX_SEED", "Population"]

#: The default reference date; every generated date is relative to ``as_of``.
DEFAULT_AS_OF = dt.date(2026, 1, 1)
MAX_MEMBERS = 1_000_000_000
MAX_SEED = 2**63 - 1
REFERENCE_TABLES = ("payers", "plans", "sponsors", "providers")
BILLING_TABLES = ("procedures", "claims", "claim_lines", "adjudications", "line_adjudications",
                  "payments")  # fmt: skip
INQUIRY_TABLES = ("eligibility_inquiries", "eligibility_responses", "claim_status_inquiries",
                  "claim_status_responses")  # fmt: skip
LAB_TABLES = ("diagnostic_reports", "lab_results", "covid_tests")
# The encounters columns that claims and inquiries read.
_BILLED_ENCOUNTER_COLUMNS = ("encounter_id", "member_id", "start_date", "place_of_service",
                             "admission_type", "admission_source", "discharge_status")  # fmt: skip
BLOCK_TABLES = ("members", "coverages", "encounters", "conditions", *BILLING_TABLES,
                *INQUIRY_TABLES, "immunizations", *LAB_TABLES)  # fmt: skip


def _check_seed(_: object, __: object, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_SEED:
        raise InvalidArgumentError("seed", value, "an integer from 0 to 2**63 - 1")


def _to_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return DEFAULT_AS_OF
    if isinstance(value, dt.datetime):
        raise InvalidArgumentError("as_of", value, "a date (YYYY-MM-DD), not a datetime")
    if isinstance(value, dt.date):
        parsed = value
    else:
        try:
            parsed = dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidArgumentError("as_of", value, "a date written YYYY-MM-DD") from None
    if not dt.date(1950, 1, 1) <= parsed <= dt.date(2100, 12, 31):
        raise InvalidArgumentError("as_of", value, "a date from 1950-01-01 to 2100-12-31")
    return parsed


@attrs.frozen
class Population:
    """A seeded synthetic population, generated in fixed-size blocks of members.

    Block *b* depends only on (seed, options, *b*), so the output is identical whatever the
    number of worker processes or the way blocks are split into shards.

    Args:
        members: Number of members, subscribers and dependents together (1 to 1e9).
        seed: Seed of every random stream (0 to 2**63 - 1).
        as_of: The reference date all other dates are relative to (default 2026-01-01).
        member_generator: Demographics and cohort options (ages, states, lines of business).
        coverage_generator: Enrollment-span options.
        condition_generator: Chronic-condition prevalence options.
        encounter_generator: Visit rates and history window.
        immunization_generator: Vaccine uptake, late share and history window.
        claim_generator: Denial rates and the shares of replaced and voided claims.
        inquiry_generator: Shares of encounters and claims asked about (270/276).
        lab_generator: Lab panel volume, COVID-19 test rate and how strongly conditions shift
            results.
        payer_generator: Payers and their plans.
        sponsor_generator: Employer groups.
        provider_generator: Practitioners and organisations.
        pins: Fixed values for edge-case and negative tests, ``{table: {column: value}}``, set
            on every row of a member table (e.g. ``{"claims": {"principal_diagnosis":
            "E1165"}}``, ``{"members": {"last_name": "O'Brien-Nunez"}}``). Pinned values reach
            every format, so they can deliberately break invariants (a pinned line amount no
            longer adds up to the claim total).

    Example:
        >>> import clinical_data_generator as cdg
        >>> pop = cdg.Population(members=10, seed=3)
        >>> pop.generate().tables["members"].num_rows
        10
    """

    members: int = attrs.field(validator=validation.integer_field("members", 1, MAX_MEMBERS))
    seed: int = attrs.field(default=0, validator=_check_seed, kw_only=True)
    as_of: dt.date = attrs.field(default=None, converter=_to_date, kw_only=True)
    member_generator: MemberGenerator = attrs.field(factory=MemberGenerator, kw_only=True)
    coverage_generator: CoverageGenerator = attrs.field(factory=CoverageGenerator, kw_only=True)
    condition_generator: ConditionGenerator = attrs.field(factory=ConditionGenerator, kw_only=True)
    encounter_generator: EncounterGenerator = attrs.field(factory=EncounterGenerator, kw_only=True)
    immunization_generator: ImmunizationGenerator = attrs.field(
        factory=ImmunizationGenerator, kw_only=True
    )
    claim_generator: ClaimGenerator = attrs.field(factory=ClaimGenerator, kw_only=True)
    inquiry_generator: InquiryGenerator = attrs.field(factory=InquiryGenerator, kw_only=True)
    lab_generator: LabGenerator = attrs.field(factory=LabGenerator, kw_only=True)
    payer_generator: PayerGenerator = attrs.field(factory=PayerGenerator, kw_only=True)
    pins: Pins = attrs.field(default=None, converter=to_pins, kw_only=True)
    sponsor_generator: SponsorGenerator = attrs.field(factory=SponsorGenerator, kw_only=True)
    provider_generator: ProviderGenerator = attrs.field(factory=ProviderGenerator, kw_only=True)

    @property
    def block_count(self) -> int:
        """Number of member blocks (``BLOCK_MEMBERS`` members each, the last may be smaller)."""
        return -(-self.members // BLOCK_MEMBERS)

    def reference(self) -> Reference:
        """The population-wide tables (payers, plans, sponsors, providers), built once per process."""
        return _reference(self)

    def block(self, index: int, *, tables: Sequence[str] | None = None) -> dict[str, pa.Table]:
        """Generate the member tables of block ``index`` (all, or the ``tables`` named)."""
        wanted = _select(tables, BLOCK_TABLES)
        self._check_block(index)
        made = dict(self._block_stream(index, wanted))
        return {name: made[name] for name in wanted}

    def _check_block(self, index: int) -> None:
        if not 0 <= index < self.block_count:
            raise InvalidArgumentError(
                "block", index, f"an integer from 0 to {self.block_count - 1}"
            )

    def _block_stream(self, index: int, wanted: tuple[str, ...]) -> Iterator[tuple[str, pa.Table]]:
        """The ``wanted`` tables of block ``index`` (pins applied), each once it is final.

        Each stage lets go of what later stages do not need, so a consumer that writes and
        forgets every table as it arrives (``write``) holds far less than the whole block.
        The tables are the same as :meth:`block` returns, in a different order.
        """
        for name, table in self._stages(index, wanted):
            if name in wanted:
                yield name, apply_pins({name: table}, self.pins)[name]
            del table

    def _stages(self, index: int, wanted: tuple[str, ...]) -> Iterator[tuple[str, pa.Table]]:
        """Every table the ``wanted`` ones need, in the order the stages make them."""
        first = index * BLOCK_MEMBERS
        ctx = BlockContext(
            seed=self.seed,
            block=index,
            size=min(BLOCK_MEMBERS, self.members - first),
            first_member=first,
            as_of=self.as_of,
            reference=self.reference(),
        )
        members = self.member_generator.block(ctx)
        # What each wanted table needs: conditions hold the encounters' acute problems, and
        # encounters need coverage rows and the chronic conditions.
        inquiries = any(name in wanted for name in INQUIRY_TABLES)
        billing = inquiries or any(name in wanted for name in BILLING_TABLES)
        # Claims bill the lab panels the lab generator orders.
        labs = billing or any(name in wanted for name in LAB_TABLES)
        # Immunizations link to the vaccination encounters their doses create.
        events = any(name in wanted for name in ("encounters", "conditions", "immunizations"))
        events = events or labs
        coverages = self.coverage_generator.block(
            ctx,
            members,
            rows="coverages" in wanted or events,
            product_types=self.member_generator.product_types,
        )
        # A plan change moves the member's current plan to the second span's plan.
        plan_ids = ctx.reference.plan_ids.take(
            pa.array(coverages.current_plan_row[members.households.household])
        )
        yield (
            "members",
            members.table.set_column(
                members.table.schema.get_field_index("plan_id"),
                members.table.schema.field("plan_id"),
                plan_ids,
            ),
        )
        if coverages.table is not None:
            yield "coverages", coverages.table
        if not events:
            return
        coverage_rows = coverages.table
        assert coverage_rows is not None
        doses = self.immunization_generator.block(ctx, members, coverage_rows)
        window = self.encounter_generator.window_start(ctx.as_of)
        shots = _vaccination_visits(ctx, members, doses, window)
        cohort = self.member_generator.conditions
        chronic = self.condition_generator.block(ctx, members, required=cohort)
        visits = self.encounter_generator.block(ctx, members, coverage_rows, chronic, shots.visits)
        dose_encounter = _dose_encounters(visits, shots)
        del shots
        yield (
            "immunizations",
            doses.set_column(
                doses.schema.get_field_index("encounter_id"),
                doses.schema.field("encounter_id"),
                arrow.optional(visits.table["encounter_id"].combine_chunks(), dose_encounter),
            ),
        )
        yield "encounters", visits.table
        conditions = _merge_conditions(chronic.table, visits.acute, members.table)
        yield "conditions", conditions
        if not labs:
            return
        tests = self.lab_generator.block(
            ctx, members, visits.table, conditions, known=(visits, chronic)
        )
        del conditions
        yield "diagnostic_reports", tests.reports
        yield "lab_results", tests.results
        yield "covid_tests", tests.covid_tests
        lab_orders = tests.orders
        del tests
        if not billing:
            return
        services = procedures(ctx, members, visits, doses, dose_encounter, lab_orders=lab_orders)
        del doses, dose_encounter, lab_orders
        yield "procedures", services.table
        # Billing needs few of the encounter and procedure columns: keep only those.
        services = attrs.evolve(services, table=services.table.select(["procedure_id"]))
        visits = attrs.evolve(
            visits,
            table=visits.table.select(_BILLED_ENCOUNTER_COLUMNS),
            acute=visits.acute.slice(0, 0),
        )
        member_ids = members.table["member_id"].combine_chunks()
        steps = self.claim_generator._stream_tables(
            ctx, member_ids, coverage_rows, visits, chronic, services
        )
        del services, chronic
        bills = yield from steps  # each claims-family table as soon as it is final
        del steps
        if inquiries:
            yield from self.inquiry_generator.block(
                ctx, member_ids, coverage_rows, visits, bills
            ).items()

    def iter_blocks(
        self,
        blocks: range | None = None,
        *,
        workers: int = 1,
        on_block: Callable[[int], None] | None = None,
        tables: Sequence[str] | None = None,
    ) -> Iterator[dict[str, pa.Table]]:
        """Yield each block's tables in block order, computed by ``workers`` processes.

        At most ``2 * workers`` blocks are in flight, so memory stays flat for any size.
        """
        order = _select(tables, BLOCK_TABLES)
        for block_tables in self._streams(
            blocks, workers=workers, on_block=on_block, tables=tables
        ):
            made = dict(block_tables)
            yield {name: made[name] for name in order}

    def _streams(
        self,
        blocks: range | None = None,
        *,
        workers: int = 1,
        on_block: Callable[[int], None] | None = None,
        tables: Sequence[str] | None = None,
    ) -> Iterator[Iterable[tuple[str, pa.Table]]]:
        """Like :meth:`iter_blocks`, but each block as ``(name, table)`` pairs.

        With one worker the pairs come straight from the generators, table by table, so a
        consumer that lets each table go keeps memory low; the next block starts only after
        the previous one's pairs are exhausted.
        """
        blocks = range(self.block_count) if blocks is None else blocks
        validation.integer("workers", workers, 1, 256)
        for b in blocks:
            self._check_block(b)
        if workers == 1 or len(blocks) <= 1:
            wanted = _select(tables, BLOCK_TABLES)
            for b in blocks:
                yield self._block_stream(b, wanted)
                if on_block:
                    on_block(b)
            return
        context = multiprocessing.get_context("spawn")
        directory = spill_directory(workers)
        try:
            with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                pending: deque[tuple[int, cf.Future[Handed]]] = deque()
                todo = iter(blocks)
                for b in todo:
                    pending.append((b, pool.submit(_run_block, self, b, tables, directory)))
                    if len(pending) >= 2 * workers:
                        break
                while pending:
                    b, future = pending.popleft()
                    result = take_over(future.result())
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending.append((nxt, pool.submit(_run_block, self, nxt, tables, directory)))
                    yield result
                    del result
                    if on_block:
                        on_block(b)
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def options(self) -> dict[str, object]:
        """The options that determine the output, as JSON-ready values (for the manifest)."""

        def convert(_: type, __: attrs.Attribute[object], value: object) -> object:
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, tuple) and value and isinstance(value[0], tuple):
                return {k: convert(_, __, v) for k, v in value}  # pins
            if isinstance(value, tuple):
                return list(value)
            return value

        return attrs.asdict(self, value_serializer=convert)

    def generate(
        self, *, blocks: range | None = None, workers: int = 1, tables: Sequence[str] | None = None
    ) -> Dataset:
        """Generate the population (or the given blocks of it) into a :class:`Dataset`.

        ``tables`` limits the output to the named tables (e.g. ``["members"]``); tables that
        are not wanted are not generated, except what the wanted ones depend on.
        """
        from ..dataset import Dataset

        reference_names = _select(tables, REFERENCE_TABLES)
        block_names = _select(tables, BLOCK_TABLES)
        parts: dict[str, list[pa.Table]] = {name: [] for name in block_names}
        for block_tables in self.iter_blocks(blocks, workers=workers, tables=block_names):
            for name, table in block_tables.items():
                parts[name].append(table)
        reference = self.reference().tables
        result = {name: reference[name] for name in reference_names}
        for name in block_names:
            result[name] = _concat(parts[name], name)
        info = self.info()
        if blocks is not None:
            info["blocks"] = [blocks.start, blocks.stop] if blocks.step == 1 else list(blocks)
        return Dataset(result, info=info)

    def info(self) -> dict[str, object]:
        """Package name and version plus :meth:`options`: what the manifest records."""
        return {
            "generator": "clinical-data-generator",
            "version": __version__,
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "members": self.members,
            "options": self.options(),
        }

    def write(
        self,
        target: str | os.PathLike[str],
        *,
        formats: Sequence[str | AnySerializer] | str = ("csv",),
        workers: int = 1,
        on_block: Callable[[int], None] | None = None,
        tables: Sequence[str] | None = None,
    ) -> dict[str, object]:
        """Generate block by block straight into files (flat memory); return the manifest.

        Produces the same bytes as ``self.generate(tables=tables).write(target, formats=formats)``.
        ``tables`` limits what table formats write; document formats (X12, FHIR) always get
        the tables they are built from.
        """
        documents = needed_tables(formats)  # also fails on bad names before any work
        reference_names = _select(tables, REFERENCE_TABLES)
        block_names = _select(tables, BLOCK_TABLES)
        generated = tuple(name for name in BLOCK_TABLES if name in block_names or name in documents)
        reference = self.reference().tables
        schemas = {name: arrow_schema(MODELS[name]) for name in (*reference_names, *block_names)}
        blocks = self._streams(workers=workers, on_block=on_block, tables=generated)
        return write_output(target, formats, schemas, reference, blocks, self.info())


def _concat(tables: list[pa.Table], name: str) -> pa.Table:
    if not tables:
        return arrow_schema(MODELS[name]).empty_table()
    return pa.concat_tables(tables)


def _run_block(
    population: Population, index: int, tables: Sequence[str] | None, directory: str
) -> Handed:
    return hand_over(population.block(index, tables=tables), directory, index)


def _merge_conditions(chronic: pa.Table, acute: pa.Table, members: pa.Table) -> pa.Table:
    """Chronic and acute rows together, member-major: a member's chronic rows, then acute by date."""
    both = pa.concat_tables([chronic, acute])
    position = pc.index_in(both["member_id"], value_set=members["member_id"]).to_numpy()
    kind = np.concatenate([np.zeros(chronic.num_rows, np.int64), np.ones(acute.num_rows, np.int64)])
    onset = both["onset_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    order = stable_order(position, kind, onset * kind)
    return both.take(pa.array(order)).combine_chunks()


@attrs.frozen
class _Shots:
    visits: VaccinationVisits
    dose_member: np.ndarray  # per immunization row: member position
    dose_day: np.ndarray  # per immunization row: day number
    in_window: np.ndarray  # per immunization row


def _vaccination_visits(
    ctx: BlockContext, members: MemberBlock, doses: pa.Table, window: np.datetime64
) -> _Shots:
    """One vaccination visit per member and day with doses inside the encounter window."""
    member_ids = members.table["member_id"]
    member = pc.index_in(doses["member_id"], value_set=member_ids).to_numpy().astype(np.int64)
    day = doses["occurrence_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    provider_ids = ctx.reference.provider_ids
    provider = pc.index_in(doses["provider_id"], value_set=provider_ids).to_numpy().astype(np.int64)
    as_of = np.datetime64(ctx.as_of, "D").astype(np.int64)
    in_window = (day >= window.astype(np.int64)) & (day < as_of)  # visits end before as_of
    rows = np.flatnonzero(in_window)
    key = member[rows] * (1 << 20) + (day[rows] - window.astype(np.int64))
    new = np.concatenate([[True], key[1:] != key[:-1]]) if key.size else np.zeros(0, bool)
    first = rows[new]  # rows are member-major and by date, so equal keys are adjacent
    visits = VaccinationVisits(member[first], day[first].astype("datetime64[D]"), provider[first])
    return _Shots(visits, member, day, in_window)


def _dose_encounters(visits: EncounterBlock, shots: _Shots) -> np.ndarray:
    """Row of ``encounters`` of each dose's vaccination visit, or -1."""
    rows = np.flatnonzero(visits.of_class("vaccination"))
    start = visits.table["start_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    key = visits.member[rows] * (1 << 24) + (start[rows] + (1 << 23))
    dose_key = shots.dose_member * (1 << 24) + (shots.dose_day + (1 << 23))
    at = np.minimum(np.searchsorted(key, dose_key), max(key.size - 1, 0))
    found = shots.in_window & (key.size > 0) & (key[at] == dose_key if key.size else False)
    return np.where(found, rows[at] if rows.size else -1, -1)


def _select(tables: Sequence[str] | str | None, among: tuple[str, ...]) -> tuple[str, ...]:
    """The tables of ``among`` that are wanted, in their standard order."""
    every = (*REFERENCE_TABLES, *BLOCK_TABLES)
    if tables is None:
        return among
    names = [tables] if isinstance(tables, str) else list(tables)
    if not names or any(name not in every for name in names):
        raise InvalidArgumentError("tables", tables, f"a non-empty subset of {list(every)}")
    return tuple(name for name in among if name in names)


@functools.lru_cache(maxsize=4)
def _reference(population: Population) -> Reference:
    seed, as_of, n = population.seed, population.as_of, population.members
    payers, share = population.payer_generator.payers(seed)
    plans = population.payer_generator.plans(seed, payers)
    sponsors = population.sponsor_generator.generate(seed, n, as_of, payers, share)
    providers = population.provider_generator.generate(seed, n, as_of)
    return Reference.build(seed, payers, share, plans, sponsors, providers)
