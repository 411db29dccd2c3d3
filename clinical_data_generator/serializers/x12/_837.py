"""837P (005010X222A1) and 837I (005010X223A2) claims from claims and claim_lines.

One file per payer; one interchange (with one transaction) per ``claims_per_interchange``
claims. Inside a transaction the claims are ordered by billing provider, subscriber and
patient so the HL tree stays compact: 2000A billing provider, 2000B subscriber (with the
claims when the patient is the subscriber), 2000C patient for dependents. A 2000B or 2000C
holds at most 100 claims (2300 repeats 100 times in both guides).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._batch import Batch, BatchWriter
from ._claims import claim_batch
from ._context import Context, gather, index_of
from ._envelope import TIME, Frame
from ._layout import Layout, Slot
from ._text import (
    boolean,
    ccyymmdd,
    const,
    integer,
    money,
    pick,
    present,
    rows,
    run_starts,
)

__all__ = ["writer"]

VERSIONS = {"x12-837p": "005010X222A1", "x12-837i": "005010X223A2"}
SUBMITTER = "CDG CLEARINGHOUSE"
SUBMITTER_PHONE = "8005550100"  # a 555-01XX number, reserved for fiction
MAX_CLAIMS_PER_LEVEL = 100  # 2300 repeat in a 2000B or 2000C
ROOM_AND_BOARD = r"^0(1\d\d|2[01]\d)$"  # revenue codes billed in days (SV204 DA)
INPATIENT_POS = ("21", "51", "61")  # professional visits to admitted patients need DTP*435


def writer(context: Context) -> Writer837:
    """The 837P or 837I writer for one run."""
    return Writer837(context)


class Writer837(BatchWriter):
    """Claims of one type, per payer file, ``claims_per_interchange`` per interchange."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.professional = context.name == "x12-837p"
        self.claim_type = "professional" if self.professional else "institutional"
        self.envelope = context.envelope("HC", "837", VERSIONS[context.name])

    @property
    def chunk_groups(self) -> int:
        """Claims per interchange."""
        return self.context.options.claims_per_interchange

    def prepare(self, tables: Mapping[str, pa.Table], first_row: int) -> tuple[Batch, int]:
        """The block's claims of this type, joined with patient, subscriber and plan."""
        return claim_batch(self.context, tables, self.claim_type, first_row)

    def render(self, key: str, chunk: Batch) -> bytes:
        """One interchange: ISA, GS, one ST..SE with every claim of the chunk, GE, IEA."""
        order = pc.sort_indices(
            chunk.units,
            sort_keys=[
                ("billing_provider_id", "ascending"),
                ("subscriber", "ascending"),
                ("subscriber_id", "ascending"),
                ("group_number", "ascending"),
                ("filing", "ascending"),
                ("is_self", "descending"),
                ("member_id", "ascending"),
                ("claim_id", "ascending"),
            ],
        )
        chunk = chunk.select(np.asarray(order.to_numpy(), np.int64))
        return _Document(self, key, chunk).render()


