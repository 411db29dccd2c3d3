"""What every X12 writer of one run shares: options, files, control numbers, cleaned references."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...errors import InvalidArgumentError
from .._registry import DocumentSink, WritableStream
from ._envelope import ControlNumbers, Envelope
from ._options import X12Options
from ._segments import Syntax
from ._text import clean, digits_only, join_present

__all__ = ["DEFAULT_PARTNER", "Context", "gather", "index_of"]

#: ISA id of the provider-side trading partner (a clearinghouse) when no id is configured.
DEFAULT_PARTNER = "CDGCLEARHOUSE"
#: The reference date when the tables come without one (hand-built datasets).
FALLBACK_AS_OF = dt.date(2026, 1, 1)


def index_of(values: pa.Array | pa.ChunkedArray, keys: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Row of each of ``values`` in the column ``keys`` (-1 where absent or null)."""
    index = pc.index_in(values, value_set=keys)
    return np.asarray(index.fill_null(-1).to_numpy(zero_copy_only=False), np.int64)


def gather(table: pa.Table, index: np.ndarray, columns: list[str]) -> dict[str, pa.Array]:
    """``columns`` of ``table`` at rows ``index``; rows at -1 give nulls."""
    missing = index < 0
    positions = pa.array(
        np.where(missing, 0, index), pa.int64(), mask=missing if missing.any() else None
    )
    return {c: table[c].combine_chunks().take(positions) for c in columns}


