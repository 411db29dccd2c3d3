"""FHIR checks: fhir.resources (extra ``fhir``, R4B models) plus our own structural checks.

Every resource is validated with the fhir.resources R4B model of its type (fhir.resources 8.x
has no R4 4.0.1 models; the elements we emit are the same in R4 and R4B) and walked by our own
checks, which cover what the models do not: references resolve, ids are unique, Bundle and
transaction rules, no null or empty values, code system URIs and code formats, required
bindings and reference target types (from the models' metadata), Period and Range order,
a few R4 invariants and, where a resource declares a US Core profile, US Core shapes.

Files of one folder are checked together: the NDJSON files form one Bulk Data export whose
references resolve across files; each Bundle resolves its own references (relative ``Type/id``
ones may also resolve elsewhere in the folder); single-resource JSON or XML files resolve
among all resources of the folder. See docs/fhir/validation.md.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import orjson

from . import _fhir_models as fm
from ._fhir_bundle import bundle_problems, entries
from ._fhir_refs import Finding, Origin, Scope, Target
from ._fhir_rules import resource_problems
from ._fhir_walk import Problem, walk_resource
from ._fhir_xml import xml_to_json
from ._report import FileReport

__all__ = ["check_fhir_files"]

_MODEL_CHECK = "fhir.resources"
_OUR_CHECKS = (
    "no-empty-values",
    "code-systems",
    "references",
    "unique-ids",
    "period",
    "range",
    "invariants",
    "us-core",
)


@attrs.define
class _File:
    path: Path
    kind: str
    errors: list[str] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    checks: list[str] = attrs.field(factory=list)
    types: Counter[str] = attrs.field(factory=Counter)


def _label(resource: Mapping[str, Any]) -> str:
    kind = resource.get("resourceType")
    rid = resource.get("id")
    kind_text = kind if isinstance(kind, str) else "(no resourceType)"
    return f"{kind_text}/{rid}" if isinstance(rid, str) else kind_text


def _line(origin: Origin, path: str, message: str, check: str) -> str:
    where = origin.text()
    if path:
        where = f"{where} {path}".strip()
    return f"{check}: {where}: {message}" if where else f"{check}: {message}"


class _Run:
    """The state of one ``check_fhir_files`` call: files, scopes and the folder-wide id index."""

    def __init__(self, files: Sequence[tuple[Path, str]]) -> None:
        self.files = [_File(path, kind) for path, kind in files]
        self.have_models = fm.models() is not None
        self.cache = fm.ElementCache()
        self.ndjson = Scope("this Bulk export")
        self.singles = Scope("this folder", fallback=True)
        self.bundles: list[Scope] = []
        # Bundle entries by Type/id across the folder's Bundles: content digest and first place.
        self.entries_seen: dict[tuple[str, str], tuple[bytes, str | None, Origin]] = {}

    # -- one resource -----------------------------------------------------------------------
    def check_resource(self, resource: Mapping[str, Any], origin: Origin, scope: Scope) -> None:
        """Validate one resource (a Bundle with its entries); its references go to ``scope``."""
        out = self.files[origin.file]
        kind = resource.get("resourceType")
        out.types[str(kind)] += 1
        if kind == "Bundle":
            self.check_bundle(resource, origin)
            return
        cls = fm.model_class(kind) if isinstance(kind, str) and fm.is_resource_type(kind) else None
        if cls is not None:
            for path, message in fm.validation_errors(resource, cls, self.cache):
                out.errors.append(_line(origin, path, message, _MODEL_CHECK))
        walk = walk_resource(resource)
        self.report(origin, walk.problems)
        self.report(origin, resource_problems(resource))
        for ref in walk.refs:
            scope.refer(origin, ref)

    def report(self, origin: Origin, problems: Sequence[Problem]) -> None:
        errors = self.files[origin.file].errors
        errors.extend(_line(origin, p.path, p.message, p.check) for p in problems)

    def check_bundle(self, bundle: Mapping[str, Any], origin: Origin) -> None:
        """The Bundle's own structure, then each entry's resource within the Bundle's scope."""
        out = self.files[origin.file]
        raw_entries = bundle.get("entry")
        if self.have_models:
            shell = dict(bundle)
            if isinstance(raw_entries, list):
                # Entries' resources are validated one by one, so errors name the entry.
                shell["entry"] = [
                    {k: v for k, v in e.items() if k != "resource"} if isinstance(e, dict) else e
                    for e in raw_entries
                ]
            cls = fm.model_class("Bundle")
            for path, message in fm.validation_errors(shell, cls, self.cache):
                out.errors.append(_line(origin, path, message, _MODEL_CHECK))
        walk = walk_resource(bundle, skip_entry_resources=True)
        self.report(origin, walk.problems)
        self.report(origin, bundle_problems(bundle, check_type_code=not self.have_models))
        scope = Scope("this Bundle", fallback=True)
        self.bundles.append(scope)
        for ref in walk.refs:
            scope.refer(origin, ref)
        prefix = f"{origin.where} " if origin.where else ""
        for i, entry in enumerate(entries(bundle)):
            resource = entry.get("resource")
            if not isinstance(resource, dict):
                continue
            request = entry.get("request")
            method = request.get("method") if isinstance(request, dict) else None
            url = entry.get("fullUrl")
            where = f"{prefix}entry {i}"
            entry_origin = Origin(origin.file, where, _label(resource), origin.file_name)
            self.check_resource(resource, entry_origin, scope)
            self.compare_across_bundles(resource, entry_origin, method)
            scope.add(
                resource,
                entry_origin,
                full_url=url if isinstance(url, str) else None,
                method=method if isinstance(method, str) else None,
            )

    def compare_across_bundles(
        self, resource: Mapping[str, Any], origin: Origin, method: Any
    ) -> None:
        """The same Type/id in two Bundles must be the same resource, and not POSTed twice.

        Shared resources (payers, practitioners) may appear in every household Bundle with
        PUT; a server then keeps one version, so the copies must agree. Two POSTs of one
        resource would create it twice.
        """
        rid = resource.get("id")
        if not isinstance(rid, str):
            return
        key = (str(resource.get("resourceType")), rid)
        digest = hashlib.sha256(
            orjson.dumps(resource, option=orjson.OPT_SORT_KEYS, default=str)
        ).digest()
        first = self.entries_seen.setdefault(key, (digest, method, origin))
        if first[2] is origin or first[2].file == origin.file:
            return
        place = f"{first[2].file_name} {first[2].where}"
        if first[0] != digest:
            message = f"differs from {key[0]}/{rid} in {place} (same id, different content)"
        elif "POST" in (method, first[1]):
            message = f"is also in {place}: POSTing it twice creates it twice"
        else:
            return
        self.files[origin.file].errors.append(_line(origin, "", message, "unique-ids"))

    # -- files ------------------------------------------------------------------------------
    def load_ndjson(self, index: int) -> None:
        out = self.files[index]
        stem = out.path.name.split(".", 1)[0]
        expected = stem if fm.is_resource_type(stem) else None
        with out.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                line = raw.rstrip(b"\r\n")
                where = f"line {number}"
                if not line.strip():
                    out.errors.append(
                        f"ndjson: {where}: blank line (NDJSON has one resource per line)"
                    )
                    continue
                try:
                    resource = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    out.errors.append(f"json: {where}: not JSON: {exc}")
                    continue
                if not isinstance(resource, dict) or "resourceType" not in resource:
                    out.errors.append(f"json: {where}: not a FHIR resource (no resourceType)")
                    continue
                origin = Origin(index, where, _label(resource), out.path.name)
                kind = resource.get("resourceType")
                if expected is not None and kind != expected:
                    out.errors.append(
                        _line(origin, "", f"resource of type {kind} in {out.path.name}", "ndjson")
                    )
                if not isinstance(resource.get("id"), str):
                    # Bulk Data resources carry their server ids; references need them.
                    out.errors.append(_line(origin, "", "no id", "ndjson"))
                self.check_resource(resource, origin, self.ndjson)
                self.ndjson.add(resource, origin)

    def load_document(self, index: int) -> None:
        out = self.files[index]
        data = out.path.read_bytes()
        resource: Any
        if out.kind == "fhir-xml":
            resource, problems = xml_to_json(data)
            label = _label(resource) if resource is not None else ""
            self.report(Origin(index, "", label, out.path.name), problems)
        else:
            try:
                resource = orjson.loads(data)
            except orjson.JSONDecodeError as exc:
                out.errors.append(f"json: not JSON: {exc}")
                return
        if not isinstance(resource, dict) or "resourceType" not in resource:
            if resource is not None:
                out.errors.append("json: not a FHIR resource (no resourceType)")
            return
        origin = Origin(index, "", _label(resource), out.path.name)
        self.check_resource(resource, origin, self.singles)
        self.singles.add(resource, origin)
        if resource.get("resourceType") == "Bundle":
            out.notes.append(
                f"Bundle type {resource.get('type')}, {len(entries(resource))} entries"
            )

    # -- the run ----------------------------------------------------------------------------
    def run(self) -> list[FileReport]:
        for index, state in enumerate(self.files):
            state.checks.extend(self.checks_for(state.kind))
            state.notes.append(fm.R4B_NOTE if self.have_models else fm.missing_note())
            try:
                if state.kind == "fhir-ndjson":
                    self.load_ndjson(index)
                else:
                    self.load_document(index)
            except (OSError, UnicodeDecodeError) as exc:
                state.errors.append(f"read: cannot read: {exc}")
        folder: dict[tuple[str, str], Target] = {}
        for scope in (self.ndjson, self.singles, *self.bundles):
            for key, target in scope.by_id.items():
                folder.setdefault(key, target)
        findings: list[Finding] = []
        for scope in (self.ndjson, self.singles, *self.bundles):
            findings.extend(scope.resolve(folder))
        for finding in findings:
            self.files[finding.file].errors.append(f"{finding.check}: {finding.message}")
        return [self.finish(state) for state in self.files]

    def checks_for(self, kind: str) -> list[str]:
        found = ["ndjson" if kind == "fhir-ndjson" else "xml" if kind == "fhir-xml" else "json"]
        if self.have_models:
            found += [_MODEL_CHECK, "code-bindings", "reference-types"]
        found += list(_OUR_CHECKS)
        if kind != "fhir-ndjson":
            found.append("bundle")
        return found

    @staticmethod
    def finish(state: _File) -> FileReport:
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(state.types.items()))
        total = sum(state.types.values())
        notes = [*state.notes, f"{total} resources" + (f" ({counts})" if counts else "")]
        return FileReport(
            str(state.path), state.kind, tuple(state.checks), tuple(state.errors), tuple(notes)
        )


def check_fhir_files(files: Sequence[tuple[Path, str]]) -> list[FileReport]:
    """Validate FHIR files of one folder together; one report per file, in the given order.

    Args:
        files: ``(path, kind)`` pairs, kind being ``fhir-json`` (a resource or a Bundle),
            ``fhir-ndjson`` (one resource per line; the folder's NDJSON files form one Bulk
            Data export) or ``fhir-xml`` (a resource or a Bundle in FHIR XML).

    Returns:
        One :class:`FileReport` per file. Each error line reads
        ``<check>: <where> <Type>/<id> <element>: <message>``, ``where`` being ``line N``
        for NDJSON and ``entry N`` inside a Bundle.
    """
    return _Run(files).run()
