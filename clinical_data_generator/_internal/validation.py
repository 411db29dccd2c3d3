"""Eager argument checks shared by every public entry point (one vocabulary of messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import InvalidArgumentError

Validator = Callable[[Any, Any, Any], None]


def integer(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is an int (not bool) in ``[low, high]``, else raise."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidArgumentError(name, value, f"an integer from {low:,} to {high:,}")
    return value


def optional_integer(name: str, value: object, low: int, high: int) -> int | None:
    return None if value is None else integer(name, value, low, high)


def share(name: str, value: object) -> float:
    """Return ``value`` if it is a number in ``[0, 1]``, else raise."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
        raise InvalidArgumentError(name, value, "a number from 0 to 1")
    return float(value)


def integer_field(name: str, low: int, high: int) -> Validator:
    """An attrs validator for :func:`integer`."""

    def check(_: object, __: object, value: object) -> None:
        integer(name, value, low, high)

    return check


def share_field(name: str) -> Validator:
    """An attrs validator for :func:`share`."""

    def check(_: object, __: object, value: object) -> None:
        share(name, value)

    return check
