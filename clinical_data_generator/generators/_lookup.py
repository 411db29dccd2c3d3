"""Small shared vocabularies of the generators."""

from __future__ import annotations

#: Lines of business, in the order used for integer codes inside the generators.
LINES_OF_BUSINESS = ("commercial", "individual", "medicare", "medicaid")
COMMERCIAL, INDIVIDUAL, MEDICARE, MEDICAID = range(4)
