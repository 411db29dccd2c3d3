"""834 benefit enrollment and maintenance (005010X220A1) from members and coverages.

One file per payer; in it one transaction per employer group (sponsor) and one for the
payer's non-group members (individual, Medicare, Medicaid). Member loops (2000: INS, REF,
DTP; 2100A: NM1, PER, N3, N4, DMG, LUI) carry one 2300 health-coverage loop (HD, DTP, REF,
2310 primary-care provider) per coverage span shown.

Full file (default): BGN08 ``4`` (verify) and maintenance ``030`` (audit) for every span not
ended before ``as_of``. Change file (``X12Options.change_since``): BGN08 ``2`` and, for spans
that began (``021`` addition) or ended (``024`` termination) after ``change_since`` and up
to ``as_of``; a member with both in one transaction is a change (``001``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._context import Context, gather, index_of
from ._envelope import TIME
from ._layout import Layout, string_bytes, string_offsets
from ._spool import Spool
from ._text import (
    ccyymmdd,
    const,
    digits_only,
    join_present,
    pick,
    present,
    rows,
    run_starts,
    vocabulary,
)

__all__ = ["writer"]

VERSION = "005010X220A1"
#: INS04 maintenance reason for a termination, by coverages.termination_reason.
TERMINATION_REASON = {
    "voluntary": "14",  # voluntary withdrawal
    "non_payment": "59",  # non payment
    "plan_change": "22",  # plan change
    "loss_of_eligibility": "07",  # termination of benefits
}
#: HD03 insurance line code by plans.product_type.
INSURANCE_LINE = {"HMO": "HMO", "PPO": "PPO", "EPO": "EPO", "POS": "POS"}
_SEP = "|"  # joins payer and sponsor in transaction keys (ids never contain it)
#: INS03 / HD01 maintenance type codes, by the small integers the writer computes with.
MAINTENANCE = ("030", "021", "024", "001")  # audit, addition, termination, change
AUDIT, ADDITION, TERMINATION, CHANGE = range(4)


def writer(context: Context) -> Writer834:
    """The 834 writer for one run."""
    return Writer834(context)


class Writer834:
    """Renders each block's member loops, parks them by transaction, assembles at close."""

    def __init__(self, context: Context) -> None:
        self.c = context
        self.since = context.options.change_since
        self.spool = Spool()
        ref = context.reference
        plans = ref["plans"]
        self.plans = pa.table(
            {
                "plan_id": plans["plan_id"].combine_chunks(),
                "name": context.clean(plans["name"], 50),
                "line": pc.fill_null(
                    _map(plans["product_type"].combine_chunks(), INSURANCE_LINE), "HLT"
                ),
            }
        )
        sponsors = ref["sponsors"]
        self.sponsors = pa.table(
            {
                "sponsor_id": sponsors["sponsor_id"].combine_chunks(),
                "name": context.clean(sponsors["name"], 60),
                "tax_id": digits_only(sponsors["tax_id"]),
                "group_number": context.clean(sponsors["group_number"], 50),
            }
        )

    # ----------------------------------------------------------------------------- blocks

    def write_block(self, tables: Mapping[str, pa.Table]) -> None:
        """Render the block's member loops and park them under their transaction keys."""
        self.c.require(tables)
        coverages, members = tables["coverages"], tables["members"]
        chosen, hd01 = self._select(coverages)
        if not len(chosen):
            return
        cov = coverages.take(pa.array(chosen, pa.int64()))
        sponsor = pc.fill_null(cov["sponsor_id"], "")
        key = pc.binary_join_element_wise(cov["payer_id"], sponsor, _SEP).combine_chunks()
        member_row = index_of(cov["member_id"], members["member_id"])
        if (member_row < 0).any():
            raise ValueError("coverages reference members that are not in the same block")
        order = pc.sort_indices(
            pa.table({"k": key, "m": member_row, "c": np.arange(len(chosen))}),
            sort_keys=[("k", "ascending"), ("m", "ascending"), ("c", "ascending")],
        ).to_numpy()
        cov, key, member_row, hd01 = (
            cov.take(order),
            key.take(order),
            member_row[order],
            hd01[order],
        )
        new_key = run_starts(key)
        new_unit = new_key | run_starts(member_row)
        starts = np.flatnonzero(new_unit)
        parent = np.cumsum(new_unit) - 1
        segments, unit_segments, subscriber = self._render(
            cov, members, member_row[starts], parent, starts, hd01
        )
        offsets = string_offsets(segments)
        data = string_bytes(segments)
        unit_first_segment = np.cumsum(unit_segments) - unit_segments
        bounds = np.r_[np.flatnonzero(new_key[starts]), len(starts)]
        names = key.take(pa.array(starts[bounds[:-1]])).to_pylist()  # one per transaction
        for (a, b), name in zip(itertools.pairwise(bounds), names, strict=True):
            lo = int(offsets[unit_first_segment[a]])
            hi = int(offsets[unit_first_segment[b]]) if b < len(starts) else len(data)
            self.spool.add(
                str(name),
                data[lo:hi],
                {
                    "segments": int(unit_segments[a:b].sum()),
                    "members": int(b - a),
                    "subscribers": int(subscriber[a:b].sum()),
                },
            )

    def _select(self, cov: pa.Table) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ``cov`` to show and their HD01 maintenance type codes."""
        as_of = pa.scalar(self.c.as_of, pa.date32())
        term = cov["termination_date"]
        if self.since is None:
            keep = pc.fill_null(pc.greater_equal(term, as_of), True)
            chosen = np.flatnonzero(_np(keep))
            return chosen, np.full(len(chosen), AUDIT, np.int8)
        since = pa.scalar(self.since, pa.date32())
        eff = cov["effective_date"]
        added = _np(pc.and_(pc.greater(eff, since), pc.less_equal(eff, as_of)))
        ended = _np(
            pc.fill_null(pc.and_(pc.greater(term, since), pc.less_equal(term, as_of)), False)
        )
        chosen = np.flatnonzero(added | ended)
        return chosen, np.where(ended[chosen], TERMINATION, ADDITION).astype(np.int8)

    # ----------------------------------------------------------------------------- render

    def _render(
        self,
        cov: pa.Table,
        members: pa.Table,
        member_row: np.ndarray,
        parent: np.ndarray,
        starts: np.ndarray,
        hd01: np.ndarray,
    ) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """Member loops of the units in order: segments, segments per unit, subscriber flags."""
        c, syn = self.c, self.c.syntax
        seg = syn.segment
        n = len(starts)
        m = gather(members, member_row, _MEMBER_COLUMNS)
        first = cov.take(pa.array(starts, pa.int64()))
        relationship = first["relationship_code"].combine_chunks()
        is_subscriber = _np(pc.equal(relationship, "18"))
        # INS03 maintenance: the unit's HD01 codes agree, or it is a change (001).
        has_add = np.logical_or.reduceat(hd01 == ADDITION, starts)
        has_term = np.logical_or.reduceat(hd01 == TERMINATION, starts)
        if self.since is None:
            ins03 = const("030", n)
        else:
            kind = np.where(has_add & has_term, CHANGE, np.where(has_term, TERMINATION, ADDITION))
            ins03 = vocabulary(kind, MAINTENANCE)
        days = _days(cov["effective_date"])
        begin = _dates(np.minimum.reduceat(days, starts))
        term_days = _days(cov["termination_date"], fill=-(10**6))
        end_max = np.maximum.reduceat(term_days, starts)
        end = _dates(end_max)
        only_term = has_term & ~has_add
        reason = _map(first["termination_reason"].combine_chunks(), TERMINATION_REASON)
        ins04 = None
        if self.since is not None:
            ins04 = pc.if_else(
                pa.array(only_term),
                pc.fill_null(reason, "07"),
                pc.if_else(pa.array(has_term), "22", "28"),
            )
        group = pc.is_valid(first["sponsor_id"])
        lob = m["line_of_business"]
        ins06 = pc.if_else(pc.equal(lob, "medicare"), "C", pa.scalar(None, pa.string()))
        ins08 = pc.if_else(
            pc.and_(pa.array(is_subscriber), group), "FT", pa.scalar(None, pa.string())
        )

        lay = Layout(n)
        s = {}
        s["INS"] = lay.add()
        s["REF0F"] = lay.add()
        group_number = c.clean(first["group_number"], 50)
        s["REF1L"] = lay.add(present(group_number))
        s["REF23"] = lay.add()
        mbi = c.clean(m["mbi"], 50)
        s["REFF6"] = lay.add(present(mbi))
        change = self.since is not None
        s["DTP303"] = lay.add(np.full(n, change))
        s["DTP356"] = lay.add(~only_term)
        s["DTP357"] = lay.add(only_term)
        s["NM1"] = lay.add()
        phones = [
            _pair(syn.element, "HP", digits_only(m["home_phone"])),
            _pair(syn.element, "CP", digits_only(m["mobile_phone"])),
            _pair(syn.element, "EM", c.clean(m["email"], 256, upper=False)),
        ]
        contact = join_present(phones, syn.element)
        s["PER"] = lay.add(present(contact))
        s["N3"] = lay.add()
        s["N4"] = lay.add()
        s["DMG"] = lay.add()
        language = m["language"]
        other_language = _np(pc.fill_null(pc.not_equal(language, "en"), False))
        s["LUI"] = lay.add(other_language)
        pcp = index_of(cov["pcp_provider_id"], c.providers["provider_id"])
        has_pcp = pcp >= 0
        ended = present(cov["termination_date"])
        hd = lay.children(parent, [None, None, ended, None, has_pcp, has_pcp])
        lay.finish()

        def put(name: str, column: pa.Array) -> None:
            lay.put(s[name], column)

        def at(column: pa.Array, name: str) -> pa.Array:
            return rows(column, s[name].rows)

        put("INS", seg(n, "INS", pick(is_subscriber, "Y", "N"), relationship,
            ins03, ins04, "A", ins06, None, ins08))  # fmt: skip
        put("REF0F", seg(n, "REF", "0F", c.clean(m["subscriber_number"], 50)))
        put("REF1L", seg(len(s["REF1L"]), "REF", "1L", at(group_number, "REF1L")))
        put("REF23", seg(n, "REF", "23", c.clean(m["member_number"], 50)))
        put("REFF6", seg(len(s["REFF6"]), "REF", "F6", at(mbi, "REFF6")))
        event = _dates(np.where(has_term, end_max, np.minimum.reduceat(days, starts)))
        put("DTP303", seg(len(s["DTP303"]), "DTP", "303", "D8", at(ccyymmdd(event), "DTP303")))
        put("DTP356", seg(len(s["DTP356"]), "DTP", "356", "D8", at(ccyymmdd(begin), "DTP356")))
        put("DTP357", seg(len(s["DTP357"]), "DTP", "357", "D8", at(ccyymmdd(end), "DTP357")))
        ssn = digits_only(m["ssn"])
        put("NM1", seg(n, "NM1", "IL", "1", c.clean(m["last_name"], 60),
            c.clean(m["first_name"], 35), c.clean(m["middle_initial"], 25), None, None,
            pc.if_else(pc.is_valid(ssn), "34", pa.scalar(None, pa.string())), ssn))  # fmt: skip
        put("PER", seg(len(s["PER"]), "PER", "IP", None, at(contact, "PER")))
        put("N3", seg(n, "N3", c.clean(m["address_line1"], 55), c.clean(m["address_line2"], 55)))
        put(
            "N4",
            seg(n, "N4", c.clean(m["city"], 30), c.clean(m["state"], 2), digits_only(m["zip"])),
        )
        # DMG05 race (CDC code, qualifier RET). The element may repeat in 5010, but pyx12
        # 4.0.0 cannot parse repetitions there, so only the first race is sent.
        race = syn.composite(n, None, "RET", m["race_code"])
        put("DMG", seg(n, "DMG", "D8", ccyymmdd(m["birth_date"]), m["sex"], None, race))
        put("LUI", seg(len(s["LUI"]), "LUI", "LE", at(pc.ascii_upper(language), "LUI"), None, "7"))

        # 2300 health coverage, one per span; 2310 primary-care provider when assigned.
        k = cov.num_rows
        plan = gather(self.plans, index_of(cov["plan_id"], self.plans["plan_id"]), ["name", "line"])
        hd_seg, dtp348, dtp349, refce, lx, nm1p3 = hd
        lay.put(hd_seg, seg(k, "HD", vocabulary(hd01, MAINTENANCE), None,
            pc.fill_null(plan["line"], "HLT"), plan["name"], cov["coverage_level"]))  # fmt: skip
        lay.put(dtp348, seg(k, "DTP", "348", "D8", ccyymmdd(cov["effective_date"])))
        term = rows(ccyymmdd(cov["termination_date"]), dtp349.rows)
        lay.put(dtp349, seg(len(dtp349), "DTP", "349", "D8", term))
        lay.put(refce, seg(k, "REF", "CE", c.clean(cov["plan_id"], 50)))
        lay.put(lx, const("LX" + syn.element + "1", len(lx)))
        doc = gather(c.providers, pcp[nm1p3.rows], ["entity", "last", "first", "middle", "npi"])
        lay.put(nm1p3, seg(len(nm1p3), "NM1", "P3", doc["entity"], doc["last"], doc["first"],
            doc["middle"], None, None, "XX", doc["npi"], "25"))  # fmt: skip
        return lay.segments(c.options.segment_end), lay.unit_segments(), is_subscriber

    # ----------------------------------------------------------------------------- close

    def close(self) -> None:
        """Assemble every payer's file: transactions in key order, batched in interchanges."""
        c = self.c
        env = c.envelope("BE", "834", VERSION)
        e = c.options.element_separator
        end = c.options.segment_end.encode()
        by_payer: dict[str, list[str]] = {}
        for key in self.spool.sorted_keys():
            by_payer.setdefault(key.split(_SEP, 1)[0], []).append(key)
        per = c.options.transactions_per_interchange
        try:
            for payer_id, keys in sorted(by_payer.items()):
                payer = c.payer(payer_id)
                sender, receiver = c.partners(payer["payer_code"], payer_sends=False)
                out = c.file(payer_id)
                for lo in range(0, len(keys), per):
                    batch = keys[lo : lo + per]
                    icn, gcn = c.controls.next_interchange()
                    numbers = c.controls.next_transactions(len(batch))
                    out.write(env.isa(icn, sender, receiver).encode() + end)
                    out.write(env.gs(gcn, sender, receiver).encode() + end)
                    for key, control in zip(batch, numbers, strict=True):
                        header = [env.st(control), *self._header(key, payer, e)]
                        out.write(b"".join(h.encode() + end for h in header))
                        for piece in self.spool.read(key):
                            out.write(piece)
                        count = len(header) + self.spool.counts[key]["segments"] + 1
                        out.write(env.se(count, control).encode() + end)
                    out.write(env.ge(len(batch), gcn).encode() + end)
                    out.write(env.iea(icn).encode() + end)
        finally:
            self.spool.close()

    def _header(self, key: str, payer: dict[str, object], e: str) -> list[str]:
        """BGN, REF*38, DTP*007, QTY, N1*P5 (1000A sponsor), N1*IN (1000B payer)."""
        c = self.c
        payer_id, sponsor_id = key.split(_SEP, 1)
        date = c.as_of.strftime("%Y%m%d")
        counts = self.spool.counts[key]
        action = "4" if self.since is None else "2"
        lines = [e.join(["BGN", "00", f"{sponsor_id or payer_id}-{date}", date, TIME, "", "",
                         "", action])]  # fmt: skip
        if sponsor_id:
            row = int(index_of(pa.array([sponsor_id]), self.sponsors["sponsor_id"])[0])
            sponsor = {k: self.sponsors[k][row].as_py() for k in self.sponsors.column_names}
            lines.append(e.join(["REF", "38", str(sponsor["group_number"])]))
            name, tax_id = sponsor["name"], sponsor["tax_id"]
        else:
            name, tax_id = payer["name"], payer["tax_id"]
        lines.append(e.join(["DTP", "007", "D8", date]))
        subscribers, total = counts["subscribers"], counts["members"]
        lines.append(e.join(["QTY", "DT", str(total - subscribers)]))
        lines.append(e.join(["QTY", "ET", str(subscribers)]))
        lines.append(e.join(["QTY", "TO", str(total)]))
        lines.append(e.join(["N1", "P5", str(name), "FI", str(tax_id)]))
        lines.append(e.join(["N1", "IN", str(payer["name"]), "FI", str(payer["tax_id"])]))
        return lines


