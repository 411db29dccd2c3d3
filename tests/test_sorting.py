"""stable_order agrees with numpy's lexsort, wide keys and dates included."""

from __future__ import annotations

import numpy as np
import pytest

from clinical_data_generator._internal.sorting import packed_key, run_ranks, stable_order


@pytest.mark.parametrize("size", [0, 1, 7, 5000])
def test_stable_order_matches_lexsort(size: int) -> None:
    rng = np.random.default_rng(size)
    member = np.sort(rng.integers(0, 300, size))
    day = np.datetime64("2024-01-01") + rng.integers(-400, 400, size).astype("timedelta64[D]")
    kind = rng.integers(-3, 3, size)  # negative values are shifted, not misordered
    flag = rng.random(size) < 0.5
    got = stable_order(member, day, kind, flag)
    expected = np.lexsort((flag, kind, day.astype(np.int64), member))
    assert np.array_equal(got, expected)


def test_stable_order_falls_back_when_keys_do_not_fit_in_63_bits() -> None:
    rng = np.random.default_rng(1)
    wide = rng.integers(0, 2**40, 1000)
    other = rng.integers(0, 2**30, 1000)
    assert np.array_equal(stable_order(wide, other), np.lexsort((other, wide)))


def test_stable_order_rejects_floats_and_no_keys() -> None:
    with pytest.raises(TypeError, match="integers"):
        stable_order(np.array([0.5]))
    with pytest.raises(ValueError):
        stable_order()


def test_packed_key_groups_rows_like_the_keys() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 5, 500), rng.integers(-2, 3, 500)
    key = packed_key(a, b)
    assert key is not None
    pairs = list(zip(a.tolist(), b.tolist(), strict=True))
    for i in range(0, 500, 7):
        for j in range(0, 500, 11):
            assert (key[i] == key[j]) == (pairs[i] == pairs[j])
            assert (key[i] < key[j]) == (pairs[i] < pairs[j])
    assert packed_key(rng.integers(0, 2**40, 3), rng.integers(0, 2**30, 3)) is None
    assert packed_key(np.zeros(0, np.int64)).size == 0


@pytest.mark.parametrize("size", [0, 1, 2, 6000])
def test_run_ranks_count_within_runs_of_sorted_keys(size: int) -> None:
    keys = np.sort(np.random.default_rng(size).integers(0, 50, size))
    expected = np.arange(size) - np.searchsorted(keys, keys, side="left")
    assert np.array_equal(run_ranks(keys), expected)
    assert run_ranks(np.array([4, 4, 1, 1, 1, 4])).tolist() == [0, 1, 0, 1, 2, 0]
