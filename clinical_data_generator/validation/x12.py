"""X12 checks: pyx12 (extra ``x12``) where it has a 5010 map, plus our own structural checks.

``check_x12_file`` reads one file (which may hold several interchanges), runs pyx12 on the
interchanges it has maps for, and runs our own checks on every transaction set. The checks
that ran are listed by name in the report; every error starts with the check's name and the
segment it is about (``segment 21 (CLM)``: the 21st segment of the file, counting from the
first ISA), e.g.::

    claim-totals: segment 21 (CLM): CLM02 150.00 differs from the sum of the 2 line
    charges (SV102) 140.00

Check names: ``pyx12``; ``ascii``, ``isa-header``, ``envelope-counts``, ``control-numbers``,
``guide-version``, ``dates``, ``npi-check-digit`` (every file); ``hl-tree`` (837, 270/271,
276/277); ``lx-numbering`` (837, 835); ``claim-totals``, ``diagnosis-codes``,
``nine-digit-zip`` (837P/837I); ``835-balancing``; ``834-member-loops``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from ._report import FileReport
from ._x12_claims import check_claim_totals, check_diagnosis_codes, check_nine_digit_zips
from ._x12_common import HL_LEVELS, check_dates, check_hl_tree, check_lx_numbering, check_npis
from ._x12_enroll import check_834_member_loops
from ._x12_envelope import (
    check_ascii,
    check_control_numbers,
    check_envelope_counts,
    check_envelope_dates,
    check_guide_version,
    check_isa,
)
from ._x12_parse import Parsed, Transaction, parse
from ._x12_pyx12 import run_pyx12
from ._x12_remit import check_835_balancing

__all__ = ["CHECKS", "check_x12_file"]

_CLAIMS = frozenset({"837p", "837i"})
_FILE_CHECKS: tuple[tuple[str, Callable[[Parsed], list[str]]], ...] = (
    ("ascii", check_ascii),
    ("isa-header", check_isa),
    ("envelope-counts", check_envelope_counts),
    ("control-numbers", check_control_numbers),
    ("guide-version", check_guide_version),
    ("dates", check_envelope_dates),
)
# (name, transaction kinds it applies to (None: all), check)
_TRANSACTION_CHECKS: tuple[
    tuple[str, Collection[str] | None, Callable[[Transaction], list[str]]], ...
] = (
    ("dates", None, check_dates),
    ("npi-check-digit", None, check_npis),
    ("hl-tree", frozenset(HL_LEVELS), check_hl_tree),
    ("lx-numbering", frozenset({"837p", "837i", "835"}), check_lx_numbering),
    ("claim-totals", _CLAIMS, check_claim_totals),
    ("diagnosis-codes", _CLAIMS, check_diagnosis_codes),
    ("nine-digit-zip", _CLAIMS, check_nine_digit_zips),
    ("835-balancing", frozenset({"835"}), check_835_balancing),
    ("834-member-loops", frozenset({"834"}), check_834_member_loops),
)
#: Every check name ``check_x12_file`` can report, in the order it runs them.
CHECKS: tuple[str, ...] = (
    "pyx12",
    *dict.fromkeys([name for name, _ in _FILE_CHECKS] + [n for n, _, _ in _TRANSACTION_CHECKS]),
)


def check_x12_file(path: Path) -> FileReport:
    """Validate one X12 file: pyx12 where it has a 5010 map, and our own checks everywhere.

    Args:
        path: The file; it may hold several interchanges, separated by optional newlines.

    Returns:
        A :class:`FileReport` whose ``kind`` names the transactions found (``x12-837p``, or
        ``x12-270+x12-276`` for a mix), whose ``checks`` lists the checks that ran and whose
        ``notes`` say where pyx12 could not help (no 5010 map, or not installed).

    Example:
        >>> from pathlib import Path
        >>> report = check_x12_file(Path("out/x12-837p/PAY001.x12"))  # doctest: +SKIP
        >>> report.kind, report.ok  # doctest: +SKIP
        ('x12-837p', True)
    """
    # Latin-1 maps every byte to one character, so non-ASCII bytes reach the ascii check.
    text = Path(path).read_bytes().decode("latin-1")
    parsed = parse(text)
    transactions = parsed.transactions
    kinds = list(dict.fromkeys(t.kind for t in transactions))
    checks: list[str] = []
    errors: list[str] = []
    notes: list[str] = []

    outcome = run_pyx12(text, parsed)
    if outcome.ran:
        checks.append("pyx12")
    errors.extend(f"pyx12: {message}" for message in outcome.errors)
    notes.extend(outcome.notes)

    def record(name: str, messages: list[str]) -> None:
        if name not in checks:
            checks.append(name)
        errors.extend(f"{name}: {message}" for message in messages)

    for name, file_check in _FILE_CHECKS:
        record(name, file_check(parsed))
    for name, applies_to, transaction_check in _TRANSACTION_CHECKS:
        chosen = [t for t in transactions if applies_to is None or t.kind in applies_to]
        if chosen or applies_to is None:
            record(name, [m for t in chosen for m in transaction_check(t)])
    if not transactions:
        notes.append("the file holds no transaction sets (ST..SE)")
    return FileReport(
        str(path),
        "+".join(f"x12-{k}" for k in kinds) or "x12",
        checks=tuple(checks),
        errors=tuple(errors),
        notes=tuple(notes),
    )
