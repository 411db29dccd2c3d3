"""X12Format: the document serializer behind the ``x12-*`` format names."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import pyarrow as pa

from ...errors import InvalidArgumentError
from .._registry import DocumentSink, DocumentWriter
from ._context import Context
from ._options import X12Options

__all__ = ["TRANSACTIONS", "X12Format"]

_REFERENCE = ("payers", "plans", "sponsors", "providers")


@attrs.frozen
class _Spec:
    summary: str
    tables: tuple[str, ...]
    module: str  # module of this package with ``writer(context) -> DocumentWriter``


#: Format name -> what it renders and from which tables.
TRANSACTIONS: Mapping[str, _Spec] = {
    "x12-834": _Spec(
        "X12 5010 834 benefit enrollment (005010X220A1): one transaction per sponsor or payer.",
        ("payers", "plans", "sponsors", "providers", "members", "coverages"),
        "_834",
    ),
    "x12-837p": _Spec(
        "X12 5010 837P professional claims (005010X222A1), one file per payer.",
        (
            "payers",
            "plans",
            "providers",
            "members",
            "coverages",
            "claims",
            "claim_lines",
            "adjudications",
        ),
        "_837",
    ),
    "x12-837i": _Spec(
        "X12 5010 837I institutional claims (005010X223A2), one file per payer.",
        (
            "payers",
            "plans",
            "providers",
            "members",
            "coverages",
            "claims",
            "claim_lines",
            "adjudications",
        ),
        "_837",
    ),
    "x12-835": _Spec(
        "X12 5010 835 remittance advice (005010X221A1): one transaction per payment.",
        (
            "payers",
            "plans",
            "providers",
            "members",
            "claims",
            "claim_lines",
            "adjudications",
            "line_adjudications",
            "payments",
        ),
        "_835",
    ),
    "x12-270": _Spec(
        "X12 5010 270 eligibility inquiries (005010X279A1), one file per payer.",
        ("payers", "providers", "members", "eligibility_inquiries"),
        "_eligibility",
    ),
    "x12-271": _Spec(
        "X12 5010 271 eligibility responses (005010X279A1), one file per payer.",
        (
            "payers",
            "plans",
            "providers",
            "members",
            "eligibility_inquiries",
            "eligibility_responses",
        ),
        "_eligibility",
    ),
    "x12-276": _Spec(
        "X12 5010 276 claim status inquiries (005010X212), one file per payer.",
        ("payers", "providers", "members", "claims", "claim_status_inquiries"),
        "_status",
    ),
    "x12-277": _Spec(
        "X12 5010 277 claim status responses (005010X212), one file per payer.",
        (
            "payers",
            "providers",
            "members",
            "claims",
            "claim_status_inquiries",
            "claim_status_responses",
        ),
        "_status",
    ),
}


def _check_name(_: Any, __: Any, value: Any) -> None:
    if value not in TRANSACTIONS:
        raise InvalidArgumentError("name", value, f"one of {sorted(TRANSACTIONS)}")


def _check_options(_: Any, __: Any, value: Any) -> None:
    if not isinstance(value, X12Options):
        raise InvalidArgumentError("options", value, "an X12Options instance")


@attrs.frozen
class X12Format:
    """An X12 5010 output format, optionally with its own :class:`X12Options`.

    The registered formats ``x12-834`` ... ``x12-277`` use the default options; pass a
    configured instance in ``formats=[...]`` to change delimiters, ids or batching.

    Args:
        name: One of ``x12-834``, ``x12-837p``, ``x12-837i``, ``x12-835``, ``x12-270``,
            ``x12-271``, ``x12-276``, ``x12-277``.
        options: Envelope, delimiter and batching options.

    Example:
        >>> fmt = X12Format("x12-837p", options=X12Options(sender_id="MYSUBMITTER"))
        >>> fmt.name, fmt.kind
        ('x12-837p', 'documents')
    """

    name: str = attrs.field(validator=_check_name)
    options: X12Options = attrs.field(factory=X12Options, kw_only=True, validator=_check_options)

    @property
    def kind(self) -> Literal["documents"]:
        """Always ``"documents"``: X12 files are rendered from joined tables."""
        return "documents"

    @property
    def summary(self) -> str:
        """One line for ``cdg formats``."""
        return TRANSACTIONS[self.name].summary

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables the documents are built from."""
        return TRANSACTIONS[self.name].tables

    def open(
        self, sink: DocumentSink, reference: Mapping[str, pa.Table], info: Mapping[str, object]
    ) -> DocumentWriter:
        """Start writing this format's files into ``sink``."""
        spec = TRANSACTIONS[self.name]
        blocks = tuple(t for t in spec.tables if t not in _REFERENCE)
        context = Context(self.name, self.options, sink, reference, info, blocks)
        module = importlib.import_module(f"{__package__}.{spec.module}")
        writer: DocumentWriter = module.writer(context)
        return writer
