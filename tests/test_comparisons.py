"""Group comparisons: pairwise R-semantics Wilcoxon + Bonferroni, Kruskal-Wallis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.comparisons import compare_groups
from calcomics.stats import kruskal_test, wilcoxon_rank_sum


def _frame(values: dict[str, list[float]]) -> pd.DataFrame:
    rows = [("genomic", "score", g, v) for g, vs in values.items() for v in vs]
    return pd.DataFrame(rows, columns=["feature_family", "feature", "calcification_group",
                                       "feature_value"])


def test_pairs_bonferroni_and_kruskal():
    rng = np.random.default_rng(0)
    values = {
        "negative": rng.normal(0, 1, 30).tolist(),
        "probably_benign": rng.normal(0.2, 1, 25).tolist(),
        "high_suspicion": rng.normal(1.0, 1, 28).tolist(),
        "low_moderate_suspicion": [50.0] * 5,  # not a main group: ignored
    }
    result = compare_groups(_frame(values))
    pairs = result[result["test"] == "wilcoxon_rank_sum"].set_index(["group_a", "group_b"])
    expected = wilcoxon_rank_sum(values["negative"], values["high_suspicion"])
    row = pairs.loc[("negative", "high_suspicion")]
    assert row["p_value"] == pytest.approx(expected.p_value, rel=1e-12)
    assert row["p_adjusted"] == pytest.approx(min(1.0, 3 * expected.p_value), rel=1e-12)
    assert row["method"] == "exact" and row["n_a"] == 30 and row["n_b"] == 28
    assert row["median_b"] == pytest.approx(np.median(values["high_suspicion"]))
    kw = result[result["test"] == "kruskal_wallis"].iloc[0]
    expected_kw = kruskal_test(values["negative"], values["probably_benign"],
                               values["high_suspicion"])
    assert kw["p_value"] == pytest.approx(expected_kw.p_value, rel=1e-12)
    assert kw["n_a"] == 83 and pd.isna(kw["group_b"])


def test_missing_values_ignored_and_single_group_not_testable():
    values = {"negative": [1.0, 2.0, float("nan")], "probably_benign": [], "high_suspicion": []}
    result = compare_groups(_frame(values))
    assert list(result["test"]) == ["kruskal_wallis"]
    assert result.iloc[0]["method"] == "not_testable" and result.iloc[0]["n_a"] == 2
