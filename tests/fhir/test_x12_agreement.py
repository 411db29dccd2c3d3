"""FHIR and X12 tell the same story: 837 charges are Claim totals, 835 payments are EOB amounts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import clinical_data_generator as cdg
from clinical_data_generator.serializers.fhir import _systems as uri

from .support import read_ndjson


def _segments(folder: Path, tag: str) -> list[list[str]]:
    """Every ``tag`` segment of the X12 files in ``folder`` (default ``~`` and ``*`` delimiters)."""
    out = []
    for path in sorted(folder.glob("*.x12")):
        text = path.read_text()
        element, terminator = text[3], text[105]  # ISA fixes both positions
        out += [
            s.split(element) for s in text.split(terminator) if s.strip().startswith(tag + element)
        ]
    return out


def test_claims_and_remittances_agree_with_x12(tmp_path: Path) -> None:
    """837 CLM02 equals Claim.total; 835 CLP03/CLP04/CLP05 equal EOB submitted/benefit/member liability."""
    ds = cdg.generate(members=60, seed=8)
    ds.write(tmp_path, formats=["fhir-ndjson", "x12-837p", "x12-837i", "x12-835"])
    fhir = read_ndjson(tmp_path / "fhir-ndjson")

    def ident(resource: dict, system: str) -> str:
        return next(i["value"] for i in resource["identifier"] if i["system"] == system)

    totals = {ident(c, uri.CLAIM_ID): Decimal(str(c["total"]["value"])) for c in fhir["Claim"]}
    billed = {}
    for folder in ("x12-837p", "x12-837i"):
        for clm in _segments(tmp_path / folder, "CLM"):
            billed[clm[1]] = Decimal(clm[2])
    assert billed and all(totals[k] == v for k, v in billed.items())

    eobs: dict[tuple[str, str], dict[str, Decimal]] = {}
    for eob in fhir["ExplanationOfBenefit"]:
        amounts = {t["category"]["coding"][0]["code"]: Decimal(str(t["amount"]["value"]))
                   for t in eob["total"]}  # fmt: skip
        claim = ident(eob, uri.ADJUDICATION_ID).rsplit("-A", 1)[0]
        eobs[(claim, ident(eob, uri.PAYER_CLAIM_NUMBER))] = amounts
    clps = _segments(tmp_path / "x12-835", "CLP")
    assert clps
    for clp in clps:
        amounts = eobs[(clp[1], clp[7])]
        assert amounts["submitted"] == Decimal(clp[3])
        assert amounts["benefit"] == Decimal(clp[4])
        assert amounts["memberliability"] == Decimal(clp[5] or "0")
