"""The top-level ``generate`` function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .dataset import Dataset
from .errors import InvalidArgumentError
from .generators import MemberGenerator, PayerGenerator, Population

__all__ = ["generate"]


def generate(
    members: int,
    *,
    seed: int = 0,
    as_of: dt.date | str | None = None,
    workers: int = 1,
    min_age: int | None = None,
    max_age: int | None = None,
    states: Sequence[str] | None = None,
    lines_of_business: Sequence[str] | None = None,
    dependents: bool = True,
    conditions: Sequence[str] | None = None,
    product_types: Sequence[str] | None = None,
    payers: int = 4,
    member_generator: MemberGenerator | None = None,
    tables: Sequence[str] | None = None,
) -> Dataset:
    """Generate a linked synthetic population.

    Args:
        members: Number of members, subscribers and dependents together (1 to 1e9).
        seed: Seed of every random stream; the same seed and options give the same data.
        as_of: Reference date (``date`` or ``"YYYY-MM-DD"``), default 2026-01-01.
        workers: Processes generating blocks in parallel; the output does not depend on it.
        min_age: Youngest member age (cohort by age band).
        max_age: Oldest member age.
        states: Restrict addresses to these two-letter state codes.
        lines_of_business: Restrict to commercial, individual, medicare and/or medicaid.
        dependents: Whether subscribers have covered spouses and children.
        conditions: A condition cohort: only members who have all these chronic conditions
            (e.g. ``["diabetes"]``), drawn directly (nothing is generated and discarded).
        product_types: Restrict plans to these product types (HMO, PPO, EPO, POS, HDHP).
        payers: Number of fictional payers (1 to 50).
        member_generator: A configured :class:`MemberGenerator`, instead of ``min_age``,
            ``max_age``, ``states``, ``lines_of_business`` and ``dependents`` (giving both is an
            error).
        tables: Only these tables (default all), e.g. ``["members", "coverages"]``; the
            others are not generated.

    Returns:
        The :class:`Dataset` with tables payers, plans, sponsors, providers, members, coverages.

    Example:
        >>> import clinical_data_generator as cdg
        >>> ds = cdg.generate(members=30, seed=1, states=["VT"], min_age=65)
        >>> min(ds.tables["members"]["birth_date"].to_pylist()) < cdg.DEFAULT_AS_OF
        True
    """
    cohort = {"min_age": min_age, "max_age": max_age, "states": states,
              "lines_of_business": lines_of_business, "conditions": conditions,
              "product_types": product_types}  # fmt: skip
    if member_generator is None:
        member_generator = MemberGenerator(**cohort, dependents=dependents)  # type: ignore[arg-type]
    else:
        given = sorted(k for k, v in cohort.items() if v is not None) + (
            [] if dependents else ["dependents"]
        )
        if given:
            raise InvalidArgumentError(
                given[0],
                locals()[given[0]],
                "not set together with member_generator (set it on the MemberGenerator)",
            )
    population = Population(
        members,
        seed=seed,
        as_of=as_of,
        member_generator=member_generator,
        payer_generator=PayerGenerator(count=payers),
    )
    return population.generate(workers=workers, tables=tables)
