"""Run pyx12 (extra ``x12``) on the interchanges it has 5010 maps for and collect its errors.

pyx12's public entry point ``pyx12.x12n_document.x12n_document`` validates a whole document
against the map that its ``maps.xml`` index lists for each functional group (ISA12, GS01,
GS08). Its JSON error report (``fd_json``) is the error-node tree of the ISA, GS, ST and
segment levels, but it leaves out element errors of the envelope segments themselves
(ISA, GS, ST, SE, GE, IEA); pyx12 logs every error it records, so those few are taken from
its log records. pyx12 4.0.0 indexes 5010 maps for 834 (X220A1), 835 (X221A1), 837P (X222A1),
837I (X223A2), 820, 999 and the 277 claim acknowledgment (X214); it has none for 270/271
(X279A1) or for 276/277 claim status (X212), whose interchanges get our own checks only.
"""

from __future__ import annotations

import importlib
import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from ._x12_parse import Group, Interchange, Parsed, Segment

__all__ = ["MISSING_NOTE", "Pyx12Outcome", "run_pyx12"]

MISSING_NOTE = (
    "pyx12 is not installed: install clinical-data-generator[x12] to add its 5010 "
    "validation; our own checks only"
)
_ENVELOPE = {"ISA", "GS", "ST", "SE", "GE", "IEA"}
_ELEMENT_LOG = re.compile(r"Line:(\d+) ELE:\S* - (.*)", re.DOTALL)


@attrs.frozen
class Pyx12Outcome:
    """What pyx12 did with one file: whether it ran, its errors and our notes about it."""

    ran: bool
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class _Records(logging.Handler):
    """Keeps pyx12's error log messages instead of letting them reach the console."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_pyx12_logs() -> Iterator[_Records]:
    """Route the ``pyx12`` logger to a collector only (no console output) while validating."""
    logger = logging.getLogger("pyx12")
    records = _Records()
    saved = logger.propagate, logger.level
    logger.addHandler(records)
    logger.propagate = False
    logger.setLevel(logging.ERROR)  # pyx12 logs DEBUG detail per segment; skip building it
    try:
        yield records
    finally:
        logger.removeHandler(records)
        logger.propagate, logger.level = saved


def _group_label(group: Group) -> str:
    kinds = sorted({t.kind.upper() for t in group.transactions})
    return "/".join(kinds) or (group.gs.get(1) if group.gs else "?")


def run_pyx12(text: str, parsed: Parsed) -> Pyx12Outcome:
    """Validate every interchange whose functional groups all have a pyx12 5010 map."""
    try:
        document = importlib.import_module("pyx12.x12n_document")
        params = importlib.import_module("pyx12.params")
        map_index = importlib.import_module("pyx12.map_index")
    except ImportError:
        return Pyx12Outcome(False, notes=(MISSING_NOTE,))
    index = map_index.map_index()
    notes: list[str] = []
    runnable: list[Interchange] = []
    for interchange in parsed.interchanges:
        mapped = unmapped = 0
        for group in interchange.groups:
            gs = group.gs
            if gs is not None and index.get_filename(interchange.isa.get(12), gs.get(8), gs.get(1)):
                mapped += 1
                continue
            unmapped += 1
            version = gs.get(8) if gs else "no GS"
            note = (
                f"pyx12 has no 5010 map for {_group_label(group)} ({version}); our own checks only"
            )
            if note not in notes:
                notes.append(note)
        if mapped and not unmapped:
            runnable.append(interchange)
        elif mapped:
            notes.append(
                f"pyx12 skipped the interchange at {interchange.isa.at}: it mixes transactions "
                "pyx12 has maps for with ones it has not"
            )
    if not runnable:
        return Pyx12Outcome(False, notes=tuple(notes))
    segments = {s.position: s for s in parsed.segments}
    errors: list[str] = []
    if len(runnable) == len(parsed.interchanges):
        chunks = [(text[runnable[0].start :], 0)]
    else:
        chunks = [(text[ic.start : ic.end], ic.isa.position - 1) for ic in runnable]
    for chunk, offset in chunks:
        errors.extend(_validate(document, params.ParamsBase(), chunk, offset, segments))
    unique = list(dict.fromkeys(errors))
    return Pyx12Outcome(True, tuple(unique), tuple(notes))


def _validate(
    document: Any, param: Any, chunk: str, offset: int, segments: dict[int, Segment]
) -> list[str]:
    """pyx12's messages for one chunk of the file, each naming the segment it is about."""

    def where(line: int) -> str:
        segment = segments.get(line + offset)
        return segment.at if segment else f"segment {line + offset}"

    report = io.StringIO()
    with _captured_pyx12_logs() as records:
        try:
            valid = document.x12n_document(param, io.StringIO(chunk), None, None, fd_json=report)
        except Exception as exc:  # pyx12 raises its own errors on input it cannot walk
            return [f"{where(1)}: pyx12 stopped: {type(exc).__name__}: {exc}"]
    found: list[tuple[int, str]] = []
    if report.getvalue():
        found.extend(_tree_errors(json.loads(report.getvalue())))
    for message in records.messages:
        match = _ELEMENT_LOG.fullmatch(message)
        if match:
            line = int(match.group(1))
            segment = segments.get(line + offset)
            if segment is not None and segment.id in _ENVELOPE:
                found.append((line, _drop_repeated_value(match.group(2))))
    found.sort(key=lambda item: item[0])
    messages = [f"{where(line)}: {text}" for line, text in found]
    if not valid and not messages:
        if any("does not look like an X12 data file" in m for m in records.messages):
            # pyx12's reader wants a 106-character ISA with ISA12 00401 or 00501.
            messages.append(f"{where(1)}: pyx12 could not read the interchange's ISA header")
        else:
            messages.append(f"{where(1)}: pyx12 reported the interchange invalid without details")
    return messages


def _tree_errors(tree: dict[str, Any]) -> Iterator[tuple[int, str]]:
    """(line, message) for every error in pyx12's JSON error tree."""
    for isa in tree.get("interchanges", []):
        yield from ((isa["cur_line"], e["err_str"]) for e in isa.get("errors", []))
        for gs in isa.get("groups", []):
            yield from ((gs["cur_line"], e["err_str"]) for e in gs.get("errors", []))
            for st in gs.get("transactions", []):
                yield from ((st["cur_line"], e["err_str"]) for e in st.get("errors", []))
                for seg in st.get("segments", []):
                    problems = list(seg.get("errors", []))
                    for element in seg.get("elements", []):
                        problems.extend(element.get("errors", []))
                    for problem in problems:
                        yield seg["cur_line"], _with_value(problem)


def _with_value(problem: dict[str, Any]) -> str:
    text = str(problem.get("err_str", ""))
    value = problem.get("err_val")
    if value and str(value) not in text:
        text += f" (value {value!r})"
    return text


def _drop_repeated_value(message: str) -> str:
    """pyx12 logs 'msg (value) (value)'; keep one copy of the value."""
    head, _, tail = message.rpartition(" (")
    if head and tail.endswith(")") and tail[:-1] in head:
        return head
    return message
