"""Sponsors: fictional employer groups with a heavy-tailed size distribution."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, identifiers, refdata, validation
from .._internal.rng import seeded_bijection, stream
from ..models import Sponsor, arrow_schema
from . import _places

__all__ = ["SponsorGenerator"]


@attrs.frozen
class SponsorGenerator:
    """Employer groups for commercial members.

    Args:
        members_per_sponsor: One sponsor is created per this many members (at least three
            sponsors). Group sizes follow a log-normal law, so most groups are small and a few
            large ones hold many members, as in the US employer market.
    """

    members_per_sponsor: int = attrs.field(
        default=100, validator=validation.integer_field("members_per_sponsor", 1, 1_000_000)
    )

    def count(self, members: int) -> int:
        """Number of sponsors for a population of ``members``."""
        return max(3, -(-members // self.members_per_sponsor))

    def generate(
        self, seed: int, members: int, as_of: dt.date, payers: pa.Table, payer_share: np.ndarray
    ) -> pa.Table:
        """The ``sponsors`` table."""
        n = self.count(members)
        rng = stream(seed, "sponsors")
        stems, industries, suffixes = (
            refdata.words("sponsor_stem"),
            refdata.words("sponsor_industry"),
            refdata.words("sponsor_suffix"),
        )
        stem = arrow.take(stems, rng.integers(0, len(stems), n))
        industry = arrow.take(industries, rng.integers(0, len(industries), n))
        name = arrow.join(
            stem, industry, arrow.take(suffixes, rng.integers(0, len(suffixes), n)), sep=" "
        )
        size = np.clip(np.round(rng.lognormal(3.2, 1.7, n)), 2, 250_000).astype(np.int32)
        payer = refdata.sample(rng, refdata.cumulative(payer_share), n)
        place = _places.addresses(rng, n, unit_share=0.3, unit_label="Suite")
        months_back = rng.integers(0, 240, n)
        start = np.datetime64(as_of, "M") - months_back.astype("timedelta64[M]")
        positions = np.arange(n)
        domain = pc.replace_substring_regex(pc.utf8_lower(stem), r"[^a-z0-9]", "")
        columns = {
            "sponsor_id": identifiers.prefixed("S", positions + 1, 7),
            "name": name,
            "group_number": identifiers.prefixed("G", _group_numbers(positions, seed), 7),
            "tax_id": identifiers.ein(positions, seed=seed, name="sponsors.ein"),
            "industry": industry,
            "employee_count": pa.array(size, pa.int32()),
            "payer_id": arrow.take(payers["payer_id"].combine_chunks(), payer),
            "address_line1": place.line1,
            "city": place.column("city"),
            "state": place.column("state"),
            "zip": place.column("zip"),
            "phone": identifiers.phone(rng, place.area_chars),
            "contact_email": arrow.join("benefits@", domain, ".example.com"),
            "effective_date": arrow.dates(start.astype("datetime64[D]")),
        }
        return pa.table(columns, schema=arrow_schema(Sponsor))


def _group_numbers(positions: np.ndarray, seed: int) -> np.ndarray:
    return seeded_bijection(positions, seed=seed, name="sponsors.group", modulus=10_000_000)
