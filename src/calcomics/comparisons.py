"""Continuous features compared across the three main calcification groups.

As in the paper's Methods: pairwise two-sided Mann-Whitney-Wilcoxon tests (R ``wilcox.test``
semantics) Bonferroni-adjusted over the three pairs of each feature, and a Kruskal-Wallis
test (R ``kruskal.test``) across the three groups. One tidy row per feature and test.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from calcomics.groups import MAIN_GROUPS
from calcomics.stats import fisher_exact, kruskal_test, p_adjust, wilcoxon_rank_sum

COMPARISON_COLUMNS: list[str] = [
    "feature_family", "feature", "test", "group_a", "group_b", "n_a", "n_b",
    "median_a", "median_b", "statistic", "p_value", "p_adjusted", "method",
]
ALL_GROUPS = "all_main_groups"


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def compare_feature(values_by_group: dict[str, np.ndarray]) -> list[tuple]:
    """Pairwise Wilcoxon (+ Bonferroni over the pairs) and Kruskal-Wallis for one feature.

    Groups with no value are skipped for the pairs they are in; the Kruskal-Wallis row needs
    at least two non-empty groups, else it is reported with method ``not_testable``.
    """
    rows = []
    pairs = [(a, b) for a, b in combinations(MAIN_GROUPS, 2)
             if len(values_by_group[a]) and len(values_by_group[b])]
    tested = [wilcoxon_rank_sum(values_by_group[a], values_by_group[b]) for a, b in pairs]
    adjusted = p_adjust(np.array([t.p_value for t in tested]), "bonferroni") if tested else []
    for (a, b), result, p_adj in zip(pairs, tested, adjusted, strict=True):
        rows.append(("wilcoxon_rank_sum", a, b, len(values_by_group[a]), len(values_by_group[b]),
                     _median(values_by_group[a]), _median(values_by_group[b]),
                     result.statistic, result.p_value, float(p_adj), result.method))
    present = [values_by_group[g] for g in MAIN_GROUPS if len(values_by_group[g])]
    n_all = sum(len(v) for v in present)
    if len(present) >= 2:
        kw = kruskal_test(*present)
        rows.append(("kruskal_wallis", ALL_GROUPS, None, n_all, None, None, None,
                     kw.statistic, kw.p_value, kw.p_value, "asymptotic"))
    else:
        rows.append(("kruskal_wallis", ALL_GROUPS, None, n_all, None, None, None,
                     float("nan"), float("nan"), float("nan"), "not_testable"))
    return rows


def compare_groups(values: pd.DataFrame) -> pd.DataFrame:
    """Compare every feature of a long frame across the main calcification groups.

    ``values`` has columns feature_family, feature, calcification_group, feature_value; rows
    of other groups and missing values are ignored. Returns :data:`COMPARISON_COLUMNS`.
    """
    keys = values[["feature_family", "feature"]].drop_duplicates()
    main = values[values["calcification_group"].isin(MAIN_GROUPS) & values["feature_value"].notna()]
    # One sort, then slices: filtering the whole frame per feature is quadratic in features.
    grouped = {
        key: frame for key, frame in main.groupby(["feature_family", "feature"], sort=False)
    }
    empty = main.iloc[:0]
    rows = []
    for family, feature in keys.itertuples(index=False):
        subset = grouped.get((family, feature), empty)
        by_group = {g: np.empty(0) for g in MAIN_GROUPS}
        for group, frame in subset.groupby("calcification_group", sort=False):
            by_group[group] = frame["feature_value"].to_numpy(float)
        rows += [(family, feature, *row) for row in compare_feature(by_group)]
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    frame[["n_a", "n_b"]] = frame[["n_a", "n_b"]].astype("Int64")
    return frame


CATEGORY_COLUMNS: list[str] = [
    "comparison", "category_level", "calcification_group", "n", "group_total", "level_total",
    "pct_of_group", "pct_of_level", "fisher_p", "fisher_method", "n_tested",
]


def compare_categories(patients: pd.DataFrame) -> pd.DataFrame:
    """Composition of categorical variables across the three main calcification groups.

    ``patients`` has one row per patient and comparison: comparison, calcification_group,
    category_level (null = unknown, left out of the test and the percentages). For each
    comparison the levels x groups count table gets R ``fisher.test`` semantics (exact r x c;
    see :func:`calcomics.stats.fisher_exact`). Percentages are given both ways: of the group
    (e.g. PAM50 composition of a group, Figure 4A) and of the level (e.g. calcification
    status among relapsed patients, Figure 2G). Zero cells are kept as rows.
    """
    known = patients[patients["calcification_group"].isin(MAIN_GROUPS)
                     & patients["category_level"].notna()]
    frames = []
    for comparison in patients["comparison"].drop_duplicates():
        subset = known[known["comparison"] == comparison]
        table = pd.crosstab(subset["category_level"], subset["calcification_group"])
        table = table.reindex(columns=list(MAIN_GROUPS), fill_value=0).sort_index()
        result = fisher_exact(table.to_numpy()) if table.shape[0] >= 1 else None
        long = table.stack().rename("n").reset_index()
        long["comparison"] = comparison
        long["group_total"] = long["calcification_group"].map(table.sum(axis=0))
        long["level_total"] = long["category_level"].map(table.sum(axis=1))
        long["pct_of_group"] = 100.0 * long["n"] / long["group_total"].where(
            long["group_total"] > 0)
        long["pct_of_level"] = 100.0 * long["n"] / long["level_total"].where(
            long["level_total"] > 0)
        long["fisher_p"] = result.p_value if result else np.nan
        long["fisher_method"] = result.method if result else "not_testable"
        long["n_tested"] = int(table.to_numpy().sum())
        frames.append(long)
    if not frames:
        return pd.DataFrame(columns=CATEGORY_COLUMNS)
    frame = pd.concat(frames, ignore_index=True)[CATEGORY_COLUMNS]
    return frame.astype({"n": "int64", "group_total": "int64", "level_total": "int64"})
