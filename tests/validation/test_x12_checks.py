"""Our own X12 checks: hand-made valid files pass, and each mutation that breaks one rule is caught.

The fixtures in ``x12_fixtures/`` were written by hand from the 5010 implementation guides
(834 X220A1, 835 X221A1, 837P X222A1, 837I X223A2, 270/271 X279A1, 276/277 X212); pyx12
accepts the ones it has maps for. Mutations run without pyx12 so they test our checks alone.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from clinical_data_generator.validation import FileReport
from clinical_data_generator.validation import x12 as x12_module
from clinical_data_generator.validation._x12_pyx12 import Pyx12Outcome
from clinical_data_generator.validation.x12 import CHECKS, check_x12_file

FIXTURES = Path(__file__).parent / "x12_fixtures"
KINDS = ("837p", "837i", "835", "834", "270", "271", "276", "277")


@functools.cache
def fixture_report(kind: str) -> FileReport:
    """The (immutable) report of a valid fixture, computed once: pyx12 takes a while."""
    return check_x12_file(FIXTURES / f"{kind}.x12")


def fixture_text(name: str) -> str:
    return (FIXTURES / f"{name}.x12").read_text(encoding="ascii")


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so each mutation says precisely what it changes."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def recount(text: str) -> str:
    """Set every SE01 to the real ST..SE segment count (for mutations that add or drop one)."""
    lines = text.split("~\n")
    count = 0
    for index, line in enumerate(lines):
        if line.startswith("ST*"):
            count = 0
        count += 1
        if line.startswith("SE*"):
            parts = line.split("*")
            parts[1] = str(count)
            lines[index] = "*".join(parts)
    return "~\n".join(lines)


def write(tmp_path: Path, text: str, name: str = "mutated.x12") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    return path


@pytest.fixture
def without_pyx12(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run only our own checks (pyx12 has its own tests in test_x12_pyx12.py)."""
    monkeypatch.setattr(x12_module, "run_pyx12", lambda text, parsed: Pyx12Outcome(False))


@pytest.mark.parametrize("kind", KINDS)
def test_hand_made_fixture_is_valid(kind: str) -> None:
    """Each hand-made guide-conformant fixture passes pyx12 (where mapped) and all our checks."""
    report = fixture_report(kind)
    assert report.errors == ()
    assert report.kind == f"x12-{kind}"
    assert (report.checks[0] == "pyx12") == (kind in {"834", "835", "837p", "837i"})
    assert {"ascii", "isa-header", "envelope-counts", "control-numbers", "guide-version"} <= set(
        report.checks
    )
    assert "dates" in report.checks and "npi-check-digit" in report.checks


@pytest.mark.parametrize(
    ("kind", "specific"),
    [
        ("837p", {"hl-tree", "lx-numbering", "claim-totals", "diagnosis-codes", "nine-digit-zip"}),
        ("837i", {"hl-tree", "lx-numbering", "claim-totals", "diagnosis-codes", "nine-digit-zip"}),
        ("835", {"lx-numbering", "835-balancing"}),
        ("834", {"834-member-loops"}),
        ("270", {"hl-tree"}),
        ("277", {"hl-tree"}),
    ],
)
def test_transaction_specific_checks_are_listed(kind: str, specific: set[str]) -> None:
    """The report lists exactly the transaction-specific checks that apply to the file's kind."""
    report = fixture_report(kind)
    transaction_specific = {
        "hl-tree",
        "lx-numbering",
        "claim-totals",
        "diagnosis-codes",
        "nine-digit-zip",
        "835-balancing",
        "834-member-loops",
    }
    assert set(report.checks) & transaction_specific == specific
    assert set(report.checks) <= set(CHECKS)


# One rule broken per entry: the fixture, its (old, new) edits, the check that must catch it,
# text its error must contain, and whether SE01 is recounted after a segment is added or dropped.
MUTATIONS = json.loads((FIXTURES / "mutations.json").read_text(encoding="ascii"))


@pytest.mark.usefixtures("without_pyx12")
@pytest.mark.parametrize(
    "mutation", MUTATIONS, ids=[f"{m['check']}-{m['fixture']}-{n}" for n, m in enumerate(MUTATIONS)]
)
def test_mutation_is_caught_by_its_check(tmp_path: Path, mutation: dict[str, Any]) -> None:
    """A copy of a valid fixture that breaks one rule fails that check, and only that check."""
    text = fixture_text(mutation["fixture"])
    for old, new in mutation["edits"]:
        text = replace_once(text, old, new)
    if mutation["recount"]:
        text = recount(text)
    report = check_x12_file(write(tmp_path, text))
    check, expected = mutation["check"], mutation["expected"]
    assert any(e.startswith(f"{check}: ") and expected in e for e in report.errors), report.errors
    assert {e.split(":", 1)[0] for e in report.errors} == {check}, report.errors


def test_every_check_has_mutations() -> None:
    """Each of our own checks is exercised by at least one mutation."""
    assert {m["check"] for m in MUTATIONS} == set(CHECKS) - {"pyx12"}