class Context:
    """Shared state of one X12 format during one write.

    Args:
        name: Format name (also the output folder).
        options: Delimiters, partners, control numbers.
        sink: Opens the output files.
        reference: Population-wide tables (payers, plans, sponsors, providers).
        info: Manifest header; ``as_of`` dates the envelopes.
        tables: Block tables the format needs.
    """

    def __init__(
        self,
        name: str,
        options: X12Options,
        sink: DocumentSink,
        reference: Mapping[str, pa.Table],
        info: Mapping[str, object],
        tables: tuple[str, ...],
    ) -> None:
        self.name = name
        self.options = options
        self.syntax = Syntax(options)
        self.sink = sink
        self.reference = reference
        self.tables = tables
        raw = info.get("as_of")
        self.as_of = dt.date.fromisoformat(str(raw)) if raw else FALLBACK_AS_OF
        self.controls = ControlNumbers.start(options)
        self._files: dict[str, WritableStream] = {}

    def require(self, tables: Mapping[str, Any]) -> None:
        """Fail clearly when a block lacks a table this format is built from."""
        missing = [t for t in self.tables if t not in tables and t not in self.reference]
        if missing:
            raise InvalidArgumentError(
                "formats", self.name, f"a population that includes the tables {missing}"
            )

    def file(self, key: str) -> WritableStream:
        """The output stream ``<key>.x12`` (opened on first use)."""
        stream = self._files.get(key)
        if stream is None:
            stream = self._files[key] = self.sink.open(f"{key}.x12")
        return stream

    def envelope(
        self, functional_id: str, transaction_id: str, version: str, *, st03: bool = True
    ) -> Envelope:
        """Envelope builder dated ``as_of``."""
        return Envelope(self.options, functional_id, transaction_id, version, self.as_of, st03)

    def partners(self, payer_code: str, *, payer_sends: bool) -> tuple[str, str]:
        """ISA06/ISA08 ids: the payer on its side, the clearinghouse on the other."""
        payer_side = payer_code
        other = DEFAULT_PARTNER
        sender, receiver = (payer_side, other) if payer_sends else (other, payer_side)
        return self.options.sender_id or sender, self.options.receiver_id or receiver

    def clean(
        self, column: pa.Array | pa.ChunkedArray, max_len: int, *, upper: bool = True
    ) -> pa.Array:
        """:func:`~._text.clean` with this run's delimiters."""
        return clean(column, self.options.delimiters, max_len=max_len, upper=upper)

    @functools.cached_property
    def payers(self) -> pa.Table:
        """Payers with X12-ready columns (cleaned names, digits-only tax ids and phones)."""
        p = self.reference["payers"]
        return pa.table(
            {
                "payer_id": p["payer_id"].combine_chunks(),
                "name": self.clean(p["name"], 60),
                "payer_code": self.clean(p["payer_code"], 80),
                "tax_id": digits_only(p["tax_id"]),
                "address": self.clean(p["address_line1"], 55),
                "city": self.clean(p["city"], 30),
                "state": self.clean(p["state"], 2),
                "zip": digits_only(p["zip"]),
                "phone": digits_only(p["phone"]),
            }
        )

    def payer(self, payer_id: str) -> dict[str, Any]:
        """One payer's X12-ready values."""
        payers = self.payers
        index = index_of(pa.array([payer_id]), payers["payer_id"])[0]
        if index < 0:
            raise InvalidArgumentError("payer_id", payer_id, "a payer of the payers table")
        return {c: payers[c][int(index)].as_py() for c in payers.column_names}

    @functools.cached_property
    def providers(self) -> pa.Table:
        """Providers with X12-ready columns.

        ``last`` holds the organisation name for organisations; ``entity`` is the NM102
        entity type (``1`` person, ``2`` organisation); ``zip9`` joins ZIP and ZIP+4 (the
        837 billing provider needs all nine digits).
        """
        p = self.reference["providers"]
        person = pc.equal(p["entity_type"], "individual")
        last = pc.if_else(person, p["last_name"], p["organization_name"])
        last = pc.coalesce(last, p["name"])
        zip9 = join_present([digits_only(p["zip"]), digits_only(p["zip4"])], "")
        return pa.table(
            {
                "provider_id": p["provider_id"].combine_chunks(),
                "npi": p["npi"].combine_chunks(),
                "entity": pc.if_else(person, "1", "2").combine_chunks(),
                "last": self.clean(last, 60),
                "first": self.clean(pc.if_else(person, p["first_name"], None), 35),
                "middle": self.clean(pc.if_else(person, p["middle_initial"], None), 25),
                "address": self.clean(p["address_line1"], 55),
                "city": self.clean(p["city"], 30),
                "state": self.clean(p["state"], 2),
                "zip": digits_only(p["zip"]),
                "zip9": zip9.combine_chunks() if isinstance(zip9, pa.ChunkedArray) else zip9,
                "tax_id": self._provider_tax_ids(p),
                "taxonomy": p["taxonomy_code"].combine_chunks(),
                "phone": digits_only(p["phone"]),
                "organization_id": p["organization_id"].combine_chunks(),
            }
        )

    @staticmethod
    def _provider_tax_ids(p: pa.Table) -> pa.Array:
        """EIN digits; a practitioner billing on their own uses their organisation's EIN."""
        own = digits_only(p["tax_id"])
        employer = index_of(p["organization_id"], p["provider_id"])
        inherited = gather(pa.table({"tax_id": own}), employer, ["tax_id"])["tax_id"]
        return pc.coalesce(own, inherited)

    def people(self, members: pa.Table) -> pa.Table:
        """A block's members with X12-ready name, address and identifier columns."""
        return pa.table(
            {
                "member_id": members["member_id"].combine_chunks(),
                "member_number": self.clean(members["member_number"], 80),
                "subscriber_number": self.clean(members["subscriber_number"], 80),
                "last": self.clean(members["last_name"], 60),
                "first": self.clean(members["first_name"], 35),
                "middle": self.clean(members["middle_initial"], 25),
                "address1": self.clean(members["address_line1"], 55),
                "address2": self.clean(members["address_line2"], 55),
                "city": self.clean(members["city"], 30),
                "state": self.clean(members["state"], 2),
                "zip": digits_only(members["zip"]),
                "birth_date": members["birth_date"].combine_chunks(),
                "sex": members["sex"].combine_chunks(),
            }
        )
