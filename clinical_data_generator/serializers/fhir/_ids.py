"""Deterministic resource ids: RFC 4122 version-5 UUIDs of (seed, resource type, table key).

``Resource.id`` is ``uuid5(NAMESPACE, f"{seed}/{ResourceType}/{key}")`` where ``key`` is the row's
table key (``member_id``, ``claim_id``, ...). The same population always gets the same ids, two
seeds never share one, and any writer can compute the id a reference points to from the key
alone, without a join. The id doubles as the ``urn:uuid`` fullUrl inside Bundles.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

__all__ = ["NAMESPACE", "IdMaker", "resource_id"]

#: The uuid5 namespace of every id this package writes (itself uuid5 of the project URL).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://clinical-data-generator.example.org/fhir")
_NS = NAMESPACE.bytes
_VARIANT = "89ab89ab89ab89ab"  # RFC 4122 variant: top two bits of octet 8 are 10


def resource_id(seed: int, resource_type: str, key: str) -> str:
    """The id of the ``resource_type`` resource built from table key ``key``.

    Equal to ``str(uuid.uuid5(NAMESPACE, f"{seed}/{resource_type}/{key}"))``, computed without
    building ``UUID`` objects.
    """
    h = hashlib.sha1(_NS + f"{seed}/{resource_type}/{key}".encode()).hexdigest()
    # Version nibble 5 (octet 6) and the RFC 4122 variant (octet 8), as uuid.uuid5 sets them.
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[int(h[16], 16)]}{h[17:20]}-{h[20:32]}"


class IdMaker:
    """Ids of one resource type for one seed, memoised (references repeat the same keys)."""

    __slots__ = ("_cache", "_prefix")

    def __init__(self, seed: int, resource_type: str) -> None:
        self._prefix = _NS + f"{seed}/{resource_type}/".encode()
        self._cache: dict[str, str] = {}

    def one(self, key: str) -> str:
        """The id for one key."""
        found = self._cache.get(key)
        if found is None:
            h = hashlib.sha1(self._prefix + key.encode()).hexdigest()
            found = f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[int(h[16], 16)]}{h[17:20]}-{h[20:32]}"
            self._cache[key] = found
        return found

    def many(self, keys: Iterable[str]) -> list[str]:
        """Ids for many keys, in order."""
        one = self.one
        return [one(k) for k in keys]

    def clear(self) -> None:
        """Forget memoised ids (between blocks, so memory stays flat)."""
        self._cache.clear()
