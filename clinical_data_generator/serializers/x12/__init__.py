"""X12 5010 writers: 834, 837P, 837I, 835, 270, 271, 276 and 277, registered as ``x12-*``.

Each format renders whole columns of segments with pyarrow and interleaves them into
documents (no Python loop per claim or per element). Pass an :class:`X12Format` with
:class:`X12Options` in ``formats=[...]`` to change delimiters, ids or batching.
"""

from __future__ import annotations

from .._registry import register as _register
from ._format import TRANSACTIONS as _TRANSACTIONS
from ._format import X12Format
from ._options import X12Options

__all__ = ["X12Format", "X12Options"]

for _name in _TRANSACTIONS:
    _register(X12Format(_name))
