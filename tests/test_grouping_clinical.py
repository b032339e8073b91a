"""Clinical marts under a second grouping (SNF subtype, 4 groups, 6 pairs), checked against
independent recounts of the raw clinical.csv with pandas and tests from scipy.

Table 1 (counts, medians, chi-square and Kruskal-Wallis p), the continuous group comparisons
(every pair of main groups, Bonferroni over the 6 pairs, Kruskal-Wallis) and the categorical
comparisons (counts, exact Fisher p of a 2 x 4 table by full enumeration).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import gammaln

pytestmark = pytest.mark.dbt

SNF_GROUPS = ("snf1", "snf2", "snf3", "snf4")
TABLE1_CATEGORIES = {  # clinical.csv column -> Table 1 characteristic key
    "breast_density": "breast_density",
    "focal_asymmetry": "focal_asymmetry",
    "architectural_distortion": "architectural_distortion",
    "lymph_node_status": "lymph_node_status",
    "lymphovascular_invasion": "lymphovascular_invasion",
    "histological_grade": "histological_grade",
}


@pytest.fixture(scope="module")
def clinical(snf_build) -> pd.DataFrame:
    """Raw clinical.csv of the SNF build, with each patient's SNF group (main patients only)."""
    raw = pd.read_csv(snf_build[1].parent / "raw" / "clinical.csv", dtype=str,
                      keep_default_na=False)
    raw["group_key"] = raw["snf_subtype"].str.strip().str.lower()
    return raw[raw["group_key"].isin(SNF_GROUPS)].reset_index(drop=True)


def test_table1_counts_and_group_sizes_are_a_recount_of_the_raw_file(snf_warehouse, clinical):
    mart = snf_warehouse.execute(
        "select characteristic, category_label, row_kind, group_key, group_order, n "
        "from rpt_table1_clinicopathology"
    ).df()
    sizes = mart[mart["row_kind"] == "group_size"].set_index("group_key")["n"]
    assert sizes.to_dict() == clinical["group_key"].value_counts().to_dict()
    assert list(mart.drop_duplicates("group_key").sort_values("group_order")["group_key"]) == list(
        SNF_GROUPS)
    layout = snf_warehouse.execute(
        "select characteristic, category_code, category_label from lookup.table1_layout"
    ).df()
    counts = mart[mart["row_kind"] == "count"].merge(layout, on=["characteristic",
                                                                 "category_label"])
    assert len(counts) == len(layout) * len(SNF_GROUPS)
    for column, characteristic in TABLE1_CATEGORIES.items():
        expected = pd.crosstab(clinical[column].str.strip(), clinical["group_key"])
        got = counts[counts["characteristic"] == characteristic]
        for row in got.itertuples():
            want = int(expected.loc[row.category_code, row.group_key]) if (
                row.category_code in expected.index) else 0
            assert row.n == want, (characteristic, row.category_code, row.group_key)


def test_table1_p_values_match_scipy(snf_warehouse, clinical):
    mart = snf_warehouse.execute(
        "select distinct characteristic, p_value_chisq, p_value_chisq_as_printed, "
        "p_value_kruskal_wallis, n_excluded_unknown "
        "from rpt_table1_clinicopathology where row_kind in ('count', 'median')"
    ).df().set_index("characteristic")
    for column, characteristic in TABLE1_CATEGORIES.items():
        values = clinical[column].str.strip()
        table = pd.crosstab(values, clinical["group_key"])
        expected = stats.chi2_contingency(table.to_numpy(), correction=False).pvalue
        assert mart.loc[characteristic, "p_value_chisq_as_printed"] == pytest.approx(
            expected, rel=1e-9)
        known = table.drop(index=["unknown", ""], errors="ignore")  # unknowns left out
        expected_known = stats.chi2_contingency(known.to_numpy(), correction=False).pvalue
        assert mart.loc[characteristic, "p_value_chisq"] == pytest.approx(expected_known,
                                                                          rel=1e-9)
        assert mart.loc[characteristic, "n_excluded_unknown"] == table.to_numpy().sum() - (
            known.to_numpy().sum())
    ages = clinical.assign(age=clinical["age_years"].astype(float))
    expected_kw = stats.kruskal(*[ages.loc[ages["group_key"] == g, "age"] for g in SNF_GROUPS])
    assert mart.loc["age_years", "p_value_kruskal_wallis"] == pytest.approx(expected_kw.pvalue,
                                                                            rel=1e-9)
    medians = dict(snf_warehouse.execute(
        "select group_key, median from rpt_table1_clinicopathology "
        "where characteristic = 'age_years'"
    ).fetchall())
    assert medians == ages.groupby("group_key")["age"].median().to_dict()


