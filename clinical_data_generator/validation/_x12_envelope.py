"""File-level X12 checks: character set, the ISA header, envelope counts, control numbers, guides.

Each check takes the parsed file and returns messages that start with the segment they are
about. Rules come from X12.5 (interchange control structures, ISA/IEA, GS/GE, ST/SE) and the
HIPAA 5010 implementation guides' envelope appendices (005010X222A1 appendix C and its siblings).
"""

from __future__ import annotations

import re
from collections import Counter

from ._x12_parse import ISA_WIDTHS, Parsed, Segment
from ._x12_values import date_problem, time_problem

__all__ = [
    "GUIDES",
    "check_ascii",
    "check_control_numbers",
    "check_envelope_counts",
    "check_envelope_dates",
    "check_guide_version",
    "check_isa",
]

# Transaction kind -> (GS01 functional identifier code, GS08/ST03 guide version); DESIGN §5.
GUIDES = {
    "834": ("BE", "005010X220A1"),
    "835": ("HP", "005010X221A1"),
    "837p": ("HC", "005010X222A1"),
    "837i": ("HC", "005010X223A2"),
    "270": ("HS", "005010X279A1"),
    "271": ("HB", "005010X279A1"),
    "276": ("HR", "005010X212"),
    "277": ("HN", "005010X212"),
}
# The 835 guide marks ST03 "Not Used" (005010X221A1 ST03); every other 5010 guide requires it.
_ST03_NOT_USED = {"835"}
_NOT_PRINTABLE = re.compile(r"[^\x20-\x7e]")
_ISA_CODES = {
    1: ("00", "03"),
    3: ("00", "01"),
    5: ("01", "14", "20", "27", "28", "29", "30", "33", "ZZ"),
    7: ("01", "14", "20", "27", "28", "29", "30", "33", "ZZ"),
    12: ("00501",),
    14: ("0", "1"),
    15: ("P", "T"),
}


def check_ascii(parsed: Parsed) -> list[str]:
    """Every segment holds printable ASCII only (HIPAA 5010 basic and extended character sets).

    Delimiters are exempt: an ISA may declare control characters as separators.
    """
    errors = []
    for segment in parsed.segments:
        raw = segment.raw
        allowed = {segment.component}
        if len(segment.elements) > 1:
            allowed.add(raw[len(segment.id)])  # the element separator follows the segment ID
        for match in _NOT_PRINTABLE.finditer(raw):
            char = match.group()
            if char not in allowed:
                errors.append(
                    f"{segment.at}: character {char!r} (0x{ord(char):02X}) at column "
                    f"{match.start() + 1} is not printable ASCII"
                )
                break
    return errors


def check_isa(parsed: Parsed) -> list[str]:
    """ISA is 106 characters of fixed-width fields with valid codes and distinct delimiters."""
    errors = []
    for interchange in parsed.interchanges:
        isa = interchange.isa
        if len(interchange.isa_text) != 106:
            errors.append(
                f"{isa.at}: ISA is {len(interchange.isa_text)} characters long; X12.5 fixes it "
                "at 106 (fixed-width ISA01..ISA16 plus separators and terminator)"
            )
        fields = isa.elements[1:]
        for index, (value, width) in enumerate(zip(fields, ISA_WIDTHS, strict=False), 1):
            if len(value) != width:
                errors.append(
                    f"{isa.at}: ISA{index:02d} {value!r} is {len(value)} characters wide, "
                    f"expected exactly {width}"
                )
        for index, allowed in _ISA_CODES.items():
            value = isa.get(index)
            if value not in allowed:
                errors.append(
                    f"{isa.at}: ISA{index:02d} {value!r} is not one of {', '.join(allowed)}"
                )
        date = isa.get(9)
        # ISA09 is YYMMDD: read it as 20YY (5010 interchanges exist only from 2011 on).
        if len(date) != 6 or date_problem("20" + date):
            errors.append(f"{isa.at}: ISA09 {date!r} is not a real YYMMDD date")
        problem = time_problem(isa.get(10))
        if problem:
            errors.append(f"{isa.at}: ISA10 {problem}")
        if not (isa.get(13).isdigit() and len(isa.get(13)) == 9):
            errors.append(f"{isa.at}: ISA13 {isa.get(13)!r} is not a 9-digit control number")
        delimiters = interchange.delimiters
        named = {
            "element separator": delimiters.element,
            "component separator (ISA16)": delimiters.component,
            "repetition separator (ISA11)": delimiters.repetition,
            "segment terminator": delimiters.segment,
        }
        errors.extend(_delimiter_problems(isa, named))
    return errors


def _delimiter_problems(isa: Segment, delimiters: dict[str, str]) -> list[str]:
    errors = []
    for name, char in delimiters.items():
        if len(char) != 1 or char.isalnum() or char == " ":
            errors.append(f"{isa.at}: the {name} {char!r} must be one non-alphanumeric character")
    counts = Counter(delimiters.values())
    for char, count in counts.items():
        if count > 1:
            names = [name for name, c in delimiters.items() if c == char]
            errors.append(f"{isa.at}: {' and '.join(names)} are the same character {char!r}")
    return errors


