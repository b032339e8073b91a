"""Rank tests and p-value adjustment against R semantics, scipy and brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calcomics.methods.stats import (
    KruskalResult,
    RankSumResult,
    kruskal_test,
    p_adjust,
    wilcoxon_rank_sum,
)

# 30 vs 40 values without ties (exact branch); rounding them to 1 decimal creates ties.
X30 = [
    0.541, -0.540, -0.493, -1.060, -1.326, -1.552, 0.502, 1.120, 0.441, 0.285,
    0.293, -0.126, 0.973, -0.776, 1.072, -0.157, -0.055, -1.225, 0.080, 2.471,
    -0.073, -0.400, 0.393, 0.990, 1.040, -0.700, -1.180, -1.058, -0.059, -2.012,
]  # fmt: skip
Y40 = [
    2.399, 0.181, 0.623, 2.472, -0.171, 0.852, 0.169, 1.434, 0.174, 1.114,
    0.032, 1.836, 0.320, -0.433, 1.111, -1.258, 2.440, 1.306, 1.182, 0.967,
    2.077, 0.900, 0.654, 0.279, 1.059, 2.458, -0.221, 1.706, 1.022, 1.277,
    2.339, 1.513, -0.212, 0.715, -0.676, 0.954, -0.216, 2.278, 1.224, -1.766,
]  # fmt: skip


def brute_force_rank_sum_p(x, y) -> float:
    """R's two-sided exact p by enumerating every assignment of the ranks 1..n to x."""
    n_x, n_y = len(x), len(y)
    ranks = stats.rankdata(np.concatenate([x, y]))
    w = ranks[:n_x].sum() - n_x * (n_x + 1) / 2
    null = [
        sum(subset) - n_x * (n_x + 1) / 2
        for subset in itertools.combinations(range(1, n_x + n_y + 1), n_x)
    ]
    null = np.array(null)
    tail = (null >= w).mean() if w > n_x * n_y / 2 else (null <= w).mean()
    return min(1.0, 2 * tail)


# ---- Wilcoxon rank-sum -----------------------------------------------------------------------


def test_rank_sum_r_documentation_example():
    # R ?wilcox.test: x vs y gives W = 35 and one-sided (greater) p = 0.1272, so the
    # two-sided exact p is 0.2544.
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    result = wilcoxon_rank_sum(x, y)
    assert isinstance(result, RankSumResult)
    assert result.statistic == 35
    assert result.method == "exact"
    assert round(result.p_value, 4) == 0.2544


def test_rank_sum_30_vs_40_exact_matches_scipy_exact():
    assert len(set(X30 + Y40)) == 70  # no ties -> exact branch (both samples < 50)
    result = wilcoxon_rank_sum(X30, Y40)
    assert result.method == "exact"
    assert result.statistic == 306
    expected = stats.mannwhitneyu(X30, Y40, method="exact")
    assert result.statistic == expected.statistic
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert 3e-4 < result.p_value < 4e-4
    # The normal approximation would differ noticeably: the exact branch was used.
    asymptotic = stats.mannwhitneyu(X30, Y40, method="asymptotic", use_continuity=True)
    assert abs(asymptotic.pvalue - result.p_value) > 1e-4


def test_rank_sum_with_ties_uses_corrected_normal_approximation():
    x, y = np.round(X30, 1), np.round(Y40, 1)
    result = wilcoxon_rank_sum(x, y)
    expected = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True)
    assert result.method == "normal_approximation"
    assert result.statistic == expected.statistic == 301
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_rank_sum_ties_and_large_samples_match_scipy_asymptotic(seed):
    rng = np.random.default_rng(seed)
    n_x, n_y = int(rng.integers(3, 80)), int(rng.integers(50, 90))
    x = rng.integers(0, 12, n_x).astype(float)  # heavy ties
    y = rng.integers(1, 14, n_y).astype(float)
    result = wilcoxon_rank_sum(x, y)
    expected = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True)
    assert result.method == "normal_approximation"
    assert result.statistic == expected.statistic
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-12)
    # No ties but n_y >= 50 is also approximated (R's exact rule is n_x < 50 and n_y < 50).
    xs, ys = rng.normal(size=n_x), rng.normal(size=n_y)
    big = wilcoxon_rank_sum(xs, ys)
    assert big.method == "normal_approximation"
    asym = stats.mannwhitneyu(xs, ys, method="asymptotic", use_continuity=True).pvalue
    assert big.p_value == pytest.approx(asym, rel=1e-12)


