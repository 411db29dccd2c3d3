"""270 eligibility inquiries and 271 responses (005010X279A1).

Hierarchy per transaction: 2000A information source (the payer), 2000B information receiver
(the provider asking), 2000C subscriber, 2000D dependent when the member asked about is not
the subscriber (the subscriber loop carries the household's card number, which does not
identify the dependent alone). The inquiry (TRN, DMG, DTP*291, EQ) and the answer (TRN echo,
plan REFs, DTP*346/347 plan dates, EB benefits) sit at the patient's level.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._context import Context, gather, index_of
from ._envelope import TIME, Frame
from ._inquiry import InquiryWriter, hl_numbers, person_columns
from ._layout import Layout, Slot
from ._text import (
    boolean,
    ccyymmdd,
    integer,
    money,
    money_from_cents,
    pick,
    present,
    rows,
    run_starts,
)

__all__ = ["writer"]

VERSION = "005010X279A1"
#: EB04 insurance type by line of business, then by plan product type.
INSURANCE_BY_LOB = {"medicare": "HN", "medicaid": "MC"}  # HN: HMO Medicare risk
INSURANCE_BY_PRODUCT = {"HMO": "HM", "PPO": "PR", "POS": "PS", "EPO": "EP"}
#: EB loops of an active coverage: (EB01, EB03, EB06 time period, amount column, message).
MONEY_BENEFITS = (
    ("C", "30", "23", "deductible_individual", None),  # deductible, calendar year
    ("C", "30", "24", "deductible_met", None),  # year to date
    ("C", "30", "29", "deductible_remaining", None),  # remaining
    ("G", "30", "23", "oop_max_individual", None),  # out-of-pocket (stop loss)
    ("G", "30", "24", "oop_met", None),
    ("G", "30", "29", "oop_remaining", None),
    ("B", "98", "27", "copay_primary_care", "PRIMARY CARE"),  # co-payment per visit
    ("B", "98", "27", "copay_specialist", "SPECIALIST"),
)
_RESPONSE = ["status", "eligibility_code", "plan_id", "group_number", "plan_begin_date",
             "plan_end_date", "deductible_individual", "deductible_met", "deductible_remaining",
             "oop_max_individual", "oop_met", "oop_remaining", "copay_primary_care",
             "copay_specialist", "coinsurance_percent"]  # fmt: skip


def writer(context: Context) -> EligibilityWriter:
    """The 270 or 271 writer for one run."""
    return EligibilityWriter(context)


class EligibilityWriter(InquiryWriter):
    """270 (provider asks) or 271 (payer answers), one file per payer."""

    def __init__(self, context: Context) -> None:
        self.response = context.name == "x12-271"
        kind = "271" if self.response else "270"
        super().__init__(context, context.envelope("HB" if self.response else "HS", kind, VERSION))

    def units(self, tables: Mapping[str, pa.Table]) -> pa.Table:
        """Inquiries joined with patient, subscriber and (271) the response and plan."""
        c = self.context
        q = tables["eligibility_inquiries"]
        members = tables["members"]
        cols = {n: q[n].combine_chunks() for n in ("inquiry_id", "payer_id", "provider_id",
                                                  "member_id", "inquiry_date",
                                                  "service_type_code")}  # fmt: skip
        cols["service_type_code"] = c.clean(q["service_type_code"], 2)
        cols.update(person_columns(c, members, q["member_id"], "patient_"))
        cols.update(person_columns(c, members, q["subscriber_member_id"], "subscriber_"))
        cols["subscriber_id"] = cols["subscriber_subscriber_number"]
        cols["dependent"] = pc.not_equal(q["member_id"], q["subscriber_member_id"])
        cols["inquiry_ref"] = c.clean(q["inquiry_id"], 50, upper=False)
        if self.response:
            answers = tables["eligibility_responses"]
            row = index_of(q["inquiry_id"], answers["inquiry_id"])
            if (row < 0).any():
                raise ValueError("every eligibility inquiry needs its response in the block")
            cols.update(gather(answers, row, _RESPONSE))
            plans = c.reference["plans"]
            plan = gather(plans, index_of(cols["plan_id"], plans["plan_id"]),
                          ["name", "line_of_business", "product_type"])  # fmt: skip
            cols["plan_name"] = c.clean(plan["name"], 50)
            cols["insurance_type"] = pc.fill_null(
                pc.coalesce(_map(plan["line_of_business"], INSURANCE_BY_LOB),
                            _map(plan["product_type"], INSURANCE_BY_PRODUCT)), "C1")  # fmt: skip
            cols["group_number"] = c.clean(cols["group_number"], 50)
        return pa.table(cols)

    def document(self, payer_id: str, u: pa.Table, transaction: np.ndarray) -> bytes:
        """One interchange of 270 or 271 transactions."""
        c = self.context
        payer = c.payer(payer_id)
        seg = c.syntax.segment
        n = u.num_rows
        lay = Layout(n)
        frame = Frame(lay, transaction)
        dep = boolean(u["dependent"])
        new_b = frame.txn_first | run_starts(u["provider_id"])
        levels = [frame.txn_first, new_b, np.ones(n, bool), dep]
        (id_a, id_b, id_c, id_d), (_, par_b, par_c, par_d) = hl_numbers(levels, transaction)
        frame.open()
        s: dict[str, Slot] = {"BHT": lay.add(frame.txn_first)}
        s["HL20"], s["NM1PR"] = lay.add(frame.txn_first), lay.add(frame.txn_first)
        s["HL21"], s["NM11P"] = lay.add(new_b), lay.add(new_b)
        self_ = ~dep
        s["HL22"] = lay.add()
        s["TRNC"] = lay.add(self_)
        s["NM1IL"] = lay.add()
        plan_known = present(u["plan_id"]) if self.response else np.zeros(n, bool)
        group_known = present(u["group_number"]) if self.response else np.zeros(n, bool)
        s["REF18C"], s["REF6PC"] = lay.add(self_ & plan_known), lay.add(self_ & group_known)
        if self.response:
            s["N3C"], s["N4C"] = lay.add(self_), lay.add(self_)
        s["DMGC"] = lay.add(self_)
        begin, end = self._plan_dates(u, n)
        if self.response:
            s["DTP346C"], s["DTP347C"] = lay.add(self_ & begin), lay.add(self_ & end)
        else:
            s["DTP291C"] = lay.add(self_)
        s["HL23"], s["TRND"], s["NM103"] = lay.add(dep), lay.add(dep), lay.add(dep)
        s["REF18D"], s["REF6PD"] = lay.add(dep & plan_known), lay.add(dep & group_known)
        s["DMGD"] = lay.add(dep)
        if self.response:
            s["DTP346D"], s["DTP347D"] = lay.add(dep & begin), lay.add(dep & end)
            benefits = self._benefit_slots(lay, u)
        else:
            s["DTP291D"] = lay.add(dep)
            s["EQ"] = lay.add()
        frame.close()
        lay.finish()
        interchange, numbers = frame.fill(self.envelope, c.controls, *c.partners(
            str(payer["payer_code"]), payer_sends=self.response))  # fmt: skip
        put = lay.put
        k = frame.count
        refs = pa.array([f"{interchange:09d}{x:04d}" for x in numbers], pa.string())
        purpose = "11" if self.response else "13"  # 11 response, 13 request
        put(s["BHT"], seg(k, "BHT", "0022", purpose, refs, c.as_of.strftime("%Y%m%d"), TIME))
        put(s["HL20"], seg(k, "HL", integer(pa.array(id_a[frame.txn_first])), None, "20", "1"))
        put(s["NM1PR"], seg(k, "NM1", "PR", "2", str(payer["name"]), None, None, None, None,
                            "PI", str(payer["payer_code"])))  # fmt: skip
        r = s["HL21"].rows
        put(s["HL21"], seg(len(r), "HL", integer(pa.array(id_b[r])),
                           integer(pa.array(par_b[r])), "21", "1"))  # fmt: skip
        prov = gather(c.providers, index_of(rows(u["provider_id"], r), c.providers["provider_id"]),
                      ["entity", "last", "first", "middle", "npi", "tax_id"])  # fmt: skip
        put(s["NM11P"], seg(len(r), "NM1", "1P", prov["entity"], prov["last"], prov["first"],
                            prov["middle"], None, None, "XX", prov["npi"]))  # fmt: skip
        put(s["HL22"], seg(n, "HL", integer(pa.array(id_c)), integer(pa.array(par_c)), "22",
                           pick(dep, "1", "0")))  # fmt: skip
        # TRN03: '1' + the requesting provider's EIN identifies who assigned the trace.
        tin = gather(c.providers, index_of(u["provider_id"], c.providers["provider_id"]),
                     ["tax_id"])["tax_id"]  # fmt: skip
        originator = pc.binary_join_element_wise("1", pc.fill_null(tin, "999999999"), "")
        trace_type = "2" if self.response else "1"  # 2: referenced (echoed) trace number
        for name in ("TRNC", "TRND"):
            r = s[name].rows
            put(s[name], seg(len(r), "TRN", trace_type, rows(u["inquiry_ref"], r),
                             rows(originator, r)))  # fmt: skip
        put(s["NM1IL"], seg(n, "NM1", "IL", "1", u["subscriber_last"], u["subscriber_first"],
                            u["subscriber_middle"], None, None, "MI", u["subscriber_id"]))  # fmt: skip
        r = s["HL23"].rows
        put(s["HL23"], seg(len(r), "HL", integer(pa.array(id_d[r])),
                           integer(pa.array(par_d[r])), "23", "0"))  # fmt: skip
        put(s["NM103"], seg(len(r), "NM1", "03", "1", rows(u["patient_last"], r),
                            rows(u["patient_first"], r), rows(u["patient_middle"], r)))  # fmt: skip
        for level in ("C", "D"):
            r = s[f"DMG{level}"].rows
            put(s[f"DMG{level}"], seg(len(r), "DMG", "D8", ccyymmdd(rows(u["patient_birth_date"], r)),
                                      rows(u["patient_sex"], r)))  # fmt: skip
            for ref, column in (("18", "plan_id"), ("6P", "group_number")):
                slot = s[f"REF{ref}{level}"]
                values = rows(u[column], slot.rows) if self.response else pa.array([], pa.string())
                put(slot, seg(len(slot), "REF", ref, values))
            if self.response:
                for code, column in (("346", "plan_begin_date"), ("347", "plan_end_date")):
                    slot = s[f"DTP{code}{level}"]
                    put(slot, seg(len(slot), "DTP", code, "D8",
                                  ccyymmdd(rows(u[column], slot.rows))))  # fmt: skip
            else:
                slot = s[f"DTP291{level}"]
                put(slot, seg(len(slot), "DTP", "291", "D8",
                              ccyymmdd(rows(u["inquiry_date"], slot.rows))))  # fmt: skip
        if self.response:
            r = s["N3C"].rows
            put(s["N3C"], seg(len(r), "N3", rows(u["patient_address1"], r),
                              rows(u["patient_address2"], r)))  # fmt: skip
            put(s["N4C"], seg(len(r), "N4", rows(u["patient_city"], r),
                              rows(u["patient_state"], r), rows(u["patient_zip"], r)))  # fmt: skip
            self._benefits(lay, u, benefits)
        else:
            put(s["EQ"], seg(n, "EQ", u["service_type_code"]))
        return lay.render(c.options.segment_end)

    def _plan_dates(self, u: pa.Table, n: int) -> tuple[np.ndarray, np.ndarray]:
        if not self.response:
            return np.zeros(n, bool), np.zeros(n, bool)
        return present(u["plan_begin_date"]), present(u["plan_end_date"])

    # ----------------------------------------------------------------------------- 271 EB

    def _benefit_slots(self, lay: Layout, u: pa.Table) -> dict[str, Slot]:
        """Declare the 2110C/D EB (and MSG) slots of every unit."""
        active = boolean(pc.equal(u["eligibility_code"], "1"))
        asked = boolean(pc.not_equal(u["service_type_code"], "30")) & active
        slots = {"EB1": lay.add(active), "EB1asked": lay.add(asked), "EB6": lay.add(~active)}
        for i, (_, _, _, column, message) in enumerate(MONEY_BENEFITS):
            has = active & present(u[column])
            slots[f"EBM{i}"] = lay.add(has)
            if message:
                slots[f"MSGM{i}"] = lay.add(has)
        slots["EBA"] = lay.add(active & present(u["coinsurance_percent"]))
        return slots

    def _benefits(self, lay: Layout, u: pa.Table, slots: dict[str, Slot]) -> None:
        """EB: active (1) or inactive (6) coverage, deductibles, out-of-pocket, copays, coinsurance."""
        seg = self.context.syntax.segment
        put = lay.put
        r = slots["EB1"].rows
        put(slots["EB1"], seg(len(r), "EB", "1", None, "30", rows(u["insurance_type"], r),
                              rows(u["plan_name"], r)))  # fmt: skip
        r = slots["EB1asked"].rows
        put(slots["EB1asked"], seg(len(r), "EB", "1", None, rows(u["service_type_code"], r)))
        r = slots["EB6"].rows
        put(slots["EB6"], seg(len(r), "EB", "6", None, "30"))
        for i, (code, service, period, column, message) in enumerate(MONEY_BENEFITS):
            r = slots[f"EBM{i}"].rows
            put(slots[f"EBM{i}"], seg(len(r), "EB", code, "IND", service, None, None, period,
                                     money(rows(u[column], r))))  # fmt: skip
            if message:
                put(slots[f"MSGM{i}"], seg(len(r), "MSG", message))
        r = slots["EBA"].rows
        # EB08 is a fraction: 20 percent is 0.2, i.e. the percent read as hundredths.
        percent = rows(u["coinsurance_percent"], r).to_numpy(zero_copy_only=False)
        fraction = money_from_cents(np.asarray(percent, np.int64))
        put(slots["EBA"], seg(len(r), "EB", "A", "IND", "30", None, None, None, None, fraction))


def _map(column: pa.Array, mapping: dict[str, str]) -> pa.Array:
    keys = pa.array(list(mapping), pa.string())
    values = pa.array(list(mapping.values()), pa.string())
    return values.take(pc.index_in(column, value_set=keys))
