"""Exceptions raised by clinical-data-generator.

Every error the library raises on purpose derives from :class:`ClinicalDataError`, so a
test suite can catch them all in one place::

    ClinicalDataError
     +-- InvalidArgumentError   (also a ValueError)   bad option: names it, its value, what is allowed
     +-- MissingDependencyError (also an ImportError) an optional extra is not installed
     +-- OutputError            (also an OSError)     the output target cannot be written
"""

from __future__ import annotations

__all__ = ["ClinicalDataError", "InvalidArgumentError", "MissingDependencyError", "OutputError"]


class ClinicalDataError(Exception):
    """Base class of every error raised on purpose by clinical-data-generator."""


class InvalidArgumentError(ClinicalDataError, ValueError):
    """An option has a value outside what is allowed.

    Attributes:
        argument: The option's name as the Python API spells it (e.g. ``members``).
        value: The rejected value.
        allowed: A short description of the allowed values.
    """

    def __init__(self, argument: str, value: object, allowed: str) -> None:
        self.argument = argument
        self.value = value
        self.allowed = allowed
        super().__init__(f"{argument}={value!r} is not allowed: expected {allowed}")


class MissingDependencyError(ClinicalDataError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{package} is required for this feature: "
            f'pip install "clinical-data-generator[{extra}]"'
        )


class OutputError(ClinicalDataError, OSError):
    """The output target cannot be written (nothing partial is left behind)."""
