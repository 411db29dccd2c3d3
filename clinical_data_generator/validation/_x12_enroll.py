"""834 checks (005010X220A1): each member loop is complete and uses valid maintenance codes."""

from __future__ import annotations

import attrs

from ._x12_parse import Segment, Transaction

__all__ = ["check_834_member_loops"]

# 005010X220A1 code lists.
_BGN_PURPOSE = {"00", "15", "22"}  # BGN01
_BGN_ACTION = {"2", "4", "RX"}  # BGN08: change (update), verify (full file), replace
_INS_MAINTENANCE = {"001", "021", "024", "025", "030"}  # INS03
_HD_MAINTENANCE = {"001", "002", "021", "024", "025", "026", "030", "032"}  # HD01
_INS_REASONS = {
    *(f"{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 20, 21)),
    *(f"{n:02d}" for n in (22, 25, 26, 27, 28, 29, 31, 32, 33, 37, 38, 39, 40, 41, 43, 59)),
    *("AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ", "AL", "EC", "XN", "XT"),
}  # INS04
_RELATIONSHIPS = {
    *("01", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15"),
    *("16", "17", "18", "19", "23", "24", "25", "26", "31", "38", "53", "60", "D2", "G8"),
    "G9",
}  # INS02
_BENEFIT_STATUS = {"A", "C", "S", "T"}  # INS05
_INSURANCE_LINES = {
    *("AG", "AH", "AJ", "AK", "DCP", "DEN", "EPO", "FAC", "HE", "HLT", "HMO", "LTC", "LTD"),
    *("MM", "MOD", "PDG", "POS", "PPO", "PRA", "STD", "UR", "VIS"),
}  # HD03
# HD01 -> the 2300 DTP qualifier the coverage change needs: 348 benefit begin, 349 end.
_HD_DATES = {"021": "348", "030": "348", "025": "348", "024": "349"}
# INS03 values whose member loop must carry its coverage (2300 HD).
_NEEDS_COVERAGE = {"021", "025", "030"}
# Segments that end a 2300 health coverage loop.
_COVERAGE_END = {"HD", "INS", "LX", "LS", "LE", "SE"}


@attrs.define
class _Member:
    ins: Segment
    segments: list[Segment] = attrs.Factory(list)


def _members(transaction: Transaction) -> list[_Member]:
    members: list[_Member] = []
    for segment in transaction.segments:
        if segment.id == "INS":
            members.append(_Member(segment))
        elif segment.id == "SE":
            break
        elif members:
            members[-1].segments.append(segment)
    return members


def _header_problems(transaction: Transaction) -> list[str]:
    bgn = next((s for s in transaction.segments if s.id == "BGN"), None)
    if bgn is None:
        return [f"{transaction.st.at}: the 834 has no BGN segment"]
    errors = []
    if bgn.get(1) not in _BGN_PURPOSE:
        errors.append(
            f"{bgn.at}: BGN01 {bgn.get(1)!r} is not one of {', '.join(sorted(_BGN_PURPOSE))}"
        )
    if bgn.get(8) not in _BGN_ACTION:
        errors.append(
            f"{bgn.at}: BGN08 {bgn.get(8)!r} is not an action code (2 change, 4 verify, RX replace)"
        )
    return errors


def _ins_problems(ins: Segment) -> list[str]:
    errors = []
    subscriber, relationship = ins.get(1), ins.get(2)
    if subscriber not in ("Y", "N"):
        errors.append(f"{ins.at}: INS01 {subscriber!r} is not Y (subscriber) or N (dependent)")
    if relationship not in _RELATIONSHIPS:
        errors.append(f"{ins.at}: INS02 {relationship!r} is not an individual relationship code")
    elif (subscriber == "Y") != (relationship == "18"):
        errors.append(
            f"{ins.at}: INS01 {subscriber} with INS02 {relationship}: a subscriber (Y) is "
            "related to self (18) and a dependent (N) is not"
        )
    if ins.get(3) not in _INS_MAINTENANCE:
        errors.append(
            f"{ins.at}: INS03 {ins.get(3)!r} is not a maintenance type code "
            f"({', '.join(sorted(_INS_MAINTENANCE))})"
        )
    if ins.get(4) and ins.get(4) not in _INS_REASONS:
        errors.append(f"{ins.at}: INS04 {ins.get(4)!r} is not a maintenance reason code")
    if ins.get(5) not in _BENEFIT_STATUS:
        errors.append(f"{ins.at}: INS05 {ins.get(5)!r} is not a benefit status code (A, C, S, T)")
    return errors


def _coverage_problems(member: _Member) -> list[str]:
    errors = []
    segments = member.segments
    coverages = [i for i, s in enumerate(segments) if s.id == "HD"]
    if not coverages and member.ins.get(3) in _NEEDS_COVERAGE:
        errors.append(
            f"{member.ins.at}: member loop with INS03 {member.ins.get(3)} has no health "
            "coverage loop (2300 HD)"
        )
    for index in coverages:
        hd = segments[index]
        if hd.get(1) not in _HD_MAINTENANCE:
            errors.append(f"{hd.at}: HD01 {hd.get(1)!r} is not a maintenance type code")
        if hd.get(3) not in _INSURANCE_LINES:
            errors.append(f"{hd.at}: HD03 {hd.get(3)!r} is not an insurance line code")
        dates = []
        for following in segments[index + 1 :]:
            if following.id in _COVERAGE_END:
                break
            if following.id == "DTP":
                dates.append(following.get(1))
        needed = _HD_DATES.get(hd.get(1))
        if not dates:
            errors.append(f"{hd.at}: the health coverage loop has no DTP (2300 coverage dates)")
        elif needed and needed not in dates:
            errors.append(
                f"{hd.at}: HD01 {hd.get(1)} needs a DTP*{needed} "
                f"({'benefit begin' if needed == '348' else 'benefit end'}) in its 2300 loop"
            )
    return errors


def check_834_member_loops(transaction: Transaction) -> list[str]:
    """Each INS member loop has REF*0F, NM1*IL, valid codes and dated HD coverage loops."""
    errors = _header_problems(transaction)
    members = _members(transaction)
    if not members:
        errors.append(f"{transaction.st.at}: the 834 has no member loop (2000 INS)")
    for member in members:
        errors.extend(_ins_problems(member.ins))
        ids = {(s.id, s.get(1)) for s in member.segments}
        if ("REF", "0F") not in ids:
            errors.append(f"{member.ins.at}: member loop has no subscriber identifier (REF*0F)")
        if ("NM1", "IL") not in ids:
            errors.append(f"{member.ins.at}: member loop has no member name (2100A NM1*IL)")
        errors.extend(_coverage_problems(member))
    return errors
