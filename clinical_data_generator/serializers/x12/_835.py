"""835 health care claim payment/advice (005010X221A1) from payments and adjudications.

One file per payer; one transaction per payment (payments row), ``transactions_per_interchange``
transactions per interchange. Amounts come straight from the tables and balance to the cent:
BPR02 = sum(CLP04) - sum(PLB04); CLP03 - CLP04 = the claim's CAS amounts (all reported on
its service lines, the guide's preference); SVC02 - SVC03 = the line's CAS amounts.
Reversals (CLP02 ``22``) carry the negated amounts of the adjudication they take back.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..._internal.arrow import digit_chars, fixed_width
from ._batch import Batch, BatchWriter
from ._context import Context, gather, index_of
from ._envelope import Frame
from ._layout import Layout, Slot
from ._remit import remit_batch
from ._text import (
    boolean,
    ccyymmdd,
    digits_only,
    integer,
    join_present,
    money,
    money_from_cents,
    present,
    rows,
)

__all__ = ["writer"]

VERSION = "005010X221A1"
#: CAS group codes in the order their segments are written.
GROUPS = ("CO", "OA", "PI", "PR")
#: Patient-responsibility CAS reasons (group PR): deductible, coinsurance, copay.
PATIENT_SHARE = (("1", "deductible_amount"), ("2", "coinsurance_amount"), ("3", "copay_amount"))
#: Synthetic bank numbers: routing numbers whose first digits (50-59) no Federal Reserve
#: district uses, so they cannot be real (BPR07 / BPR13, with a valid ABA check digit).
ROUTING_PREFIX = 50


def writer(context: Context) -> Writer835:
    """The 835 writer for one run."""
    return Writer835(context)


class Writer835(BatchWriter):
    """Payments per payer file, ``transactions_per_interchange`` per interchange."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.envelope = context.envelope("HP", "835", VERSION, st03=False)

    @property
    def chunk_groups(self) -> int:
        """Payments per interchange."""
        return self.context.options.transactions_per_interchange

    def prepare(self, tables: Mapping[str, pa.Table], first_row: int) -> tuple[Batch, int]:
        """The block's adjudications by payment, with their lines."""
        return remit_batch(self.context, tables, first_row)

    def render(self, key: str, chunk: Batch) -> bytes:
        """One interchange with one transaction per payment of the chunk."""
        return _Document(self, key, chunk).render()


