"""A small independent X12 reader for the tests: split on the delimiters the ISA declares.

It never imports the writers, so round-trip tests compare the files with the source tables
through code that shares nothing with the code that produced them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Segment:
    """One segment: its id and elements (``elements[0]`` is the id, like X12 numbering)."""

    elements: list[str]

    @property
    def id(self) -> str:
        return self.elements[0]

    def __getitem__(self, index: int) -> str:
        return self.elements[index] if index < len(self.elements) else ""

    def sub(self, index: int, sep: str) -> list[str]:
        return self[index].split(sep) if self[index] else []


@dataclass
class Transaction:
    """ST ... SE."""

    segments: list[Segment]

    def find(self, seg_id: str, first: str | None = None) -> list[Segment]:
        return [s for s in self.segments if s.id == seg_id and (first is None or s[1] == first)]


@dataclass
class Interchange:
    """ISA ... IEA with its one functional group."""

    isa: Segment
    gs: Segment
    transactions: list[Transaction] = field(default_factory=list)
    ge: Segment | None = None
    iea: Segment | None = None


@dataclass
class Document:
    """A whole file."""

    element: str
    sub: str
    repetition: str
    terminator: str
    segments: list[Segment]
    interchanges: list[Interchange]


def parse(text: str | bytes) -> Document:
    """Parse a file, checking only what is needed to split it."""
    if isinstance(text, bytes):
        text = text.decode("ascii")
    assert text.startswith("ISA"), "an X12 file starts with ISA"
    element, repetition, sub, terminator = text[3], text[82], text[104], text[105]
    raw = [s.strip("\r\n") for s in text.split(terminator)]
    assert raw[-1] == "", "the file ends with a segment terminator"
    segments = [Segment(s.split(element)) for s in raw[:-1]]
    interchanges: list[Interchange] = []
    current: Interchange | None = None
    txn: list[Segment] | None = None
    for seg in segments:
        if seg.id == "ISA":
            current = Interchange(seg, Segment([]))
            interchanges.append(current)
        elif seg.id == "GS":
            assert current is not None
            current.gs = seg
        elif seg.id == "ST":
            txn = [seg]
        elif seg.id == "SE":
            assert txn is not None and current is not None
            txn.append(seg)
            current.transactions.append(Transaction(txn))
            txn = None
        elif seg.id == "GE":
            assert current is not None
            current.ge = seg
        elif seg.id == "IEA":
            assert current is not None
            current.iea = seg
        else:
            assert txn is not None, f"segment {seg.id} outside a transaction"
            txn.append(seg)
    return Document(element, sub, repetition, terminator, segments, interchanges)


def check_envelopes(doc: Document, version: str) -> None:
    """Counts and control numbers of every ISA/GS/ST envelope (the X12 control rules)."""
    for ic in doc.interchanges:
        assert len(ic.isa.elements) == 17
        assert [len(e) for e in ic.isa.elements[1:]] == [
            2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1,
        ]  # fmt: skip
        assert ic.iea is not None and ic.ge is not None
        assert ic.iea[1] == "1" and ic.iea[2] == ic.isa[13]
        assert ic.gs[8] == version
        assert ic.ge[1] == str(len(ic.transactions)) and ic.ge[2] == ic.gs[6]
        for t in ic.transactions:
            st, se = t.segments[0], t.segments[-1]
            if st[1] == "835":
                assert len(st.elements) == 3, "the 835 guide marks ST03 Not Used"
            else:
                assert st[3] == ic.gs[8], "ST03 equals GS08"
            assert se[1] == str(len(t.segments)), "SE01 counts ST through SE"
            assert se[2] == st[2]
            assert 4 <= len(st[2]) <= 9


def hl_tree(t: Transaction) -> None:
    """HL ids count from 1; parents exist and come first; HL04 says whether children follow."""
    hls = t.find("HL")
    seen: dict[str, str] = {}
    for i, hl in enumerate(hls, start=1):
        assert hl[1] == str(i)
        if hl[2]:
            assert hl[2] in seen, "an HL's parent appears before it"
        seen[hl[1]] = hl[3]
    for i, hl in enumerate(hls):
        has_child = any(other[2] == hl[1] for other in hls[i + 1 :])
        if hl[3] == "23" and t.segments[0][1] in ("276", "277"):
            assert hl[4] == "" and not has_child, "X212 dependent HLs carry no HL04"
        else:
            assert hl[4] == ("1" if has_child else "0"), f"HL04 of HL {hl[1]}"


def claims_837(doc: Document) -> list[dict]:
    """Every claim of an 837 file with the loops it sits in (read independently of the writer)."""
    out: list[dict] = []
    for ic in doc.interchanges:
        for t in ic.transactions:
            billing: dict = {}
            subscriber: dict = {}
            patient: dict | None = None
            level = ""
            claim: dict | None = None
            line: dict | None = None
            entity = ""
            for seg in t.segments:
                sid = seg.id
                if sid == "HL":
                    level = seg[3]
                    claim = line = None
                    if level == "20":
                        billing = {"hl": seg[1]}
                    elif level == "22":
                        subscriber = {"hl": seg[1], "parent": seg[2], "child": seg[4]}
                        patient = None
                    else:
                        patient = {"hl": seg[1], "parent": seg[2]}
                elif sid == "NM1":
                    entity = seg[1]
                    target = {"85": billing, "IL": subscriber, "QC": patient}.get(entity)
                    if claim is not None and entity in ("82", "71", "77"):
                        claim[f"nm1_{entity}"] = seg
                    elif target is not None:
                        target["nm1"] = seg
                    elif entity == "PR":
                        subscriber["payer"] = seg
                elif sid in ("N3", "N4", "DMG", "REF", "PRV") and claim is None:
                    target = {"85": billing, "IL": subscriber, "QC": patient}.get(entity)
                    if target is not None:
                        target[sid if sid != "REF" else f"REF*{seg[1]}"] = seg
                elif sid == "SBR":
                    subscriber["sbr"] = seg
                elif sid == "PAT":
                    assert patient is not None
                    patient["pat"] = seg
                elif sid == "CLM":
                    claim = {"clm": seg, "billing": billing, "subscriber": subscriber,
                             "patient": patient, "lines": [], "dtp": {}, "hi": [], "ref": {}}  # fmt: skip
                    out.append(claim)
                    line = None
                elif claim is not None and sid == "LX":
                    line = {"lx": seg, "ref": {}}
                    claim["lines"].append(line)
                elif claim is not None and line is not None:
                    if sid in ("SV1", "SV2"):
                        line["sv"] = seg
                    elif sid == "DTP":
                        line["dtp"] = seg
                    elif sid == "REF":
                        line["ref"][seg[1]] = seg[2]
                elif claim is not None:
                    if sid == "DTP":
                        claim["dtp"][seg[1]] = seg
                    elif sid == "HI":
                        claim["hi"].append(seg)
                    elif sid == "REF":
                        claim["ref"][seg[1]] = seg[2]
                    elif sid == "CL1":
                        claim["cl1"] = seg
                    elif sid in ("N3", "N4"):
                        claim[f"{sid}_{entity}"] = seg
                    elif sid == "PRV":
                        claim[f"prv_{entity}"] = seg
    return out


def inquiries(doc: Document) -> list[dict]:
    """Every 27x inquiry/answer: the HL block holding its TRN, with its provider and subscriber."""
    out: list[dict] = []
    for ic in doc.interchanges:
        for t in ic.transactions:
            blocks: list[list[Segment]] = []
            for seg in t.segments[2:-1]:  # after ST, BHT
                if seg.id == "HL":
                    blocks.append([seg])
                elif blocks:
                    blocks[-1].append(seg)
            provider: Segment | None = None
            subscriber: list[Segment] = []
            for block in blocks:
                level = block[0][3]
                if level in ("21", "19"):
                    nm1 = [s for s in block if s.id == "NM1" and s[1] == "1P"]
                    provider = nm1[0] if nm1 else provider
                if level == "22":
                    subscriber = block
                if any(s.id == "TRN" for s in block):
                    out.append({"segments": block, "subscriber": subscriber,
                                "provider": provider, "level": level,
                                "transaction": t})  # fmt: skip
    return out


def first(segments: list[Segment], seg_id: str, qualifier: str | None = None) -> Segment | None:
    """The first segment with that id (and first element), or None."""
    for s in segments:
        if s.id == seg_id and (qualifier is None or s[1] == qualifier):
            return s
    return None
