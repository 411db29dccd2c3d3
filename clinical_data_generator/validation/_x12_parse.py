"""Split an X12 file into interchanges, functional groups, transaction sets and segments.

The parser is written for validation, so it never gives up early: delimiters come from each
ISA (X12.5 ISA: element separator is character 4, ISA11 the repetition separator, ISA16 the
component separator, and the character after ISA16 the segment terminator), segments are
numbered 1, 2, ... across the whole file (the "segment position" every message cites, the
same count pyx12 reports as its line number), and envelope problems found while nesting
segments (an ST outside a group, a missing SE, GE or IEA) are collected as messages.
"""

from __future__ import annotations

import attrs

__all__ = [
    "Delimiters",
    "Group",
    "ISA_WIDTHS",
    "Interchange",
    "Parsed",
    "Segment",
    "Transaction",
    "parse",
]

# X12.5 ISA01..ISA16 are fixed width: with 16 separators, "ISA" and the terminator, 106 chars.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_WHITESPACE = " \t\r\n"
# Segments that may sit between ISA and GS (interchange acknowledgment).
_INTERCHANGE_LEVEL = {"TA1"}


@attrs.frozen
class Delimiters:
    """The four delimiters an ISA declares."""

    element: str
    component: str
    repetition: str
    segment: str


@attrs.frozen
class Segment:
    """One segment: its 1-based position in the file and its elements (index 0 is the ID)."""

    position: int
    elements: tuple[str, ...]
    raw: str
    component: str

    @property
    def id(self) -> str:
        """The segment ID, e.g. ``CLM``."""
        return self.elements[0]

    @property
    def at(self) -> str:
        """``segment 12 (CLM)``: how every message names a segment."""
        return f"segment {self.position} ({self.id})"

    def get(self, index: int) -> str:
        """Element ``index`` (``get(2)`` is CLM02), or ``""`` when the segment is shorter."""
        return self.elements[index] if index < len(self.elements) else ""

    def composite(self, index: int) -> list[str]:
        """The components of element ``index`` (``composite(1)`` of SV1 is ``["HC", "99213"]``)."""
        value = self.get(index)
        return value.split(self.component) if value else []


@attrs.define
class Transaction:
    """An ST..SE transaction set and the GS of its functional group."""

    gs: Segment | None
    st: Segment
    segments: list[Segment] = attrs.Factory(list)
    se: Segment | None = None

    @property
    def kind(self) -> str:
        """``837p``, ``837i``, ``835``, ``834``, ``270`` ...: ST01, with GS08 telling 837P from 837I."""
        st01 = self.st.get(1)
        if st01 != "837":
            return st01 or "unknown"
        version = (self.gs.get(8) if self.gs else "") or self.st.get(3)
        if "X222" in version:
            return "837p"
        if "X223" in version:
            return "837i"
        return "837"


@attrs.define
class Group:
    """A GS..GE functional group (``gs`` is None for transactions found outside any group)."""

    gs: Segment | None
    transactions: list[Transaction] = attrs.Factory(list)
    ge: Segment | None = None


@attrs.define
class Interchange:
    """An ISA..IEA interchange: its delimiters, groups and where it sits in the text."""

    isa: Segment
    isa_text: str
    delimiters: Delimiters
    start: int
    end: int = 0
    groups: list[Group] = attrs.Factory(list)
    iea: Segment | None = None


@attrs.define
class Parsed:
    """Everything found in one file."""

    interchanges: list[Interchange] = attrs.Factory(list)
    segments: list[Segment] = attrs.Factory(list)
    problems: list[str] = attrs.Factory(list)

    @property
    def transactions(self) -> list[Transaction]:
        """All transaction sets, in file order."""
        return [t for ic in self.interchanges for g in ic.groups for t in g.transactions]


def _read_isa(text: str, start: int) -> tuple[str, Delimiters] | None:
    """The ISA text (with terminator) and its delimiters, found by counting 16 separators."""
    if len(text) < start + 4:
        return None
    element = text[start + 3]
    index = start + 3  # the separator before ISA01; 15 more precede ISA02..ISA16
    for _ in range(15):
        index = text.find(element, index + 1, start + 300)
        if index == -1:
            return None
    # ISA16 is one character; the segment terminator follows it.
    if len(text) < index + 3:
        return None
    isa_text = text[start : index + 3]
    fields = isa_text[:-1].split(element)
    repetition = fields[11] if len(fields) > 11 else ""
    return isa_text, Delimiters(element, text[index + 1], repetition, text[index + 2])


