"""X12 checks that apply to every transaction set: dates, the HL tree, LX numbering, NPIs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ._x12_parse import Segment, Transaction
from ._x12_values import date_problem, npi_problem, range_problem, time_problem

__all__ = ["check_dates", "check_hl_tree", "check_lx_numbering", "check_npis"]

# HL03 level code -> the level code its HL02 parent must have (None: top level, no parent).
# 837P/837I 2000A/B/C; 270/271 2000A-D (005010X279A1); 276/277 2000A-E (005010X212).
_CLAIM_LEVELS: dict[str, str | None] = {"20": None, "22": "20", "23": "22"}
_ELIGIBILITY_LEVELS: dict[str, str | None] = {"20": None, "21": "20", "22": "21", "23": "22"}
_STATUS_LEVELS: dict[str, str | None] = {"20": None, "21": "20", "19": "21", "22": "19", "23": "22"}
HL_LEVELS = {
    "837p": _CLAIM_LEVELS,
    "837i": _CLAIM_LEVELS,
    "270": _ELIGIBILITY_LEVELS,
    "271": _ELIGIBILITY_LEVELS,
    "276": _STATUS_LEVELS,
    "277": _STATUS_LEVELS,
}
_LEVEL_NAMES = {
    "19": "provider of service",
    "20": "information source",
    "21": "information receiver",
    "22": "subscriber",
    "23": "dependent",
}


def _date_elements(segment: Segment) -> Iterator[tuple[str, str, str]]:
    """(element name, value, format qualifier) for every date or time the segment carries."""
    get = segment.get
    match segment.id:
        case "DTP":
            yield "DTP03", get(3), get(2)
        case "DMG" if get(1) == "D8" or get(2):
            yield "DMG02", get(2), get(1) or "D8"
        case "DTM":
            if get(2):
                yield "DTM02", get(2), "D8"
            if get(5):
                yield "DTM06", get(6), get(5)
        case "BHT":
            yield "BHT04", get(4), "D8"
            if get(5):
                yield "BHT05", get(5), "TM"
        case "BGN":
            yield "BGN03", get(3), "D8"
        case "BPR":
            yield "BPR16", get(16), "D8"
        case "PLB":
            yield "PLB02", get(2), "D8"
        case "STC":
            for index in (2, 6, 8):
                if get(index):
                    yield f"STC{index:02d}", get(index), "D8"
        case "INS" if get(11):
            yield "INS12", get(12), get(11)
        case "HI":
            # 837I occurrence / occurrence span codes: HIxx-3 format qualifier, HIxx-4 date.
            for index in range(1, len(segment.elements)):
                parts = segment.composite(index)
                if len(parts) >= 4 and parts[2] in ("D8", "RD8"):
                    yield f"HI{index:02d}-4", parts[3], parts[2]
        case _:
            return


def _format_problem(value: str, qualifier: str) -> str | None:
    if qualifier == "D8":
        return date_problem(value)
    if qualifier == "RD8":
        return range_problem(value)
    if qualifier == "DT":
        if len(value) != 12:
            return f"{value!r} is not a CCYYMMDDHHMM date and time"
        return date_problem(value[:8]) or time_problem(value[8:])
    if qualifier == "TM":
        return time_problem(value)
    return None  # other format qualifiers are not used by the guides we check


def check_dates(transaction: Transaction) -> list[str]:
    """Dates are real CCYYMMDD dates (D8), ranges (RD8) are ordered, times are HHMM."""
    errors = []
    for segment in transaction.segments:
        for name, value, qualifier in _date_elements(segment):
            if not value:
                errors.append(f"{segment.at}: {name} is empty")
                continue
            problem = _format_problem(value, qualifier)
            if problem:
                errors.append(f"{segment.at}: {name} ({qualifier}) {problem}")
    return errors


def check_hl_tree(transaction: Transaction) -> list[str]:
    """HL01 counts 1..n, HL02 names an open earlier HL, HL03 nests by the guide, HL04 is true."""
    hls = [s for s in transaction.segments if s.id == "HL"]
    if not hls:
        return []
    levels = HL_LEVELS.get(transaction.kind)
    errors = []
    level_of: dict[str, str] = {}
    children: Counter[str] = Counter()
    open_path: list[str] = []
    for number, hl in enumerate(hls, 1):
        hl01, hl02, hl03 = hl.get(1), hl.get(2), hl.get(3)
        if hl01 != str(number):
            errors.append(f"{hl.at}: HL01 {hl01!r} should be {number} (HL01 counts 1, 2, 3 ...)")
        parent_level: str | None = None
        if hl02:
            if hl02 not in level_of:
                errors.append(f"{hl.at}: HL02 {hl02!r} does not refer to an earlier HL")
            elif hl02 not in open_path:
                errors.append(
                    f"{hl.at}: HL02 {hl02} refers to an HL whose children already ended "
                    "(children must follow their parent)"
                )
            else:
                del open_path[open_path.index(hl02) + 1 :]
                children[hl02] += 1
                parent_level = level_of[hl02]
        else:
            open_path.clear()
        if levels is not None:
            if hl03 not in levels:
                errors.append(
                    f"{hl.at}: HL03 {hl03!r} is not a level of the {transaction.kind.upper()} "
                    f"({', '.join(levels)})"
                )
            elif levels[hl03] != parent_level:
                expected = levels[hl03]
                name = _LEVEL_NAMES.get(hl03, hl03)
                if expected is None:
                    errors.append(
                        f"{hl.at}: HL03 {hl03} ({name}) is a top level: HL02 must be empty"
                    )
                else:
                    found = f"level {parent_level}" if parent_level else "no parent"
                    errors.append(
                        f"{hl.at}: HL03 {hl03} ({name}) must be a child of level {expected} "
                        f"({_LEVEL_NAMES.get(expected, expected)}), found {found}"
                    )
        level_of[hl01] = hl03
        open_path.append(hl01)
    for hl in hls:
        errors.extend(_child_code_problems(hl, transaction.kind, children[hl.get(1)]))
    return errors


def _child_code_problems(hl: Segment, kind: str, children: int) -> list[str]:
    hl04 = hl.get(4)
    if kind in ("276", "277") and hl.get(3) == "23":
        # 005010X212 2000E HL04 is Not Used: a dependent never has children.
        return [f"{hl.at}: HL04 is not used at the dependent level (2000E)"] if hl04 else []
    if not hl04:
        return [f"{hl.at}: HL04 (hierarchical child code) is required"] if kind in HL_LEVELS else []
    if hl04 not in ("0", "1"):
        return [f"{hl.at}: HL04 {hl04!r} is not 0 or 1"]
    if (hl04 == "1") != (children > 0):
        says = "has children" if hl04 == "1" else "has no children"
        return [f"{hl.at}: HL04 {hl04} says the HL {says}, but {children} HL name it as parent"]
    return []


def check_lx_numbering(transaction: Transaction) -> list[str]:
    """837 LX01 counts 1..n within each claim (2400); 835 LX01 is a unique positive number."""
    errors = []
    if transaction.kind in ("837p", "837i", "837"):
        expected = 0
        in_claim = False
        for segment in transaction.segments:
            if segment.id == "CLM":
                expected, in_claim = 0, True
            elif segment.id == "HL":
                in_claim = False
            elif segment.id == "LX":
                expected += 1
                if not in_claim:
                    errors.append(f"{segment.at}: LX outside a claim (no CLM before it)")
                elif segment.get(1) != str(expected):
                    errors.append(
                        f"{segment.at}: LX01 {segment.get(1)!r} should be {expected} "
                        "(service lines count 1, 2, 3 ... within each claim)"
                    )
    elif transaction.kind == "835":
        seen: set[str] = set()
        for segment in transaction.segments:
            if segment.id != "LX":
                continue
            number = segment.get(1)
            if not (number.isdigit() and int(number) > 0):
                errors.append(f"{segment.at}: LX01 {number!r} is not a positive number")
            elif number in seen:
                errors.append(f"{segment.at}: LX01 {number} repeats an earlier header number")
            seen.add(number)
    return errors


def check_npis(transaction: Transaction) -> list[str]:
    """Every NPI (NM109 with NM108 = XX, N104 with N103 = XX) has a valid check digit."""
    errors = []
    for segment in transaction.segments:
        if segment.id == "NM1" and segment.get(8) == "XX":
            name, value = "NM109", segment.get(9)
        elif segment.id == "N1" and segment.get(3) == "XX":
            name, value = "N104", segment.get(4)
        else:
            continue
        problem = npi_problem(value)
        if problem:
            errors.append(f"{segment.at}: {name} {problem}")
    return errors
