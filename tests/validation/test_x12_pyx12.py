"""pyx12 inside ``check_x12_file``: its errors are surfaced with positions, quietly, and optional."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

import pytest

from clinical_data_generator.validation._x12_pyx12 import MISSING_NOTE
from clinical_data_generator.validation.x12 import check_x12_file

FIXTURES = Path(__file__).parent / "x12_fixtures"
pytest.importorskip("pyx12")


def fixture_text(name: str) -> str:
    return (FIXTURES / f"{name}.x12").read_text(encoding="ascii")


def write(tmp_path: Path, text: str, name: str = "file.x12") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="ascii")
    return path


def segment_count(text: str) -> int:
    return text.count("~")


@pytest.mark.parametrize(
    ("kind", "version"),
    [
        ("270", "005010X279A1"),
        ("271", "005010X279A1"),
        ("276", "005010X212"),
        ("277", "005010X212"),
    ],
)
def test_transactions_without_a_pyx12_map_say_so(kind: str, version: str) -> None:
    """pyx12 4.0.0 indexes no 5010 map for 270/271/276/277 (X212): the note says our checks only."""
    report = check_x12_file(FIXTURES / f"{kind}.x12")
    assert "pyx12" not in report.checks
    assert report.notes == (f"pyx12 has no 5010 map for {kind} ({version}); our own checks only",)


def test_pyx12_segment_errors_are_surfaced(tmp_path: Path) -> None:
    """A code only pyx12 knows is wrong (SBR01 'Q') fails the file with pyx12's message."""
    text = fixture_text("837p").replace("SBR*P*18*GRP001", "SBR*Q*18*GRP001")
    report = check_x12_file(write(tmp_path, text))
    assert not report.ok
    assert "pyx12: segment 15 (SBR): Segment SBR*Q not found." in " ".join(report.errors)
    assert all(e.startswith("pyx12: ") for e in report.errors), report.errors


def test_pyx12_element_errors_are_surfaced(tmp_path: Path) -> None:
    """pyx12's element errors name the segment position and element (DMG02 invalid date)."""
    text = fixture_text("834").replace("DMG*D8*19800101*F", "DMG*D8*19800132*F")
    report = check_x12_file(write(tmp_path, text))
    pyx12 = [e for e in report.errors if e.startswith("pyx12: ")]
    assert len(pyx12) == 1
    assert pyx12[0].startswith("pyx12: segment 17 (DMG): ")
    assert "(DMG02) contains an invalid date" in pyx12[0]
    assert any(e.startswith("dates: segment 17 (DMG)") for e in report.errors)


def test_pyx12_envelope_element_errors_are_surfaced(tmp_path: Path) -> None:
    """Element errors on ST/GS, which pyx12's JSON report leaves out, still reach the report."""
    text = fixture_text("835").replace("ST*835*0001", "ST*835*0001*005010X221A1")
    report = check_x12_file(write(tmp_path, text))
    assert (
        'pyx12: segment 3 (ST): Data element "Implementation Convention Reference" (ST03) '
        "is marked as Not Used"
    ) in report.errors
    text = fixture_text("837i").replace("*20240116*0830*102*", "*20241316*0830*102*")
    report = check_x12_file(write(tmp_path, text, "gs.x12"))
    assert any(
        e.startswith("pyx12: segment 2 (GS): ") and "(GS04) contains an invalid date" in e
        for e in report.errors
    ), report.errors


def test_pyx12_positions_count_across_interchanges(tmp_path: Path) -> None:
    """With an unmapped 270 first, pyx12 checks the 837P interchange alone at its real positions."""
    first = fixture_text("270")
    text = first + fixture_text("837p").replace("SBR*P*18*GRP001", "SBR*Q*18*GRP001")
    report = check_x12_file(write(tmp_path, text))
    assert "pyx12" in report.checks
    assert report.notes == ("pyx12 has no 5010 map for 270 (005010X279A1); our own checks only",)
    position = segment_count(first) + 15
    assert any(e.startswith(f"pyx12: segment {position} (SBR): ") for e in report.errors)


def test_mixed_interchange_is_left_to_our_checks(tmp_path: Path) -> None:
    """An interchange mixing an 837P group with a 270 group is skipped by pyx12, with a note."""
    p837 = fixture_text("837p")
    group_270 = fixture_text("270")
    group_270 = group_270[group_270.index("GS*") : group_270.index("IEA*")]
    text = p837.replace("IEA*1*", group_270 + "IEA*2*")
    report = check_x12_file(write(tmp_path, text))
    assert report.ok, report.errors
    assert report.kind == "x12-837p+x12-270"
    assert "pyx12" not in report.checks
    assert any("pyx12 skipped the interchange at segment 1 (ISA)" in n for n in report.notes)


def test_pyx12_is_quiet_and_restores_logging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pyx12 logs every error; none of it reaches the console and its logger is left as found."""
    logger = logging.getLogger("pyx12")
    before = (logger.propagate, logger.level, list(logger.handlers))
    text = fixture_text("837p").replace("SBR*P*18*GRP001", "SBR*Q*18*GRP001")
    report = check_x12_file(write(tmp_path, text))
    assert not report.ok
    assert capsys.readouterr() == ("", "")
    assert (logger.propagate, logger.level, list(logger.handlers)) == before


def test_without_pyx12_our_checks_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the x12 extra missing the report says how to install it and runs our checks alone."""
    for name in ("pyx12", "pyx12.x12n_document", "pyx12.params", "pyx12.map_index"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError):
        importlib.import_module("pyx12.x12n_document")
    report = check_x12_file(FIXTURES / "837p.x12")
    assert report.notes == (MISSING_NOTE,)
    assert "clinical-data-generator[x12]" in MISSING_NOTE
    assert "pyx12" not in report.checks
    assert "claim-totals" in report.checks
    assert report.ok


def test_unreadable_isa_is_a_pyx12_error(tmp_path: Path) -> None:
    """pyx12 cannot read a 105-character ISA; the report says so next to our ISA errors."""
    text = fixture_text("837p").replace("*ZZ*CDGSENDER      *", "*ZZ*CDGSENDER     *")
    report = check_x12_file(write(tmp_path, text))
    assert "pyx12: segment 1 (ISA): pyx12 could not read the interchange's ISA header" in (
        report.errors
    )
