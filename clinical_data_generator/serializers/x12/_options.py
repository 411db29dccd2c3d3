"""X12Options: delimiters, trading-partner ids, control numbers and batching of X12 output."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import attrs

from ...errors import InvalidArgumentError

__all__ = ["X12Options"]

#: ISA05/ISA07 interchange id qualifiers allowed by the 5010 control segments.
ID_QUALIFIERS = ("01", "14", "20", "27", "28", "29", "30", "33", "ZZ")
MAX_CONTROL = 999_999_999  # ISA13 is N0 9/9, GS06 N0 1/9, ST02 AN 4/9
# Letters, digits and space appear in data; a delimiter must never be one of them.
_NOT_DELIMITERS = set(string.ascii_letters + string.digits + " ")


def _delimiter(name: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if (
            not isinstance(value, str)
            or len(value) != 1
            or not (value.isascii() and (value.isprintable() or value in "\r\n\x1c\x1d\x1e\x1f"))
            or value in _NOT_DELIMITERS
        ):
            raise InvalidArgumentError(
                name, value, "one ASCII character that is not a letter, digit or space"
            )

    return check


def _partner_id(name: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if value is None:
            return
        if (
            not isinstance(value, str)
            or not 2 <= len(value) <= 15
            or not value.isascii()
            or not all(c.isalnum() or c in " -." for c in value)
            or value != value.strip()
        ):
            raise InvalidArgumentError(
                name, value, "2 to 15 ASCII letters, digits, '-', '.' or inner spaces (ISA06/08)"
            )

    return check


def _choice(name: str, allowed: tuple[str, ...]) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if value not in allowed:
            raise InvalidArgumentError(name, value, f"one of {list(allowed)}")

    return check


def _count(name: str, low: int, high: int) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise InvalidArgumentError(name, value, f"an integer from {low:,} to {high:,}")

    return check


def _optional_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidArgumentError("change_since", value, "a date (YYYY-MM-DD) or None")


@attrs.frozen(kw_only=True)
class X12Options:
    r"""How X12 files are enveloped, delimited and batched.

    Every option has a default that produces guide-conformant test files; pass an instance to
    :class:`X12Format` to change them.

    Args:
        sender_id: ISA06 / GS02 for every file. ``None`` uses the natural sender of each
            transaction: the payer's ``payer_code`` for what payers send (271, 277, 835) and
            ``CDGCLEARHOUSE`` for what providers and sponsors send (834, 837, 270, 276).
        sender_qualifier: ISA05 id qualifier (``ZZ`` mutually defined, ``30`` federal tax id, ...).
        receiver_id: ISA08 / GS03 for every file; ``None`` uses the natural receiver.
        receiver_qualifier: ISA07 id qualifier.
        usage_indicator: ISA15: ``T`` test (default) or ``P`` production.
        acknowledgment_requested: ISA14: ask the receiver for a TA1.
        element_separator: Separates elements (ISA04's neighbour, default ``*``).
        sub_element_separator: Separates the parts of a composite (ISA16, default ``:``).
        repetition_separator: Separates repeated elements (ISA11, default ``^``).
        segment_terminator: Ends every segment (default ``~``).
        newline: Also write a line feed after each segment terminator (easier to read).
        interchange_control_start: First ISA13 interchange control number.
        group_control_start: First GS06 group control number.
        transaction_control_start: First ST02 transaction set control number.
        claims_per_interchange: 837 claims per interchange; each interchange holds one
            transaction (the 837 guides recommend at most 5,000 claims per transaction).
        transactions_per_interchange: 834, 835, 27x transaction sets per interchange.
        inquiries_per_transaction: 270/271/276/277 subscribers (inquiries) per transaction.
        change_since: ``None`` writes full 834 files (BGN08 ``4`` verify, maintenance ``030``
            audit). A date writes change files instead: additions, changes and terminations
            dated after ``change_since`` and up to the population's ``as_of``.

    Example:
        >>> X12Options(sender_id="MYCLEARINGHOUSE", newline=True).segment_end
        '~\n'
    """

    sender_id: str | None = attrs.field(default=None, validator=_partner_id("sender_id"))
    sender_qualifier: str = attrs.field(
        default="ZZ", validator=_choice("sender_qualifier", ID_QUALIFIERS)
    )
    receiver_id: str | None = attrs.field(default=None, validator=_partner_id("receiver_id"))
    receiver_qualifier: str = attrs.field(
        default="ZZ", validator=_choice("receiver_qualifier", ID_QUALIFIERS)
    )
    usage_indicator: str = attrs.field(
        default="T", validator=_choice("usage_indicator", ("T", "P"))
    )
    acknowledgment_requested: bool = attrs.field(default=False, converter=bool)
    element_separator: str = attrs.field(default="*", validator=_delimiter("element_separator"))
    sub_element_separator: str = attrs.field(
        default=":", validator=_delimiter("sub_element_separator")
    )
    repetition_separator: str = attrs.field(
        default="^", validator=_delimiter("repetition_separator")
    )
    segment_terminator: str = attrs.field(default="~", validator=_delimiter("segment_terminator"))
    newline: bool = attrs.field(default=False, converter=bool)
    interchange_control_start: int = attrs.field(
        default=1, validator=_count("interchange_control_start", 1, MAX_CONTROL)
    )
    group_control_start: int = attrs.field(
        default=1, validator=_count("group_control_start", 1, MAX_CONTROL)
    )
    transaction_control_start: int = attrs.field(
        default=1, validator=_count("transaction_control_start", 1, MAX_CONTROL)
    )
    claims_per_interchange: int = attrs.field(
        default=5000, validator=_count("claims_per_interchange", 1, 5000)
    )
    transactions_per_interchange: int = attrs.field(
        default=1000, validator=_count("transactions_per_interchange", 1, 999_999)
    )
    inquiries_per_transaction: int = attrs.field(
        default=99, validator=_count("inquiries_per_transaction", 1, 99_999)
    )
    change_since: dt.date | None = attrs.field(default=None, converter=_optional_date)

    def __attrs_post_init__(self) -> None:
        marks = {
            "element_separator": self.element_separator,
            "sub_element_separator": self.sub_element_separator,
            "repetition_separator": self.repetition_separator,
            "segment_terminator": self.segment_terminator,
        }
        if len(set(marks.values())) != len(marks):
            raise InvalidArgumentError(
                "segment_terminator",
                marks,
                "four different characters for element, sub-element, repetition and segment",
            )
        if self.newline and self.segment_terminator in "\r\n":
            raise InvalidArgumentError(
                "newline", True, "False when the segment terminator is itself a line break"
            )
        for name in ("sender_id", "receiver_id"):
            value = getattr(self, name)
            if value is not None and any(c in value for c in marks.values()):
                raise InvalidArgumentError(name, value, "an id without delimiter characters")

    @property
    def delimiters(self) -> str:
        """The four delimiter characters: element, sub-element, repetition, terminator."""
        return (
            self.element_separator
            + self.sub_element_separator
            + self.repetition_separator
            + self.segment_terminator
        )

    @property
    def segment_end(self) -> str:
        """What follows every segment: the terminator, then a line feed with ``newline``."""
        return self.segment_terminator + ("\n" if self.newline else "")
