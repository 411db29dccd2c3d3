"""Run pyx12 4.0.0 on X12 text and collect every error it reports (tests only).

pyx12 has 5010 maps for the 834 (X220A1), 835 (X221A1), 837P (X222A1) and 837I (X223A2).
Its 277 maps are for the claim acknowledgment (X214); the file it ships for the X212 claim
status response is not indexed and does not describe the X212 277 (GS01 ``RA``, loops out
of place), and it has none for 270/271 (X279A1) or 276 (X212): those files get our own
structural checks only.
"""

from __future__ import annotations

import io
import json
import logging

import pyx12.params
import pyx12.x12n_document

#: GS08 versions pyx12 can validate.
PYX12_VERSIONS = {"005010X220A1", "005010X221A1", "005010X222A1", "005010X223A2"}


def errors(text: str | bytes) -> list[str]:
    """Every error pyx12 reports for the document (empty when it is valid)."""
    if isinstance(text, bytes):
        text = text.decode("ascii")
    param = pyx12.params.params()
    out = io.StringIO()
    logger = logging.getLogger("pyx12")
    records: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                records.append(record.getMessage())

    handler = _Collect()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        valid = pyx12.x12n_document.x12n_document(
            param, io.StringIO(text), None, None, None, fd_json=out
        )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    found = list(records)
    _walk(json.loads(out.getvalue() or "{}"), found)
    if not valid and not found:
        found.append("pyx12 says the document is invalid (no detail)")
    return found


def _walk(node: object, found: list[str]) -> None:
    if isinstance(node, dict):
        for err in node.get("errors", []) or []:
            found.append(
                f"{err.get('err_cde')}: {err.get('err_str')} (line {node.get('cur_line')})"
            )
        for value in node.values():
            if isinstance(value, list | dict):
                _walk(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)
