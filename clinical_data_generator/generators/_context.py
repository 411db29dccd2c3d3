"""What every block generator receives: the block's coordinates and the shared reference tables."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pyarrow as pa

from .._internal import refdata
from .._internal.rng import stream
from ._lookup import LINES_OF_BUSINESS
from .payers import PlanCatalog
from .providers import ProviderIndex


@attrs.frozen
class Reference:
    """Population-wide tables (payers, plans, sponsors, providers) and indexes over them."""

    tables: dict[str, pa.Table]
    catalog: PlanCatalog
    payer_ids: pa.Array
    payer_prefix: np.ndarray  # (payers, 3) ASCII letters of member ID prefixes
    plan_ids: pa.Array
    plan_payer: np.ndarray
    plan_lob: np.ndarray
    plan_requires_pcp: np.ndarray
    sponsor_ids: pa.Array
    sponsor_group_numbers: pa.Array
    sponsor_cum: np.ndarray
    sponsor_payer: np.ndarray
    provider_ids: pa.Array
    roles: ProviderIndex
    provider_org: np.ndarray  # per provider row: row of its organisation (itself for orgs)

    @classmethod
    def build(cls, seed: int, payers: pa.Table, payer_share: np.ndarray, plans: pa.Table,
              sponsors: pa.Table, providers: pa.Table) -> Reference:  # fmt: skip
        """Index the reference tables for the block generators."""
        payer_ids = payers["payer_id"].combine_chunks()
        payer_row = {p: i for i, p in enumerate(payer_ids.to_pylist())}
        rng = stream(seed, "payers.prefix")
        codes = rng.choice(26**3, size=payers.num_rows, replace=False)
        letters = np.column_stack([codes // 676, codes // 26 % 26, codes % 26]) + ord("A")
        lob_code = {name: i for i, name in enumerate(LINES_OF_BUSINESS)}
        return cls(
            tables={"payers": payers, "plans": plans, "sponsors": sponsors, "providers": providers},
            catalog=PlanCatalog.build(plans, payers, payer_share),
            payer_ids=payer_ids,
            payer_prefix=letters.astype(np.uint8),
            plan_ids=plans["plan_id"].combine_chunks(),
            plan_payer=np.array(
                [payer_row[p] for p in plans["payer_id"].to_pylist()], dtype=np.int64
            ),
            plan_lob=np.array(
                [lob_code[v] for v in plans["line_of_business"].to_pylist()], dtype=np.int64
            ),
            plan_requires_pcp=plans["requires_pcp"].to_numpy(zero_copy_only=False),
            sponsor_ids=sponsors["sponsor_id"].combine_chunks(),
            sponsor_group_numbers=sponsors["group_number"].combine_chunks(),
            sponsor_cum=refdata.cumulative(
                sponsors["employee_count"].to_numpy().astype(np.float64)
            ),
            sponsor_payer=np.array(
                [payer_row[p] for p in sponsors["payer_id"].to_pylist()], dtype=np.int64
            ),
            provider_ids=providers["provider_id"].combine_chunks(),
            roles=ProviderIndex.build(providers),
            provider_org=_organisation_rows(providers),
        )


def _organisation_rows(providers: pa.Table) -> np.ndarray:
    """Row of each provider's billing organisation: its own row for organisations."""
    ids = providers["provider_id"].to_pylist()
    row_of = {pid: i for i, pid in enumerate(ids)}
    orgs = providers["organization_id"].to_pylist()
    return np.array([row_of[o] if o is not None else i for i, o in enumerate(orgs)], dtype=np.int64)


@attrs.frozen
class BlockContext:
    """Coordinates of one block: block *b* depends only on (seed, options, b)."""

    seed: int
    block: int
    size: int
    first_member: int
    as_of: dt.date
    reference: Reference
