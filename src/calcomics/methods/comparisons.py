"""Features compared across the main groups of the active grouping.

Continuous features, as in the paper's Methods: two-sided Mann-Whitney-Wilcoxon tests (R
``wilcox.test`` semantics) for every pair of main groups, Bonferroni-adjusted over the pairs
of each feature (not over features), and a Kruskal-Wallis test (R ``kruskal.test``) across
all main groups. Categorical features: the levels × main-groups count table with R
``fisher.test`` semantics. Patients without a value (unknown) are left out of the tests and
counted (``n_excluded_unknown``); degenerate comparisons are rows with a null p-value and a
``test_note`` (:mod:`calcomics.methods.stats.noted`). The groups come from a
:class:`calcomics.design.GroupDesign`; nothing here names a group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.design import GroupDesign, group_pairs
from calcomics.methods.stats import (
    NotedResult,
    fisher_exact_noted,
    kruskal_test_noted,
    p_adjust,
    wilcoxon_rank_sum_noted,
)

COMPARISON_DTYPES: dict[str, str] = {
    "feature_family": "string",
    "feature": "string",
    "test": "string",
    "comparison_scope": "string",
    "group_a_key": "string",
    "group_a_label": "string",
    "group_b_key": "string",
    "group_b_label": "string",
    "n_a": "Int64",
    "n_b": "Int64",
    "n_tested": "Int64",
    "n_excluded_unknown": "Int64",
    "median_a": "float64",
    "median_b": "float64",
    "statistic": "float64",
    "p_value": "float64",
    "p_adjusted": "float64",
    "method": "string",
    "test_note": "string",
}
COMPARISON_COLUMNS: list[str] = list(COMPARISON_DTYPES)
PAIRWISE = "pairwise"
ALL_MAIN_GROUPS = "all_main_groups"


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def _typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the given dtypes (numbers coerced first so None becomes NaN)."""
    for column, dtype in dtypes.items():
        if dtype == "float64":
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame.astype(dtypes)


def compare_feature(
    values_by_group: dict[str, np.ndarray],
    design: GroupDesign,
    unknown_by_group: dict[str, int] | None = None,
) -> list[tuple]:
    """Pairwise Wilcoxon (+ Bonferroni over the pairs) and Kruskal-Wallis for one feature.

    Parameters
    ----------
    values_by_group
        Non-missing values per main group key (a key may be absent or empty).
    design
        The main groups; pairs follow its display order (group a before group b).
    unknown_by_group
        Patients per main group key without a value (left out, counted).

    Returns
    -------
    list of tuple
        Rows of :data:`COMPARISON_COLUMNS` without the two feature columns: one per pair of
        main groups, then the Kruskal-Wallis row. A pair or Kruskal-Wallis test that cannot
        be tested (a group without values, fewer than 3 values, all values equal) has a null
        p-value, method ``not_testable`` and a ``test_note``; untested pairs do not count in
        the Bonferroni factor (R ``p.adjust`` with NA). Kruskal-Wallis leaves out groups
        without values as R does and names them in the note.
    """
    unknown = unknown_by_group or {}

    def values(key: str) -> np.ndarray:
        return values_by_group.get(key, np.empty(0))

    pairs = group_pairs(design)
    tested: list[NotedResult] = [wilcoxon_rank_sum_noted(values(a), values(b)) for a, b in pairs]
    adjusted = p_adjust(np.array([t.p_value for t in tested], dtype=float), "bonferroni")
    rows = []
    for (a, b), result, p_adj in zip(pairs, tested, adjusted, strict=True):
        rows.append(("wilcoxon_rank_sum", PAIRWISE, a, design.label(a), b, design.label(b),
                     len(values(a)), len(values(b)), result.n_tested,
                     unknown.get(a, 0) + unknown.get(b, 0),
                     _median(values(a)), _median(values(b)),
                     result.statistic, result.p_value, float(p_adj), result.method,
                     result.test_note))
    kw = kruskal_test_noted({design.label(key): values(key) for key in design.keys})
    rows.append(("kruskal_wallis", ALL_MAIN_GROUPS, None, None, None, None, None, None,
                 kw.n_tested, sum(unknown.get(key, 0) for key in design.keys), None, None,
                 kw.statistic, kw.p_value, kw.p_value, kw.method, kw.test_note))
    return rows


