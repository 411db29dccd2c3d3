"""Hypothesis strategies for populations and their options (extra ``hypothesis``).

Example::

    from hypothesis import given
    from clinical_data_generator.extra.hypothesis import datasets

    @given(datasets(max_members=300))
    def test_every_member_has_coverage(ds):
        ...
"""

from __future__ import annotations

import datetime as dt

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised by the minimal tox env
    from ..errors import MissingDependencyError

    raise MissingDependencyError("hypothesis", "hypothesis") from exc

import clinical_data_generator as cdg

__all__ = ["datasets", "member_generators", "populations"]

_STATES = ("AK", "CA", "DC", "FL", "NY", "TX", "VT", "WY")


def member_generators() -> st.SearchStrategy[cdg.MemberGenerator]:
    """Valid :class:`MemberGenerator` configurations, cohorts included."""

    @st.composite
    def build(draw: st.DrawFn) -> cdg.MemberGenerator:
        low = draw(st.none() | st.integers(0, 100))
        high = draw(st.none() | st.integers(0 if low is None else low, 105))
        lobs = draw(st.none() | st.lists(st.sampled_from(("commercial", "individual", "medicare", "medicaid")),
                                         min_size=1, max_size=4, unique=True))  # fmt: skip
        states = draw(
            st.none() | st.lists(st.sampled_from(_STATES), min_size=1, max_size=3, unique=True)
        )
        return cdg.MemberGenerator(
            min_age=low,
            max_age=high,
            states=states,
            lines_of_business=lobs,
            dependents=draw(st.booleans()),
        )

    return build()


def populations(*, max_members: int = 2_000) -> st.SearchStrategy[cdg.Population]:
    """Valid :class:`Population` objects of up to ``max_members`` members."""
    return st.builds(
        cdg.Population,
        st.integers(1, max_members),
        seed=st.integers(0, 2**63 - 1),
        as_of=st.dates(dt.date(1990, 1, 1), dt.date(2060, 12, 31)),
        member_generator=member_generators(),
        payer_generator=st.builds(cdg.PayerGenerator, count=st.integers(1, 6)),
    )


def datasets(*, max_members: int = 2_000) -> st.SearchStrategy[cdg.Dataset]:
    """Generated :class:`Dataset` objects (see :func:`populations`)."""
    return populations(max_members=max_members).map(lambda p: p.generate())
