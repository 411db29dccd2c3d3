"""x12-837p / x12-837i claim files: valid for pyx12, well formed, faithful to the tables."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.serializers.x12 import X12Format, X12Options
from tests.x12 import pyx12_check
from tests.x12.conftest import output, population, write
from tests.x12.x12parse import check_envelopes, claims_837, hl_tree, parse

VERSION = {"x12-837p": "005010X222A1", "x12-837i": "005010X223A2"}
TYPE = {"x12-837p": "professional", "x12-837i": "institutional"}
FORMATS = ["x12-837p", "x12-837i"]
PATIENT_RELATIONSHIP = {"01": "01", "19": "19", "17": "G8"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_pyx12_accepts_every_file(small_size: tuple[int, int], fmt: str) -> None:
    """pyx12 finds no error in any 837P or 837I file."""
    files = output(*small_size, fmt)
    assert files
    for path, data in files.items():
        assert pyx12_check.errors(data) == [], path


@pytest.mark.parametrize("fmt", FORMATS)
def test_envelopes_hl_tree_and_totals(size: tuple[int, int], fmt: str) -> None:
    """Envelopes, HL trees, LX numbering and claim totals follow the guide's rules."""
    files = output(*size, fmt)
    for data in files.values():
        doc = parse(data)
        check_envelopes(doc, VERSION[fmt])
        for ic in doc.interchanges:
            for t in ic.transactions:
                hl_tree(t)
        for claim in claims_837(doc):
            lines = claim["lines"]
            assert [int(x["lx"][1]) for x in lines] == list(range(1, len(lines) + 1))
            amount = 2 if fmt == "x12-837p" else 3
            total = sum(Decimal(x["sv"][amount]) for x in lines)
            assert total == Decimal(claim["clm"][2]), "CLM02 is the sum of the line charges"


