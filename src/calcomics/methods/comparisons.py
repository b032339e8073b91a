"""Features compared across the main groups of the active grouping.

Continuous features, as in the paper's Methods: two-sided Mann-Whitney-Wilcoxon tests (R
``wilcox.test`` semantics) for every pair of main groups, Bonferroni-adjusted over the pairs
of each feature (not over features), and a Kruskal-Wallis test (R ``kruskal.test``) across
all main groups. Categorical features: the levels × main-groups count table with R
``fisher.test`` semantics. The groups come from a :class:`calcomics.design.GroupDesign`;
nothing here names a group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.design import GroupDesign, group_pairs
from calcomics.methods.stats import fisher_exact, kruskal_test, p_adjust, wilcoxon_rank_sum

COMPARISON_COLUMNS: list[str] = [
    "feature_family", "feature", "test", "comparison_scope",
    "group_a_key", "group_a_label", "group_b_key", "group_b_label",
    "n_a", "n_b", "n_tested", "median_a", "median_b",
    "statistic", "p_value", "p_adjusted", "method",
]
PAIRWISE = "pairwise"
ALL_MAIN_GROUPS = "all_main_groups"


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def compare_feature(values_by_group: dict[str, np.ndarray], design: GroupDesign) -> list[tuple]:
    """Pairwise Wilcoxon (+ Bonferroni over the pairs) and Kruskal-Wallis for one feature.

    Parameters
    ----------
    values_by_group
        Non-missing values per main group key (a key may be absent or empty).
    design
        The main groups; pairs follow its display order (group a before group b).

    Returns
    -------
    list of tuple
        Rows of :data:`COMPARISON_COLUMNS` without the two feature columns. A pair with an
        empty group is not tested (no row) and does not count in the Bonferroni factor; the
        Kruskal-Wallis row needs at least two non-empty groups, else its method is
        ``not_testable`` and its p NaN.
    """
    def values(key: str) -> np.ndarray:
        return values_by_group.get(key, np.empty(0))

    rows = []
    pairs = [(a, b) for a, b in group_pairs(design) if len(values(a)) and len(values(b))]
    tested = [wilcoxon_rank_sum(values(a), values(b)) for a, b in pairs]
    adjusted = p_adjust(np.array([t.p_value for t in tested]), "bonferroni") if tested else []
    for (a, b), result, p_adj in zip(pairs, tested, adjusted, strict=True):
        n_a, n_b = len(values(a)), len(values(b))
        rows.append(("wilcoxon_rank_sum", PAIRWISE, a, design.label(a), b, design.label(b),
                     n_a, n_b, n_a + n_b, _median(values(a)), _median(values(b)),
                     result.statistic, result.p_value, float(p_adj), result.method))
    present = [values(key) for key in design.keys if len(values(key))]
    n_all = sum(len(v) for v in present)
    if len(present) >= 2:
        kw = kruskal_test(*present)
        statistic, p_value, method = kw.statistic, kw.p_value, "asymptotic"
    else:
        statistic, p_value, method = float("nan"), float("nan"), "not_testable"
    rows.append(("kruskal_wallis", ALL_MAIN_GROUPS, None, None, None, None, None, None, n_all,
                 None, None, statistic, p_value, p_value, method))
    return rows


def compare_groups(values: pd.DataFrame, design: GroupDesign) -> pd.DataFrame:
    """Compare every feature of a long frame across the main groups.

    Parameters
    ----------
    values
        Columns feature_family, feature, group_key, feature_value; rows of groups outside
        ``design`` and missing values are ignored (a feature with no usable value still gets
        its ``not_testable`` Kruskal-Wallis row).
    design
        The main groups compared.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARISON_COLUMNS`: per feature one row per tested pair, then one
        Kruskal-Wallis row.
    """
    keys = values[["feature_family", "feature"]].drop_duplicates()
    main = values[values["group_key"].isin(design.keys) & values["feature_value"].notna()]
    # One sort, then slices: filtering the whole frame per feature is quadratic in features.
    grouped = {
        key: frame for key, frame in main.groupby(["feature_family", "feature"], sort=False)
    }
    empty = main.iloc[:0]
    rows = []
    for family, feature in keys.itertuples(index=False):
        subset = grouped.get((family, feature), empty)
        by_group = {
            str(group): frame["feature_value"].to_numpy(float)
            for group, frame in subset.groupby("group_key", sort=False)
        }
        rows += [(family, feature, *row) for row in compare_feature(by_group, design)]
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    frame[["n_a", "n_b", "n_tested"]] = frame[["n_a", "n_b", "n_tested"]].astype("Int64")
    for column in ["median_a", "median_b", "statistic", "p_value", "p_adjusted"]:
        frame[column] = frame[column].astype(float)
    return frame


CATEGORY_COLUMNS: list[str] = [
    "comparison", "category_level", "group_key", "group_label", "group_order",
    "n", "group_total", "level_total", "pct_of_group", "pct_of_level",
    "fisher_p", "fisher_method", "n_tested",
]


def compare_categories(patients: pd.DataFrame, design: GroupDesign) -> pd.DataFrame:
    """Composition of categorical variables across the main groups.

    Parameters
    ----------
    patients
        One row per patient and comparison: comparison, group_key, category_level (null =
        unknown, left out of the test and the percentages); other groups are ignored.
    design
        The main groups: the table's columns, in display order.

    Returns
    -------
    pandas.DataFrame
        :data:`CATEGORY_COLUMNS`, one row per comparison × observed level × main group (zero
        cells kept). The levels × groups table of each comparison gets R ``fisher.test``
        semantics (exact r × c; see :func:`calcomics.methods.stats.fisher_exact`), repeated on its
        rows. Percentages are given both ways: of the group (e.g. PAM50 composition of a
        group, Figure 4A) and of the level (e.g. group shares among relapsed patients,
        Figure 2G).
    """
    known = patients[patients["group_key"].isin(design.keys)
                     & patients["category_level"].notna()]
    groups = design.frame()
    frames = []
    for comparison in patients["comparison"].drop_duplicates():
        subset = known[known["comparison"] == comparison]
        table = pd.crosstab(subset["category_level"], subset["group_key"])
        table = table.reindex(columns=list(design.keys), fill_value=0).sort_index()
        result = fisher_exact(table.to_numpy()) if table.shape[0] >= 1 else None
        long = table.stack().rename("n").reset_index()
        long["comparison"] = comparison
        long["group_total"] = long["group_key"].map(table.sum(axis=0))
        long["level_total"] = long["category_level"].map(table.sum(axis=1))
        long["pct_of_group"] = 100.0 * long["n"] / long["group_total"].where(
            long["group_total"] > 0)
        long["pct_of_level"] = 100.0 * long["n"] / long["level_total"].where(
            long["level_total"] > 0)
        long["fisher_p"] = result.p_value if result else np.nan
        long["fisher_method"] = result.method if result else "not_testable"
        long["n_tested"] = int(table.to_numpy().sum())
        frames.append(long.merge(groups, on="group_key", how="left"))
    if not frames:
        return pd.DataFrame(columns=CATEGORY_COLUMNS)
    frame = pd.concat(frames, ignore_index=True)[CATEGORY_COLUMNS]
    return frame.astype({"n": "int64", "group_total": "int64", "level_total": "int64",
                         "group_order": "int64"})