_MEMBER_COLUMNS = [
    "subscriber_number", "member_number", "first_name", "middle_initial", "last_name", "sex",
    "birth_date", "race_code", "second_race_code", "ethnicity_code", "language",
    "address_line1", "address_line2", "city", "state", "zip", "line_of_business", "ssn",
    "mbi", "home_phone", "mobile_phone", "email",
]  # fmt: skip


def _pair(sep: str, qualifier: str, number: pa.Array) -> pa.Array:
    """``qualifier*number`` where ``number`` is present, else null (PER communication pairs)."""
    return pc.binary_join_element_wise(qualifier, number, sep)


def _map(column: pa.Array, mapping: dict[str, str]) -> pa.Array:
    """Translate codes with ``mapping``; codes not in it become nulls."""
    keys = pa.array(list(mapping), pa.string())
    values = pa.array(list(mapping.values()), pa.string())
    index = pc.index_in(column, value_set=keys)
    return values.take(index)


def _np(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool)


def _days(column: pa.Array | pa.ChunkedArray, fill: int = 10**6) -> np.ndarray:
    """Days since 1970 of a date column (nulls become ``fill``)."""
    values = pc.cast(column, pa.int32()).to_numpy(zero_copy_only=False)
    return np.where(np.isnan(values.astype(float)), fill, values).astype(np.int64)


def _dates(days: np.ndarray) -> pa.Array:
    """date32 column from day numbers; out-of-range sentinels become nulls."""
    valid = np.abs(days) < 10**6
    return pa.array(np.where(valid, days, 0).astype("datetime64[D]"), pa.date32(), mask=~valid)
