"""Group comparisons: Wilcoxon per pair of main groups + Bonferroni, Kruskal-Wallis; categories."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats
from scipy.special import gammaln

from calcomics.design import GroupDesign
from calcomics.methods.comparisons import compare_categories, compare_groups
from calcomics.methods.stats import fisher_exact, kruskal_test, wilcoxon_rank_sum
from calcomics.methods.stats.notes import (
    ALL_VALUES_EQUAL,
    FEWER_THAN_MIN_OBSERVATIONS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    groups_left_out,
)

DESIGN = GroupDesign(("negative", "probably_benign", "high_suspicion"),
                     ("Negative", "Probably benign", "High suspicion"))


def _frame(values: dict[str, list[float]]) -> pd.DataFrame:
    rows = [("genomic", "score", g, v) for g, vs in values.items() for v in vs]
    return pd.DataFrame(rows, columns=["feature_family", "feature", "group_key",
                                       "feature_value"])


def test_pairs_bonferroni_and_kruskal():
    rng = np.random.default_rng(0)
    values = {
        "negative": rng.normal(0, 1, 30).tolist(),
        "probably_benign": rng.normal(0.2, 1, 25).tolist(),
        "high_suspicion": rng.normal(1.0, 1, 28).tolist(),
        "low_moderate_suspicion": [50.0] * 5,  # not a main group: ignored
    }
    result = compare_groups(_frame(values), DESIGN)
    pairs = result[result["test"] == "wilcoxon_rank_sum"].set_index(["group_a_key", "group_b_key"])
    assert list(pairs.index) == [("negative", "probably_benign"), ("negative", "high_suspicion"),
                                 ("probably_benign", "high_suspicion")]
    assert set(pairs["comparison_scope"]) == {"pairwise"}
    expected = wilcoxon_rank_sum(values["negative"], values["high_suspicion"])
    row = pairs.loc[("negative", "high_suspicion")]
    assert row["p_value"] == pytest.approx(expected.p_value, rel=1e-12)
    assert row["p_adjusted"] == pytest.approx(min(1.0, 3 * expected.p_value), rel=1e-12)
    assert row["method"] == "exact" and row["n_a"] == 30 and row["n_b"] == 28
    assert row["n_tested"] == 58 and row["group_b_label"] == "High suspicion"
    assert row["median_b"] == pytest.approx(np.median(values["high_suspicion"]))
    kw = result[result["test"] == "kruskal_wallis"].iloc[0]
    expected_kw = kruskal_test(values["negative"], values["probably_benign"],
                               values["high_suspicion"])
    assert kw["p_value"] == pytest.approx(expected_kw.p_value, rel=1e-12)
    assert kw["comparison_scope"] == "all_main_groups"
    assert kw["n_tested"] == 83 and pd.isna(kw["group_a_key"]) and pd.isna(kw["group_b_key"])


def test_every_pair_of_eight_groups_against_scipy():
    """k = 8 groups give 28 pairs; Bonferroni multiplies by the 28 pairs of the feature."""
    rng = np.random.default_rng(5)
    keys = tuple(f"g{i}" for i in range(1, 9))
    design = GroupDesign(keys, tuple(k.upper() for k in keys))
    # 60 values per group: above R's exact limit, so the normal approximation is used,
    # which scipy's mannwhitneyu (continuity corrected, asymptotic) reproduces.
    values = {k: rng.normal(i / 4, 1, 60).round(1).tolist() for i, k in enumerate(keys)}
    result = compare_groups(_frame(values), design)
    pairs = result[result["test"] == "wilcoxon_rank_sum"]
    assert list(zip(pairs["group_a_key"], pairs["group_b_key"], strict=True)) == list(
        combinations(keys, 2))
    for row in pairs.itertuples():
        expected = scipy_stats.mannwhitneyu(values[row.group_a_key], values[row.group_b_key],
                                            alternative="two-sided", method="asymptotic")
        assert row.statistic == pytest.approx(expected.statistic, rel=1e-12)
        assert row.p_value == pytest.approx(expected.pvalue, rel=1e-9)
        assert row.p_adjusted == pytest.approx(min(1.0, 28 * expected.pvalue), rel=1e-9)
    kw = result[result["test"] == "kruskal_wallis"].iloc[0]
    assert kw["p_value"] == pytest.approx(scipy_stats.kruskal(*values.values()).pvalue,
                                          rel=1e-9)


def test_missing_values_counted_and_single_group_not_testable():
    values = {"negative": [1.0, 2.0, float("nan")], "probably_benign": [], "high_suspicion": []}
    result = compare_groups(_frame(values), DESIGN)
    assert list(result["test"]) == ["wilcoxon_rank_sum"] * 3 + ["kruskal_wallis"]
    assert result["p_value"].isna().all() and result["p_adjusted"].isna().all()
    assert set(result["method"]) == {"not_testable"}
    kw = result.iloc[3]
    assert kw["n_tested"] == 2 and kw["n_excluded_unknown"] == 1
    assert kw["test_note"] == ONE_GROUP_ONLY
    notes = result.iloc[:3].set_index(["group_a_key", "group_b_key"])["test_note"]
    assert notes[("negative", "probably_benign")] == ONE_GROUP_ONLY
    assert notes[("probably_benign", "high_suspicion")] == NO_VALUES
    assert result.iloc[0]["n_excluded_unknown"] == 1 and result.iloc[2]["n_excluded_unknown"] == 0


def test_pair_with_an_empty_group_is_a_row_not_counted_in_bonferroni():
    values = {"negative": [1.0, 2.0, 3.0], "probably_benign": [], "high_suspicion": [4.0, 5.0]}
    result = compare_groups(_frame(values), DESIGN)
    pairs = result[result["test"] == "wilcoxon_rank_sum"].set_index(["group_a_key",
                                                                     "group_b_key"])
    assert len(pairs) == 3
    tested = pairs.loc[("negative", "high_suspicion")]
    assert tested["p_adjusted"] == pytest.approx(tested["p_value"])  # m = 1 tested pair
    assert pd.isna(tested["test_note"])
    for untested in [("negative", "probably_benign"), ("probably_benign", "high_suspicion")]:
        row = pairs.loc[untested]
        assert pd.isna(row["p_value"]) and pd.isna(row["p_adjusted"])
        assert row["test_note"] == ONE_GROUP_ONLY and row["n_b" if untested[0] == "negative"
                                                          else "n_a"] == 0
    # R: kruskal.test(value ~ group) drops the empty level and tests the other two.
    kw = result[result["test"] == "kruskal_wallis"].iloc[0]
    assert kw["p_value"] == pytest.approx(kruskal_test([1.0, 2.0, 3.0], [4.0, 5.0]).p_value)
    assert kw["test_note"] == groups_left_out(["Probably benign"])


def test_degenerate_pairs_all_equal_and_too_few_values():
    values = {"negative": [2.0, 2.0], "probably_benign": [2.0, 2.0, 2.0], "high_suspicion": [1.0]}
    result = compare_groups(_frame(values), DESIGN)
    keys = zip(result["group_a_key"].fillna("-"), result["group_b_key"].fillna("-"), strict=True)
    notes = dict(zip(keys, result["test_note"], strict=True))
    assert notes[("negative", "probably_benign")] == ALL_VALUES_EQUAL
    assert pd.isna(notes[("negative", "high_suspicion")])  # 2 vs 1, not all equal: tested
    assert pd.isna(notes[("-", "-")])
    two = compare_groups(_frame({"negative": [1.0], "high_suspicion": [2.0]}), DESIGN)
    pair = two[(two["group_a_key"] == "negative") & (two["group_b_key"] == "high_suspicion")]
    assert pair["test_note"].iloc[0] == FEWER_THAN_MIN_OBSERVATIONS
    assert two.iloc[-1]["test_note"] == FEWER_THAN_MIN_OBSERVATIONS


def test_empty_input_gives_typed_empty_frames():
    result = compare_groups(_frame({}), DESIGN)
    assert len(result) == 0
    assert result["p_value"].dtype == "float64" and result["n_tested"].dtype == "Int64"
    assert result["test_note"].dtype == "string"
    categories = compare_categories(
        pd.DataFrame({"comparison": [], "group_key": [], "category_level": []}), DESIGN)
    assert len(categories) == 0
    assert categories["n"].dtype == "int64" and categories["fisher_p"].dtype == "float64"
    assert categories["test_note"].dtype == "string"


def test_categories_unknowns_counted_and_degenerate_tables_noted():
    rows = ([("ln", "negative", "pos")] * 3 + [("ln", "negative", None)] * 2
            + [("ln", "high_suspicion", "neg")] * 4 + [("ln", "high_suspicion", "pos")]
            + [("lvi", "negative", None)] * 3 + [("lvi", "high_suspicion", None)]
            + [("grade", "negative", "II")] * 2 + [("grade", "probably_benign", "II")] * 3
            + [("snf", "negative", "SNF1")] * 4 + [("snf", "negative", "SNF2")] * 3)
    patients = pd.DataFrame(rows, columns=["comparison", "group_key", "category_level"])
    result = compare_categories(patients, DESIGN)
    ln = result[result["comparison"] == "ln"].set_index(["category_level", "group_key"])
    # R: fisher.test drops the empty probably-benign column and tests the 2 x 2 table.
    assert ln["fisher_p"].iloc[0] == pytest.approx(fisher_exact([[0, 3], [4, 1]]).p_value)
    assert ln["test_note"].iloc[0] == groups_left_out(["Probably benign"])
    assert ln["n_tested"].iloc[0] == 8 and ln["n_excluded_unknown"].iloc[0] == 2
    assert ln.loc[("pos", "negative"), "group_unknown"] == 2
    assert ln.loc[("pos", "negative"), "pct_of_group"] == pytest.approx(100.0)
    lvi = result[result["comparison"] == "lvi"]
    assert len(lvi) == 3 and lvi["category_level"].isna().all()
    assert (lvi["n"] == 0).all() and lvi["fisher_p"].isna().all()
    assert set(lvi["test_note"]) == {NO_VALUES} and lvi["n_excluded_unknown"].iloc[0] == 4
    grade = result[result["comparison"] == "grade"]
    assert grade["fisher_p"].isna().all() and set(grade["test_note"]) == {ALL_VALUES_EQUAL}
    snf = result[result["comparison"] == "snf"]
    assert snf["fisher_p"].isna().all() and set(snf["test_note"]) == {ONE_GROUP_ONLY}
    assert set(snf["fisher_method"]) == {"not_testable"}


def test_categories_per_group_with_fisher_over_all_groups():
    design = GroupDesign(("c", "a", "b"), ("C", "A", "B"), (1, 2, 3))
    rows = ([("ln", "a", "pos")] * 4 + [("ln", "a", "neg")] * 6 + [("ln", "b", "pos")] * 7
            + [("ln", "b", "neg")] * 2 + [("ln", "c", "pos")] * 1 + [("ln", "c", "neg")] * 5
            + [("ln", "c", None)] * 3 + [("ln", "other", "pos")] * 9)
    patients = pd.DataFrame(rows, columns=["comparison", "group_key", "category_level"])
    result = compare_categories(patients, design).set_index(["category_level", "group_key"])
    assert len(result) == 6
    assert result.loc[("pos", "b"), "n"] == 7 and result.loc[("pos", "b"), "group_total"] == 9
    assert result.loc[("pos", "b"), "level_total"] == 12
    assert result.loc[("neg", "c"), "group_label"] == "C"
    assert result.loc[("neg", "c"), "group_order"] == 1
    assert result.loc[("pos", "a"), "pct_of_group"] == pytest.approx(40.0)
    # An independent exact test: scipy's Fisher test is 2 x 2 only, so the 2 x 3 table's
    # exact p is enumerated here over all tables with the same margins.
    table = np.array([[6, 2, 5], [4, 7, 1]])
    assert result["n_tested"].iloc[0] == table.sum()
    assert result["fisher_p"].iloc[0] == pytest.approx(_exact_rxc_p(table), rel=1e-9)


def _exact_rxc_p(table: np.ndarray) -> float:
    """Exact p of a 2 x c table: sum of hypergeometric probabilities <= the observed one."""
    row0, col = int(table[0].sum()), table.sum(axis=0)

    def log_prob(first: tuple[int, ...]) -> float:
        first_row = np.array(first)
        second = col - first_row
        return float(np.sum(gammaln(col + 1) - gammaln(first_row + 1) - gammaln(second + 1))
                     - (gammaln(col.sum() + 1) - gammaln(row0 + 1)
                        - gammaln(col.sum() - row0 + 1)))

    observed = log_prob(tuple(table[0]))
    total = 0.0
    for first in np.ndindex(*(col + 1)):
        if sum(first) == row0:
            lp = log_prob(first)
            if lp <= observed + 1e-7:
                total += np.exp(lp)
    return total