def compare_groups(values: pd.DataFrame, design: GroupDesign) -> pd.DataFrame:
    """Compare every feature of a long frame across the main groups.

    Parameters
    ----------
    values
        Columns feature_family, feature, group_key, feature_value; rows of groups outside
        ``design`` are ignored; rows with a missing feature_value are patients without a
        value (counted in ``n_excluded_unknown``, a feature with no usable value still gets
        its rows).
    design
        The main groups compared.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARISON_COLUMNS`: per feature one row per pair of main groups, then one
        Kruskal-Wallis row.
    """
    keys = values[["feature_family", "feature"]].drop_duplicates()
    in_main = values[values["group_key"].isin(design.keys)]
    missing = in_main["feature_value"].isna()
    main = in_main[~missing]
    unknown_counts = (
        in_main[missing].groupby(["feature_family", "feature", "group_key"]).size().to_dict()
    )
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
        unknown = {key: int(unknown_counts.get((family, feature, key), 0))
                   for key in design.keys}
        rows += [(family, feature, *row) for row in compare_feature(by_group, design, unknown)]
    return _typed(pd.DataFrame(rows, columns=COMPARISON_COLUMNS), COMPARISON_DTYPES)


CATEGORY_DTYPES: dict[str, str] = {
    "comparison": "string",
    "category_level": "string",
    "group_key": "string",
    "group_label": "string",
    "group_order": "int64",
    "n": "int64",
    "group_total": "int64",
    "group_unknown": "int64",
    "level_total": "int64",
    "pct_of_group": "float64",
    "pct_of_level": "float64",
    "fisher_p": "float64",
    "fisher_method": "string",
    "n_tested": "int64",
    "n_excluded_unknown": "int64",
    "test_note": "string",
}
CATEGORY_COLUMNS: list[str] = list(CATEGORY_DTYPES)


def _category_rows(
    comparison: str, subset: pd.DataFrame, design: GroupDesign
) -> pd.DataFrame:
    """Rows of one comparison (see :func:`compare_categories`)."""
    known = subset[subset["category_level"].notna()]
    table = pd.crosstab(known["category_level"], known["group_key"])
    table = table.reindex(columns=list(design.keys), fill_value=0).sort_index()
    unknown = (subset[subset["category_level"].isna()]["group_key"].value_counts()
               .reindex(list(design.keys), fill_value=0))
    result = fisher_exact_noted(table.to_numpy(), [design.label(k) for k in design.keys])
    if table.empty:  # no known level: one row per group, level null
        long = pd.DataFrame({"category_level": pd.Series([None] * len(design.keys), dtype=object),
                             "group_key": list(design.keys), "n": 0})
    else:
        long = table.stack().rename("n").reset_index()
    long["comparison"] = comparison
    long["group_total"] = long["group_key"].map(table.sum(axis=0)).fillna(0).astype("int64")
    long["group_unknown"] = long["group_key"].map(unknown).astype("int64")
    long["level_total"] = long["category_level"].map(table.sum(axis=1)).fillna(0)
    long["pct_of_group"] = 100.0 * long["n"] / long["group_total"].where(
        long["group_total"] > 0)
    long["pct_of_level"] = 100.0 * long["n"] / long["level_total"].where(
        long["level_total"] > 0)
    long["fisher_p"] = result.p_value
    long["fisher_method"] = result.method
    long["n_tested"] = result.n_tested
    long["n_excluded_unknown"] = int(unknown.sum())
    long["test_note"] = result.test_note
    return long.merge(design.frame(), on="group_key", how="left")


def compare_categories(patients: pd.DataFrame, design: GroupDesign) -> pd.DataFrame:
    """Composition of categorical variables across the main groups.

    Parameters
    ----------
    patients
        One row per patient and comparison: comparison, group_key, category_level (null =
        unknown, left out of the test and the percentages, counted in ``group_unknown`` and
        ``n_excluded_unknown``); other groups are ignored.
    design
        The main groups: the table's columns, in display order.

    Returns
    -------
    pandas.DataFrame
        :data:`CATEGORY_COLUMNS`, one row per comparison × observed level × main group (zero
        cells kept); a comparison without any known level has one row per main group with
        a null level. The levels × groups table of each comparison gets R ``fisher.test``
        semantics (exact r × c; see :func:`calcomics.methods.stats.fisher_exact`), repeated
        on its rows; degenerate tables give a null p and a ``test_note``
        (:func:`calcomics.methods.stats.fisher_exact_noted`). Percentages are given both
        ways: of the group (e.g. PAM50 composition of a group, Figure 4A) and of the level
        (e.g. group shares among relapsed patients, Figure 2G).
    """
    main = patients[patients["group_key"].isin(design.keys)]
    frames = [
        _category_rows(str(comparison), main[main["comparison"] == comparison], design)
        for comparison in patients["comparison"].drop_duplicates()
    ]
    if not frames:
        return _typed(pd.DataFrame({c: [] for c in CATEGORY_COLUMNS}), CATEGORY_DTYPES)
    frame = pd.concat(frames, ignore_index=True)[CATEGORY_COLUMNS]
    return _typed(frame, CATEGORY_DTYPES)