def test_group_comparisons_every_pair_against_scipy(snf_warehouse, clinical):
    mart = snf_warehouse.execute(
        "select * from fct_group_comparisons where feature = 'tumor_size_cm'"
    ).df()
    pairs = mart[mart["comparison_scope"] == "pairwise"]
    assert list(zip(pairs["group_a_key"], pairs["group_b_key"], strict=True)) == list(
        combinations(SNF_GROUPS, 2))
    size = clinical[clinical["tumor_size_cm"] != ""].assign(
        value=lambda d: d["tumor_size_cm"].astype(float))
    by_group = {g: size.loc[size["group_key"] == g, "value"].to_numpy() for g in SNF_GROUPS}
    for row in pairs.itertuples():
        a, b = by_group[row.group_a_key], by_group[row.group_b_key]
        # Groups of >= 50 patients: R's normal approximation with tie and continuity
        # correction, as scipy's asymptotic Mann-Whitney U.
        expected = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
        assert (row.n_a, row.n_b) == (len(a), len(b))
        assert row.statistic == pytest.approx(expected.statistic, rel=1e-12)
        assert row.p_value == pytest.approx(expected.pvalue, rel=1e-9)
        assert row.p_adjusted == pytest.approx(min(1.0, 6 * expected.pvalue), rel=1e-9)
        assert row.median_a == pytest.approx(np.median(a))
    kw = mart[mart["comparison_scope"] == "all_main_groups"].iloc[0]
    assert kw["p_value"] == pytest.approx(stats.kruskal(*by_group.values()).pvalue, rel=1e-9)
    assert kw["n_tested"] == len(size)
    per_feature = snf_warehouse.execute(
        "select count(*) filter (where comparison_scope = 'pairwise'), "
        "count(*) filter (where comparison_scope = 'all_main_groups') from fct_group_comparisons"
    ).fetchone()
    assert per_feature[0] <= 6 * per_feature[1] and per_feature[1] > 100


def _exact_fisher_2xk(table: np.ndarray) -> float:
    """Exact two-sided Fisher p of a 2 x 4 table (R's rule: sum of P <= P_observed (1 + 1e-7)).

    Every table with the observed margins is enumerated: the first row's first three cells
    on a grid, the fourth fixed by the row total.
    """
    cols = table.sum(axis=0)
    row0, n = int(table[0].sum()), int(table.sum())
    grids = np.meshgrid(*[np.arange(c + 1) for c in cols[:3]], indexing="ij")
    x = [g.ravel() for g in grids]
    x.append(row0 - x[0] - x[1] - x[2])
    first = np.stack(x, axis=1)
    first = first[(first[:, 3] >= 0) & (first[:, 3] <= cols[3])]

    def log_p(rows: np.ndarray) -> np.ndarray:
        return (np.sum(gammaln(cols + 1) - gammaln(rows + 1) - gammaln(cols - rows + 1), axis=1)
                - (gammaln(n + 1) - gammaln(row0 + 1) - gammaln(n - row0 + 1)))

    observed = log_p(table[:1])[0]
    all_p = log_p(first)
    return float(np.exp(all_p[all_p <= observed + 1e-7]).sum())


def test_categorical_comparison_counts_and_fisher_against_enumeration(snf_warehouse, clinical):
    mart = snf_warehouse.execute(
        "select * from fct_categorical_comparisons where comparison = 'lymph_node_status'"
    ).df()
    known = clinical[clinical["lymph_node_status"].isin(["negative", "positive"])]
    expected = pd.crosstab(known["lymph_node_status"], known["group_key"])
    for row in mart.itertuples():
        assert row.n == expected.loc[row.category_level, row.group_key]
        assert row.group_total == expected[row.group_key].sum()
        assert row.pct_of_group == pytest.approx(100 * row.n / row.group_total)
    table = expected[list(SNF_GROUPS)].to_numpy()
    assert mart["p_value"].nunique() == 1
    assert mart["p_value"].iloc[0] == pytest.approx(_exact_fisher_2xk(table), rel=1e-7)
    assert set(mart["fisher_method"]) == {"exact"}
    assert mart["n_tested"].iloc[0] == table.sum()
