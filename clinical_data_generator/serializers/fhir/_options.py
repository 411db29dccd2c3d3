"""Options of the ``fhir-bundle`` format."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from ...errors import InvalidArgumentError

__all__ = ["MIN_BUNDLE_ENTRIES", "BundleOptions"]

#: The smallest ``max_entries`` accepted: a claim with everything it references fits in it.
MIN_BUNDLE_ENTRIES = 25


def _check_type(_: object, __: object, value: Any) -> None:
    if value not in ("transaction", "collection"):
        raise InvalidArgumentError("type", value, "'transaction' or 'collection'")


def _check_max(_: object, __: object, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < MIN_BUNDLE_ENTRIES:
        raise InvalidArgumentError(
            "max_entries", value, f"None (no limit) or an integer >= {MIN_BUNDLE_ENTRIES}"
        )


def _check_method(instance: BundleOptions, _: object, value: Any) -> None:
    if value not in (None, "POST", "PUT"):
        raise InvalidArgumentError("method", value, "None, 'POST' or 'PUT'")
    if value == "POST" and instance.max_entries is not None:
        raise InvalidArgumentError(
            "method",
            value,
            "'PUT' or None when max_entries is set (split Bundles repeat resources, "
            "which only PUT makes safe)",
        )


@attrs.frozen(kw_only=True)
class BundleOptions:
    """How ``fhir-bundle`` writes its Bundles.

    Args:
        type: ``"transaction"`` (default: entries carry ``request``, ready to POST to a
            server's base URL) or ``"collection"`` (no ``request``).
        max_entries: Split a household's Bundle into parts of at most this many entries
            (``None``: one Bundle per household). Every part carries what its resources
            reference, so parts use ``PUT`` entries.
        method: Request method of the household's own entries: ``"POST"`` (create; the
            default without ``max_entries``) or ``"PUT"`` (update by our deterministic id, so
            loading twice changes nothing; the default with ``max_entries``). Shared
            resources (organisations, practitioners, locations) always use ``PUT``.
        indent: Pretty-print the JSON (two spaces) instead of one line per Bundle.

    Example:
        >>> from clinical_data_generator.serializers.fhir import BundleOptions, FHIRBundleFormat
        >>> fmt = FHIRBundleFormat(options=BundleOptions(type="collection"))
        >>> fmt.name, fmt.options.entry_method()
        ('fhir-bundle', 'POST')
    """

    type: Literal["transaction", "collection"] = attrs.field(
        default="transaction", validator=_check_type
    )
    max_entries: int | None = attrs.field(default=None, validator=_check_max)
    method: Literal["POST", "PUT"] | None = attrs.field(default=None, validator=_check_method)
    indent: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    def entry_method(self) -> Literal["POST", "PUT"]:
        """The request method of household entries."""
        if self.method is not None:
            return self.method
        return "POST" if self.max_entries is None else "PUT"
