"""Our own X12 checks: hand-made valid files pass, and each mutation that breaks one rule is caught.

The fixtures in ``x12_fixtures/`` were written by hand from the 5010 implementation guides
(834 X220A1, 835 X221A1, 837P X222A1, 837I X223A2, 270/271 X279A1, 276/277 X212); pyx12
accepts the ones it has maps for. Mutations run without pyx12 so they test our checks alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinical_data_generator.validation import x12 as x12_module
from clinical_data_generator.validation._x12_pyx12 import Pyx12Outcome
from clinical_data_generator.validation.x12 import CHECKS, check_x12_file

FIXTURES = Path(__file__).parent / "x12_fixtures"
KINDS = ("837p", "837i", "835", "834", "270", "271", "276", "277")


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
    report = check_x12_file(FIXTURES / f"{kind}.x12")
    assert report.errors == ()
    assert report.kind == f"x12-{kind}"
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
    report = check_x12_file(FIXTURES / f"{kind}.x12")
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


# (fixture, [(old, new), ...], check, expected text in the error, recount SE01)
MUTATIONS = [
    (
        "837p",
        [("NM1*IL*1*DOE*JANE*A", "NM1*IL*1*DO\xc9*JANE*A")],
        "ascii",
        "segment 16 (NM1): character '\xc9' (0xC9)",
        False,
    ),
    (
        "837p",
        [("*ZZ*CDGSENDER      *", "*ZZ*CDGSENDER     *")],
        "isa-header",
        "ISA06 'CDGSENDER     ' is 14 characters wide",
        False,
    ),
    (
        "837p",
        [("*ZZ*CDGSENDER      *", "*ZZ*CDGSENDER     *")],
        "isa-header",
        "ISA is 105 characters long",
        False,
    ),
    ("834", [("*0*T*:~", "*0*X*:~")], "isa-header", "ISA15 'X' is not one of P, T", False),
    (
        "270",
        [("*1200*^*00501*", "*1200*:*00501*")],
        "isa-header",
        "repetition separator (ISA11) are the same character ':'",
        False,
    ),
    (
        "837p",
        [("SE*47*0001", "SE*46*0001")],
        "envelope-counts",
        "segment 49 (SE): SE01 '46' but the transaction set has 47 segments",
        False,
    ),
    (
        "835",
        [("SE*27*0001", "SE*27*0002")],
        "envelope-counts",
        "SE02 '0002' differs from ST02 '0001'",
        False,
    ),
    (
        "834",
        [("GE*1*301", "GE*2*301")],
        "envelope-counts",
        "GE01 '2' but the group holds 1 transaction sets",
        False,
    ),
    (
        "834",
        [("GE*1*301", "GE*1*399")],
        "envelope-counts",
        "GE02 '399' differs from GS06 '301'",
        False,
    ),
    (
        "276",
        [("IEA*1*", "IEA*2*")],
        "envelope-counts",
        "IEA01 '2' but the interchange holds 1 functional groups",
        False,
    ),
    (
        "277",
        [("IEA*1*000000502", "IEA*1*000000503")],
        "envelope-counts",
        "IEA02 '000000503' differs from ISA13 '000000502'",
        False,
    ),
    (
        "271",
        [("SE*27*0001~\n", "")],
        "envelope-counts",
        "segment 3 (ST): transaction set has no SE before segment 29 (GE)",
        False,
    ),
    (
        "270",
        [
            (
                "GS*HS*CDGSENDER*CDGRECEIVER*20240115*1200*401*",
                "GS*HS*CDGSENDER*CDGRECEIVER*20240115*1200*A401*",
            ),
            ("GE*1*401", "GE*1*A401"),
        ],
        "control-numbers",
        "GS06 'A401' is not a 1-9 digit control number",
        False,
    ),
    (
        "837p",
        [("ST*837*0001*005010X222A1", "ST*837*0001*005010X222")],
        "guide-version",
        "ST03 '005010X222' should be the guide version 005010X222A1",
        False,
    ),
    (
        "834",
        [
            ("*X*005010X220A1~", "*X*005010X220~"),
            ("ST*834*0001*005010X220A1", "ST*834*0001*005010X220"),
        ],
        "guide-version",
        "GS08 '005010X220' is not the 5010 guide for 834 (005010X220A1)",
        False,
    ),
    (
        "835",
        [("ST*835*0001", "ST*835*0001*005010X221A1")],
        "guide-version",
        "ST03 '005010X221A1' is present but the 835 guide (005010X221A1) marks ST03 Not Used",
        False,
    ),
    ("270", [("GS*HS*", "GS*HB*")], "guide-version", "GS01 'HB' should be HS for 270", False),
    (
        "270",
        [("ST*270*0001", "ST*850*0001")],
        "guide-version",
        "ST01 '850' is not one of the HIPAA transactions",
        False,
    ),
    (
        "837i",
        [("DTP*472*D8*20240105", "DTP*472*D8*20240230")],
        "dates",
        "segment 33 (DTP): DTP03 (D8) '20240230' is not a real calendar date",
        False,
    ),
    (
        "837i",
        [("RD8*20240105-20240108", "RD8*20240108-20240105")],
        "dates",
        "range '20240108-20240105' ends before it starts",
        False,
    ),
    (
        "837i",
        [("DTP*435*DT*202401051000", "DTP*435*DT*202401052500")],
        "dates",
        "'2500' is not a real time of day",
        False,
    ),
    (
        "276",
        [("DMG*D8*20150601*M", "DMG*D8*20151301*M")],
        "dates",
        "DMG02 (D8) '20151301' is not a real calendar date",
        False,
    ),
    (
        "277",
        [("*20240126*0900*502*", "*20230229*0900*502*")],
        "dates",
        "GS04 '20230229' is not a real calendar date",
        False,
    ),
    (
        "271",
        [("BHT*0022*11*10001234*20240115*1201", "BHT*0022*11*10001234*20240115*2561")],
        "dates",
        "BHT05 (TM) '2561' is not a real time of day",
        False,
    ),
    (
        "835",
        [("BPR*I*102.5*C*CHK************20240120", "BPR*I*102.5*C*CHK************2024012")],
        "dates",
        "BPR16 (D8) '2024012' is not a CCYYMMDD date",
        False,
    ),
    ("270", [("HL*5*4*23*0", "HL*6*4*23*0")], "hl-tree", "HL01 '6' should be 5", False),
    (
        "276",
        [("HL*4*3*22*0", "HL*4*9*22*0")],
        "hl-tree",
        "HL02 '9' does not refer to an earlier HL",
        False,
    ),
    (
        "837p",
        [("HL*2*1*22*0", "HL*2*1*23*0")],
        "hl-tree",
        "HL03 23 (dependent) must be a child of level 22 (subscriber), found level 20",
        False,
    ),
    (
        "837p",
        [("HL*1**20*1", "HL*1*1*20*1")],
        "hl-tree",
        "HL02 '1' does not refer to an earlier HL",
        False,
    ),
    (
        "271",
        [("HL*4*2*22*1", "HL*4*2*22*0")],
        "hl-tree",
        "HL04 0 says the HL has no children, but 1 HL name it as parent",
        False,
    ),
    (
        "270",
        [("HL*3*2*22*0", "HL*3*2*22*1")],
        "hl-tree",
        "HL04 1 says the HL has children, but 0 HL name it as parent",
        False,
    ),
    (
        "277",
        [("HL*6*5*23~", "HL*6*5*23*0~")],
        "hl-tree",
        "HL04 is not used at the dependent level (2000E)",
        False,
    ),
    (
        "837p",
        [("HL*3*1*22*1", "HL*3*1*22")],
        "hl-tree",
        "HL04 (hierarchical child code) is required",
        False,
    ),
    ("837p", [("LX*2", "LX*3")], "lx-numbering", "LX01 '3' should be 2", False),
    ("835", [("LX*1", "LX*0")], "lx-numbering", "LX01 '0' is not a positive number", False),
    (
        "837p",
        [("XX*2987654326", "XX*2987654327")],
        "npi-check-digit",
        "NM109 NPI 2987654327 fails the Luhn check digit",
        False,
    ),
    (
        "835",
        [("N1*PE*SAMPLE FAMILY CLINIC*XX*2123456784", "N1*PE*SAMPLE FAMILY CLINIC*XX*3123456784")],
        "npi-check-digit",
        "N104 NPI 3123456784 does not start with 1 or 2",
        False,
    ),
    (
        "270",
        [("XX*2123456784", "XX*212345678")],
        "npi-check-digit",
        "NPI '212345678' is not 10 digits",
        False,
    ),
    (
        "837p",
        [("CLM*PATACCT001*150*", "CLM*PATACCT001*160*")],
        "claim-totals",
        "CLM02 160.00 differs from the sum of the 2 line charges (SV102) 150.00",
        False,
    ),
    (
        "837i",
        [("SV2*0300**500*", "SV2*0300**400*")],
        "claim-totals",
        "CLM02 1500.00 differs from the sum of the 2 line charges (SV203) 1400.00",
        False,
    ),
    (
        "837p",
        [("CLM*PATACCT002*80*", "CLM*PATACCT002*80.01*")],
        "claim-totals",
        "CLM02 80.01 differs from the sum of the 1 line charges (SV102) 80.00",
        False,
    ),
    (
        "837p",
        [("LX*1~\nSV1*HC:99212*80*UN*1***1~\nDTP*472*D8*20240112~\n", "")],
        "claim-totals",
        "the claim has no service lines (SV1 in loop 2400)",
        True,
    ),
    (
        "837p",
        [("SV1*HC:99213*100*UN*1***1:2", "SV1*HC:99213*100*UN*1***1:3")],
        "diagnosis-codes",
        "SV107-2 pointer '3' does not point at one of the claim's 2 diagnosis codes",
        False,
    ),
    (
        "837p",
        [("SV1*HC:36415*50*UN*1***1", "SV1*HC:36415*50*UN*1***")],
        "diagnosis-codes",
        "SV107-1 (diagnosis code pointer) is required",
        False,
    ),
    (
        "837p",
        [("HI*ABK:E119*ABF:I10", "HI*ABF:E119*ABF:I10")],
        "diagnosis-codes",
        "the claim has 0 principal diagnosis codes (HI ABK)",
        False,
    ),
    (
        "837p",
        [
            (
                "HI*ABK:E119*ABF:I10~",
                "HI*ABK:E119*ABF:I10*ABF:E785*ABF:E669*ABF:M545*ABF:J309*ABF:K219*ABF:F419*ABF:G4700*ABF:R51*ABF:Z0000*ABF:N390~\nHI*ABF:R05~",
            )
        ],
        "diagnosis-codes",
        "the claim has 13 diagnosis codes (ABK/ABF); the 837P allows at most 12",
        True,
    ),
    (
        "837i",
        [("HI*ABK:K3580~", "HI*ABF:K3580~")],
        "diagnosis-codes",
        "the claim has 0 principal diagnosis codes",
        False,
    ),
    (
        "837p",
        [("N4*SPRINGFIELD*IL*627011234", "N4*SPRINGFIELD*IL*62701")],
        "nine-digit-zip",
        "N403 '62701' of the 2010AA billing provider must be a 9-digit ZIP code",
        False,
    ),
    (
        "837i",
        [("N4*SPRINGFIELD*IL*627021234~\n", "")],
        "nine-digit-zip",
        "the 2010AA billing provider has no N4",
        True,
    ),
    (
        "835",
        [("BPR*I*102.5*", "BPR*I*100*")],
        "835-balancing",
        "BPR02 100.00 differs from the sum of CLP04 100.00 minus the PLB adjustments -2.50 = 102.50",
        False,
    ),
    ("835", [("L6:INTEREST*-2.5", "L6:INTEREST*-3")], "835-balancing", "= 103.00", False),
    (
        "835",
        [("CLP*PATACCT001*1*150*", "CLP*PATACCT001*1*160*")],
        "835-balancing",
        "CLP03 - CLP04 = 60.00 but the claim and line CAS adjustments sum to 50.00",
        False,
    ),
    (
        "835",
        [("CAS*CO*45*10~", "CAS*CO*45*15~")],
        "835-balancing",
        "segment 17 (SVC): SVC02 - SVC03 = 30.00 but the line's CAS adjustments sum to 35.00",
        False,
    ),
    (
        "835",
        [("CAS*CO*29*80", "CAS*CO*29*79.99")],
        "835-balancing",
        "CLP03 - CLP04 = 80.00 but the claim and line CAS adjustments sum to 79.99",
        False,
    ),
    (
        "835",
        [("CAS*PR*2*20", "CAS*XX*2*20")],
        "835-balancing",
        "CAS01 'XX' is not a claim adjustment group code",
        False,
    ),
    (
        "834",
        [("INS*Y*18*021*28*A***FT", "INS*Y*18*099*28*A***FT")],
        "834-member-loops",
        "INS03 '099' is not a maintenance type code",
        False,
    ),
    (
        "834",
        [("INS*N*19*021*28*A", "INS*Y*19*021*28*A")],
        "834-member-loops",
        "a subscriber (Y) is related to self (18)",
        False,
    ),
    (
        "834",
        [("REF*0F*W555000111", "REF*17*W555000111")],
        "834-member-loops",
        "member loop has no subscriber identifier (REF*0F)",
        False,
    ),
    (
        "834",
        [("HD*024**HLT", "HD*024**XYZ")],
        "834-member-loops",
        "HD03 'XYZ' is not an insurance line code",
        False,
    ),
    (
        "834",
        [("DTP*349*D8*20231231~\n", "")],
        "834-member-loops",
        "HD01 024 needs a DTP*349 (benefit end)",
        True,
    ),
    (
        "834",
        [("BGN*00*ENR0001*20240101*0000****2", "BGN*00*ENR0001*20240101*0000****7")],
        "834-member-loops",
        "BGN08 '7' is not an action code",
        False,
    ),
    (
        "834",
        [
            (
                "HD*021**HLT*PPO PLAN A*FAM~\nDTP*348*D8*20230101~\nINS*N",
                "HD*021**HLT*PPO PLAN A*FAM~\nDTP*303*D8*20230101~\nINS*N",
            )
        ],
        "834-member-loops",
        "segment 18 (HD): HD01 021 needs a DTP*348 (benefit begin)",
        False,
    ),
]


@pytest.mark.usefixtures("without_pyx12")
@pytest.mark.parametrize(
    ("kind", "edits", "check", "expected", "fix_counts"),
    MUTATIONS,
    ids=[f"{m[2]}-{m[0]}-{n}" for n, m in enumerate(MUTATIONS)],
)
def test_mutation_is_caught_by_its_check(
    tmp_path: Path,
    kind: str,
    edits: list[tuple[str, str]],
    check: str,
    expected: str,
    fix_counts: bool,
) -> None:
    """A copy of a valid fixture that breaks one rule fails that check, and only that check."""
    text = fixture_text(kind)
    for old, new in edits:
        text = replace_once(text, old, new)
    if fix_counts:
        text = recount(text)
    report = check_x12_file(write(tmp_path, text))
    assert not report.ok
    assert any(e.startswith(f"{check}: ") and expected in e for e in report.errors), report.errors
    assert {e.split(":", 1)[0] for e in report.errors} == {check}, report.errors


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
    seen = {name for kind in KINDS for name in check_x12_file(FIXTURES / f"{kind}.x12").checks}
    assert seen == set(CHECKS)
