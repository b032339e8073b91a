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
from calcomics.stats import kruskal_test, p_adjust, wilcoxon_rank_sum

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
    main = values[values["calcification_group"].isin(MAIN_GROUPS) & values["feature_value"].notna()]
    rows = []
    keys = values[["feature_family", "feature"]].drop_duplicates()
    for family, feature in keys.itertuples(index=False):
        subset = main[(main["feature_family"] == family) & (main["feature"] == feature)]
        by_group = {
            g: subset.loc[subset["calcification_group"] == g, "feature_value"].to_numpy(float)
            for g in MAIN_GROUPS
        }
        rows += [(family, feature, *row) for row in compare_feature(by_group)]
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    frame[["n_a", "n_b"]] = frame[["n_a", "n_b"]].astype("Int64")
    return frame
