"""Row-wise Fisher (fisher_exact_rows) against fisher_exact and R 4.2 on 2 x k tables."""

from __future__ import annotations

import numpy as np
import pytest

from calcomics.methods.stats import contingency
from calcomics.methods.stats.contingency import fisher_exact, fisher_exact_rows

# fisher.test p-values printed by R 4.2.2 of 2 x k tables given as (first row, column totals)
# (tests/test_stats_contingency.py R_REFERENCE; the 5 x 2 tables there transposed).
R_REFERENCE = [
    ([8, 2, 3], [9, 7, 7], 0.0571470527050004),
    ([8, 2], [9, 7], 0.034965034965035),
    ([3, 1], [4, 4], 0.485714285714286),
    ([4, 31, 4, 24, 25], [31, 89, 40, 165, 184], 0.000354033712551677),
    ([4, 5, 4, 23, 25], [28, 17, 26, 163, 182], 0.533566971746779),
    ([0, 26, 0, 1, 0], [3, 72, 14, 2, 2], 0.0145418761894709),
]


def _p_each(first: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, list[str]]:
    results = [fisher_exact(np.stack([row, totals - row])) for row in first]
    return np.array([r.p_value for r in results]), [r.method for r in results]


@pytest.mark.parametrize(("first", "totals", "expected"), R_REFERENCE)
def test_rows_match_r(first, totals, expected):
    result = fisher_exact_rows(np.array([first]), np.array(totals))
    assert result.p_values[0] == pytest.approx(expected, rel=1e-12)
    assert list(result.methods) == ["exact"]


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_rows_agree_with_fisher_exact_on_random_tables(k):
    rng = np.random.default_rng(100 + k)
    worst = 0.0
    for trial in range(40):
        totals = rng.integers(0, 35 if k < 5 else 15, size=k)
        if trial % 4 == 0:
            totals[rng.integers(0, k)] = 0  # an empty group (R drops the column)
        n_rows = int(rng.integers(1, 25))
        rates = rng.random(n_rows)[:, None] * rng.uniform(0.3, 1.7, (n_rows, k))
        first = rng.binomial(totals[None, :], np.clip(rates, 0, 1))
        first[0] = 0  # nobody altered: p = 1
        if n_rows > 1:
            first[1] = totals  # everybody altered: p = 1
        result = fisher_exact_rows(first, totals)
        expected, methods = _p_each(first, totals)
        assert list(result.methods) == methods
        worst = max(worst, float(np.max(np.abs(result.p_values - expected) / expected)))
    assert worst <= 1e-12


def test_rows_with_cohort_sized_groups_agree_to_1e12():
    rng = np.random.default_rng(7)
    for totals in ([103, 213], [96, 110, 110], [60, 60, 60, 60]):
        totals = np.array(totals)
        first = rng.binomial(totals[None, :], rng.random((60, 1)) * 0.4)
        expected, _ = _p_each(first, totals)
        got = fisher_exact_rows(first, totals).p_values
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


def test_rows_keep_input_order_and_repeat_identical_tables():
    totals = np.array([10, 12, 9])
    first = np.array([[5, 1, 0], [0, 0, 0], [5, 1, 0], [2, 2, 2], [10, 12, 9]])
    result = fisher_exact_rows(first, totals)
    expected, _ = _p_each(first, totals)
    np.testing.assert_allclose(result.p_values, expected, rtol=1e-12, atol=0)
    assert result.p_values[0] == result.p_values[2]
    assert result.p_values[1] == 1.0 and result.p_values[4] == 1.0


def test_rows_above_the_table_cap_fall_back_to_fisher_exact():
    totals = np.array([30, 40, 35])
    first = np.array([[20, 5, 10], [3, 30, 4], [0, 1, 1]])
    capped = fisher_exact_rows(first, totals, max_tables=50)
    enumerated = fisher_exact_rows(first, totals)
    expected, _ = _p_each(first, totals)
    np.testing.assert_array_equal(capped.p_values[:2], expected[:2])  # per-table: same bits
    np.testing.assert_allclose(enumerated.p_values, expected, rtol=1e-12, atol=0)


def test_rows_chunking_gives_the_same_p_values(monkeypatch):
    totals = np.array([25, 30, 20])
    rng = np.random.default_rng(3)
    first = rng.binomial(totals[None, :], rng.random((40, 1)))
    whole = fisher_exact_rows(first, totals).p_values
    monkeypatch.setattr(contingency, "_ROWS_CHUNK_TABLES", 50)
    np.testing.assert_allclose(fisher_exact_rows(first, totals).p_values, whole,
                               rtol=1e-15, atol=0)


def test_rows_degenerate_inputs():
    # one non-empty group, or no rows: p = 1 / empty
    assert fisher_exact_rows(np.array([[2, 0]]), np.array([5, 0])).p_values.tolist() == [1.0]
    empty = fisher_exact_rows(np.zeros((0, 3), dtype=int), np.array([2, 3, 4]))
    assert empty.p_values.shape == (0,) and empty.methods.shape == (0,)


@pytest.mark.parametrize(("first", "totals", "message"), [
    ([[1, 2]], [3], "k >= 2"),
    ([[1, 2, 3]], [3, 3], "k >= 2"),
    ([[4, 0]], [3, 3], "exceeds the column totals"),
    ([[-1, 0]], [3, 3], "non-negative"),
])
def test_rows_reject_bad_input(first, totals, message):
    with pytest.raises(ValueError, match=message):
        fisher_exact_rows(np.array(first), np.array(totals))