@pytest.mark.usefixtures("without_pyx12")
def test_several_interchanges_in_one_file(tmp_path: Path) -> None:
    """Interchanges are checked one after another; positions count across the whole file."""
    text = fixture_text("837p") + fixture_text("837i")
    report = check_x12_file(write(tmp_path, text, "both.x12"))
    assert report.ok, report.errors
    assert report.kind == "x12-837p+x12-837i"

    broken = fixture_text("837p") + replace_once(
        fixture_text("837i"), "SV2*0300**500*", "SV2*0300**1*"
    )
    report = check_x12_file(write(tmp_path, broken, "broken.x12"))
    assert report.errors == (
        "claim-totals: segment 72 (CLM): CLM02 1500.00 differs from the sum of the 2 line "
        "charges (SV203) 1001.00",
    )


@pytest.mark.usefixtures("without_pyx12")
def test_repeated_interchange_control_number(tmp_path: Path) -> None:
    """A second interchange reusing ISA13 is reported against the first one."""
    second = fixture_text("837i").replace("000000102", "000000101")
    report = check_x12_file(write(tmp_path, fixture_text("837p") + second))
    assert report.errors == (
        "control-numbers: segment 52 (ISA): ISA13 000000101 repeats the control number of "
        "segment 1 (ISA)",
    )


@pytest.mark.usefixtures("without_pyx12")
def test_transaction_sets_in_one_group(tmp_path: Path) -> None:
    """Two ST..SE in one GS: GE01 counts both and ST02 must differ within the group."""
    text = fixture_text("270")
    start, end = text.index("ST*270"), text.index("GE*1*")
    transaction = text[start:end]
    second = transaction.replace("*0001", "*0002")
    two = text[:end] + second + text[end:].replace("GE*1*", "GE*2*")
    report = check_x12_file(write(tmp_path, two, "two.x12"))
    assert report.ok, report.errors

    same = text[:end] + transaction + text[end:].replace("GE*1*", "GE*2*")
    report = check_x12_file(write(tmp_path, same, "same.x12"))
    assert report.errors == (
        "control-numbers: segment 24 (ST): ST02 0001 repeats the control number of segment 3 "
        "(ST) in the same functional group",
    )


@pytest.mark.usefixtures("without_pyx12")
def test_other_delimiters_and_no_newlines(tmp_path: Path) -> None:
    """Delimiters come from each ISA: | > ! and an apostrophe terminator without newlines work."""
    text = fixture_text("837p").replace("~\n", "'").replace("*", "|").replace(":", ">")
    text = text.replace("|^|", "|!|")
    report = check_x12_file(write(tmp_path, text, "delims.x12"))
    assert report.ok, report.errors
    broken = text.replace("SV1|HC>99213|100|UN|1|||1>2", "SV1|HC>99213|100|UN|1|||1>5")
    report = check_x12_file(write(tmp_path, broken, "broken.x12"))
    assert [e.split(":")[0] for e in report.errors] == ["diagnosis-codes"]


@pytest.mark.usefixtures("without_pyx12")
def test_truncated_file_reports_missing_trailers(tmp_path: Path) -> None:
    """A file cut after a segment names the transaction, group and interchange left open."""
    text = fixture_text("835")
    cut = text[: text.index("SE*27")]
    report = check_x12_file(write(tmp_path, cut, "cut.x12"))
    assert "envelope-counts: segment 3 (ST): transaction set has no SE at the end of the file" in (
        report.errors
    )
    assert "envelope-counts: segment 2 (GS): functional group has no GE at the end of the file" in (
        report.errors
    )
    assert "envelope-counts: segment 1 (ISA): interchange has no IEA" in report.errors


@pytest.mark.usefixtures("without_pyx12")
def test_segments_outside_a_transaction(tmp_path: Path) -> None:
    """A segment between GS and ST belongs to no transaction set and is reported."""
    text = replace_once(fixture_text("276"), "ST*276", "REF*EJ*X~\nST*276")
    report = check_x12_file(write(tmp_path, text, "stray.x12"))
    assert report.errors == (
        "envelope-counts: segment 3 (REF): segment outside a transaction set (ST..SE)",
    )


def test_not_an_interchange(tmp_path: Path) -> None:
    """A file whose ISA cannot be read fails the envelope check instead of raising."""
    path = write(tmp_path, "ISA*00*short~\n", "short.x12")
    report = check_x12_file(path)
    assert report.kind == "x12"
    assert not report.ok
    assert any("the ISA segment is malformed" in e for e in report.errors)
    assert "the file holds no transaction sets (ST..SE)" in report.notes


@pytest.mark.usefixtures("without_pyx12")
def test_line_break_inside_a_segment_is_not_ascii_text(tmp_path: Path) -> None:
    """Newlines are allowed between segments only: one inside a segment is reported."""
    text = replace_once(fixture_text("271"), "NM1*IL*1*DOE*JANE", "NM1*IL*1*DOE\n*JANE")
    report = check_x12_file(write(tmp_path, text))
    assert report.errors == (
        "ascii: segment 11 (NM1): character '\\n' (0x0A) at column 13 is not printable ASCII",
    )


@pytest.mark.usefixtures("without_pyx12")
def test_control_character_delimiters_are_allowed(tmp_path: Path) -> None:
    """An ISA may declare control characters (GS 0x1D, US 0x1F) as element and component separators."""
    text = fixture_text("276").replace("*", "\x1d").replace(":", "\x1f")
    report = check_x12_file(write(tmp_path, text))
    assert report.ok, report.errors


def test_every_check_name_is_reported_by_some_fixture() -> None:
    """CHECKS lists exactly the names the fixtures' reports use (pyx12 included)."""
    seen = {name for kind in KINDS for name in fixture_report(kind).checks}
    assert seen == set(CHECKS)