class _Document:
    def __init__(self, writer: Writer835, payer_id: str, chunk: Batch) -> None:
        self.w = writer
        self.c = writer.context
        self.payer = self.c.payer(payer_id)
        self.chunk = chunk
        self.u = chunk.units
        self.n = self.u.num_rows
        self.lay = Layout(self.n)

    def render(self) -> bytes:
        c, u, n, lay = self.c, self.u, self.n, self.lay
        seg, e = c.syntax.segment, c.syntax.element
        sender, receiver = c.partners(str(self.payer["payer_code"]), payer_sends=True)
        transaction = np.cumsum(self.chunk.group_start) - 1
        frame = Frame(lay, transaction)
        frame.open()
        s: dict[str, Slot] = {}
        head = frame.txn_first
        for name in ("BPR", "TRN", "N1*PR", "N3*PR", "N4*PR", "PER*BL", "N1*PE", "N3*PE",
                     "N4*PE", "REF*TJ", "LX"):  # fmt: skip
            s[name] = lay.add(head)
        s["CLP"] = lay.add()
        claim_cas = self._claim_adjustments()
        for group in GROUPS:
            s[f"CAS*{group}"] = lay.add(present(claim_cas[group]))
        s["NM1*QC"] = lay.add()
        dependent = boolean(u["dependent"])
        s["NM1*IL"] = lay.add(dependent)
        doctor = index_of(u["claim_rendering_provider_id"], c.providers["provider_id"])
        s["NM1*82"] = lay.add(doctor >= 0)
        lines = self.chunk.children
        assert lines is not None
        parent = np.repeat(np.arange(n), self.chunk.child_count)
        single = boolean(pc.equal(lines["service_date"], lines["service_end_date"]))
        dated = present(lines["service_date"])
        line_cas = self._line_adjustments(lines)
        allowed = boolean(pc.not_equal(lines["allowed_amount"], 0))
        remark = present(lines["rarc"])
        masks = [None, dated & single, dated & ~single, dated & ~single]
        masks += [present(line_cas[g]) for g in GROUPS] + [None, allowed, remark]
        child = lay.children(parent, masks)
        adjust = boolean(pc.not_equal(u["provider_adjustment"], 0)) & frame.txn_last
        s["PLB"] = lay.add(adjust)
        frame.close()
        lay.finish()
        frame.fill(self.w.envelope, c.controls, sender, receiver)
        self._header(s)
        self._claims(s, claim_cas, doctor)
        self._lines(child, line_cas, parent)
        r = s["PLB"].rows
        payee = gather(c.providers, index_of(rows(u["billing_provider_id"], r),
                                             c.providers["provider_id"]), ["npi"])  # fmt: skip
        year = pc.utf8_slice_codeunits(ccyymmdd(rows(u["payment_date"], r)), 0, 4)
        fiscal_end = pc.binary_join_element_wise(year, "1231", "")  # PLB02: fiscal year end
        # PLB03 FB forward balance: a negative payment total is carried to later payments.
        reference = c.syntax.composite(len(r), "FB", rows(u["payment_id"], r))
        lay.put(s["PLB"], seg(len(r), "PLB", payee["npi"], fiscal_end, reference,
                              money(rows(u["provider_adjustment"], r))))  # fmt: skip
        del e
        return lay.render(c.options.segment_end)

    # ----------------------------------------------------------------------------- header

    def _header(self, s: dict[str, Slot]) -> None:
        """BPR, TRN, 1000A payer (N1, N3, N4, PER*BL), 1000B payee (N1, N3, N4, REF*TJ), LX."""
        c, u, put = self.c, self.u, self.lay.put
        seg = c.syntax.segment
        r = s["BPR"].rows
        k = len(r)
        amount = rows(u["amount"], r)
        method = rows(u["payment_method"], r)
        ach = boolean(pc.equal(method, "ACH"))
        # BPR01: I (remittance with payment sent separately) or H (notification, no money).
        handling = pc.if_else(pc.equal(amount, pa.scalar(0, amount.type)), "H", "I")
        payer_tin = "1" + str(self.payer["tax_id"])  # BPR10 / TRN03: '1' + the payer's EIN
        payee = gather(c.providers, index_of(rows(u["billing_provider_id"], r),
                                             c.providers["provider_id"]),
                       ["last", "npi", "address", "city", "state", "zip", "tax_id",
                        "provider_id"])  # fmt: skip
        sender_bank = _routing(np.full(k, _payer_number(str(self.payer["payer_id"]))))
        receiver_bank = _routing(_provider_numbers(payee["provider_id"]))
        nothing = pa.scalar(None, pa.string())

        def ach_only(value: pa.Array | str) -> pa.Array:
            return pc.if_else(pa.array(ach), value, nothing)

        put(s["BPR"], seg(k, "BPR", handling, money(amount), "C", method, ach_only("CCP"),
                          ach_only("01"), ach_only(sender_bank), ach_only("DA"),
                          ach_only(_account(sender_bank)), ach_only(payer_tin), None,
                          ach_only("01"), ach_only(receiver_bank), ach_only("DA"),
                          ach_only(_account(receiver_bank)),
                          ccyymmdd(rows(u["payment_date"], r))))  # fmt: skip
        put(s["TRN"], seg(k, "TRN", "1", rows(u["trace_number"], r), payer_tin))
        p = self.payer
        put(s["N1*PR"], seg(k, "N1", "PR", str(p["name"])))
        put(s["N3*PR"], seg(k, "N3", str(p["address"])))
        put(s["N4*PR"], seg(k, "N4", str(p["city"]), str(p["state"]), str(p["zip"])))
        put(s["PER*BL"], seg(k, "PER", "BL", "EDI SUPPORT", "TE", str(p["phone"])))
        put(s["N1*PE"], seg(k, "N1", "PE", payee["last"], "XX", payee["npi"]))
        put(s["N3*PE"], seg(k, "N3", payee["address"]))
        put(s["N4*PE"], seg(k, "N4", payee["city"], payee["state"], payee["zip"]))
        put(s["REF*TJ"], seg(k, "REF", "TJ", payee["tax_id"]))
        put(s["LX"], seg(k, "LX", "1"))

    # ----------------------------------------------------------------------------- claims

    def _claim_adjustments(self) -> dict[str, pa.Array]:
        """Claim-level CAS text per group: what the claim's lines do not already explain."""
        u = self.u
        lines = self.chunk.children
        assert lines is not None
        parent = np.repeat(np.arange(self.n), self.chunk.child_count)
        e = self.c.syntax.element

        def rest(name: str) -> np.ndarray:
            claim = _cents(u[name])
            return claim - np.bincount(parent, _cents(lines[name]), self.n).astype(np.int64)

        triples: dict[str, list[pa.Array]] = {g: [] for g in GROUPS}
        triples["CO"].append(_triple("45", rest("contractual_amount"), e))
        # A denial the lines do not carry is reported as A1 (claim denied), group CO.
        triples["CO"].append(_triple("A1", rest("denied_amount"), e))
        for reason, name in PATIENT_SHARE:
            triples["PR"].append(_triple(reason, rest(name), e))
        return {g: _group(self.n, g, triples[g], e) for g in GROUPS}

    def _claims(self, s: dict[str, Slot], cas: dict[str, pa.Array], doctor: np.ndarray) -> None:
        """CLP, claim CAS, NM1*QC patient, NM1*IL insured, NM1*82 rendering provider."""
        c, u, n, put = self.c, self.u, self.n, self.lay.put
        seg = c.syntax.segment
        professional = boolean(pc.equal(u["claim_claim_type"], "professional"))
        facility = pc.if_else(
            pa.array(professional),
            u["claim_place_of_service"],
            pc.utf8_slice_codeunits(pc.fill_null(u["claim_type_of_bill"], "0000"), 1, 3),
        )
        responsibility = u["patient_responsibility"]
        owed = pc.if_else(pc.equal(responsibility, pa.scalar(0, responsibility.type)),
                          pa.scalar(None, pa.string()), money(responsibility))  # fmt: skip
        put(s["CLP"], seg(n, "CLP", u["claim_ref"], u["status_code"], money(u["billed_amount"]),
                          money(u["paid_amount"]), owed, u["filing"],
                          c.clean(u["payer_claim_control_number"], 50), facility,
                          u["claim_frequency_code"], None, u["claim_drg"]))  # fmt: skip
        for group in GROUPS:
            slot = s[f"CAS*{group}"]
            put(slot, rows(cas[group], slot.rows))
        put(s["NM1*QC"], seg(n, "NM1", "QC", "1", u["patient_last"], u["patient_first"],
                             u["patient_middle"], None, None, "MI",
                             u["patient_member_number"]))  # fmt: skip
        r = s["NM1*IL"].rows
        put(s["NM1*IL"], seg(len(r), "NM1", "IL", "1", rows(u["insured_last"], r),
                             rows(u["insured_first"], r), rows(u["insured_middle"], r), None,
                             None, "MI", rows(u["insured_subscriber_number"], r)))  # fmt: skip
        r = s["NM1*82"].rows
        d = gather(c.providers, doctor[r], ["entity", "last", "first", "middle", "npi"])
        put(s["NM1*82"], seg(len(r), "NM1", "82", d["entity"], d["last"], d["first"],
                             d["middle"], None, None, "XX", d["npi"]))  # fmt: skip

    # ----------------------------------------------------------------------------- lines

    def _line_adjustments(self, lines: pa.Table) -> dict[str, pa.Array]:
        """Line CAS text per group: CO-45 contractual, the denial under its group, PR-1/2/3."""
        e = self.c.syntax.element
        k = lines.num_rows
        denial_group = pc.fill_null(lines["group_code"], "CO")
        denied = _cents(lines["denied_amount"])
        reason = pc.fill_null(lines["carc"], "A1")
        triples: dict[str, list[pa.Array]] = {g: [] for g in GROUPS}
        triples["CO"].append(_triple("45", _cents(lines["contractual_amount"]), e))
        for group in GROUPS:
            mine = denied * boolean(pc.equal(denial_group, group))
            triples[group].append(_triple(reason, mine, e))
        for code, name in PATIENT_SHARE:
            triples["PR"].append(_triple(code, _cents(lines[name]), e))
        return {g: _group(k, g, triples[g], e) for g in GROUPS}

    def _lines(self, child: list[Slot], cas: dict[str, pa.Array], parent: np.ndarray) -> None:
        """SVC, DTM service dates, line CAS, REF*6R, AMT*B6 allowed, LQ*HE remark code."""
        c, put = self.c, self.lay.put
        syn = c.syntax
        seg = syn.segment
        lines = self.chunk.children
        assert lines is not None
        k = lines.num_rows
        svc, dtm472, dtm150, dtm151, *rest = child
        cas_slots, (ref6r, amt, lq) = rest[: len(GROUPS)], rest[len(GROUPS) :]
        code, revenue = lines["procedure_code"], lines["revenue_code"]
        has_code = pc.is_valid(code)
        hcpcs = syn.composite(k, "HC", pc.fill_null(code, ""), lines["modifier_1"],
                              lines["modifier_2"])  # fmt: skip
        by_revenue = syn.composite(k, "NU", pc.fill_null(revenue, ""))
        procedure = pc.if_else(has_code, hcpcs, by_revenue)
        revenue_element = pc.if_else(has_code, revenue, pa.scalar(None, pa.string()))
        units = lines["units"]
        paid_units = pc.if_else(pc.equal(units, 1), pa.scalar(None, pa.string()),
                                integer(units))  # fmt: skip
        billed_units = pc.fill_null(lines["billed_units"], 1)
        original = pc.if_else(pc.equal(units, billed_units), pa.scalar(None, pa.string()),
                              integer(billed_units))  # fmt: skip
        put(svc, seg(k, "SVC", procedure, money(lines["billed_amount"]),
                     money(lines["paid_amount"]), revenue_element, paid_units, None,
                     original))  # fmt: skip
        start, end = ccyymmdd(lines["service_date"]), ccyymmdd(lines["service_end_date"])
        put(dtm472, seg(len(dtm472), "DTM", "472", rows(start, dtm472.rows)))
        put(dtm150, seg(len(dtm150), "DTM", "150", rows(start, dtm150.rows)))
        put(dtm151, seg(len(dtm151), "DTM", "151", rows(end, dtm151.rows)))
        for group, slot in zip(GROUPS, cas_slots, strict=True):
            put(slot, rows(cas[group], slot.rows))
        control = pc.binary_join_element_wise(lines["claim_ref"], integer(lines["line_number"]),
                                              "-")  # fmt: skip
        put(ref6r, seg(k, "REF", "6R", control))
        put(amt, seg(len(amt), "AMT", "B6", rows(money(lines["allowed_amount"]), amt.rows)))
        put(lq, seg(len(lq), "LQ", "HE", rows(lines["rarc"], lq.rows)))
        del parent


