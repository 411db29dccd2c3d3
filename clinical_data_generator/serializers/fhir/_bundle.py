"""``fhir-bundle``: one Bundle per subscriber household, every reference resolvable inside it.

Entries have ``urn:uuid:<id>`` fullUrls and every reference inside the Bundle is such a urn, so
a FHIR server rewrites them to the ids it assigns (https://hl7.org/fhir/R4/http.html#trules).

Shared resources (Organization, Practitioner, PractitionerRole, Location) that the household's
resources reference, directly or through each other, are included in the same Bundle as
``PUT <Type>/<id>`` entries: loading many Bundles then creates each shared resource once and
updates it with identical content afterwards, instead of duplicating it. Household resources
are ``POST <Type>`` by default (``BundleOptions.method``).

With ``BundleOptions.max_entries`` a large household is split into several Bundles; each part
carries everything its resources reference (their own records, e.g. the Patient, and shared
resources), so a resource may appear in several parts. That is safe only with ``PUT``, which
is therefore what split Bundles use for every entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from ...errors import InvalidArgumentError
from .._registry import DocumentSink
from ._build import build_block, build_reference, gc_paused
from ._context import Context
from ._ids import resource_id
from ._options import BundleOptions
from ._values import Resource, column, dumps, dumps_indented

__all__ = ["BundleWriter", "references"]

_URN = "urn:uuid:"


def references(value: Any, out: list[str]) -> list[str]:
    """Append every ``Reference.reference`` found anywhere in ``value`` to ``out``."""
    if isinstance(value, dict):
        ref = value.get("reference")
        if isinstance(ref, str):
            out.append(ref)
        for child in value.values():
            if isinstance(child, (dict, list)):
                references(child, out)
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, (dict, list)):
                references(child, out)
    return out


def _targets(resource: Resource) -> list[str]:
    """Ids referenced by ``resource`` (urn:uuid references), in first-seen order."""
    found = references(resource, [])
    return list(dict.fromkeys(r[len(_URN) :] for r in found if r.startswith(_URN)))


class BundleWriter:
    """Renders each household of each block as one (or, when split, several) Bundle files."""

    def __init__(
        self,
        sink: DocumentSink,
        reference: Mapping[str, pa.Table],
        info: Mapping[str, object],
        options: BundleOptions,
    ) -> None:
        self._sink = sink
        self._options = options
        self._ctx = Context.from_info(info, reference, bundle=True)
        # Shared resources by id: (position, type, resource, ids it references).
        self._shared: dict[str, tuple[int, str, Resource, list[str]]] = {}
        for s in build_reference(reference, self._ctx):
            for r in s.resources:
                self._shared[r["id"]] = (len(self._shared), s.resource_type, r, _targets(r))
        self._method = options.entry_method()

    def write_block(self, tables: Mapping[str, pa.Table]) -> None:
        """Write the Bundles of every household in the block, in member-table order."""
        with gc_paused():
            self._write_block(tables)

    def _write_block(self, tables: Mapping[str, pa.Table]) -> None:
        sets = build_block(tables, self._ctx)
        household: dict[str, str] = {}
        if "members" in tables:
            members = tables["members"]
            household = dict(
                zip(
                    column(members, "member_id"),
                    column(members, "subscriber_member_id"),
                    strict=True,
                )
            )
        groups: dict[str, list[tuple[str, Resource]]] = {
            h: [] for h in dict.fromkeys(household.values())
        }
        for s in sets:
            assert s.members is not None
            for r, member in zip(s.resources, s.members, strict=True):
                groups.setdefault(household.get(member, member), []).append((s.resource_type, r))
        for name, entries in groups.items():
            if entries:
                self._household(name, entries)

    def close(self) -> None:
        """Nothing to finish: every Bundle is complete when written."""

    # -- one household ---------------------------------------------------------------------------

    def _household(self, name: str, entries: list[tuple[str, Resource]]) -> None:
        own = {r["id"]: i for i, (_, r) in enumerate(entries)}
        direct = [_targets(r) for _, r in entries]
        for targets in direct:
            for t in targets:
                if t not in own and t not in self._shared:
                    raise ValueError(f"household {name}: reference to {t} cannot be resolved")
        limit = self._options.max_entries
        if limit is None:
            chunks = [
                (list(range(len(entries))), self._shared_closure(t for d in direct for t in d))
            ]
        else:
            chunks = self._split(entries, own, direct, limit)
        for part, (rows, shared) in enumerate(chunks, start=1):
            label = name if len(chunks) == 1 else f"{name}-{part}"
            self._write(label, [entries[i] for i in rows], shared)

    def _shared_closure(self, ids: Iterable[str]) -> list[str]:
        """The shared resources among ``ids`` and everything they reference, in output order."""
        seen: set[str] = set()
        todo = [i for i in ids if i in self._shared]
        while todo:
            rid = todo.pop()
            if rid not in seen:
                seen.add(rid)
                todo.extend(self._shared[rid][3])
        return sorted(seen, key=lambda i: self._shared[i][0])

    def _split(
        self,
        entries: list[tuple[str, Resource]],
        own: dict[str, int],
        direct: list[list[str]],
        limit: int,
    ) -> list[tuple[list[int], list[str]]]:
        """Greedy parts of at most ``limit`` entries, each closed under references."""
        closures: list[tuple[set[int], set[str]]] = []
        for i in range(len(entries)):
            rows, todo = {i}, [i]
            while todo:
                for t in direct[todo.pop()]:
                    j = own.get(t)
                    if j is not None and j not in rows:
                        rows.add(j)
                        todo.append(j)
            shared = set(self._shared_closure(t for j in rows for t in direct[j]))
            if len(rows) + len(shared) > limit:
                raise InvalidArgumentError(
                    "max_entries",
                    limit,
                    f"at least {len(rows) + len(shared)}: {entries[i][0]} {entries[i][1]['id']} "
                    "and the resources it references need that many entries",
                )
            closures.append((rows, shared))
        parts: list[tuple[set[int], set[str]]] = []
        rows_now: set[int] = set()
        shared_now: set[str] = set()
        for i in range(len(entries)):
            need_rows, need_shared = closures[i]
            grown = len(rows_now | need_rows) + len(shared_now | need_shared)
            if grown > limit:
                parts.append((rows_now, shared_now))
                rows_now, shared_now = set(), set()
            rows_now |= need_rows
            shared_now |= need_shared
        parts.append((rows_now, shared_now))
        return [
            (sorted(rows), sorted(shared, key=lambda s: self._shared[s][0]))
            for rows, shared in parts
        ]

    def _write(self, label: str, entries: list[tuple[str, Resource]], shared: list[str]) -> None:
        transaction = self._options.type == "transaction"
        out: list[Resource] = []
        for rid in shared:
            _, kind, resource, _ = self._shared[rid]
            entry: Resource = {"fullUrl": _URN + rid, "resource": resource}
            if transaction:
                entry["request"] = {"method": "PUT", "url": f"{kind}/{rid}"}
            out.append(entry)
        for kind, resource in entries:
            rid = resource["id"]
            entry = {"fullUrl": _URN + rid, "resource": resource}
            if transaction:
                url = kind if self._method == "POST" else f"{kind}/{rid}"
                entry["request"] = {"method": self._method, "url": url}
            out.append(entry)
        bundle = {
            "resourceType": "Bundle",
            "id": resource_id(self._ctx.seed, "Bundle", label),
            "type": self._options.type,
            "entry": out,
        }
        data = dumps_indented(bundle) if self._options.indent else dumps(bundle)
        stream = self._sink.open(f"{label}.json")
        stream.write(data + b"\n")
        # One file per household: close it now, or a large population runs out of file
        # descriptors. The sink's streams keep their size and hash after closing, and closing
        # again at the end of the run is a no-op.
        close = getattr(stream, "close", None)
        if close is not None:
            close()
