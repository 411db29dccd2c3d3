"""Run pyx12 4.0.0 on X12 text and collect every error it reports (tests only)."""

from __future__ import annotations

import functools
import io
import json
import logging
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

import pyx12.params
import pyx12.x12n_document

#: Transactions pyx12 4.0.0 has a 5010 map for (GS08 values). Its 277 X212 map ships without
#: an index entry, so :func:`map_dir` adds one.
PYX12_VERSIONS = {"005010X220A1", "005010X221A1", "005010X222A1", "005010X223A2", "005010X212"}


@functools.cache
def map_dir() -> str:
    """A copy of pyx12's maps whose index also lists the 277 (005010X212) map."""
    target = Path(tempfile.mkdtemp(prefix="cdg-pyx12-maps-"))
    source = files("pyx12").joinpath("map")
    for entry in source.iterdir():
        if entry.is_file():
            (target / entry.name).write_bytes(entry.read_bytes())
    index = (target / "maps.xml").read_text()
    extra = '    <map vriic="005010X212" fic="HN" abbr="277">277.5010.X212.xml</map>\n'
    anchor = '    <map vriic="005010X222A1"'
    index = index.replace(anchor, extra + anchor, 1)
    (target / "maps.xml").write_text(index)
    return str(target)


def errors(text: str | bytes) -> list[str]:
    """Every error pyx12 reports for the document (empty when it is valid)."""
    if isinstance(text, bytes):
        text = text.decode("ascii")
    param = pyx12.params.params()
    param.set("map_path", map_dir())
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
            param, io.StringIO(text), None, None, None, fd_json=out, map_path=map_dir()
        )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    found = list(records)
    doc = json.loads(out.getvalue() or "{}")
    _walk(doc, found)
    if not valid and not found:
        found.append("pyx12 says the document is invalid (no detail)")
    return found


def _walk(node: object, found: list[str]) -> None:
    if isinstance(node, dict):
        for err in node.get("errors", []) or []:
            found.append(
                f"{err.get('err_cde')}: {err.get('err_str')} @ {node.get('seg_id', '')}"
                f" line {node.get('cur_line', '')}"
            )
        for value in node.values():
            if isinstance(value, list | dict):
                _walk(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)


def cleanup() -> None:
    """Remove the copied map folder."""
    shutil.rmtree(map_dir(), ignore_errors=True)
