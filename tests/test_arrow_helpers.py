"""The fast Arrow column builders agree with Arrow's own kernels, nulls and edge cases included."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from clinical_data_generator._internal import arrow

IDS = pa.array(["E00000000001", "E00000000002", "E00000000003", "E00000000004"])
RAGGED = pa.array(["a", "bb", "", "dddd"])


def test_fixed_width_of_tells_fixed_from_ragged_and_nullable() -> None:
    assert arrow.fixed_width_of(IDS) == 12
    assert arrow.fixed_width_of(IDS.slice(1, 2)) == 12
    assert arrow.fixed_width_of(RAGGED) is None
    # Same total length as a fixed width of 2, but ragged.
    assert arrow.fixed_width_of(pa.array(["a", "bbb", "cc"])) is None
    assert arrow.fixed_width_of(pa.array(["ab", None])) is None
    assert arrow.fixed_width_of(pa.array([], pa.string())) is None
    assert arrow.fixed_width_of(pa.array(["", ""])) == 0
    assert arrow.fixed_width_of(pa.array([1, 2])) is None


@pytest.mark.parametrize("values", [IDS, IDS.slice(1, 3), RAGGED, pa.array(["x", None, "z"])])
def test_take_matches_arrow(values: pa.Array) -> None:
    index = np.array([len(values) - 1, 0, 0, len(values) - 1])
    expected = values.take(pa.array(index))
    got = arrow.take(values, index)
    got.validate(full=True)
    assert got.equals(expected)


def test_take_rejects_out_of_bounds_positions() -> None:
    with pytest.raises(IndexError):
        arrow.take(IDS, np.array([0, 4]))
    with pytest.raises(IndexError):
        arrow.take(IDS, np.array([-1]))
    assert len(arrow.take(IDS, np.zeros(0, np.int64))) == 0


def test_join_fixed_width_matches_arrow_kernel() -> None:
    codes = pa.array(["-A1", "-A2", "-A1", "-A2"])
    got = arrow.join(IDS, codes, "x", sep="|")
    got.validate(full=True)
    assert got.equals(pc.binary_join_element_wise(IDS, codes, "x", "|"))
    assert arrow.join(RAGGED, "-D").to_pylist() == ["a-D", "bb-D", "-D", "dddd-D"]
    assert arrow.join(pa.array(["ab", None]), "c").to_pylist() == ["abc", None]


def test_when_and_optional_share_buffers_and_match_if_else() -> None:
    mask = np.array([True, False, True, False])
    for values in (IDS, RAGGED, pa.array([1, None, 3, 4]), arrow.cents_to_money(np.arange(4))):
        got = arrow.when(mask, values)
        got.validate(full=True)
        assert got.equals(pc.if_else(pa.array(mask), values, pa.scalar(None, values.type)))
    rows = np.array([2, -1, 0, 3, -1])
    for values in (IDS, RAGGED):
        got = arrow.optional(values, rows)
        got.validate(full=True)
        expected = values.take(pa.array(np.maximum(rows, 0), mask=rows < 0))
        assert got.equals(expected)
    assert arrow.optional(IDS, np.full(3, -1)).null_count == 3


def test_when_falls_back_for_sliced_and_nested_arrays() -> None:
    mask = np.array([False, True])
    assert arrow.when(mask, IDS.slice(2, 2)).to_pylist() == [None, "E00000000004"]
    nested = pa.array([[1], [2, 3]])
    assert arrow.when(mask, nested).to_pylist() == [None, [2, 3]]


def test_cents_to_money_is_exact_with_negatives_and_nulls() -> None:
    cents = np.array([0, 1, -1, 123456, -98765432100])
    mask = np.array([False, False, True, False, False])
    got = arrow.cents_to_money(cents, mask)
    got.validate(full=True)
    assert got.to_pylist() == [
        Decimal("0.00"),
        Decimal("0.01"),
        None,
        Decimal("1234.56"),
        Decimal("-987654321.00"),
    ]
