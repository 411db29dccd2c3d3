"""Which resources are built from which tables, and in what order.

Shared resources (Organization, Practitioner, PractitionerRole, Location) come from the
population-wide tables once per run; member-level resources from each block's tables. A builder
runs only when its tables are present, so the FHIR formats work with whatever tables a
population has (claims and labs are optional).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Mapping

import pyarrow as pa

from ._claim import build_claims
from ._condition import build_conditions
from ._context import Context
from ._coverage import build_coverages
from ._directory import build_directory
from ._eligibility import build_eligibility_requests, build_eligibility_responses
from ._encounter import build_encounters
from ._eob import build_explanations
from ._immunization import build_immunizations
from ._lab import build_observations, build_reports
from ._patient import build_patients, build_related_persons
from ._procedure import build_procedures
from ._values import ResourceSet, has

__all__ = [
    "REFERENCE_TABLES",
    "RESOURCE_TYPES",
    "TABLES",
    "build_block",
    "build_reference",
    "gc_paused",
]

REFERENCE_TABLES = ("payers", "plans", "sponsors", "providers")

#: Every table the FHIR formats read (missing ones are skipped).
TABLES = (
    *REFERENCE_TABLES,
    "members", "coverages", "encounters", "conditions", "immunizations", "procedures",
    "claims", "claim_lines", "adjudications", "line_adjudications", "payments",
    "eligibility_inquiries", "eligibility_responses", "lab_results", "diagnostic_reports",
)  # fmt: skip

#: Resource types in output order (shared first, then what a member's records hang from).
RESOURCE_TYPES = (
    "Organization", "Practitioner", "PractitionerRole", "Location", "Patient", "RelatedPerson",
    "Coverage", "Encounter", "Condition", "Procedure", "Immunization", "Observation",
    "DiagnosticReport", "Claim", "ExplanationOfBenefit", "CoverageEligibilityRequest",
    "CoverageEligibilityResponse",
)  # fmt: skip

Builder = Callable[[Mapping[str, pa.Table], Context], ResourceSet]

_BLOCK_BUILDERS: tuple[tuple[tuple[str, ...], Builder], ...] = (
    (("members",), build_patients),
    (("members",), build_related_persons),
    (("members", "coverages"), build_coverages),
    (("encounters",), build_encounters),
    (("conditions",), build_conditions),
    (("procedures",), build_procedures),
    (("immunizations",), build_immunizations),
    (("lab_results",), build_observations),
    (("diagnostic_reports",), build_reports),
    (("claims",), build_claims),
    (("claims", "adjudications"), build_explanations),
    (("eligibility_inquiries",), build_eligibility_requests),
    (("eligibility_inquiries", "eligibility_responses"), build_eligibility_responses),
)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while resources are built and written.

    A block makes millions of small dicts and lists, none of them in a reference cycle
    (reference counting frees them all), yet every allocation burst triggers collections that
    scan the whole growing heap: about half the CPU time of a write. Pausing is safe because
    nothing here creates cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_reference(reference: Mapping[str, pa.Table], ctx: Context) -> list[ResourceSet]:
    """The shared resources of a run."""
    return build_directory(reference, ctx)


def build_block(tables: Mapping[str, pa.Table], ctx: Context) -> list[ResourceSet]:
    """The member-level resources of one block, type by type in :data:`RESOURCE_TYPES` order."""
    ctx.forget_block()
    sets = [build(tables, ctx) for needs, build in _BLOCK_BUILDERS if has(tables, *needs)]
    order = {name: i for i, name in enumerate(RESOURCE_TYPES)}
    sets.sort(key=lambda s: order[s.resource_type])  # stable: equal types keep builder order
    return [s for s in sets if s.resources]
