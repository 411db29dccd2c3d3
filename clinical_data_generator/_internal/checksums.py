"""Check digits used by healthcare identifiers."""

from __future__ import annotations

import numpy as np

_NPI_PREFIX = (8, 0, 8, 4, 0)


def luhn_check_digit(digit_rows: np.ndarray) -> np.ndarray:
    """Luhn check digit for each row of an ``(n, k)`` array of decimal digits."""
    d = digit_rows.astype(np.int64)
    # Double every second digit counting from the right of the payload.
    doubled = np.zeros(d.shape[1], dtype=bool)
    doubled[::-1][0::2] = True
    v = d.copy()
    v[:, doubled] *= 2
    v[v > 9] -= 9
    return (10 - v.sum(axis=1) % 10) % 10


def npi_check_digit(first_nine: np.ndarray) -> np.ndarray:
    """NPI check digit: Luhn over the card-issuer prefix 80840 plus the first nine digits."""
    prefix = np.broadcast_to(np.array(_NPI_PREFIX), (first_nine.shape[0], 5))
    return luhn_check_digit(np.hstack([prefix, first_nine]))


def is_valid_npi(npi: str) -> bool:
    """Return True when ``npi`` is 10 digits with a correct check digit."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    body = np.array([[int(c) for c in npi[:9]]])
    return int(npi_check_digit(body)[0]) == int(npi[9])


def int_digits(values: np.ndarray, width: int) -> np.ndarray:
    """Split non-negative integers into an ``(n, width)`` array of decimal digits."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers) % 10