def _cents(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """decimal128(12, 2) amounts as integer cents."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    column = pc.fill_null(column, pa.scalar(0, column.type))
    words = np.frombuffer(column.buffers()[1], np.int64, 2 * len(column), column.offset * 16)
    return words[0::2].copy()


def _triple(reason: pa.Array | str, cents: np.ndarray, sep: str) -> pa.Array:
    """``reason*amount`` where the amount is not zero, else null (one CAS triple)."""
    text = pc.binary_join_element_wise(reason, money_from_cents(cents), sep)
    return pc.if_else(pa.array(cents != 0), text, pa.scalar(None, pa.string()))


def _group(n: int, group: str, triples: list[pa.Array], sep: str) -> pa.Array:
    """``CAS*group*r1*a1**r2*a2...`` (quantities left empty), null when nothing to report."""
    if not triples:
        return pa.nulls(n, pa.string())
    # Quantities are left empty, hence two separators between triples.
    return pc.binary_join_element_wise(f"CAS{sep}{group}", join_present(triples, sep + sep), sep)


def _payer_number(payer_id: str) -> int:
    return int("".join(ch for ch in payer_id if ch.isdigit()) or 0)


def _provider_numbers(provider_ids: pa.Array) -> np.ndarray:
    digits = pc.replace_substring_regex(pc.fill_null(provider_ids, "0"), "[^0-9]", "")
    return np.asarray(pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False), np.int64)


def _routing(numbers: np.ndarray) -> pa.Array:
    """Nine-digit ABA routing numbers (prefix 50-59, valid check digit) derived from ids."""
    body = (ROUTING_PREFIX * 10**5 + (numbers * 7919) % 10**6) % 10**8  # 8 digits
    d = digit_chars(body, 8).astype(np.int64) - 48
    weights = np.array([3, 7, 1, 3, 7, 1, 3, 7])
    check = (10 - (d * weights).sum(axis=1) % 10) % 10
    return fixed_width(np.hstack([digit_chars(body, 8), digit_chars(check, 1)]))


def _account(routing: pa.Array) -> pa.Array:
    """A synthetic account number: 'SYN' + the routing number's digits."""
    return pc.binary_join_element_wise("SYN", digits_only(routing), "")