def _index(ds: cdg.Dataset) -> dict[str, dict]:
    tables = ds.tables
    members = {m["member_id"]: m for m in tables["members"].to_pylist()}
    return {
        "claims": {c["claim_id"]: c for c in tables["claims"].to_pylist()},
        "lines": {(x["claim_id"], x["line_number"]): x for x in tables["claim_lines"].to_pylist()},
        "members": members,
        "coverages": {c["coverage_id"]: c for c in tables["coverages"].to_pylist()},
        "providers": {p["provider_id"]: p for p in tables["providers"].to_pylist()},
        "payers": {p["payer_id"]: p for p in tables["payers"].to_pylist()},
        "pcn": {
            a["claim_id"]: a["payer_claim_control_number"]
            for a in tables["adjudications"].to_pylist()
            if a["status_code"] != "22"
        },
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(size: tuple[int, int], fmt: str) -> None:
    """Ids, codes, amounts, dates and parties read back from the files equal the tables."""
    files = output(*size, fmt)
    dataset = population(*size)
    idx = _index(dataset)
    seen = set()
    for path, data in files.items():
        payer_id = Path(path).stem
        doc = parse(data)
        sub = doc.sub
        for claim in claims_837(doc):
            clm = claim["clm"]
            src = idx["claims"][clm[1]]
            seen.add(clm[1])
            assert src["payer_id"] == payer_id and src["claim_type"] == TYPE[fmt]
            assert Decimal(clm[2]) == src["total_billed"]
            place, qualifier, frequency = clm[5].split(sub)
            assert frequency == src["frequency_code"]
            if fmt == "x12-837p":
                assert (place, qualifier) == (src["place_of_service"], "B")
            else:
                assert (place, qualifier) == (src["type_of_bill"][1:3], "A")
            _check_diagnoses(claim, src, sub, fmt)
            _check_parties(claim, src, idx, fmt)
            if src["frequency_code"] in ("7", "8"):
                assert claim["ref"]["F8"] == idx["pcn"][src["original_claim_id"]]
            else:
                assert "F8" not in claim["ref"]
            for line in claim["lines"]:
                _check_line(line, idx["lines"][(src["claim_id"], int(line["lx"][1]))], sub, fmt)
            assert len(claim["lines"]) == src["line_count"]
    claims = dataset.tables["claims"]
    expected = {c for c, t in zip(claims["claim_id"].to_pylist(), claims["claim_type"].to_pylist(),
                                  strict=True) if t == TYPE[fmt]}  # fmt: skip
    assert seen == expected


def _check_diagnoses(claim: dict, src: dict, sub: str, fmt: str) -> None:
    codes = src["diagnosis_codes"].split("|")
    his = [[c.split(sub) for c in hi.elements[1:]] for hi in claim["hi"]]
    if fmt == "x12-837p":
        assert len(his) == 1
        assert [q for q, _ in his[0]] == ["ABK"] + ["ABF"] * (len(codes) - 1)
        assert [c for _, c in his[0]] == codes
        return
    by_qualifier = defaultdict(list)
    for hi in his:
        for q, c in hi:
            by_qualifier[q].append(c)
    assert by_qualifier["ABK"] == [codes[0]] == [src["principal_diagnosis"]]
    assert by_qualifier.get("ABF", []) == codes[1:]
    inpatient = src["admission_date"] is not None
    assert by_qualifier.get("ABJ", []) == ([codes[0]] if inpatient else [])
    assert by_qualifier.get("DR", []) == ([src["drg"]] if inpatient and src["drg"] else [])
    if not inpatient and src["type_of_bill"].startswith("013"):
        assert by_qualifier["APR"] == [codes[0]]
    dates = claim["dtp"]
    start, end = src["statement_from"], src["statement_to"]
    assert dates["434"][3] == f"{start:%Y%m%d}-{end:%Y%m%d}"
    if inpatient:
        assert dates["435"][3] == f"{src['admission_date']:%Y%m%d}"
        assert claim["cl1"][1] == src["admission_type"]
    assert claim["cl1"][3] == src["discharge_status"]


def _check_parties(claim: dict, src: dict, idx: dict, fmt: str) -> None:
    billing = idx["providers"][src["billing_provider_id"]]
    nm1 = claim["billing"]["nm1"]
    assert nm1[9] == billing["npi"]
    assert claim["billing"]["N4"][3] == billing["zip"] + billing["zip4"]
    assert claim["billing"]["REF*EI"][2] == billing["tax_id"].replace("-", "")
    patient = idx["members"][src["member_id"]]
    subscriber = claim["subscriber"]
    sbr = subscriber["sbr"]
    assert subscriber["payer"][9] == idx["payers"][src["payer_id"]]["payer_code"]
    coverage = idx["coverages"].get(src["coverage_id"])
    if coverage is None or coverage["relationship_code"] == "18":
        assert claim["patient"] is None and sbr[2] == "18" and subscriber["child"] == "0"
        number = patient["member_number"] if coverage is None else patient["subscriber_number"]
        assert subscriber["nm1"][9] == number
        assert subscriber["DMG"][2] == f"{patient['birth_date']:%Y%m%d}"
    else:
        assert sbr[2] == "" and subscriber["child"] == "1"
        holder = idx["members"][src["subscriber_member_id"]]
        assert subscriber["nm1"][9] == holder["subscriber_number"]
        assert claim["patient"]["pat"][1] == PATIENT_RELATIONSHIP[coverage["relationship_code"]]
        assert claim["patient"]["nm1"][3] == patient["last_name"].upper()
        assert claim["patient"]["DMG"][2] == f"{patient['birth_date']:%Y%m%d}"
    assert sbr[3] == ((coverage or {}).get("group_number") or "")
    doc = src["rendering_provider_id"]
    role = "82" if fmt == "x12-837p" else "71"
    if doc and doc != src["billing_provider_id"]:
        assert claim[f"nm1_{role}"][9] == idx["providers"][doc]["npi"]
    else:
        assert f"nm1_{role}" not in claim
    site = src["facility_provider_id"]
    if site and site != src["billing_provider_id"]:
        assert claim["nm1_77"][9] == idx["providers"][site]["npi"]
        provider = idx["providers"][site]
        assert claim["N4_77"][3] == provider["zip"] + provider["zip4"]


def _check_line(line: dict, src: dict, sub: str, fmt: str) -> None:
    sv = line["sv"]
    if fmt == "x12-837p":
        procedure, amount, units = sv[1], sv[2], sv[4]
        assert sv[3] == "UN"
        assert sv[7].split(sub) == (src["diagnosis_pointers"] or "1").split(",")
    else:
        procedure, amount, units = sv[2], sv[3], sv[5]
        assert sv[1] == src["revenue_code"]
        assert sv[4] == ("DA" if 100 <= int(src["revenue_code"]) <= 219 else "UN")  # room and board
    mods = [m for m in (src["modifier_1"], src["modifier_2"]) if m]
    if src["procedure_code"]:
        assert procedure.split(sub) == ["HC", src["procedure_code"], *mods]
    else:
        assert procedure == ""
    assert Decimal(amount) == src["billed_amount"]
    assert int(units) == src["units"]
    start, end = src["service_date"], src["service_end_date"]
    dtp = line["dtp"]
    if start == end:
        assert dtp.elements[1:] == ["472", "D8", f"{start:%Y%m%d}"]
    else:
        assert dtp.elements[1:] == ["472", "RD8", f"{start:%Y%m%d}-{end:%Y%m%d}"]
    assert line["ref"]["6R"] == f"{src['claim_id']}-{src['line_number']}"


def test_edge_cases_are_in_the_validated_populations() -> None:
    """The pyx12-validated populations hold dependents, uncovered, corrected and inpatient claims."""
    ds = population(120, 7)
    claims = ds.tables["claims"].to_pylist()
    coverages = {c["coverage_id"]: c for c in ds.tables["coverages"].to_pylist()}
    assert any(c["frequency_code"] == "7" for c in claims)
    assert any(c["frequency_code"] == "8" for c in claims)
    assert any(c["admission_date"] for c in claims)
    assert any(c["coverage_id"] is None for c in claims)
    assert any(
        c["coverage_id"] and coverages[c["coverage_id"]]["relationship_code"] != "18"
        for c in claims
    )
    assert any(c["termination_date"] for c in coverages.values())
    assert any(x["denied_amount"] > 0 for x in ds.tables["line_adjudications"].to_pylist())


def test_claims_split_into_interchanges(tmp_path: Path) -> None:
    """claims_per_interchange caps each interchange; control numbers count from the start."""
    ds = population(120, 7)
    options = X12Options(claims_per_interchange=7, interchange_control_start=500)
    files = write(ds, tmp_path, X12Format("x12-837p", options=options))
    numbers = []
    total = 0
    for data in files.values():
        doc = parse(data)
        check_envelopes(doc, VERSION["x12-837p"])
        for ic in doc.interchanges:
            numbers.append(int(ic.isa[13]))
            count = sum(1 for s in ic.transactions[0].segments if s.id == "CLM")
            assert 1 <= count <= 7
            total += count
    assert sorted(numbers) == list(range(500, 500 + len(numbers)))
    claims = ds.tables["claims"]
    assert total == sum(1 for t in claims["claim_type"].to_pylist() if t == "professional")


def test_custom_delimiters_and_newlines(tmp_path: Path) -> None:
    """Other delimiters and a newline after each segment still give a file pyx12 accepts."""
    options = X12Options(
        element_separator="|",
        sub_element_separator=">",
        repetition_separator="!",
        segment_terminator="'",
        newline=True,
        usage_indicator="P",
        sender_id="MYSUBMITTER",
        sender_qualifier="30",
    )
    files = write(population(40, 1), tmp_path, X12Format("x12-837i", options=options))
    for data in files.values():
        text = data.decode()
        assert text.count("'\n") == text.count("'")
        assert text.startswith("ISA|00|") and "|P|>'\n" in text[:110]
        assert "|30|MYSUBMITTER    |" in text[:60]
        assert pyx12_check.errors(text) == []
        assert all(len(c["clm"][5].split(">")) == 3 for c in claims_837(parse(text)))


def test_more_than_100_claims_per_patient(tmp_path: Path) -> None:
    """A patient with 250 claims in one interchange gets a new 2000B every 100 claims."""
    ds = population(40, 1)
    tables = dict(ds.tables)
    claims = tables["claims"]
    pick = next(i for i, (t, c) in enumerate(zip(claims["claim_type"].to_pylist(),
                                                  claims["coverage_id"].to_pylist(), strict=True))
                if t == "professional" and c is not None and c.endswith("-1"))  # fmt: skip
    one = claims.slice(pick, 1).to_pylist()[0]
    lines = [x for x in tables["claim_lines"].to_pylist() if x["claim_id"] == one["claim_id"]]
    many, many_lines = [], []
    for i in range(250):
        claim_id = f"{one['claim_id']}X{i:03d}"
        many.append({**one, "claim_id": claim_id, "frequency_code": "1"})
        many_lines += [{**x, "claim_id": claim_id} for x in lines]
    tables["claims"] = pa.Table.from_pylist(many, schema=claims.schema)
    tables["claim_lines"] = pa.Table.from_pylist(many_lines, schema=tables["claim_lines"].schema)
    files = write(cdg.Dataset(tables, info=ds.info), tmp_path, "x12-837p")
    (data,) = files.values()
    doc = parse(data)
    (t,) = doc.interchanges[0].transactions
    hl_tree(t)
    levels = [s[3] for s in t.find("HL")]
    assert levels.count("22") == 3
    assert [len(c["lines"]) for c in claims_837(doc)] == [len(lines)] * 250
    assert pyx12_check.errors(data) == []


def test_delimiters_and_accents_in_values_are_cleaned(tmp_path: Path) -> None:
    """Pinned values holding delimiters or accents still give clean, valid ASCII segments."""
    ds = population(40, 1)
    tables = dict(ds.tables)
    members = tables["members"].to_pylist()
    for m in members:
        m["last_name"] = "Nuñez*O'Neil~Jr"
        m["address_line1"] = "12 Main St: Apt^4"
    lines = tables["claim_lines"].to_pylist()
    for x in lines:
        if x["procedure_code"]:
            x["procedure_code"] = x["procedure_code"][:3] + "~" + x["procedure_code"][3:]
    tables["members"] = pa.Table.from_pylist(members, schema=tables["members"].schema)
    tables["claim_lines"] = pa.Table.from_pylist(lines, schema=tables["claim_lines"].schema)
    files = write(cdg.Dataset(tables, info=ds.info), tmp_path, "x12-837p")
    assert pyx12_check.errors(min(files.values(), key=len)) == []
    for data in files.values():
        assert data.isascii()
        text = data.decode()
        assert "NUNEZ O'NEIL JR" in text and "12 MAIN ST APT 4" in text
        claims = claims_837(parse(text))
        assert all(c["lines"][0]["sv"][1].count(":") >= 1 for c in claims)
