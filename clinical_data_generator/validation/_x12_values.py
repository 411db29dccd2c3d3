"""Element value rules shared by the X12 checks: dates, times, amounts, NPIs, ZIP codes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

__all__ = [
    "date_problem",
    "money",
    "npi_problem",
    "parse_amount",
    "range_problem",
    "time_problem",
]

# X12.6 data type R: optional minus sign, digits with an optional decimal point.
_DECIMAL = re.compile(r"-?(\d+\.?\d*|\.\d+)")
_DIGITS = re.compile(r"\d+")


def parse_amount(value: str) -> Decimal | None:
    """The Decimal value of an X12 R (decimal) element, or None when it is not one."""
    if not _DECIMAL.fullmatch(value):
        return None
    return Decimal(value)


def money(value: Decimal) -> str:
    """Show an amount to the cent, as the messages print them."""
    return f"{value:.2f}"


def date_problem(value: str) -> str | None:
    """Why ``value`` is not a CCYYMMDD calendar date (format D8), or None when it is one."""
    if len(value) != 8 or not _DIGITS.fullmatch(value):
        return f"{value!r} is not a CCYYMMDD date"
    try:
        dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return f"{value!r} is not a real calendar date"
    return None


def time_problem(value: str) -> str | None:
    """Why ``value`` is not an HHMM[SS[d..]] time, or None when it is one."""
    if len(value) < 4 or len(value) > 8 or len(value) == 5 or not _DIGITS.fullmatch(value):
        return f"{value!r} is not an HHMM time"
    if int(value[:2]) > 23 or int(value[2:4]) > 59 or (len(value) >= 6 and int(value[4:6]) > 59):
        return f"{value!r} is not a real time of day"
    return None


def range_problem(value: str) -> str | None:
    """Why ``value`` is not a CCYYMMDD-CCYYMMDD range (format RD8) with start <= end."""
    start, dash, end = value.partition("-")
    if not dash:
        return f"{value!r} is not a CCYYMMDD-CCYYMMDD range"
    problem = date_problem(start) or date_problem(end)
    if problem:
        return f"range {value!r}: {problem}"
    if start > end:
        return f"range {value!r} ends before it starts"
    return None


def npi_problem(value: str) -> str | None:
    """Why ``value`` is not a valid NPI, or None when it is one.

    An NPI is 10 digits starting with 1 or 2; its last digit is the Luhn check digit computed
    over the card-issuer prefix 80840 followed by the first nine digits (CMS, "Requirements
    for the NPI check digit", ISO 7812).
    """
    if len(value) != 10 or not _DIGITS.fullmatch(value):
        return f"NPI {value!r} is not 10 digits"
    if value[0] not in "12":
        return f"NPI {value} does not start with 1 or 2"
    total = 0
    for index, char in enumerate(reversed("80840" + value)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    if total % 10:
        return f"NPI {value} fails the Luhn check digit (prefix 80840)"
    return None