def parse(text: str) -> Parsed:
    """Parse a whole file (decoded as Latin-1 so that stray bytes survive to be reported)."""
    parsed = Parsed()
    offset = 0
    position = 0
    while True:
        while offset < len(text) and text[offset] in _WHITESPACE:
            offset += 1
        if offset >= len(text):
            break
        if not text.startswith("ISA", offset):
            parsed.problems.append(
                f"offset {offset}: expected an ISA segment, found {text[offset : offset + 20]!r}"
            )
            break
        isa = _read_isa(text, offset)
        if isa is None:
            parsed.problems.append(
                f"offset {offset}: the ISA segment is malformed (16 element separators and "
                "a segment terminator were not found)"
            )
            break
        isa_text, delimiters = isa
        position += 1
        isa_segment = Segment(
            position,
            tuple(isa_text[:-1].split(delimiters.element)),
            isa_text[:-1],
            delimiters.component,
        )
        parsed.segments.append(isa_segment)
        interchange = Interchange(isa_segment, isa_text, delimiters, offset)
        parsed.interchanges.append(interchange)
        offset, position = _read_interchange(
            text, offset + len(isa_text), position, interchange, parsed
        )
        interchange.end = offset
    return parsed


def _read_interchange(
    text: str, offset: int, position: int, interchange: Interchange, parsed: Parsed
) -> tuple[int, int]:
    """Read segments up to and including IEA; return the offset and position after them."""
    delimiters = interchange.delimiters
    group: Group | None = None
    transaction: Transaction | None = None
    problems = parsed.problems

    def close_transaction(before: Segment | None) -> None:
        nonlocal transaction
        if transaction is not None:
            where = f"before {before.at}" if before else "at the end of the file"
            problems.append(f"{transaction.st.at}: transaction set has no SE {where}")
        transaction = None

    def close_group(before: Segment | None) -> None:
        nonlocal group
        if group is not None and group.ge is None and group.gs is not None:
            where = f"before {before.at}" if before else "at the end of the file"
            problems.append(f"{group.gs.at}: functional group has no GE {where}")
        group = None

    while True:
        end = text.find(delimiters.segment, offset)
        if end == -1:
            rest = text[offset:].strip(_WHITESPACE)
            if rest:
                problems.append(f"text after the last segment terminator: {rest[:30]!r}")
            close_transaction(None)
            close_group(None)
            problems.append(f"{interchange.isa.at}: interchange has no IEA")
            return len(text), position
        raw = text[offset:end].lstrip("\r\n")
        if raw.startswith("ISA") and raw[3:4] == delimiters.element:
            # A new interchange began before this one ended: leave it to the caller.
            close_transaction(None)
            close_group(None)
            problems.append(f"{interchange.isa.at}: interchange has no IEA before the next ISA")
            return end - len(raw), position
        offset = end + 1
        if not raw.strip(_WHITESPACE):
            problems.append(f"after segment {position}: empty segment")
            continue
        position += 1
        segment = Segment(position, tuple(raw.split(delimiters.element)), raw, delimiters.component)
        parsed.segments.append(segment)
        kind = segment.id
        if kind == "GS":
            close_transaction(segment)
            close_group(segment)
            group = Group(segment)
            interchange.groups.append(group)
        elif kind == "ST":
            close_transaction(segment)
            if group is None:
                problems.append(f"{segment.at}: transaction set outside a functional group (no GS)")
                group = Group(None)
                interchange.groups.append(group)
            transaction = Transaction(group.gs, segment, [segment])
            group.transactions.append(transaction)
        elif kind == "SE":
            if transaction is None:
                problems.append(f"{segment.at}: SE without a matching ST")
            else:
                transaction.segments.append(segment)
                transaction.se = segment
                transaction = None
        elif kind == "GE":
            close_transaction(segment)
            if group is None or group.gs is None:
                problems.append(f"{segment.at}: GE without a matching GS")
            else:
                group.ge = segment
            group = None
        elif kind == "IEA":
            close_transaction(segment)
            close_group(segment)
            interchange.iea = segment
            return offset, position
        elif transaction is not None:
            transaction.segments.append(segment)
        elif kind not in _INTERCHANGE_LEVEL:
            problems.append(f"{segment.at}: segment outside a transaction set (ST..SE)")
