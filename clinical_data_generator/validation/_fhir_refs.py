"""Reference resolution and id uniqueness over a set of resources (FHIR R4 References §2.3.0).

A *scope* is a set of resources whose references must resolve among themselves: one Bundle,
or the NDJSON files of one folder (a Bulk Data export), or the single-resource files of one
folder. Each resource is registered with where it was found so errors can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from ._fhir_models import is_resource_type
from ._fhir_walk import Ref

__all__ = ["Finding", "Origin", "Scope", "parse_reference"]

REFS = "references"
IDS = "unique-ids"

_ID = r"[A-Za-z0-9\-\.]{1,64}"
_LITERAL = re.compile(rf"^(?:(.*?)/)?([A-Z][A-Za-z]+)/({_ID})(?:/_history/({_ID}))?$")


@attrs.frozen
class Origin:
    """Where a resource sits: the index of its file's report and e.g. ``line 3`` or ``entry 2``."""

    file: int
    where: str
    label: str  # "Patient/p1"
    file_name: str = ""

    def text(self) -> str:
        """``line 3 Patient/p1``: the prefix of every message about this resource."""
        return f"{self.where} {self.label}".strip()


@attrs.frozen
class Finding:
    """An error attributed to one file: its report index, the message and the check's name."""

    file: int
    message: str
    check: str


@attrs.frozen
class Target:
    """A resource a reference can point at."""

    kind: str
    origin: Origin
    method: str | None = None  # Bundle.entry.request.method of its entry, if any


def parse_reference(reference: str) -> tuple[str | None, str, str] | None:
    """``(base or None, type, id)`` of a literal RESTful reference, or None for other forms."""
    found = _LITERAL.match(reference)
    if found is None:
        return None
    return found.group(1), found.group(2), found.group(3)


@attrs.define
class Scope:
    """Resources that must resolve each other's references, with their ids and pending refs.

    Attributes:
        name: What the scope is, used in messages (``this Bundle``, ``this Bulk export``).
        fallback: Whether unresolved ``Type/id`` references may resolve anywhere in the folder.
    """

    name: str
    fallback: bool = False
    by_id: dict[tuple[str, str], Target] = attrs.field(factory=dict)
    by_url: dict[str, Target] = attrs.field(factory=dict)
    pending: list[tuple[Origin, Ref]] = attrs.field(factory=list)
    findings: list[Finding] = attrs.field(factory=list)

    def add(
        self,
        resource: Mapping[str, Any],
        origin: Origin,
        *,
        full_url: str | None = None,
        method: str | None = None,
    ) -> None:
        """Register a resource; a second resource with the same type and id is an error."""
        kind = str(resource.get("resourceType"))
        rid = resource.get("id")
        target = Target(kind, origin, method)
        if isinstance(rid, str):
            key = (kind, rid)
            first = self.by_id.get(key)
            if first is not None:
                self.findings.append(
                    Finding(
                        origin.file,
                        f"{origin.text()}: id {kind}/{rid} is used twice in {self.name} "
                        f"(first in {first.origin.file_name} {first.origin.where}".rstrip()
                        + ")",
                        IDS,
                    )
                )
            else:
                self.by_id[key] = target
        if full_url is not None:
            self.by_url.setdefault(full_url, target)

    def refer(self, origin: Origin, ref: Ref) -> None:
        """Queue a reference made by the resource at ``origin``."""
        self.pending.append((origin, ref))

    def resolve(self, folder: Mapping[tuple[str, str], Target]) -> list[Finding]:
        """Resolve queued references; return every problem found (including duplicate ids)."""
        found = list(self.findings)
        for origin, ref in self.pending:
            message = self._resolve_one(ref, folder)
            if message is not None:
                found.append(Finding(origin.file, f"{origin.text()} {ref.path}: {message}", REFS))
        return found

    def _resolve_one(self, ref: Ref, folder: Mapping[tuple[str, str], Target]) -> str | None:
        text = ref.reference
        target = self.by_url.get(text)
        parsed = parse_reference(text)
        if target is None and "?" in text:
            return (
                f"conditional reference {text} cannot be checked offline: use a literal reference"
            )
        if target is None and text.startswith(("urn:uuid:", "urn:oid:")):
            return f"{text} matches no fullUrl in {self.name}"
        if target is None and parsed is None:
            return f"{text!r} is not a literal reference (Type/id, a fullUrl or #id)"
        if target is None and parsed is not None:
            base, kind, rid = parsed
            if not is_resource_type(kind):
                return f"{text}: {kind} is not a FHIR resource type"
            if base is not None:
                return f"absolute reference {text} matches no fullUrl in {self.name}"
            target = self.by_id.get((kind, rid))
            if target is None and self.fallback:
                target = folder.get((kind, rid))
            if target is None:
                return f"{text} does not resolve in {self.name}"
            if target.method == "POST":
                # The server gives a POSTed resource a new id, so Type/id would dangle: refer
                # to the entry's fullUrl (Bundle transaction processing rules, R4 §3.1.0.11.2).
                return (
                    f"{text} is created by POST (the server assigns its id): refer to its fullUrl"
                )
        assert target is not None
        if ref.declared_type is not None and ref.declared_type != target.kind:
            return f"Reference.type is {ref.declared_type} but {text} is of type {target.kind}"
        if (
            ref.allowed is not None
            and "Resource" not in ref.allowed
            and target.kind not in ref.allowed
        ):
            allowed = " | ".join(sorted(ref.allowed))
            return f"{text} is of type {target.kind}; this element refers to {allowed}"
        return None
