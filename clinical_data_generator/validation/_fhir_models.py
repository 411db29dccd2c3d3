"""Access to the fhir.resources R4B models: import guard, cached field facts, compact errors.

fhir.resources 8.x ships R5 (the default), R4B (4.3.0) and STU3 models but no R4 (4.0.1).
The resources we emit use only elements whose names, types and cardinalities are the same in
R4 and R4B, so the R4B models are the closest independent check available.
"""

from __future__ import annotations

import functools
import importlib
import typing
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import attrs

from ..errors import MissingDependencyError

__all__ = [
    "R4B_NOTE",
    "ElementCache",
    "FieldSpec",
    "element_order",
    "field_specs",
    "is_resource_type",
    "missing_note",
    "model_class",
    "models",
    "validation_errors",
]

R4B_NOTE = "validated with fhir.resources R4B models; R4 and R4B elements we emit are the same"


@functools.cache
def models() -> ModuleType | None:
    """The ``fhir.resources.R4B`` package, or None when the ``fhir`` extra is not installed."""
    try:
        return importlib.import_module("fhir.resources.R4B")
    except ImportError:
        return None


def missing_note() -> str:
    """The note written into every report when fhir.resources cannot be imported."""
    return f"{MissingDependencyError('fhir.resources', 'fhir')}; only our own checks ran"


@functools.cache
def model_class(name: str) -> Any | None:
    """The R4B model class called ``name`` (resource, data type or backbone element), or None."""
    package = models()
    if package is None:
        return None
    try:
        return package.get_fhir_model_class(name)
    except (ValueError, AttributeError):
        return None


@functools.cache
def is_resource_type(name: str) -> bool:
    """True when ``name`` is a concrete FHIR resource type (not a data type, not abstract)."""
    if name in ("Resource", "DomainResource") or not name[:1].isupper():
        return False
    cls = model_class(name)
    if cls is None:
        # Without the models we can only check the shape of the name.
        return models() is None and name.isalpha()
    return bool(cls.has_resource_base())


@attrs.frozen
class FieldSpec:
    """What the model says about one element, as needed by our walks.

    Attributes:
        is_list: The element repeats (JSON array, repeated XML element).
        primitive: The FHIR primitive type (``code``, ``boolean``, ...) or None for complex types.
        model: The model class of a complex element (None for primitives and resources).
        is_resource: The element holds a whole resource (``contained``, ``Bundle.entry.resource``).
        enum: Allowed codes of a ``code`` element with a required binding, or None.
        ref_types: Allowed target resource types of a Reference element, or None.
    """

    is_list: bool
    primitive: str | None
    model: Any
    is_resource: bool
    enum: frozenset[str] | None
    ref_types: frozenset[str] | None


def _complex_model(annotation: Any) -> Any:
    """The model class behind a complex field annotation such as ``List[abc.HumanNameType] | None``."""
    get_klass = getattr(annotation, "get_model_klass", None)
    if get_klass is not None:
        return get_klass()
    for arg in typing.get_args(annotation):
        found = _complex_model(arg)
        if found is not None:
            return found
    return None


@functools.cache
def field_specs(cls: Any) -> Mapping[str, FieldSpec]:
    """Field facts of one model class, keyed by the JSON element name (cached per class)."""
    from fhir_core.utils import get_fhir_type_name, is_list_type, is_primitive_type

    specs: dict[str, FieldSpec] = {}
    for name, info in cls.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if name.endswith("__ext") or not extra.get("element_property", False):
            continue
        primitive: str | None = None
        child: Any = None
        if is_primitive_type(info):
            try:
                primitive = str(get_fhir_type_name(info))
            except ValueError:
                primitive = "string"
        else:
            child = _complex_model(info.annotation)
        is_resource = child is not None and child.__name__ in ("Resource", "DomainResource")
        enum = extra.get("enum_values")
        refs = extra.get("enum_reference_types")
        specs[info.alias or name] = FieldSpec(
            is_list=bool(is_list_type(info)),
            primitive=primitive,
            model=None if is_resource else child,
            is_resource=is_resource,
            enum=frozenset(enum) if isinstance(enum, list) and primitive == "code" else None,
            ref_types=frozenset(refs) if isinstance(refs, list) and refs else None,
        )
    return specs


@functools.cache
def element_order(cls: Any) -> Mapping[str, int]:
    """Position of each element name in the specification order (XML must follow it)."""
    return {name: i for i, name in enumerate(cls.elements_sequence())}


def _loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class ElementCache:
    """Validated model instances of complex elements, keyed by their canonical JSON.

    Generated resources repeat most of their elements (codings, categories, shared
    references): in a sample of ExplanationOfBenefit resources 85% of the nested objects had
    been seen before. fhir.resources validates every nested object through Python code, so
    validating a repeated element once and passing the validated instance in its place (a
    model instance is an accepted input for a model-typed field) saves most of the time.
    Elements that fail are left as dicts, so the full validation reports them at their path.
    The cache lives for one validation run and is emptied when it grows large.
    """

    MAX_ENTRIES = 20_000
    MAX_KEY = 2_048  # bytes of canonical JSON; bigger elements rarely repeat

    def __init__(self) -> None:
        self.instances: dict[tuple[Any, bytes], Any] = {}

    def prepare(self, value: Mapping[str, Any], cls: Any) -> dict[str, Any]:
        """A copy of ``value`` whose valid complex elements are replaced by model instances."""
        specs = field_specs(cls)
        out: dict[str, Any] = {}
        for key, item in value.items():
            spec = specs.get(key)
            if spec is None or spec.model is None:
                out[key] = item  # primitives, _element extensions, resources, unknown names
            elif isinstance(item, dict):
                out[key] = self.element(item, spec.model)
            elif isinstance(item, list):
                out[key] = [self.element(x, spec.model) if isinstance(x, dict) else x for x in item]
            else:
                out[key] = item
        return out

    def element(self, value: dict[str, Any], cls: Any) -> Any:
        import orjson

        try:
            canonical = orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str)
        except TypeError:
            return value
        key = (cls, canonical)
        found = self.instances.get(key)
        if found is not None:
            return found
        prepared = self.prepare(value, cls)
        try:
            instance = cls.model_validate(prepared)
        except Exception:
            return prepared  # invalid: the whole resource's validation reports it in place
        if len(canonical) <= self.MAX_KEY:
            if len(self.instances) >= self.MAX_ENTRIES:
                self.instances.clear()
            self.instances[key] = instance
        return instance


def validation_errors(
    resource: Mapping[str, Any], cls: Any, cache: ElementCache | None = None
) -> list[tuple[str, str]]:
    """Validate one resource with its model; ``(element path, message)`` per problem found."""
    from pydantic import ValidationError

    try:
        cls.model_validate(cache.prepare(resource, cls) if cache is not None else resource)
    except ValidationError as exc:
        found: list[tuple[str, str]] = []
        for error in exc.errors(include_url=False):
            message = " ".join(str(error["msg"]).split())
            message = message.removeprefix("Value error, ")
            loc = tuple(p for p in error["loc"] if p != "resource_type")
            found.append((_loc(loc), message))
        return found
    except Exception as exc:  # fhir.resources raises KeyError etc. on some malformed input
        return [("", f"fhir.resources could not validate it: {type(exc).__name__}: {exc}")]
    return []
