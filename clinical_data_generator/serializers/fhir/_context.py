"""What every resource builder needs: the seed, as_of, the reference style and a directory.

References are written ``Type/id`` (NDJSON and XML: resolved across the files of one export) or
``urn:uuid:id`` (Bundles: resolved against the entries' fullUrls). The directory holds the
population-wide lookups (provider kind, plan and payer names) taken from the reference tables.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping

import pyarrow as pa

from ..._internal import refdata
from ._ids import IdMaker
from ._values import Resource, column

__all__ = ["MANUFACTURERS", "Context", "Directory", "manufacturer_codes", "manufacturer_key"]

DEFAULT_AS_OF = "2026-01-01"

#: CDC MVX manufacturer names for the MVX codes of the packaged CVX table.
MANUFACTURERS = {
    "MSD": "Merck and Co., Inc.",
    "PFR": "Pfizer, Inc",
    "SAN": "Sanofi Pasteur",
    "SKB": "GlaxoSmithKline",
}


def manufacturer_key(mvx: str) -> str:
    """The Organization key of a vaccine manufacturer (``mvx-`` + MVX code)."""
    return f"mvx-{mvx}"


@functools.cache
def manufacturer_codes() -> tuple[str, ...]:
    """The MVX codes of the packaged CVX table (one manufacturer Organization each)."""
    return tuple(sorted(set(refdata.immunizations().mvx.to_pylist())))


class Directory:
    """Population-wide lookups from the reference tables (payers, plans, sponsors, providers)."""

    def __init__(self, reference: Mapping[str, pa.Table]) -> None:
        self.payer_name: dict[str, str] = {}
        self.plan_name: dict[str, str] = {}
        self.sponsor_name: dict[str, str] = {}
        self.provider_name: dict[str, str] = {}
        self.practitioners: set[str] = set()
        self.names: dict[str, str] = {}  # shared resource key -> Reference.display
        if "payers" in reference:
            t = reference["payers"]
            self.payer_name = dict(zip(column(t, "payer_id"), column(t, "name"), strict=True))
        if "plans" in reference:
            t = reference["plans"]
            self.plan_name = dict(zip(column(t, "plan_id"), column(t, "name"), strict=True))
        if "sponsors" in reference:
            t = reference["sponsors"]
            self.sponsor_name = dict(zip(column(t, "sponsor_id"), column(t, "name"), strict=True))
        if "providers" in reference:
            t = reference["providers"]
            ids = column(t, "provider_id")
            self.provider_name = dict(zip(ids, column(t, "name"), strict=True))
            for pid, kind in zip(ids, column(t, "entity_type"), strict=True):
                if kind == "individual":
                    self.practitioners.add(pid)
        self.names.update(self.payer_name)
        self.names.update(self.sponsor_name)
        self.names.update(self.provider_name)
        for code in manufacturer_codes():
            self.names[manufacturer_key(code)] = MANUFACTURERS.get(code, f"Manufacturer {code}")


class Context:
    """Seed, as_of, reference style and id makers shared by the builders of one run."""

    def __init__(
        self,
        *,
        seed: int,
        as_of: str = DEFAULT_AS_OF,
        bundle: bool = False,
        reference: Mapping[str, pa.Table] | None = None,
    ) -> None:
        self.seed = seed
        self.as_of = as_of
        self.bundle = bundle
        self.directory = Directory(reference or {})
        self._makers: dict[str, IdMaker] = {}
        self._refs: dict[str, dict[str, Resource]] = {}

    @classmethod
    def from_info(
        cls, info: Mapping[str, object], reference: Mapping[str, pa.Table], *, bundle: bool
    ) -> Context:
        """The context of a run from the manifest header (seed and as_of; defaults otherwise)."""
        seed = info.get("seed", 0)
        as_of = info.get("as_of", DEFAULT_AS_OF)
        if isinstance(as_of, dt.date):
            as_of = as_of.isoformat()
        return cls(
            seed=seed if isinstance(seed, int) else 0,
            as_of=str(as_of),
            bundle=bundle,
            reference=reference,
        )

    def ids(self, resource_type: str) -> IdMaker:
        """The id maker of one resource type."""
        maker = self._makers.get(resource_type)
        if maker is None:
            maker = self._makers[resource_type] = IdMaker(self.seed, resource_type)
        return maker

    def refs(self, resource_type: str) -> Callable[[str], Resource]:
        """A memoised ``key -> Reference`` function for one type.

        References to shared resources carry their name as ``display``.

        The same Reference dict is shared by every resource that points to the same target;
        nothing mutates resources after they are built, so sharing is safe and saves most of
        the work of building references.
        """
        cache = self._refs.setdefault(resource_type, {})
        one = self.ids(resource_type).one
        prefix = "urn:uuid:" if self.bundle else f"{resource_type}/"
        displays = self.directory.names if resource_type in _SHARED else None

        def get(key: str) -> Resource:
            found = cache.get(key)
            if found is None:
                found = {"reference": prefix + one(key)}
                display = displays.get(key) if displays else None
                if display:
                    found["display"] = display
                cache[key] = found
            return found

        return get

    def provider_refs(self) -> Callable[[str], Resource]:
        """``provider_id -> Reference``: Practitioner (type-1 NPI) or Organization (type-2)."""
        practitioner = self.refs("Practitioner")
        organization = self.refs("Organization")
        individuals = self.directory.practitioners

        def get(key: str) -> Resource:
            return practitioner(key) if key in individuals else organization(key)

        return get

    def forget_block(self) -> None:
        """Drop memoised member-level ids and references between blocks (shared ones stay)."""
        for name, maker in self._makers.items():
            if name not in _SHARED:
                maker.clear()
        for name, cache in self._refs.items():
            if name not in _SHARED:
                cache.clear()


_SHARED = frozenset({"Organization", "Practitioner", "PractitionerRole", "Location"})