def check_envelope_counts(parsed: Parsed) -> list[str]:
    """IEA01/GE01/SE01 counts and IEA02/GE02/SE02 control numbers match, every trailer exists."""
    errors = list(parsed.problems)
    for interchange in parsed.interchanges:
        isa, iea = interchange.isa, interchange.iea
        groups = [g for g in interchange.groups if g.gs is not None]
        if iea is not None:
            if iea.get(1) != str(len(groups)):
                errors.append(
                    f"{iea.at}: IEA01 {iea.get(1)!r} but the interchange holds {len(groups)} "
                    "functional groups (GS)"
                )
            if iea.get(2) != isa.get(13):
                errors.append(f"{iea.at}: IEA02 {iea.get(2)!r} differs from ISA13 {isa.get(13)!r}")
        for group in groups:
            gs, ge = group.gs, group.ge
            if gs is None or ge is None:
                continue
            if ge.get(1) != str(len(group.transactions)):
                errors.append(
                    f"{ge.at}: GE01 {ge.get(1)!r} but the group holds "
                    f"{len(group.transactions)} transaction sets (ST)"
                )
            if ge.get(2) != gs.get(6):
                errors.append(f"{ge.at}: GE02 {ge.get(2)!r} differs from GS06 {gs.get(6)!r}")
        for group in interchange.groups:
            for transaction in group.transactions:
                se, st = transaction.se, transaction.st
                if se is None:
                    continue
                if se.get(1) != str(len(transaction.segments)):
                    errors.append(
                        f"{se.at}: SE01 {se.get(1)!r} but the transaction set has "
                        f"{len(transaction.segments)} segments from ST to SE inclusive"
                    )
                if se.get(2) != st.get(2):
                    errors.append(f"{se.at}: SE02 {se.get(2)!r} differs from ST02 {st.get(2)!r}")
    return errors


def check_control_numbers(parsed: Parsed) -> list[str]:
    """ISA13 and GS06 are unique in the file, ST02 unique in its group, all well-formed."""
    errors = []
    seen_isa: dict[str, Segment] = {}
    seen_gs: dict[str, Segment] = {}
    for interchange in parsed.interchanges:
        isa = interchange.isa
        number = isa.get(13)
        if number in seen_isa:
            errors.append(
                f"{isa.at}: ISA13 {number} repeats the control number of {seen_isa[number].at}"
            )
        seen_isa.setdefault(number, isa)
        for group in interchange.groups:
            gs = group.gs
            if gs is not None:
                number = gs.get(6)
                if not (number.isdigit() and 1 <= len(number) <= 9):
                    errors.append(f"{gs.at}: GS06 {number!r} is not a 1-9 digit control number")
                elif number in seen_gs:
                    errors.append(
                        f"{gs.at}: GS06 {number} repeats the control number of {seen_gs[number].at}"
                    )
                seen_gs.setdefault(number, gs)
            seen_st: dict[str, Segment] = {}
            for transaction in group.transactions:
                st = transaction.st
                number = st.get(2)
                if not (4 <= len(number) <= 9):
                    errors.append(f"{st.at}: ST02 {number!r} is not 4 to 9 characters long")
                elif number in seen_st:
                    errors.append(
                        f"{st.at}: ST02 {number} repeats the control number of "
                        f"{seen_st[number].at} in the same functional group"
                    )
                seen_st.setdefault(number, st)
    return errors


def check_guide_version(parsed: Parsed) -> list[str]:
    """GS01/GS08 name the right 5010 guide for ST01 and ST03 equals GS08."""
    errors = []
    for interchange in parsed.interchanges:
        for group in interchange.groups:
            reported: set[str] = set()
            for transaction in group.transactions:
                st, gs, kind = transaction.st, transaction.gs, transaction.kind
                if kind not in GUIDES:
                    if kind == "837":
                        errors.append(
                            f"{(gs or st).at}: {'GS08' if gs else 'ST03'} "
                            f"{(gs.get(8) if gs else st.get(3))!r} is not a 5010 837 guide "
                            "(005010X222A1 professional or 005010X223A2 institutional)"
                        )
                    else:
                        errors.append(
                            f"{st.at}: ST01 {st.get(1)!r} is not one of the HIPAA transactions "
                            f"checked here ({', '.join(sorted({k[:3] for k in GUIDES}))})"
                        )
                    continue
                functional_id, version = GUIDES[kind]
                if gs is not None and kind not in reported:
                    reported.add(kind)
                    if gs.get(1) != functional_id:
                        errors.append(
                            f"{gs.at}: GS01 {gs.get(1)!r} should be {functional_id} for {kind.upper()}"
                        )
                    if gs.get(8) != version:
                        errors.append(
                            f"{gs.at}: GS08 {gs.get(8)!r} is not the 5010 guide for "
                            f"{kind.upper()} ({version})"
                        )
                    if gs.get(7) != "X":
                        errors.append(f"{gs.at}: GS07 {gs.get(7)!r} should be X (ASC X12)")
                st03 = st.get(3)
                if kind in _ST03_NOT_USED:
                    if st03:
                        errors.append(
                            f"{st.at}: ST03 {st03!r} is present but the 835 guide "
                            f"({version}) marks ST03 Not Used"
                        )
                elif st03 != version:
                    errors.append(
                        f"{st.at}: ST03 {st03!r} should be the guide version {version} "
                        f"(ST03 = GS08 for {kind.upper()})"
                    )
                elif gs is not None and st03 != gs.get(8):
                    errors.append(f"{st.at}: ST03 {st03!r} differs from GS08 {gs.get(8)!r}")
    return errors


def check_envelope_dates(parsed: Parsed) -> list[str]:
    """GS04 is a CCYYMMDD date and GS05 an HHMM time (ISA09/ISA10 belong to the ISA check)."""
    errors = []
    for interchange in parsed.interchanges:
        for group in interchange.groups:
            gs = group.gs
            if gs is None:
                continue
            problem = date_problem(gs.get(4))
            if problem:
                errors.append(f"{gs.at}: GS04 {problem}")
            problem = time_problem(gs.get(5))
            if problem:
                errors.append(f"{gs.at}: GS05 {problem}")
    return errors
