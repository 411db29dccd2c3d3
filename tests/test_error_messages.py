"""Bad input raises InvalidArgumentError naming the argument, the value and what is allowed."""

from __future__ import annotations

import datetime as dt

import pytest

import clinical_data_generator as cdg


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cdg.generate(members=0),
            "members=0 is not allowed: expected an integer from 1 to 1,000,000,000",
        ),
        (lambda: cdg.generate(members=-1), "members=-1"),
        (lambda: cdg.generate(members=2.5), "members=2.5"),  # type: ignore[arg-type]
        (lambda: cdg.generate(members=True), "members=True"),  # type: ignore[arg-type]
        (
            lambda: cdg.generate(members=10, seed=-3),
            "seed=-3 is not allowed: expected an integer from 0 to 2**63 - 1",
        ),
        (
            lambda: cdg.generate(members=10, as_of="yesterday"),
            "as_of='yesterday' is not allowed: expected a date written YYYY-MM-DD",
        ),
        (
            lambda: cdg.generate(members=10, as_of=dt.date(1900, 1, 1)),
            "expected a date from 1950-01-01 to 2100-12-31",
        ),
        (lambda: cdg.generate(members=10, workers=0), "workers=0"),
        (
            lambda: cdg.generate(members=10, min_age=-1),
            "min_age=-1 is not allowed: expected an integer from 0 to 105",
        ),
        (lambda: cdg.generate(members=10, max_age=200), "max_age=200"),
        (
            lambda: cdg.generate(members=10, min_age=40, max_age=30),
            "max_age=30 is not allowed: expected at least min_age (40)",
        ),
        (lambda: cdg.generate(members=10, states=["XX"]), "states=['XX']"),
        (
            lambda: cdg.generate(members=10, lines_of_business=["dental"]),
            "lines_of_business=['dental']",
        ),
        (
            lambda: cdg.generate(members=10, payers=51),
            "payers=51 is not allowed: expected an integer from 1 to 50",
        ),
        (lambda: cdg.CoverageGenerator(history_years=0), "history_years=0"),
        (
            lambda: cdg.CoverageGenerator(gap_share=1.5),
            "gap_share=1.5 is not allowed: expected a number from 0 to 1",
        ),
        (lambda: cdg.CoverageGenerator(gap_share=0.5, terminated_share=0.6), "at most 1"),
        (
            lambda: cdg.Population(10).block(5),
            "block=5 is not allowed: expected an integer from 0 to 0",
        ),
        (
            lambda: cdg.generate(members=5).write("memory://x", formats=[]),
            "formats=[] is not allowed",
        ),
        (
            lambda: cdg.generate(members=5).write("memory://x", formats=["pdf"]),
            "formats='pdf' is not allowed: expected one of",
        ),
    ],
)
def test_message_names_argument_and_allowed_values(call: object, message: str) -> None:
    """The exception is InvalidArgumentError (a ValueError) and its text is specific."""
    with pytest.raises(cdg.InvalidArgumentError) as info:
        call()  # type: ignore[operator]
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_output_error_for_a_file_target(tmp_path: object) -> None:
    """Writing into a path that is a file raises OutputError (an OSError) naming the path."""
    from pathlib import Path

    target = Path(str(tmp_path)) / "f"
    target.write_text("")
    with pytest.raises(cdg.OutputError, match="is a file"):
        cdg.generate(members=5).write(target, formats=["csv"])


def test_missing_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing optional dependency raises MissingDependencyError with the pip extra."""
    import sys

    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(cdg.MissingDependencyError, match=r"clinical-data-generator\[polars\]"):
        cdg.generate(members=5).to_polars("members")
