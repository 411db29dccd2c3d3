"""276 claim status inquiries and 277 responses (005010X212).

Hierarchy per transaction: 2000A information source (payer), 2000B information receiver
(the clearinghouse that asks), 2000C service provider (the billing provider), 2000D
subscriber, 2000E dependent when the patient is not the subscriber. The claim asked about
(2200D/E: TRN, REF*1K payer claim number, REF*BLT bill type, REF*EJ patient control number,
AMT*T3 charge, DTP*472 service dates) and, in the 277, its status (STC: category, code,
dates, charge, payment, check/EFT number) follow the patient's level.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._context import DEFAULT_PARTNER, Context, gather, index_of
from ._envelope import TIME, Frame
from ._inquiry import InquiryWriter, hl_numbers, person_columns
from ._layout import Layout, Slot
from ._text import boolean, ccyymmdd, integer, money, pick, present, rows, run_starts

__all__ = ["writer"]

VERSION = "005010X212"
RECEIVER_NAME = "CDG CLEARINGHOUSE"
_CLAIM = ["claim_type", "type_of_bill", "statement_from", "statement_to", "total_billed",
          "coverage_id", "subscriber_member_id"]  # fmt: skip
_RESPONSE = ["status_category", "status_code", "status_date", "paid_amount",
             "payer_claim_control_number", "payment_date", "trace_number"]  # fmt: skip


def writer(context: Context) -> StatusWriter:
    """The 276 or 277 writer for one run."""
    return StatusWriter(context)


class StatusWriter(InquiryWriter):
    """276 (provider asks) or 277 (payer answers), one file per payer."""

    def __init__(self, context: Context) -> None:
        self.response = context.name == "x12-277"
        kind = "277" if self.response else "276"
        super().__init__(context, context.envelope("HN" if self.response else "HR", kind, VERSION))

    def units(self, tables: Mapping[str, pa.Table]) -> pa.Table:
        """Inquiries joined with the claim, patient, subscriber and (277) the response."""
        c = self.context
        q = tables["claim_status_inquiries"]
        claims = tables["claims"]
        row = index_of(q["claim_id"], claims["claim_id"])
        if (row < 0).any():
            raise ValueError("claim status inquiries reference claims not in the same block")
        claim = gather(claims, row, _CLAIM)
        cols = {n: q[n].combine_chunks() for n in ("inquiry_id", "payer_id", "member_id",
                                                  "inquiry_date")}  # fmt: skip
        cols["provider_id"] = q["billing_provider_id"].combine_chunks()
        cols.update({f"claim_{k}": v for k, v in claim.items()})
        covered = pc.is_valid(claim["coverage_id"])
        holder = pc.if_else(covered, claim["subscriber_member_id"], q["member_id"])
        members = tables["members"]
        cols.update(person_columns(c, members, q["member_id"], "patient_"))
        cols.update(person_columns(c, members, holder, "subscriber_"))
        # As in the 837: the household card number for covered claims, the member's own
        # number when the claim had no coverage (the patient is then their own subscriber).
        cols["subscriber_id"] = pc.if_else(
            covered, cols["subscriber_subscriber_number"], cols["patient_member_number"]
        )
        cols["dependent"] = pc.not_equal(holder, q["member_id"])
        cols["inquiry_ref"] = c.clean(q["inquiry_id"], 50, upper=False)
        cols["claim_ref"] = c.clean(q["claim_id"], 50, upper=False)
        if self.response:
            answers = tables["claim_status_responses"]
            row = index_of(q["inquiry_id"], answers["inquiry_id"])
            if (row < 0).any():
                raise ValueError("every claim status inquiry needs its response in the block")
            cols.update(gather(answers, row, _RESPONSE))
            for name, size in (("status_category", 30), ("status_code", 30), ("trace_number", 16)):
                cols[name] = c.clean(cols[name], size)
        return pa.table(cols)

    def document(self, payer_id: str, u: pa.Table, transaction: np.ndarray) -> bytes:
        """One interchange of 276 or 277 transactions."""
        c = self.context
        payer = c.payer(payer_id)
        seg, syn = c.syntax.segment, c.syntax
        n = u.num_rows
        lay = Layout(n)
        frame = Frame(lay, transaction)
        first = frame.txn_first
        dep = boolean(u["dependent"])
        new_c = first | run_starts(u["provider_id"])
        levels = [first, first, new_c, np.ones(n, bool), dep]
        (id_a, id_b, id_c, id_d, id_e), (_, par_b, par_c, par_d, par_e) = hl_numbers(
            levels, transaction
        )
        frame.open()
        s: dict[str, Slot] = {"BHT": lay.add(first)}
        for name in ("HL20", "NM1PR", "HL21", "NM141"):
            s[name] = lay.add(first)
        s["HL19"], s["NM11P"] = lay.add(new_c), lay.add(new_c)
        s["HL22"] = lay.add()
        if not self.response:
            s["DMGD"] = lay.add(~dep)
        s["NM1IL"] = lay.add()
        s["HL23"] = lay.add(dep)
        if not self.response:
            s["DMGE"] = lay.add(dep)
        s["NM1QC"] = lay.add(dep)
        s["TRN"] = lay.add()
        if self.response:
            s["STC"] = lay.add()
            s["REF1K"] = lay.add(present(u["payer_claim_control_number"]))
        institutional = boolean(pc.equal(u["claim_claim_type"], "institutional"))
        s["REFBLT"] = lay.add(institutional)
        s["REFEJ"] = lay.add()
        if not self.response:
            s["AMT"] = lay.add()
        s["DTP"] = lay.add()
        frame.close()
        lay.finish()
        sender, receiver = c.partners(str(payer["payer_code"]), payer_sends=self.response)
        interchange, numbers = frame.fill(self.envelope, c.controls, sender, receiver)
        put = lay.put
        k = frame.count
        refs = pa.array([f"{interchange:09d}{x:04d}" for x in numbers], pa.string())
        date = c.as_of.strftime("%Y%m%d")
        if self.response:  # 08 status, DG response
            put(s["BHT"], seg(k, "BHT", "0010", "08", refs, date, TIME, "DG"))
        else:  # 13 request
            put(s["BHT"], seg(k, "BHT", "0010", "13", refs, date, TIME))
        put(s["HL20"], seg(k, "HL", integer(pa.array(id_a[first])), None, "20", "1"))
        put(s["NM1PR"], seg(k, "NM1", "PR", "2", str(payer["name"]), None, None, None, None,
                            "PI", str(payer["payer_code"])))  # fmt: skip
        put(s["HL21"], seg(k, "HL", integer(pa.array(id_b[first])),
                           integer(pa.array(par_b[first])), "21", "1"))  # fmt: skip
        clearinghouse = c.options.sender_id if not self.response else c.options.receiver_id
        put(s["NM141"], seg(k, "NM1", "41", "2", RECEIVER_NAME, None, None, None, None, "46",
                            clearinghouse or DEFAULT_PARTNER))  # fmt: skip
        r = s["HL19"].rows
        put(s["HL19"], seg(len(r), "HL", integer(pa.array(id_c[r])),
                           integer(pa.array(par_c[r])), "19", "1"))  # fmt: skip
        prov = gather(c.providers, index_of(rows(u["provider_id"], r), c.providers["provider_id"]),
                      ["entity", "last", "first", "middle", "npi"])  # fmt: skip
        put(s["NM11P"], seg(len(r), "NM1", "1P", prov["entity"], prov["last"], prov["first"],
                            prov["middle"], None, None, "XX", prov["npi"]))  # fmt: skip
        put(s["HL22"], seg(n, "HL", integer(pa.array(id_d)), integer(pa.array(par_d)), "22",
                           pick(dep, "1", "0")))  # fmt: skip
        put(s["NM1IL"], seg(n, "NM1", "IL", "1", u["subscriber_last"], u["subscriber_first"],
                            u["subscriber_middle"], None, None, "MI", u["subscriber_id"]))  # fmt: skip
        r = s["HL23"].rows
        put(s["HL23"], seg(len(r), "HL", integer(pa.array(id_e[r])),
                           integer(pa.array(par_e[r])), "23"))  # fmt: skip
        put(s["NM1QC"], seg(len(r), "NM1", "QC", "1", rows(u["patient_last"], r),
                            rows(u["patient_first"], r), rows(u["patient_middle"], r)))  # fmt: skip
        for name in ("DMGD", "DMGE"):
            if name in s:
                r = s[name].rows
                put(s[name], seg(len(r), "DMG", "D8", ccyymmdd(rows(u["patient_birth_date"], r)),
                                 rows(u["patient_sex"], r)))  # fmt: skip
        # TRN01: 1 current trace (the 276 assigns it), 2 referenced trace (the 277 echoes it).
        put(s["TRN"], seg(n, "TRN", "2" if self.response else "1", u["inquiry_ref"]))
        if self.response:
            self._status(lay, s, u)
        r = s["REFBLT"].rows
        bill_type = pc.utf8_slice_codeunits(pc.fill_null(rows(u["claim_type_of_bill"], r), ""),
                                            1, 4)  # fmt: skip
        put(s["REFBLT"], seg(len(r), "REF", "BLT", bill_type))
        put(s["REFEJ"], seg(n, "REF", "EJ", u["claim_ref"]))
        if not self.response:
            put(s["AMT"], seg(n, "AMT", "T3", money(u["claim_total_billed"])))
        start, end = ccyymmdd(u["claim_statement_from"]), ccyymmdd(u["claim_statement_to"])
        single = pc.equal(start, end)
        put(s["DTP"], seg(n, "DTP", "472", pc.if_else(single, "D8", "RD8"),
                          pc.if_else(single, start, pc.binary_join_element_wise(start, end, "-"))))  # fmt: skip
        del syn
        return lay.render(c.options.segment_end)

    def _status(self, lay: Layout, s: dict[str, Slot], u: pa.Table) -> None:
        """STC claim status and REF*1K payer claim control number (277 2200D/E)."""
        c = self.context
        seg = c.syntax.segment
        n = u.num_rows
        status = c.syntax.composite(n, u["status_category"], u["status_code"])
        finalized = pc.starts_with(u["status_category"], "F")
        decided = pc.if_else(finalized, ccyymmdd(u["status_date"]), pa.scalar(None, pa.string()))
        paid = pc.if_else(pc.is_valid(u["paid_amount"]),
                          money(pc.fill_null(u["paid_amount"], pa.scalar(0, u["paid_amount"].type))),
                          pa.scalar(None, pa.string()))  # fmt: skip
        lay.put(s["STC"], seg(n, "STC", status, ccyymmdd(u["status_date"]), None,
                              money(u["claim_total_billed"]), paid, decided, None,
                              ccyymmdd(u["payment_date"]), u["trace_number"]))  # fmt: skip
        r = s["REF1K"].rows
        lay.put(s["REF1K"], seg(len(r), "REF", "1K",
                                c.clean(rows(u["payer_claim_control_number"], r), 50)))  # fmt: skip
