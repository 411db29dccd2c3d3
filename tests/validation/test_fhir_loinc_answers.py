"""LOINC answer codes (LA...) are valid codes of the LOINC system; malformed ones are not."""

from __future__ import annotations

from clinical_data_generator.validation._fhir_codes import LOINC, code_problem


def test_answer_codes_are_accepted() -> None:
    """Positive / Negative answers (LA6576-8, LA6577-6) pass the code-system check."""
    assert code_problem(LOINC, "LA6576-8") is None
    assert code_problem(LOINC, "LA6577-6") is None


def test_malformed_codes_are_still_refused() -> None:
    """A term code with a wrong check digit, or a made-up prefix, is an error."""
    assert code_problem(LOINC, "4548-3") is not None
    assert code_problem(LOINC, "LX6576-8") is not None
