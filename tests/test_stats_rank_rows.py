"""Row-wise Wilcoxon rank-sum (group vs rest) equals the scalar R-semantics test row by row."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from calcomics.methods.stats.rank_tests import wilcoxon_rank_sum, wilcoxon_rank_sum_rows


def _assert_rows_match_scalar(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Every row equals wilcoxon_rank_sum(x[i, mask], x[i, ~mask]) exactly; returns methods."""
    statistic, p_value, method = wilcoxon_rank_sum_rows(x, mask)
    assert statistic.shape == p_value.shape == method.shape == (x.shape[0],)
    for i, row in enumerate(x):
        expected = wilcoxon_rank_sum(row[mask], row[~mask])
        assert statistic[i] == expected.statistic, i
        assert method[i] == expected.method, i
        if np.isnan(expected.p_value):
            assert np.isnan(p_value[i]), i
        else:
            assert p_value[i] == expected.p_value, (i, p_value[i], expected.p_value)
    return method


@pytest.mark.parametrize(
    ("n_rows", "n_cols", "decimals", "expected_method"),
    [
        (150, 40, None, "exact"),  # both samples < 50, no ties
        (150, 40, 1, "normal_approximation"),  # ties force the normal approximation
        (100, 130, None, "normal_approximation"),  # rest >= 50
        (100, 130, 1, "normal_approximation"),
    ],
)
def test_rows_equal_scalar_test(n_rows, n_cols, decimals, expected_method):
    rng = np.random.default_rng(n_rows + n_cols + (decimals or 0))
    x = rng.normal(size=(n_rows, n_cols)) + np.linspace(0, 1, n_rows)[:, None]
    if decimals is not None:
        x = np.round(x, decimals)
    mask = rng.random(n_cols) < 0.4
    x[:, mask] += np.linspace(-1, 1, n_rows)[:, None]  # a range of effects, small p included
    method = _assert_rows_match_scalar(x, mask)
    assert set(method) == {expected_method}


def test_rows_with_missing_values_and_mixed_sizes():
    """NaN / +-Inf are dropped per row, so rows mix exact sizes, and exact with normal rows."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(120, 60))
    x[rng.random(x.shape) < 0.15] = np.nan
    x[3, :5] = np.inf
    x[4, 10] = -np.inf
    x[60:] = np.round(x[60:], 1)  # ties in the second half
    mask = np.zeros(60, dtype=bool)
    mask[:25] = True
    x[:60, 30:] = np.nan  # first half: 25 vs <= 30 non-missing -> exact branch
    method = _assert_rows_match_scalar(x, mask)
    assert {"exact", "normal_approximation"} <= set(method)


def test_degenerate_rows():
    x = np.array([
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],  # all tied: R gives NaN p
        [np.nan, np.nan, 1.0, 2.0, 3.0, 4.0],  # group has no finite value
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],  # exact, W = 0
    ])
    mask = np.array([True, True, False, False, False, False])
    statistic, p_value, method = wilcoxon_rank_sum_rows(x, mask)
    assert method.tolist() == ["normal_approximation", "not_enough_observations", "exact"]
    assert statistic[0] == 4.0 and np.isnan(p_value[0])
    assert np.isnan(statistic[1]) and np.isnan(p_value[1])
    assert statistic[2] == 0.0
    assert p_value[2] == pytest.approx(2 / 15)  # 2 * P(W <= 0) = 2 / C(6, 2)


def test_matches_scipy_mannwhitneyu():
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=(20, 90)), 1)
    mask = rng.random(90) < 0.5
    statistic, p_value, _ = wilcoxon_rank_sum_rows(x, mask)
    for i, row in enumerate(x):
        ref = stats.mannwhitneyu(row[mask], row[~mask], method="asymptotic",
                                 use_continuity=True)
        assert statistic[i] == ref.statistic
        assert p_value[i] == pytest.approx(ref.pvalue, rel=1e-12)


def test_bad_inputs():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="in_group must be a boolean mask"):
        wilcoxon_rank_sum_rows(x, np.array([1, 0, 1]))
    with pytest.raises(ValueError, match=r"in_group has shape \(2,\), expected \(3,\)"):
        wilcoxon_rank_sum_rows(x, np.array([True, False]))
    with pytest.raises(ValueError, match="x must be 2-D"):
        wilcoxon_rank_sum_rows(np.ones(3), np.array([True, False, True]))
