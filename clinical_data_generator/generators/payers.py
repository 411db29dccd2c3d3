"""Payers (fictional insurers) and the plans they sell."""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._internal import arrow, identifiers, refdata, validation
from .._internal.rng import stream
from ..models import Payer, Plan, arrow_schema
from . import _places
from ._lookup import LINES_OF_BUSINESS

__all__ = ["PayerGenerator"]

_DEDUCTIBLE_FACTORS = np.array([0.75, 1.0, 1.0, 1.25, 1.5])


@attrs.frozen
class PayerGenerator:
    """Fictional payers and their plan catalogue.

    Args:
        count: Number of payers (1 to 50). The first payer sells every line of business; the
            others each sell commercial and individual plans and, at random, Medicare Advantage
            and Medicaid managed care.
    """

    count: int = attrs.field(default=4, validator=validation.integer_field("payers", 1, 50))

    def payers(self, seed: int) -> tuple[pa.Table, np.ndarray]:
        """The ``payers`` table and each payer's market share."""
        rng = stream(seed, "payers")
        n = self.count
        prefixes = refdata.words("payer_prefix")
        suffixes = refdata.words("payer_suffix")
        prefix_index = rng.choice(len(prefixes), size=n, replace=False)
        name = arrow.join(
            arrow.take(prefixes, prefix_index),
            arrow.take(suffixes, rng.integers(0, len(suffixes), n)),
            sep=" ",
        )
        place = _places.addresses(rng, n)
        offers_medicare = rng.random(n) < 0.6
        offers_medicaid = rng.random(n) < 0.5
        offers_medicare[0] = offers_medicaid[0] = True
        positions = np.arange(n)
        slug = arrow.take(prefixes, prefix_index)
        columns = {
            "payer_id": identifiers.prefixed("PAY", positions + 1, 3),
            "name": name,
            "payer_code": identifiers.prefixed("SYN", positions + 1, 2),
            "tax_id": identifiers.ein(positions, seed=seed, name="payers.ein"),
            "address_line1": place.line1,
            "city": place.column("city"),
            "state": place.column("state"),
            "zip": place.column("zip"),
            "phone": identifiers.phone(rng, place.area_chars),
            "website": arrow.join("https://www.", _slug(slug), ".example.org"),
            "offers_medicare": pa.array(offers_medicare),
            "offers_medicaid": pa.array(offers_medicaid),
        }
        share = rng.dirichlet(np.full(n, 2.0))
        return pa.table(columns, schema=arrow_schema(Payer)), share

    def plans(self, seed: int, payers: pa.Table) -> pa.Table:
        """The ``plans`` table: each payer's products with cost sharing varied per payer."""
        rng = stream(seed, "plans")
        designs = refdata.read_table("plan_designs.csv", {"metal_level": pa.string()})
        lob = np.asarray(designs["line_of_business"].to_pylist())
        medicare = payers["offers_medicare"].to_numpy(zero_copy_only=False)
        medicaid = payers["offers_medicaid"].to_numpy(zero_copy_only=False)
        rows_payer, rows_design = [], []
        for p in range(payers.num_rows):
            for d in range(designs.num_rows):
                if (lob[d] == "medicare" and not medicare[p]) or (
                    lob[d] == "medicaid" and not medicaid[p]
                ):
                    continue
                rows_payer.append(p)
                rows_design.append(d)
        payer_index = np.array(rows_payer)
        design_index = np.array(rows_design)
        d = designs.take(pa.array(design_index))
        factor = _DEDUCTIBLE_FACTORS[rng.integers(0, _DEDUCTIBLE_FACTORS.size, payer_index.size)]
        deductible = _round_to(d["deductible_individual"].to_numpy() * factor, 50)
        oop = np.maximum(d["oop_max_individual"].to_numpy(), deductible)
        payer_id = arrow.take(payers["payer_id"].combine_chunks(), payer_index)
        payer_word = arrow.take(_first_word(payers["name"].combine_chunks()), payer_index)
        cents = 100
        columns = {
            "plan_id": arrow.join(payer_id, d["code"].combine_chunks(), sep="-"),
            "payer_id": payer_id,
            "name": arrow.join(payer_word, d["name_suffix"].combine_chunks(), sep=" "),
            "line_of_business": d["line_of_business"],
            "product_type": d["product_type"],
            "deductible_individual": arrow.cents_to_money(deductible * cents),
            "deductible_family": arrow.cents_to_money(deductible * 2 * cents),
            "oop_max_individual": arrow.cents_to_money(oop * cents),
            "oop_max_family": arrow.cents_to_money(oop * 2 * cents),
            "copay_primary_care": arrow.cents_to_money(d["copay_primary_care"].to_numpy() * cents),
            "copay_specialist": arrow.cents_to_money(d["copay_specialist"].to_numpy() * cents),
            "copay_urgent_care": arrow.cents_to_money(d["copay_urgent_care"].to_numpy() * cents),
            "copay_emergency": arrow.cents_to_money(d["copay_emergency"].to_numpy() * cents),
            "coinsurance_percent": d["coinsurance_percent"].cast(pa.int8()),
            "requires_pcp": d["requires_pcp"],
            "requires_referral": d["requires_referral"],
            "metal_level": arrow.choose(
                pc.not_equal(d["metal_level"], "").to_numpy(zero_copy_only=False),
                d["metal_level"].combine_chunks(),
                None,
            ),
        }
        return pa.table(columns, schema=arrow_schema(Plan))


