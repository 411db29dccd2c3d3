"""Small, dependency-free timing helpers shared by the benchmarks.

A *contender* is a zero-argument callable that does one unit of work and returns how many
items it produced (members, rows, claims, ...).  :func:`measure` runs every contender once
per round, interleaved (A, B, C, A, B, C, ...) so that slow drifts of a shared machine hit
all contenders alike, and records items per second of CPU time (``time.process_time``: the
CPU seconds of every thread of this process, so waiting on a noisy neighbour does not count
but extra threads do).  Medians of the rounds are what gets reported.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping, Sequence

__all__ = [
    "budget_line",
    "fmt_bytes",
    "fmt_rate",
    "measure",
    "median",
    "report",
    "timed",
]

Contender = Callable[[], int]


def timed(fn: Contender, clock: Callable[[], float] = time.process_time) -> tuple[int, float]:
    """Run ``fn`` once; return (items it reports, seconds on ``clock``)."""
    gc.collect()  # do not bill one contender for the garbage of the previous one
    start = clock()
    items = fn()
    return items, max(clock() - start, 1e-9)


def measure(
    contenders: Mapping[str, Contender],
    rounds: int,
    *,
    clock: Callable[[], float] = time.process_time,
    warmup: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[float]]:
    """Run each contender ``rounds`` times, interleaved; return per-round items/s by name.

    With ``warmup`` every contender first runs once untimed (imports, caches, page cache).
    ``progress`` (e.g. ``print``) receives one line per timed run.
    """
    if rounds < 1:
        raise ValueError("rounds must be >= 1")
    if warmup:
        for fn in contenders.values():
            fn()
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    for r in range(rounds):
        for name, fn in contenders.items():
            items, seconds = timed(fn, clock)
            rates[name].append(items / seconds)
            if progress is not None:
                progress(
                    f"  round {r + 1}/{rounds}  {name:<40} {items:>10,} items "
                    f"{seconds:8.3f} s  {fmt_rate(items / seconds)}/s"
                )
    return rates


def median(values: Sequence[float]) -> float:
    """Median of a non-empty sequence."""
    return statistics.median(values)


def fmt_rate(value: float) -> str:
    """A rate with thousands separators and no decimals for large values."""
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def fmt_bytes(value: float) -> str:
    """Bytes as MB (10**6) with one decimal."""
    return f"{value / 1e6:,.1f} MB"


def report(
    title: str,
    rates: Mapping[str, Sequence[float]],
    *,
    unit: str = "items/s",
    out: Callable[[str], None] = print,
) -> dict[str, float]:
    """Print a table of median / min / max per contender; return the medians by name."""
    medians = {name: median(values) for name, values in rates.items()}
    width = max([len(name) for name in rates] + [len("contender")])
    out("")
    out(title)
    out(f"  {'contender':<{width}}  {'median ' + unit:>20}  {'min':>14}  {'max':>14}  rounds")
    for name, values in rates.items():
        out(
            f"  {name:<{width}}  {fmt_rate(medians[name]):>20}  {fmt_rate(min(values)):>14}  "
            f"{fmt_rate(max(values)):>14}  {len(values):>6}"
        )
    return medians


def budget_line(
    label: str, value: float, threshold: float, text: str, *, higher_is_better: bool = True
) -> str:
    """One budget line ending in PASS or BELOW (``text`` is the formatted ``value`` and budget)."""
    ok = value >= threshold if higher_is_better else value < threshold
    return f"  {label:<52} {text:<34} {'PASS' if ok else 'BELOW'}"
