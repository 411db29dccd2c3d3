"""Synthetic identifiers that are well-formed but can never belong to a real person or entity.

Rules (DESIGN.md section 6, DATA.md):
- SSN: area 900-999, group 01-49 -- never issued as an SSN and never an ITIN (ITIN groups are
  50-65, 70-88, 90-92, 94-99).
- Phone: a real area code, exchange 555, line 0100-0199 (reserved for fiction).
- E-mail: RFC 2606 example domains only.
- NPI: starts with 2 (none issued so far), Luhn check digit over prefix 80840 + 9 digits.
- EIN: IRS campus prefixes that were never assigned.
- MBI: CMS 11-character layout, letters from the allowed set (no S, L, O, I, B, Z).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import arrow
from .checksums import int_digits, npi_check_digit
from .rng import seeded_bijection

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
NEVER_ASSIGNED_EIN_PREFIXES = (
    "00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97",
)  # fmt: skip
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"
_DIGITS = "0123456789"


def ssn(rng: np.random.Generator, n: int) -> pa.Array:
    area = arrow.digit_chars(rng.integers(900, 1000, n), 3)
    group = arrow.digit_chars(rng.integers(1, 50, n), 2)
    serial = arrow.digit_chars(rng.integers(1, 10000, n), 4)
    return arrow.fixed(n, area, "-", group, "-", serial)


def phone(rng: np.random.Generator, area_codes: np.ndarray) -> pa.Array:
    """'AAA-555-01NN' from ``(n, 3)`` area-code characters."""
    n = area_codes.shape[0]
    return arrow.fixed(
        n, area_codes, "-555-01", arrow.digit_chars(np.asarray(rng.integers(0, 100, n)), 2)
    )


def email(rng: np.random.Generator, first: pa.Array, last: pa.Array) -> pa.Array:
    """``first.lastNN@example.{com,net,org}``, lower case."""
    n = len(first)
    # "NN@example.tld" has a fixed width, so it is assembled as bytes; only the names vary.
    tld = _TLDS[rng.integers(0, len(_TLDS), n)]
    suffix = arrow.fixed(n, arrow.digit_chars(rng.integers(1, 100, n), 2), "@example.", tld)
    # Names in the packaged data are ASCII letters only, so lower-casing is all the cleaning needed.
    return pc.ascii_lower(arrow.join(first, ".", last, suffix))


_TLDS = np.frombuffer(
    "".join(d[-3:] for d in EMAIL_DOMAINS).encode("ascii"), dtype=np.uint8
).reshape(-1, 3)


def npi(positions: np.ndarray, *, seed: int, name: str) -> pa.Array:
    """NPIs for entity positions: '2' + 8 seeded-unique digits + check digit."""
    body = 200_000_000 + seeded_bijection(positions, seed=seed, name=name, modulus=100_000_000)
    check = npi_check_digit(int_digits(body, 9))
    return arrow.digits(body * 10 + check, 10)


def ein(positions: np.ndarray, *, seed: int, name: str) -> pa.Array:
    """EINs 'NN-NNNNNNN' with never-assigned prefixes, unique per position."""
    prefixes = len(NEVER_ASSIGNED_EIN_PREFIXES)
    value = seeded_bijection(positions, seed=seed, name=name, modulus=prefixes * 10_000_000)
    table = np.frombuffer("".join(NEVER_ASSIGNED_EIN_PREFIXES).encode(), dtype=np.uint8).reshape(
        -1, 2
    )
    return arrow.fixed(
        value.size, table[value // 10_000_000], "-", arrow.digit_chars(value % 10_000_000, 7)
    )


def mbi(rng: np.random.Generator, n: int) -> pa.Array:
    """Medicare Beneficiary Identifiers: C A AN N A AN N A A N N."""
    alnum = MBI_LETTERS + _DIGITS
    layout = ("123456789", MBI_LETTERS, alnum, _DIGITS, MBI_LETTERS, alnum, _DIGITS,
              MBI_LETTERS, MBI_LETTERS, _DIGITS, _DIGITS)  # fmt: skip
    cols = []
    for alphabet in layout:
        table = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
        cols.append(table[rng.integers(0, table.size, n)])
    return arrow.fixed_width(np.column_stack(cols) if n else np.zeros((0, 11), np.uint8))


def identity(rng: np.random.Generator, n: int) -> pa.Array:
    """Seeded ids in UUID version-4 layout (8-4-4-4-12 lowercase hex)."""
    raw = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hexed = _HEX_PAIRS.take(raw).view(np.uint8).reshape(n, 32)  # take: 2x fancy indexing
    out = np.empty((n, 36), dtype=np.uint8)
    for (a, b), start in zip(_UUID_GROUPS, (0, 9, 14, 19, 24), strict=True):
        out[:, start : start + b - a] = hexed[:, a:b]
        if start:
            out[:, start - 1] = ord("-")
    return arrow.fixed_width(out)


# Two ASCII hex digits per byte value, as one little-endian uint16 ("0f" -> b"0", b"f").
_HEX_PAIRS = np.array(
    [ord(f"{v:02x}"[0]) | ord(f"{v:02x}"[1]) << 8 for v in range(256)], dtype="<u2"
)
_UUID_GROUPS = ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))


def prefixed(prefix: str, values: np.ndarray, width: int) -> pa.Array:
    return arrow.fixed(values.size, prefix, arrow.digit_chars(values, width))
