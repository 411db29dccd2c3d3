"""837P/837I checks: claim totals, diagnosis codes and pointers, nine-digit provider ZIP codes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from ._x12_parse import Segment, Transaction
from ._x12_values import money, parse_amount

__all__ = ["check_claim_totals", "check_diagnosis_codes", "check_nine_digit_zips"]

# Line charge: 837P 2400 SV102, 837I 2400 SV203.
_LINE_CHARGE = {"837p": ("SV1", 2), "837i": ("SV2", 3)}
# 837P 2300 HI: ABK principal then ABF others, 12 in all (005010X222A1 HI01..HI12).
_PRINCIPAL = ("ABK", "BK")
_OTHER = ("ABF", "BF")
_MAX_DIAGNOSES = {"837p": 12, "837i": 25}  # 837I: ABK plus two HI of 12 ABF (2300 HI)
# Loops that end the 2010AA/2310 provider name loop the ZIP belongs to.
_LOOP_STARTS = {"NM1", "HL", "CLM", "LX", "SBR", "SE"}


@attrs.define
class _Claim:
    clm: Segment
    segments: list[Segment] = attrs.Factory(list)


def _claims(transaction: Transaction) -> Iterator[_Claim]:
    """The 2300 claim loops: each CLM with the segments up to the next CLM, HL or SE."""
    claim: _Claim | None = None
    for segment in transaction.segments:
        if segment.id in ("CLM", "HL", "SE"):
            if claim is not None:
                yield claim
            claim = _Claim(segment) if segment.id == "CLM" else None
        elif claim is not None:
            claim.segments.append(segment)
    if claim is not None:
        yield claim


def check_claim_totals(transaction: Transaction) -> list[str]:
    """CLM02 equals the sum of the line charges (SV102 / SV203) of its 2400 lines, to the cent."""
    errors = []
    line_id, index = _LINE_CHARGE.get(transaction.kind, ("SV1", 2))
    for claim in _claims(transaction):
        clm = claim.clm
        total_charge = parse_amount(clm.get(2))
        if total_charge is None:
            errors.append(f"{clm.at}: CLM02 {clm.get(2)!r} is not a decimal amount")
            continue
        lines = [s for s in claim.segments if s.id == line_id]
        if not lines:
            errors.append(f"{clm.at}: the claim has no service lines ({line_id} in loop 2400)")
            continue
        line_total = Decimal(0)
        for line in lines:
            charge = parse_amount(line.get(index))
            if charge is None:
                errors.append(
                    f"{line.at}: {line_id}{index:02d} {line.get(index)!r} is not a decimal amount"
                )
                break
            line_total += charge
        else:
            if line_total != total_charge:
                errors.append(
                    f"{clm.at}: CLM02 {money(total_charge)} differs from the sum of the "
                    f"{len(lines)} line charges ({line_id}{index:02d}) {money(line_total)}"
                )
    return errors


def check_diagnosis_codes(transaction: Transaction) -> list[str]:
    """One ABK principal diagnosis first, at most 12 (837P) codes, SV107 pointers resolve."""
    errors = []
    limit = _MAX_DIAGNOSES.get(transaction.kind, 12)
    for claim in _claims(transaction):
        clm = claim.clm
        qualifiers: list[str] = []
        for segment in claim.segments:
            if segment.id != "HI":
                continue
            for index in range(1, len(segment.elements)):
                parts = segment.composite(index)
                if parts and parts[0] in _PRINCIPAL + _OTHER:
                    qualifiers.append(parts[0])
        principal = sum(q in _PRINCIPAL for q in qualifiers)
        if principal != 1:
            errors.append(
                f"{clm.at}: the claim has {principal} principal diagnosis codes (HI ABK); "
                "exactly one is required"
            )
        elif qualifiers[0] not in _PRINCIPAL and transaction.kind == "837p":
            errors.append(f"{clm.at}: the first diagnosis code is {qualifiers[0]}, not ABK")
        if len(qualifiers) > limit:
            errors.append(
                f"{clm.at}: the claim has {len(qualifiers)} diagnosis codes (ABK/ABF); "
                f"the {transaction.kind.upper()} allows at most {limit}"
            )
        if transaction.kind == "837p":
            count = min(len(qualifiers), limit)
            for line in (s for s in claim.segments if s.id == "SV1"):
                errors.extend(_pointer_problems(line, count))
    return errors


def _pointer_problems(line: Segment, count: int) -> list[str]:
    """837P 2400 SV107: one to four pointers, each 1..n into the claim's HI diagnosis list."""
    pointers = line.composite(7)
    if not pointers or not pointers[0]:
        return [f"{line.at}: SV107-1 (diagnosis code pointer) is required"]
    errors = []
    if len(pointers) > 4:
        errors.append(f"{line.at}: SV107 has {len(pointers)} pointers; at most 4 are allowed")
    for position, pointer in enumerate(pointers, 1):
        if not pointer:
            continue
        if not pointer.isdigit() or not 1 <= int(pointer) <= count:
            errors.append(
                f"{line.at}: SV107-{position} pointer {pointer!r} does not point at one of the "
                f"claim's {count} diagnosis codes (HI)"
            )
    return errors


def check_nine_digit_zips(transaction: Transaction) -> list[str]:
    """Billing provider (2010AA) and service facility (2310C/2310E) N403 have 9 digits."""
    errors = []
    segments = transaction.segments
    for index, segment in enumerate(segments):
        if segment.id != "NM1" or segment.get(1) not in ("85", "77"):
            continue
        loop = "2010AA billing provider" if segment.get(1) == "85" else "service facility"
        n4 = None
        for following in segments[index + 1 :]:
            if following.id in _LOOP_STARTS:
                break
            if following.id == "N4":
                n4 = following
                break
        if n4 is None:
            errors.append(f"{segment.at}: the {loop} has no N4 (city, state, ZIP)")
        elif not n4.get(4) and not (n4.get(3).isdigit() and len(n4.get(3)) == 9):
            errors.append(
                f"{n4.at}: N403 {n4.get(3)!r} of the {loop} must be a 9-digit ZIP code (ZIP+4)"
            )
    return errors
