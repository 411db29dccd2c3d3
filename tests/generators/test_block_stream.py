"""Streaming a block table by table: same tables as ``block``, earlier tables let go."""

from __future__ import annotations

import gc
import weakref

import pyarrow as pa

import clinical_data_generator as cdg
from clinical_data_generator.generators.population import BLOCK_TABLES

# Tables nothing after the lab stage reads: by the time the claim lines are built, the stream
# must hold none of them, so a writer that has written them can free them.
_DONE_BEFORE_CLAIMS = ("immunizations", "encounters", "conditions", "diagnostic_reports",
                       "lab_results", "covid_tests", "procedures")  # fmt: skip


def test_the_stream_gives_the_tables_of_block() -> None:
    pop = cdg.Population(700, seed=11, pins={"claims": {"principal_diagnosis": "E1165"}})
    whole = pop.block(0)
    streamed = dict(pop._block_stream(0, BLOCK_TABLES))
    assert list(whole) == list(BLOCK_TABLES)
    assert sorted(streamed) == sorted(whole)
    for name, table in whole.items():
        assert streamed[name].equals(table), name
    assert set(streamed["claims"]["principal_diagnosis"].to_pylist()) == {"E1165"}


def test_the_stream_gives_only_the_wanted_tables() -> None:
    pop = cdg.Population(300, seed=4)
    wanted = ("claim_lines", "members")
    streamed = dict(pop._block_stream(0, wanted))
    assert sorted(streamed) == sorted(wanted)
    assert streamed["claim_lines"].equals(pop.block(0, tables=["claim_lines"])["claim_lines"])


_DONE_BEFORE_INQUIRIES = ("claims", "claim_lines", "adjudications", "line_adjudications")


def test_tables_written_before_later_steps_are_not_kept_by_the_stream() -> None:
    pop = cdg.Population(500, seed=2)
    seen: dict[str, weakref.ref[pa.Table]] = {}
    alive: dict[str, list[str]] = {}
    checks = {"claim_lines": _DONE_BEFORE_CLAIMS, "eligibility_inquiries": _DONE_BEFORE_INQUIRIES}
    for name, table in pop._block_stream(0, BLOCK_TABLES):
        if name in checks:
            gc.collect()
            alive[name] = [n for n in checks[name] if seen[n]() is not None]
        seen[name] = weakref.ref(table)
        del table  # what a writer does once the table is written
    assert set(_DONE_BEFORE_CLAIMS) | set(_DONE_BEFORE_INQUIRIES) <= set(seen)
    assert alive == {"claim_lines": [], "eligibility_inquiries": []}