class _Document:
    """The layout and text of one 837 interchange."""

    def __init__(self, writer: Writer837, payer_id: str, chunk: Batch) -> None:
        self.w = writer
        self.c = writer.context
        self.payer = self.c.payer(payer_id)
        self.chunk = chunk
        self.u = chunk.units
        self.n = self.u.num_rows
        self.lay = Layout(0)

    def render(self) -> bytes:
        c, u, n, pro = self.c, self.u, self.n, self.w.professional
        seg = c.syntax.segment
        sender, receiver = c.partners(str(self.payer["payer_code"]), payer_sends=False)

        # -- the HL tree: new 2000A / 2000B / 2000C where the sorted keys change
        dep = ~boolean(u["is_self"])
        new_a = run_starts(u["billing_provider_id"])
        sub_keys = [u["billing_provider_id"], u["subscriber"], u["subscriber_id"]]
        new_b = run_starts(*sub_keys, u["group_number"], u["filing"], dep)
        new_c = run_starts(*sub_keys, u["group_number"], u["filing"], dep, u["member_id"]) & dep
        at = np.arange(n)
        level = np.where(dep, new_c, new_b)
        index = at - np.maximum.accumulate(np.where(level, at, 0))
        split = (index > 0) & (index % MAX_CLAIMS_PER_LEVEL == 0)
        new_b |= split & ~dep
        new_c |= split & dep
        count = new_a.astype(np.int64) + new_b + new_c
        base = np.cumsum(count) - count
        id_a, id_b, id_c = base + 1, base + new_a + 1, base + new_a + new_b + 1
        parent_a = np.maximum.accumulate(np.where(new_a, id_a, 0))
        parent_b = np.maximum.accumulate(np.where(new_b, id_b, 0))

        # -- declare every slot in guide order
        lay = self.lay = Layout(n)
        frame = Frame(lay, np.zeros(n, np.int64))
        frame.open()
        s: dict[str, Slot] = {}
        for name in ("BHT", "NM1*41", "PER*IC", "NM1*40"):
            s[name] = lay.add(frame.txn_first)
        billing = c.providers
        for name in ("HL*20", "PRV*BI", "NM1*85", "N3*85", "N4*85", "REF*EI"):
            s[name] = lay.add(new_a)
        self_b = new_b & ~dep
        s["HL*22"] = lay.add(new_b)
        s["SBR"] = lay.add(new_b)
        s["NM1*IL"] = lay.add(new_b)
        for name in ("N3*IL", "N4*IL", "DMG*IL"):
            s[name] = lay.add(self_b)
        s["NM1*PR"] = lay.add(new_b)
        for name in ("HL*23", "PAT", "NM1*QC", "N3*QC", "N4*QC", "DMG*QC"):
            s[name] = lay.add(new_c)
        s["CLM"] = lay.add()
        freq = u["frequency_code"]
        inpatient = present(u["admission_date"])
        if pro:
            pos = u["place_of_service"]
            admitted = boolean(pc.is_in(pos, value_set=pa.array(INPATIENT_POS)))
            s["DTP*435"] = lay.add(admitted)
        else:
            discharged = inpatient & ~boolean(pc.equal(u["discharge_status"], "30"))
            s["DTP*096"] = lay.add(discharged)
            s["DTP*434"] = lay.add()
            s["DTP*435"] = lay.add(inpatient)
            s["CL1"] = lay.add()
        corrects = boolean(pc.is_in(freq, value_set=pa.array(["7", "8"])))
        s["REF*F8"] = lay.add(corrects)
        codes = u["diagnosis_codes"]
        if pro:
            s["HI"] = lay.add()
        else:
            others = pc.replace_substring_regex(codes, r"^[^|]*\|?", "")
            has_others = boolean(pc.greater(pc.utf8_length(others), 0))
            tob = pc.fill_null(u["type_of_bill"], "")
            outpatient = boolean(pc.match_substring_regex(tob, "^0(13|85)"))
            s["HI*ABK"] = lay.add()
            s["HI*ABJ"] = lay.add(inpatient)
            s["HI*APR"] = lay.add(outpatient & ~inpatient)
            s["HI*DR"] = lay.add(inpatient & present(u["drg"]))
            s["HI*ABF"] = lay.add(has_others)
        render_id = pc.if_else(
            pc.equal(u["rendering_provider_id"], u["billing_provider_id"]),
            pa.scalar(None, pa.string()),
            u["rendering_provider_id"],
        )
        doc_row = index_of(render_id, billing["provider_id"])
        has_doc = doc_row >= 0
        s["NM1*82"] = lay.add(has_doc)
        s["PRV*PE"] = lay.add(has_doc)
        facility_id = pc.if_else(
            pc.equal(u["facility_provider_id"], u["billing_provider_id"]),
            pa.scalar(None, pa.string()),
            u["facility_provider_id"],
        )
        site_row = index_of(facility_id, billing["provider_id"])
        has_site = site_row >= 0
        for name in ("NM1*77", "N3*77", "N4*77"):
            s[name] = lay.add(has_site)
        parent = np.repeat(at, self.chunk.child_count)
        lx, sv, dtp472, ref6r = lay.children(parent, [None, None, None, None])
        frame.close()
        lay.finish()

        # -- envelope and header
        interchange, numbers = frame.fill(self.w.envelope, c.controls, sender, receiver)
        put = lay.put
        date = c.as_of.strftime("%Y%m%d")
        bht03 = f"{interchange:09d}{numbers[0]:04d}"
        put(s["BHT"], seg(1, "BHT", "0019", "00", bht03, date, TIME, "CH"))
        put(s["NM1*41"], seg(1, "NM1", "41", "2", SUBMITTER, None, None, None, None, "46", sender))
        put(s["PER*IC"], seg(1, "PER", "IC", "EDI SUPPORT", "TE", SUBMITTER_PHONE))
        put(s["NM1*40"], seg(1, "NM1", "40", "2", str(self.payer["name"]), None, None, None,
                             None, "46", receiver))  # fmt: skip

        # -- 2000A billing provider / 2010AA
        a = s["HL*20"].rows
        k = len(a)
        put(s["HL*20"], seg(k, "HL", integer(pa.array(id_a[a])), None, "20", "1"))
        b = gather(billing, index_of(rows(u["billing_provider_id"], a), billing["provider_id"]),
                   ["entity", "last", "first", "middle", "npi", "address", "city", "state",
                    "zip9", "tax_id", "taxonomy"])  # fmt: skip
        put(s["PRV*BI"], seg(k, "PRV", "BI", "PXC", b["taxonomy"]))
        put(s["NM1*85"], seg(k, "NM1", "85", b["entity"], b["last"], b["first"], b["middle"],
                             None, None, "XX", b["npi"]))  # fmt: skip
        put(s["N3*85"], seg(k, "N3", b["address"]))
        put(s["N4*85"], seg(k, "N4", b["city"], b["state"], b["zip9"]))
        put(s["REF*EI"], seg(k, "REF", "EI", b["tax_id"]))

        # -- 2000B subscriber / 2010BA / 2010BB
        r = s["HL*22"].rows
        k = len(r)
        child = pick(dep[r], "1", "0")
        put(s["HL*22"], seg(k, "HL", integer(pa.array(id_b[r])), integer(pa.array(parent_a[r])),
                            "22", child))  # fmt: skip
        rel = pick(dep[r], None, "18")
        put(s["SBR"], seg(k, "SBR", "P", rel, rows(u["group_number"], r), None, None, None,
                          None, None, rows(u["filing"], r)))  # fmt: skip
        put(s["NM1*IL"], seg(k, "NM1", "IL", "1", rows(u["subscriber_last"], r),
                             rows(u["subscriber_first"], r), rows(u["subscriber_middle"], r),
                             None, None, "MI", rows(u["subscriber_id"], r)))  # fmt: skip
        self._person(s["N3*IL"], s["N4*IL"], s["DMG*IL"])
        payer_code = str(self.payer["payer_code"])
        put(s["NM1*PR"], seg(k, "NM1", "PR", "2", str(self.payer["name"]), None, None, None,
                             None, "PI", payer_code))  # fmt: skip

        # -- 2000C patient / 2010CA
        r = s["HL*23"].rows
        k = len(r)
        put(s["HL*23"], seg(k, "HL", integer(pa.array(id_c[r])), integer(pa.array(parent_b[r])),
                            "23", "0"))  # fmt: skip
        put(s["PAT"], seg(k, "PAT", rows(u["relationship"], r)))
        put(s["NM1*QC"], seg(k, "NM1", "QC", "1", rows(u["patient_last"], r),
                             rows(u["patient_first"], r), rows(u["patient_middle"], r)))  # fmt: skip
        self._person(s["N3*QC"], s["N4*QC"], s["DMG*QC"])

        # -- 2300 claim
        syn = c.syntax
        if pro:
            where = syn.composite(n, u["place_of_service"], "B", freq)
            put(s["CLM"], seg(n, "CLM", u["claim_ref"], money(u["total_billed"]),
                              None, None, where, "Y", "A", "Y", "Y"))  # fmt: skip
            r = s["DTP*435"].rows
            admission = pc.coalesce(u["admission_date"], u["statement_from"])
            put(s["DTP*435"], seg(len(r), "DTP", "435", "D8", ccyymmdd(rows(admission, r))))
        else:
            facility = pc.utf8_slice_codeunits(pc.fill_null(u["type_of_bill"], "0000"), 1, 3)
            where = syn.composite(n, facility, "A", freq)
            put(s["CLM"], seg(n, "CLM", u["claim_ref"], money(u["total_billed"]),
                              None, None, where, None, "A", "Y", "Y"))  # fmt: skip
            # Discharge hour: the tables hold no time of day, so every stay ends at noon.
            put(s["DTP*096"], const(syn.element.join(["DTP", "096", "TM", TIME]),
                                    len(s["DTP*096"])))  # fmt: skip
            span = pc.binary_join_element_wise(
                ccyymmdd(u["statement_from"]), ccyymmdd(u["statement_to"]), "-"
            )
            put(s["DTP*434"], seg(n, "DTP", "434", "RD8", span))
            r = s["DTP*435"].rows
            put(s["DTP*435"], seg(len(r), "DTP", "435", "D8",
                                  ccyymmdd(rows(u["admission_date"], r))))  # fmt: skip
            put(s["CL1"], seg(n, "CL1", u["admission_type"], u["admission_source"],
                              pc.fill_null(u["discharge_status"], "01")))  # fmt: skip
        r = s["REF*F8"].rows
        put(s["REF*F8"], seg(len(r), "REF", "F8", rows(u["original_pcn"], r)))
        e, sub = syn.element, syn.sub
        if pro:
            # HI: principal ABK, then up to 11 others ABF, in diagnosis_codes order (the
            # line diagnosis pointers count from 1 in that order).
            text = pc.replace_substring(codes, "|", f"{e}ABF{sub}")
            put(s["HI"], pc.binary_join_element_wise(f"HI{e}ABK{sub}", text, ""))
        else:
            principal = pc.replace_substring_regex(codes, r"\|.*$", "")
            put(s["HI*ABK"], pc.binary_join_element_wise(f"HI{e}ABK{sub}", principal, ""))
            for name, qualifier in (("HI*ABJ", "ABJ"), ("HI*APR", "APR")):
                r = s[name].rows
                put(s[name], pc.binary_join_element_wise(
                    f"HI{e}{qualifier}{sub}", rows(principal, r), ""))  # fmt: skip
            r = s["HI*DR"].rows
            put(s["HI*DR"], pc.binary_join_element_wise(f"HI{e}DR{sub}", rows(u["drg"], r), ""))
            r = s["HI*ABF"].rows
            text = pc.replace_substring(rows(others, r), "|", f"{e}ABF{sub}")
            put(s["HI*ABF"], pc.binary_join_element_wise(f"HI{e}ABF{sub}", text, ""))

        # -- 2310B rendering (837P) / 2310A attending (837I); 2310C / 2310E service facility
        r = s["NM1*82"].rows
        d = gather(billing, doc_row[r], ["entity", "last", "first", "middle", "npi", "taxonomy"])
        role, prv = ("82", "PE") if pro else ("71", "AT")
        put(s["NM1*82"], seg(len(r), "NM1", role, d["entity"], d["last"], d["first"],
                             d["middle"], None, None, "XX", d["npi"]))  # fmt: skip
        put(s["PRV*PE"], seg(len(r), "PRV", prv, "PXC", d["taxonomy"]))
        r = s["NM1*77"].rows
        f = gather(billing, site_row[r], ["last", "npi", "address", "city", "state", "zip9"])
        put(s["NM1*77"], seg(len(r), "NM1", "77", "2", f["last"], None, None, None, None,
                             "XX", f["npi"]))  # fmt: skip
        put(s["N3*77"], seg(len(r), "N3", f["address"]))
        put(s["N4*77"], seg(len(r), "N4", f["city"], f["state"], f["zip9"]))

        # -- 2400 service lines
        self._lines(lx, sv, dtp472, ref6r, parent)
        return lay.render(c.options.segment_end)

    def _person(self, n3: Slot, n4: Slot, dmg: Slot) -> None:
        """N3, N4 and DMG of the patient (2010BA when self, 2010CA for dependents)."""
        u, seg, put = self.u, self.c.syntax.segment, self.lay.put
        r, k = n3.rows, len(n3.rows)
        put(n3, seg(k, "N3", rows(u["patient_address1"], r), rows(u["patient_address2"], r)))
        put(n4, seg(k, "N4", rows(u["patient_city"], r), rows(u["patient_state"], r),
                    rows(u["patient_zip"], r)))  # fmt: skip
        put(dmg, seg(k, "DMG", "D8", ccyymmdd(rows(u["patient_birth_date"], r)),
                     rows(u["patient_sex"], r)))  # fmt: skip

    def _lines(self, lx: Slot, sv: Slot, dtp: Slot, ref: Slot, parent: np.ndarray) -> None:
        """2400: LX, SV1 (837P) or SV2 (837I), DTP*472 service dates, REF*6R line id."""
        syn, put = self.c.syntax, self.lay.put
        seg = syn.segment
        lines = self.chunk.children
        assert lines is not None
        k = lines.num_rows
        counts = self.chunk.child_count
        starts = np.cumsum(counts) - counts
        sequence = pa.array(np.arange(k) - starts[parent] + 1)
        put(lx, seg(k, "LX", integer(sequence)))
        amount = money(lines["billed_amount"])
        units = integer(lines["units"])
        code = lines["procedure_code"]
        procedure = syn.composite(k, "HC", code, lines["modifier_1"], lines["modifier_2"])
        if self.w.professional:
            pointers = pc.fill_null(lines["diagnosis_pointers"], "1")
            pointers = pc.replace_substring(pointers, ",", syn.sub)
            put(sv, seg(k, "SV1", procedure, amount, "UN", units, None, None, pointers))
        else:
            procedure = pc.if_else(pc.is_valid(code), procedure, pa.scalar(None, pa.string()))
            revenue = lines["revenue_code"]
            days = pc.match_substring_regex(pc.fill_null(revenue, ""), ROOM_AND_BOARD)
            basis = pc.if_else(days, "DA", "UN")
            put(sv, seg(k, "SV2", revenue, procedure, amount, basis, units))
        start = ccyymmdd(lines["service_date"])
        end = ccyymmdd(lines["service_end_date"])
        single = pc.equal(start, end)
        span = pc.binary_join_element_wise(start, end, "-")
        put(dtp, seg(k, "DTP", "472", pc.if_else(single, "D8", "RD8"),
                     pc.if_else(single, start, span)))  # fmt: skip
        claim = rows(self.u["claim_ref"], parent)
        control = pc.binary_join_element_wise(claim, integer(sequence), "-")
        put(ref, seg(k, "REF", "6R", control))
