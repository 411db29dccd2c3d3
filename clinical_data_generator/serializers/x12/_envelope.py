"""Interchange (ISA/IEA), functional group (GS/GE) and transaction set (ST/SE) envelopes.

Control numbers come from one :class:`ControlNumbers` counter per format and run, handed out
in the order interchanges are completed, so they are unique and identical on every run.
Dates come from the population's ``as_of``, never from the clock.
"""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pyarrow as pa

from ._layout import Layout, Slot
from ._options import MAX_CONTROL, X12Options

__all__ = ["ControlNumbers", "Envelope", "Frame"]

#: ISA10 / GS05 / BHT05 time: the data carry no time of day, so every file says noon.
TIME = "1200"


@attrs.define
class ControlNumbers:
    """Running ISA13 / GS06 / ST02 counters (wrapping after 999,999,999)."""

    interchange: int
    group: int
    transaction: int

    @classmethod
    def start(cls, options: X12Options) -> ControlNumbers:
        """Counters at the options' starting numbers."""
        return cls(
            options.interchange_control_start,
            options.group_control_start,
            options.transaction_control_start,
        )

    def next_interchange(self) -> tuple[int, int]:
        """The next (ISA13, GS06) pair: one functional group per interchange."""
        pair = (self.interchange, self.group)
        self.interchange = self.interchange % MAX_CONTROL + 1
        self.group = self.group % MAX_CONTROL + 1
        return pair

    def next_transactions(self, count: int) -> list[int]:
        """The next ``count`` ST02 numbers."""
        numbers = [(self.transaction - 1 + i) % MAX_CONTROL + 1 for i in range(count)]
        self.transaction = (self.transaction - 1 + count) % MAX_CONTROL + 1
        return numbers


@attrs.frozen
class Envelope:
    """Envelope text for one transaction type in one run.

    Args:
        options: Delimiters and trading-partner options.
        functional_id: GS01 (``HC`` claims, ``HP`` remittance, ``BE`` enrollment, ...).
        transaction_id: ST01 (``837``, ``835``, ...).
        version: GS08 and ST03, the guide's version (``005010X222A1``, ...).
        date: ISA09 / GS04 date (the population's ``as_of``).
    """

    options: X12Options
    functional_id: str
    transaction_id: str
    version: str
    date: dt.date
    st03: bool = True  # the 835 guide marks ST03 Not Used

    def isa(self, control: int, sender: str, receiver: str) -> str:
        """ISA: every element at its fixed width (ISA is 106 characters with its terminator)."""
        o = self.options
        e = o.element_separator
        fields = [
            "ISA",
            "00",
            " " * 10,  # ISA02 authorization information: none
            "00",
            " " * 10,  # ISA04 security information: none
            o.sender_qualifier,
            f"{sender:<15}"[:15],
            o.receiver_qualifier,
            f"{receiver:<15}"[:15],
            self.date.strftime("%y%m%d"),
            TIME,
            o.repetition_separator,  # ISA11 in 5010 is the repetition separator
            "00501",
            f"{control:09d}",
            "1" if o.acknowledgment_requested else "0",
            o.usage_indicator,
            o.sub_element_separator,
        ]
        return e.join(fields)

    def gs(self, control: int, sender: str, receiver: str) -> str:
        """GS: GS08 carries the guide version that ST03 repeats."""
        e = self.options.element_separator
        return e.join(
            [
                "GS",
                self.functional_id,
                sender,
                receiver,
                self.date.strftime("%Y%m%d"),
                TIME,
                str(control),
                "X",
                self.version,
            ]
        )

    def st(self, control: int) -> str:
        """ST: ST03 equals GS08 (where the guide uses ST03)."""
        e = self.options.element_separator
        fields = ["ST", self.transaction_id, f"{control:04d}"]
        return e.join([*fields, self.version] if self.st03 else fields)

    def se(self, segments: int, control: int) -> str:
        """SE: SE01 counts ST through SE."""
        e = self.options.element_separator
        return e.join(["SE", str(segments), f"{control:04d}"])

    def ge(self, transactions: int, control: int) -> str:
        """GE: number of transaction sets in the group."""
        e = self.options.element_separator
        return e.join(["GE", str(transactions), str(control)])

    def iea(self, control: int) -> str:
        """IEA: one functional group per interchange."""
        e = self.options.element_separator
        return e.join(["IEA", "1", f"{control:09d}"])


class Frame:
    """The envelope slots of one interchange laid out over ``units`` grouped in transactions.

    Call :meth:`open` before declaring a transaction's header slots, :meth:`close` after its
    last slot, then :meth:`fill` once the layout is finished.

    Args:
        layout: The document layout.
        transaction: Transaction index of each unit, non-decreasing from 0.
    """

    def __init__(self, layout: Layout, transaction: np.ndarray) -> None:
        n = layout.units
        self.layout = layout
        self.transaction = transaction
        self.first = np.zeros(n, bool)
        self.last = np.zeros(n, bool)
        if n:
            self.first[0] = self.last[-1] = True
        self.txn_first = np.ones(n, bool)
        self.txn_first[1:] = transaction[1:] != transaction[:-1]
        self.txn_last = np.ones(n, bool)
        self.txn_last[:-1] = transaction[1:] != transaction[:-1]
        self.count = int(self.txn_first.sum())
        self._slots: dict[str, Slot] = {}

    def open(self) -> None:
        """Declare ISA, GS (first unit) and ST (first unit of each transaction)."""
        self._slots["ISA"] = self.layout.add(self.first)
        self._slots["GS"] = self.layout.add(self.first)
        self._slots["ST"] = self.layout.add(self.txn_first)

    def close(self) -> None:
        """Declare SE (last unit of each transaction), GE and IEA (last unit)."""
        self._slots["SE"] = self.layout.add(self.txn_last)
        self._slots["GE"] = self.layout.add(self.last)
        self._slots["IEA"] = self.layout.add(self.last)

    def fill(
        self, envelope: Envelope, controls: ControlNumbers, sender: str, receiver: str
    ) -> tuple[int, list[int]]:
        """Give the envelope slots their text; return (ISA13, ST02 numbers)."""
        if not self.layout.units:
            return 0, []
        interchange, group = controls.next_interchange()
        numbers = controls.next_transactions(self.count)
        put = self.layout.put
        put(self._slots["ISA"], pa.array([envelope.isa(interchange, sender, receiver)]))
        put(self._slots["GS"], pa.array([envelope.gs(group, sender, receiver)]))
        put(self._slots["ST"], pa.array([envelope.st(c) for c in numbers], pa.string()))
        st = self.layout.position(self._slots["ST"])
        se = self.layout.position(self._slots["SE"])
        counts = (se - st + 1).tolist()
        segments = [envelope.se(k, c) for k, c in zip(counts, numbers, strict=True)]
        put(self._slots["SE"], pa.array(segments, pa.string()))
        put(self._slots["GE"], pa.array([envelope.ge(self.count, group)]))
        put(self._slots["IEA"], pa.array([envelope.iea(interchange)]))
        return interchange, numbers
