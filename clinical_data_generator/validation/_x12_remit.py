"""835 balancing (005010X221A1 section 1.10.2): payment, claims and service lines add up to the cent.

- BPR02 (total payment, negated for a debit BPR03 = D) = sum of CLP04 - sum of PLB amounts.
- For each claim: CLP03 - CLP04 = all CAS amounts of the claim (2100) and its lines (2110).
- For each service line: SVC02 - SVC03 = that line's CAS amounts.
"""

from __future__ import annotations

from decimal import Decimal

from ._x12_parse import Segment, Transaction
from ._x12_values import money, parse_amount

__all__ = ["check_835_balancing"]

_CAS_GROUPS = {"CO", "OA", "PI", "PR"}


class _Amounts:
    """Collects amounts and the problems of unreadable ones."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def read(self, segment: Segment, index: int, *, required: bool = True) -> Decimal:
        value = segment.get(index)
        if not value and not required:
            return Decimal(0)
        amount = parse_amount(value)
        if amount is None:
            self.errors.append(
                f"{segment.at}: {segment.id}{index:02d} {value!r} is not a decimal amount"
            )
            return Decimal(0)
        return amount

    def cas_total(self, cas: Segment) -> Decimal:
        """CAS03, CAS06 ... CAS18: the amounts of up to six reason/amount/quantity triples."""
        if cas.get(1) not in _CAS_GROUPS:
            self.errors.append(
                f"{cas.at}: CAS01 {cas.get(1)!r} is not a claim adjustment group code "
                f"({', '.join(sorted(_CAS_GROUPS))})"
            )
        total = Decimal(0)
        for index in range(3, 19, 3):
            if cas.get(index - 1) or cas.get(index):
                total += self.read(cas, index)
        return total


def check_835_balancing(transaction: Transaction) -> list[str]:
    """BPR02, CLP and SVC amounts balance with the CLP, CAS and PLB amounts, to the cent."""
    amounts = _Amounts()
    balance_errors: list[str] = []
    bpr: Segment | None = None
    paid_total = Decimal(0)
    plb_total = Decimal(0)
    claim: Segment | None = None
    claim_adjustments = Decimal(0)
    line: Segment | None = None
    line_adjustments = Decimal(0)

    def close_line() -> None:
        nonlocal line
        if line is not None:
            difference = amounts.read(line, 2) - amounts.read(line, 3)
            if difference != line_adjustments:
                balance_errors.append(
                    f"{line.at}: SVC02 - SVC03 = {money(difference)} but the line's CAS "
                    f"adjustments sum to {money(line_adjustments)}"
                )
        line = None

    def close_claim() -> None:
        nonlocal claim
        close_line()
        if claim is not None:
            difference = amounts.read(claim, 3) - amounts.read(claim, 4)
            if difference != claim_adjustments:
                balance_errors.append(
                    f"{claim.at}: CLP03 - CLP04 = {money(difference)} but the claim and line "
                    f"CAS adjustments sum to {money(claim_adjustments)}"
                )
        claim = None

    for segment in transaction.segments:
        kind = segment.id
        if kind == "BPR":
            bpr = segment
        elif kind == "CLP":
            close_claim()
            claim, claim_adjustments = segment, Decimal(0)
            paid_total += amounts.read(segment, 4)
        elif kind == "SVC" and claim is not None:
            close_line()
            line, line_adjustments = segment, Decimal(0)
        elif kind == "CAS" and claim is not None:
            adjustment = amounts.cas_total(segment)
            claim_adjustments += adjustment
            if line is not None:
                line_adjustments += adjustment
        elif kind in ("LX", "PLB", "SE"):
            close_claim()
            if kind == "PLB":
                # PLB03/04, 05/06 ... 13/14: adjustment identifier and amount pairs.
                for index in range(4, 15, 2):
                    if segment.get(index - 1) or segment.get(index):
                        plb_total += amounts.read(segment, index)
    close_claim()
    if bpr is None:
        balance_errors.append(f"{transaction.st.at}: the 835 has no BPR segment")
    else:
        payment = amounts.read(bpr, 2)
        if bpr.get(3) == "D":
            payment = -payment
        expected = paid_total - plb_total
        if payment != expected:
            balance_errors.append(
                f"{bpr.at}: BPR02 {money(payment)} differs from the sum of CLP04 "
                f"{money(paid_total)} minus the PLB adjustments {money(plb_total)} "
                f"= {money(expected)}"
            )
    return amounts.errors + balance_errors
