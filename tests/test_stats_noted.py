"""Degenerate statistics as rows: the noted tests return a null p and a test_note, never raise.

R reference values are from R 4.2 (commands in the comments).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from calcomics.methods.stats import (
    chisq_test,
    chisq_test_noted,
    fisher_exact,
    fisher_exact_noted,
    kruskal_test,
    kruskal_test_noted,
    p_adjust,
    wilcoxon_rank_sum,
    wilcoxon_rank_sum_noted,
)
from calcomics.methods.stats.notes import (
    ALL_VALUES_EQUAL,
    FEWER_THAN_MIN_OBSERVATIONS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    TEST_NOTES,
    groups_left_out,
)

LABELS = ["A", "B", "C"]


def _untested(result, note: str, n: int) -> None:
    assert math.isnan(result.p_value) and math.isnan(result.statistic)
    assert result.method == "not_testable" and not result.is_tested
    assert result.test_note == note and result.test_note in TEST_NOTES
    assert result.n_tested == n


# ---- Kruskal-Wallis -----------------------------------------------------------------------


def test_kruskal_noted_matches_r_when_every_group_has_values():
    # R: kruskal.test(list(c(2.9,3.0,2.5,2.6,3.2), c(3.8,2.7,4.0,2.4), c(2.8,3.4,3.7,2.2,2.0)))
    # Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68
    groups = {"A": [2.9, 3.0, 2.5, 2.6, 3.2], "B": [3.8, 2.7, 4.0, 2.4],
              "C": [2.8, 3.4, 3.7, 2.2, 2.0]}
    result = kruskal_test_noted(groups)
    assert result.statistic == pytest.approx(0.771428571428571, rel=1e-9)
    assert result.df == 2 and result.p_value == pytest.approx(0.679961, rel=1e-5)
    assert result.test_note is None and result.n_tested == 14 and result.method == "asymptotic"


def test_kruskal_noted_drops_an_empty_group_as_r_formula_interface():
    # R: d <- data.frame(v = c(2.9,3.0,2.5,2.6,3.2, 2.8,3.4,3.7,2.2,2.0),
    #                    g = factor(rep(c("A","C"), each = 5), levels = c("A","B","C")))
    #    kruskal.test(v ~ g, d)  -> df = 1 (level B dropped), same as the two-group test
    groups = {"A": [2.9, 3.0, 2.5, 2.6, 3.2], "B": [np.nan], "C": [2.8, 3.4, 3.7, 2.2, 2.0]}
    result = kruskal_test_noted(groups)
    expected = kruskal_test(groups["A"], groups["C"])
    assert result.p_value == expected.p_value and result.df == 1
    assert result.test_note == groups_left_out(["B"])
    assert result.n_tested == 10


@pytest.mark.parametrize(
    ("groups", "note", "n"),
    [
        ({"A": [], "B": [np.nan], "C": []}, NO_VALUES, 0),
        ({"A": [1.0, 2.0, 3.0], "B": [], "C": [np.nan]}, ONE_GROUP_ONLY, 3),
        ({"A": [1.0], "B": [2.0], "C": []}, FEWER_THAN_MIN_OBSERVATIONS, 2),
        ({"A": [4.0, 4.0], "B": [4.0], "C": [4.0, np.nan]}, ALL_VALUES_EQUAL, 4),
        ({}, NO_VALUES, 0),
    ],
)
def test_kruskal_noted_degenerate_cases(groups, note, n):
    _untested(kruskal_test_noted(groups), note, n)


def test_kruskal_plain_test_keeps_r_errors_and_nan():
    with pytest.raises(ValueError, match="all groups must contain data"):
        kruskal_test([1.0, 2.0], [])
    assert math.isnan(kruskal_test([4.0, 4.0], [4.0]).p_value)


# ---- Wilcoxon rank sum --------------------------------------------------------------------


def test_rank_sum_noted_matches_plain_test():
    x, y = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46], [1.15, 0.88, 0.9, 0.74,
                                                                         1.21]
    result = wilcoxon_rank_sum_noted(x, y)
    expected = wilcoxon_rank_sum(x, y)
    assert (result.statistic, result.p_value, result.method) == (
        expected.statistic, expected.p_value, expected.method)
    assert result.test_note is None and result.n_tested == 15


@pytest.mark.parametrize(
    ("x", "y", "note", "n"),
    [
        ([], [np.nan], NO_VALUES, 0),
        ([1.0, 2.0, 3.0], [], ONE_GROUP_ONLY, 3),
        ([], [1.0, np.inf], ONE_GROUP_ONLY, 1),
        ([1.0], [2.0], FEWER_THAN_MIN_OBSERVATIONS, 2),
        ([5.0, 5.0], [5.0, 5.0, 5.0], ALL_VALUES_EQUAL, 5),
    ],
)
def test_rank_sum_noted_degenerate_cases(x, y, note, n):
    _untested(wilcoxon_rank_sum_noted(x, y), note, n)


def test_rank_sum_plain_test_keeps_r_behaviour():
    with pytest.raises(ValueError, match="not enough 'y' observations"):
        wilcoxon_rank_sum([1.0], [])
    assert math.isnan(wilcoxon_rank_sum([5.0, 5.0], [5.0]).p_value)  # R: NaN


# ---- contingency tables -------------------------------------------------------------------


def test_contingency_noted_match_plain_tests():
    table = np.array([[8, 2, 3], [1, 5, 4]])
    fisher = fisher_exact_noted(table, LABELS)
    assert fisher.p_value == pytest.approx(0.0571470527050004, rel=1e-9)  # R fisher.test
    assert fisher.method == "exact" and fisher.test_note is None and fisher.n_tested == 23
    chisq = chisq_test_noted(table, LABELS)
    expected = chisq_test(table, correct=False)
    assert (chisq.statistic, chisq.df, chisq.p_value) == (
        expected.statistic, expected.df, expected.p_value)
    assert chisq.test_note is None


def test_contingency_noted_empty_group_left_out_with_r_fisher_p():
    table = np.array([[8, 0, 3], [1, 0, 4]])
    fisher = fisher_exact_noted(table, LABELS)
    assert fisher.p_value == fisher_exact(table).p_value
    assert fisher.p_value == pytest.approx(fisher_exact([[8, 3], [1, 4]]).p_value, rel=1e-12)
    assert fisher.test_note == groups_left_out(["B"])
    chisq = chisq_test_noted(table, LABELS)
    assert chisq.p_value == chisq_test([[8, 3], [1, 4]], correct=False).p_value
    assert chisq.test_note == groups_left_out(["B"])


@pytest.mark.parametrize(
    ("table", "note", "n"),
    [
        (np.zeros((2, 3), dtype=int), NO_VALUES, 0),
        (np.zeros((0, 3), dtype=int), NO_VALUES, 0),
        ([[4, 0, 0], [6, 0, 0]], ONE_GROUP_ONLY, 10),
        ([[1, 0, 1], [0, 0, 0]], FEWER_THAN_MIN_OBSERVATIONS, 2),
        ([[0, 0, 0], [3, 5, 2]], ALL_VALUES_EQUAL, 10),
    ],
)
def test_contingency_noted_degenerate_cases(table, note, n):
    _untested(fisher_exact_noted(table, LABELS), note, n)
    _untested(chisq_test_noted(table, LABELS), note, n)


def test_contingency_noted_still_rejects_bad_counts():
    with pytest.raises(ValueError, match="must be non-negative"):
        fisher_exact_noted([[1, -1], [2, 3]], ["A", "B"])


# ---- p_adjust ignores null p-values (R p.adjust with NA) ----------------------------------


@pytest.mark.parametrize("missing", [np.nan, None, pd.NA])
def test_p_adjust_ignores_null_like_r_na(missing):
    # R: p.adjust(c(0.01, NA, 0.04, 0.03), "BH")         -> 0.03 NA 0.04 0.04
    #    p.adjust(c(0.01, NA, 0.04, 0.03), "bonferroni") -> 0.03 NA 0.12 0.09
    p = pd.Series([0.01, missing, 0.04, 0.03], dtype=object)
    np.testing.assert_allclose(p_adjust(p, "BH"), [0.03, np.nan, 0.04, 0.04])
    np.testing.assert_allclose(p_adjust(p, "bonferroni"), [0.03, np.nan, 0.12, 0.09])
    np.testing.assert_allclose(p_adjust(pd.array([0.2, missing], dtype="Float64"), "BH"),
                               [0.2, np.nan])


def test_p_adjust_all_null_and_empty():
    assert np.isnan(p_adjust([None, None], "bonferroni")).all()
    assert len(p_adjust([], "BH")) == 0
