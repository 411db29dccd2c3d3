"""Bundle rules: bdl-1..12 invariants, fullUrl form and transaction/batch requests (FHIR R4 Bundle)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ._fhir_refs import parse_reference
from ._fhir_walk import Problem

__all__ = ["BUNDLE_TYPES", "bundle_problems", "entries"]

CHECK = "bundle"
BUNDLE_TYPES = frozenset(
    {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    }
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"})
_UUID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_OID = re.compile(r"^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$")


def entries(bundle: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The Bundle's entries that are JSON objects (other shapes are reported by the walk)."""
    found = bundle.get("entry")
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def _full_url(entry: Mapping[str, Any], path: str) -> Iterator[Problem]:
    url = entry.get("fullUrl")
    if not isinstance(url, str):
        return
    if url.startswith("urn:uuid:") and not _UUID.match(url):
        yield Problem(
            f"{path}.fullUrl", f"{url} is not urn:uuid: and a lower-case RFC 4122 UUID", CHECK
        )
    elif url.startswith("urn:oid:") and not _OID.match(url):
        yield Problem(f"{path}.fullUrl", f"{url} is not a valid urn:oid:", CHECK)
    elif not url.startswith("urn:"):
        if "/_history/" in url:
            yield Problem(
                f"{path}.fullUrl", "bdl-8: fullUrl cannot be a version-specific reference", CHECK
            )
        resource = entry.get("resource")
        parsed = parse_reference(url)
        if parsed is None or parsed[0] is None:
            yield Problem(
                f"{path}.fullUrl", f"{url} is neither a urn nor an absolute RESTful URL", CHECK
            )
        elif isinstance(resource, dict):
            _, kind, rid = parsed
            if kind != resource.get("resourceType") or rid != resource.get("id"):
                # Bundle.entry.fullUrl: a RESTful fullUrl SHALL agree with the resource's type and id.
                yield Problem(
                    f"{path}.fullUrl",
                    f"{url} does not agree with the resource's type and id",
                    CHECK,
                )


def _request(entry: Mapping[str, Any], path: str) -> Iterator[Problem]:
    request = entry.get("request")
    if not isinstance(request, dict):
        return
    method, url = request.get("method"), request.get("url")
    if method is None:
        yield Problem(f"{path}.request.method", "missing: every request needs a method", CHECK)
    elif method not in METHODS:
        yield Problem(
            f"{path}.request.method",
            f"method {method!r} is not one of {', '.join(sorted(METHODS))}",
            CHECK,
        )
    if not isinstance(url, str):
        yield Problem(f"{path}.request.url", "missing: every request needs a url", CHECK)
        return
    resource = entry.get("resource")
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if method in ("POST", "PUT") and kind is None:
        yield Problem(path, f"a {method} entry needs a resource", CHECK)
    elif method == "POST" and url.split("?", 1)[0] != kind:
        yield Problem(
            f"{path}.request.url", f"POST url {url!r} should be the resource type {kind}", CHECK
        )
    elif method == "PUT" and "?" not in url:
        parsed = parse_reference(url)
        rid = resource.get("id") if isinstance(resource, dict) else None
        if parsed is None or parsed[0] is not None or parsed[1] != kind:
            yield Problem(f"{path}.request.url", f"PUT url {url!r} should be {kind}/<id>", CHECK)
        elif parsed[2] != rid:
            yield Problem(
                f"{path}.request.url",
                f"PUT url {url} does not match the resource id {rid!r}",
                CHECK,
            )


def bundle_problems(bundle: Mapping[str, Any], *, check_type_code: bool = True) -> list[Problem]:
    """Problems with a Bundle's own structure (its entries' resources are checked on their own).

    ``check_type_code`` is False when the models' required binding already checks Bundle.type.
    """
    found: list[Problem] = []
    kind = bundle.get("type")
    if kind not in BUNDLE_TYPES and check_type_code:
        found.append(
            Problem(
                "type",
                f"Bundle.type {kind!r} is not one of {', '.join(sorted(BUNDLE_TYPES))}",
                CHECK,
            )
        )
    if "total" in bundle and kind not in ("searchset", "history"):
        found.append(Problem("total", "bdl-1: total only when a search or history", CHECK))
    needs_request = kind in ("batch", "transaction", "history")
    needs_response = kind in ("batch-response", "transaction-response", "history")
    items = entries(bundle)
    seen_urls: dict[str, tuple[int, Any]] = {}
    for i, entry in enumerate(items):
        path = f"entry[{i}]"
        if "search" in entry and kind != "searchset":
            found.append(Problem(f"{path}.search", "bdl-2: entry.search only when a search", CHECK))
        if kind not in BUNDLE_TYPES:
            pass  # with an unknown type, bdl-3/bdl-4 would only repeat that error per entry
        elif needs_request != ("request" in entry):
            rule = (
                "needs request.method and request.url" if needs_request else "cannot have a request"
            )
            found.append(
                Problem(f"{path}.request", f"bdl-3: an entry of a {kind} Bundle {rule}", CHECK)
            )
        if kind in BUNDLE_TYPES and needs_response != ("response" in entry):
            rule = "needs a response" if needs_response else "cannot have a response"
            found.append(
                Problem(f"{path}.response", f"bdl-4: an entry of a {kind} Bundle {rule}", CHECK)
            )
        if not any(k in entry for k in ("resource", "request", "response")):
            found.append(
                Problem(path, "bdl-5: an entry has a resource, a request or a response", CHECK)
            )
        found.extend(_full_url(entry, path))
        found.extend(_request(entry, path))
        url = entry.get("fullUrl")
        if isinstance(url, str):
            resource = entry.get("resource")
            meta = resource.get("meta") if isinstance(resource, dict) else None
            version = meta.get("versionId") if isinstance(meta, dict) else None
            first = seen_urls.get(url)
            # bdl-7: fullUrl is unique unless the entries are different versions (or a history).
            if first is not None and kind != "history" and (version is None or version == first[1]):
                found.append(
                    Problem(
                        f"{path}.fullUrl", f"bdl-7: fullUrl {url} repeats entry[{first[0]}]", CHECK
                    )
                )
            else:
                seen_urls.setdefault(url, (i, version))
    found.extend(_document_and_message(bundle, kind, items))
    return found


def _document_and_message(
    bundle: Mapping[str, Any], kind: Any, items: list[Mapping[str, Any]]
) -> Iterator[Problem]:
    first = items[0].get("resource") if items else None
    first_type = first.get("resourceType") if isinstance(first, dict) else None
    if kind == "document":
        identifier = bundle.get("identifier")
        if not (isinstance(identifier, dict) and "system" in identifier and "value" in identifier):
            yield Problem(
                "identifier", "bdl-9: a document has an identifier with system and value", CHECK
            )
        if "timestamp" not in bundle:
            yield Problem("timestamp", "bdl-10: a document has a timestamp", CHECK)
        if first_type != "Composition":
            yield Problem("entry[0]", "bdl-11: a document starts with a Composition", CHECK)
    elif kind == "message" and first_type != "MessageHeader":
        yield Problem("entry[0]", "bdl-12: a message starts with a MessageHeader", CHECK)