@pytest.mark.parametrize(("n_x", "n_y"), [(1, 1), (1, 4), (2, 3), (3, 3), (4, 6), (7, 5), (6, 8)])
def test_rank_sum_exact_matches_brute_force_enumeration(n_x, n_y):
    rng = np.random.default_rng(n_x * 100 + n_y)
    for _ in range(5):
        x = rng.normal(size=n_x)
        y = rng.normal(0.7, 1, size=n_y)
        result = wilcoxon_rank_sum(x, y)
        assert result.method == "exact"
        assert result.p_value == pytest.approx(brute_force_rank_sum_p(x, y), rel=1e-12)
        scipy_p = stats.mannwhitneyu(x, y, method="exact").pvalue
        assert result.p_value == pytest.approx(scipy_p, rel=1e-9)


def test_rank_sum_exact_at_the_size_limit_matches_scipy():
    rng = np.random.default_rng(49)
    x, y = rng.normal(size=49), rng.normal(0.3, 1, size=49)
    result = wilcoxon_rank_sum(x, y)
    assert result.method == "exact"
    assert result.p_value == pytest.approx(
        stats.mannwhitneyu(x, y, method="exact").pvalue, rel=1e-9
    )


def test_rank_sum_is_symmetric_in_its_arguments():
    a = wilcoxon_rank_sum(X30, Y40)
    b = wilcoxon_rank_sum(Y40, X30)
    assert b.statistic == len(X30) * len(Y40) - a.statistic
    assert b.p_value == pytest.approx(a.p_value, rel=1e-12)


def test_rank_sum_drops_non_finite_values_like_r():
    x = [1.2, np.nan, 3.4, 0.5, np.inf]
    y = [2.2, 0.1, -np.inf, 4.4, np.nan]
    assert wilcoxon_rank_sum(x, y) == wilcoxon_rank_sum([1.2, 3.4, 0.5], [2.2, 0.1, 4.4])


def test_rank_sum_all_tied_gives_nan_like_r():
    result = wilcoxon_rank_sum([1, 1, 1], [1, 1])
    assert result.method == "normal_approximation"
    assert result.statistic == 3.0
    assert math.isnan(result.p_value)


def test_rank_sum_empty_group_raises():
    with pytest.raises(ValueError, match="not enough 'x' observations"):
        wilcoxon_rank_sum([], [1.0, 2.0])
    with pytest.raises(ValueError, match="not enough 'y' observations"):
        wilcoxon_rank_sum([1.0, 2.0], [np.nan, np.nan])
    with pytest.raises(ValueError, match="must be 1-D"):
        wilcoxon_rank_sum([[1.0, 2.0]], [1.0])


# ---- Kruskal-Wallis --------------------------------------------------------------------------


def test_kruskal_r_documentation_example():
    # R ?kruskal.test (Hollander & Wolfe): Kruskal-Wallis chi-squared = 0.77143, df = 2,
    # p-value = 0.68
    result = kruskal_test(
        [2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]
    )
    assert isinstance(result, KruskalResult)
    assert result.statistic == pytest.approx(0.77143, abs=5e-6)
    assert result.df == 2
    assert round(result.p_value, 2) == 0.68


