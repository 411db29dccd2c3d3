"""Helpers shared by the FHIR validator tests."""

from __future__ import annotations

import re

__all__ = ["found_error"]


def found_error(errors: list[str], expected: str) -> bool:
    """True when an error contains ``expected``; a trailing ``[check]`` must be the error's check.

    Errors read ``<check>: <where> <Type>/<id> <element>: <message>``, so ``"birthDate: bad
    [fhir.resources]"`` matches ``"fhir.resources: line 1 Patient/p birthDate: bad"``.
    """
    found = re.fullmatch(r"(.*) \[([a-z0-9.-]+)\]", expected, re.DOTALL)
    if found is None:
        return any(expected in e for e in errors)
    text, check = found.groups()
    prefix = f"{check}: "
    return any(
        (e.startswith(prefix) or e.split(": ", 1)[-1].startswith(prefix)) and text in e
        for e in errors
    )