@attrs.frozen
class PlanCatalog:
    """How a subscriber's payer and plan are drawn, per line of business (integer codes)."""

    payer_cum: dict[int, np.ndarray]  # lob -> cumulative payer weights
    product_cum: dict[int, np.ndarray]  # lob -> cumulative product weights
    plan_row: dict[int, np.ndarray]  # lob -> (payer, product) -> row of ``plans``
    product_type: dict[int, np.ndarray]  # lob -> product -> HMO, PPO, EPO, POS or HDHP

    def product_weights(self, code: int, types: tuple[str, ...] | None) -> np.ndarray:
        """Cumulative product weights of a line of business, only ``types`` when given."""
        cum = self.product_cum[code]
        if types is None:
            return cum
        weights = np.diff(np.concatenate([[0.0], cum])) * np.isin(self.product_type[code], types)
        return refdata.cumulative(weights) if weights.sum() > 0 else cum

    @classmethod
    def build(cls, plans: pa.Table, payers: pa.Table, share: np.ndarray) -> PlanCatalog:
        """Index ``plans`` by line of business, payer and product."""
        designs = refdata.read_table("plan_designs.csv", {"weight": pa.int64()})
        lob_of = np.asarray(designs["line_of_business"].to_pylist())
        codes = np.asarray(designs["code"].to_pylist())
        weights = designs["weight"].to_numpy()
        row_of = {pid: i for i, pid in enumerate(plans["plan_id"].to_pylist())}
        payer_ids = payers["payer_id"].to_pylist()
        payer_cum, product_cum, plan_row, product_type = {}, {}, {}, {}
        types = np.asarray(designs["product_type"].to_pylist())
        for code, name in enumerate(LINES_OF_BUSINESS):
            designs_here = np.flatnonzero(lob_of == name)
            table = np.array(
                [[row_of.get(f"{pid}-{codes[d]}", -1) for d in designs_here] for pid in payer_ids],
                dtype=np.int64,
            )
            offers = (table >= 0).any(axis=1)
            payer_cum[code] = refdata.cumulative(np.where(offers, share, 0.0))
            product_cum[code] = refdata.cumulative(weights[designs_here])
            plan_row[code] = table
            product_type[code] = types[designs_here]
        return cls(payer_cum, product_cum, plan_row, product_type)


def _round_to(values: np.ndarray, step: int) -> np.ndarray:
    return (np.round(values / step) * step).astype(np.int64)


def _first_word(names: pa.Array) -> pa.Array:
    return pc.list_element(pc.split_pattern(names, " "), 0)


def _slug(words: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(pc.utf8_lower(words), r"[^a-z0-9]", "")