@pytest.mark.parametrize("seed", range(8))
def test_kruskal_matches_scipy_with_ties(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    groups = [rng.integers(0, 8, int(rng.integers(1, 30))).astype(float) for _ in range(k)]
    if len(np.unique(np.concatenate(groups))) < 2:
        pytest.skip("all tied")
    result = kruskal_test(*groups)
    expected = stats.kruskal(*groups)
    assert result.df == k - 1
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-12)


def test_kruskal_drops_nan_and_validates():
    with_nan = kruskal_test([1.0, np.nan, 3.0], [2.0, 5.0, np.nan, 6.0])
    assert with_nan == kruskal_test([1.0, 3.0], [2.0, 5.0, 6.0])
    with pytest.raises(ValueError, match="at least 2 groups"):
        kruskal_test([1.0, 2.0])
    with pytest.raises(ValueError, match="all groups must contain data"):
        kruskal_test([1.0, 2.0], [np.nan])
    assert math.isnan(kruskal_test([1, 1], [1, 1]).statistic)


# ---- p.adjust --------------------------------------------------------------------------------

P10 = [0.205, 0.001, 0.042, 0.039, 0.216, 0.008, 0.074, 0.041, 0.06, 0.212]
# Hand computation: sorted decreasingly with i = 10..1, BH = cummin(10 / i * p), capped at 1.
P10_BH = [0.216, 0.01, 0.084, 0.084, 0.216, 0.04, 0.74 / 7, 0.084, 0.1, 0.216]
P10_BONF = [1.0, 0.01, 0.42, 0.39, 1.0, 0.08, 0.74, 0.41, 0.6, 1.0]


def test_p_adjust_hand_computed_values():
    np.testing.assert_allclose(p_adjust(P10, "BH"), P10_BH, rtol=1e-12)
    np.testing.assert_allclose(p_adjust(P10, "fdr"), P10_BH, rtol=1e-12)
    np.testing.assert_allclose(p_adjust(P10, "bonferroni"), P10_BONF, rtol=1e-12)


def test_p_adjust_nan_stays_in_place_and_is_not_counted():
    p = [0.02, np.nan, 0.001, 0.04]  # n = 3
    np.testing.assert_allclose(p_adjust(p, "bonferroni"), [0.06, np.nan, 0.003, 0.12])
    np.testing.assert_allclose(p_adjust(p, "BH"), [0.03, np.nan, 0.003, 0.04])


def test_p_adjust_ties_caps_and_trivial_cases():
    np.testing.assert_allclose(p_adjust([0.04, 0.04, 0.04], "BH"), [0.04] * 3)
    np.testing.assert_allclose(p_adjust([0.04, 0.04, 0.04], "bonferroni"), [0.12] * 3)
    np.testing.assert_allclose(p_adjust([0.3, 0.6], "bonferroni"), [0.6, 1.0])
    np.testing.assert_allclose(p_adjust([0.3, 0.6], "BH"), [0.6, 0.6])
    np.testing.assert_allclose(p_adjust([0.3], "bonferroni"), [0.3])  # n <= 1: unchanged
    np.testing.assert_allclose(p_adjust([np.nan, 0.3], "BH"), [np.nan, 0.3])
    assert p_adjust([], "BH").shape == (0,)


def test_p_adjust_bh_matches_scipy():
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(size=200), rng.uniform(0, 0.01, size=50), [0.5, 0.5]])
    expected = stats.false_discovery_control(p, method="bh")
    np.testing.assert_allclose(p_adjust(p, "BH"), expected, rtol=1e-12)


def test_p_adjust_keeps_series_index_and_validates():
    s = pd.Series([0.01, 0.02, 0.03], index=["a", "b", "c"], name="p")
    out = p_adjust(s, "bonferroni")
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["a", "b", "c"] and out.name == "p"
    np.testing.assert_allclose(out.to_numpy(), [0.03, 0.06, 0.09])
    with pytest.raises(ValueError, match="method must be one of"):
        p_adjust([0.1, 0.2], "holm")
    with pytest.raises(ValueError, match=r"lie in \[0, 1\]"):
        p_adjust([0.1, 1.2], "BH")
