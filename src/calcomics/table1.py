"""Statistics of the study's Table 1 (clinicopathological characteristics by group).

For each categorical characteristic the table is tested as the paper shows it (Unknown
categories included) with Fisher's exact test (R ``fisher.test`` semantics, exact r×c) and
Pearson's chi-square test (R ``chisq.test``); continuous characteristics get the
Kruskal–Wallis test (R ``kruskal.test``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.groups import MAIN_GROUPS
from calcomics.stats import chisq_test, fisher_exact, kruskal_test

CONTINUOUS_CHARACTERISTICS: tuple[str, ...] = (
    "age_years",
    "tumor_size_cm",
    "er_ihc_pct",
    "pr_ihc_pct",
    "ki67_ihc_pct",
)
TEST_COLUMNS = ["characteristic", "test_name", "statistic", "df", "p_value", "method"]


def contingency_tables(counts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Category × group count tables from the long ``int_table1_category_counts`` frame."""
    tables = {}
    for characteristic, rows in counts.groupby("characteristic", sort=False):
        table = rows.pivot_table(
            index="category_code",
            columns="calcification_group",
            values="n_patients",
            aggfunc="sum",
            fill_value=0,
        )
        tables[str(characteristic)] = table.reindex(columns=list(MAIN_GROUPS), fill_value=0)
    return tables


def _pearson_chisq(table: np.ndarray) -> tuple[float, float | None, float, str]:
    """Pearson chi-square after dropping all-zero rows and columns (as fisher.test does).

    R's chisq.test would return NaN for a table with an empty category (an expected count of
    0); a small cohort often has one, so the empty category is left out instead. With fewer
    than two non-empty rows or columns nothing can be tested: p is NaN, method 'not_testable'.
    """
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return float("nan"), None, float("nan"), "not_testable"
    result = chisq_test(table, correct=False)
    return result.statistic, result.df, result.p_value, "asymptotic"


def categorical_tests(counts: pd.DataFrame) -> pd.DataFrame:
    """Fisher's exact and Pearson's chi-square p per categorical characteristic."""
    rows = []
    for characteristic, table in contingency_tables(counts).items():
        fisher = fisher_exact(table.to_numpy())
        rows.append((characteristic, "fisher_exact", None, None, fisher.p_value, fisher.method))
        rows.append((characteristic, "pearson_chisq", *_pearson_chisq(table.to_numpy())))
    return pd.DataFrame(rows, columns=TEST_COLUMNS)


def continuous_tests(patients: pd.DataFrame) -> pd.DataFrame:
    """Kruskal–Wallis p across the three main groups per continuous characteristic."""
    main = patients[patients["calcification_group"].isin(MAIN_GROUPS)]
    rows = []
    for characteristic in CONTINUOUS_CHARACTERISTICS:
        groups = [
            main.loc[main["calcification_group"] == g, characteristic].dropna().to_numpy(float)
            for g in MAIN_GROUPS
        ]
        result = kruskal_test(*groups)
        rows.append(
            (characteristic, "kruskal_wallis", result.statistic, result.df, result.p_value,
             "asymptotic")
        )
    return pd.DataFrame(rows, columns=TEST_COLUMNS)


def table1_tests(counts: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """All Table 1 tests in one long frame (one row per characteristic and test)."""
    tests = pd.concat([categorical_tests(counts), continuous_tests(patients)], ignore_index=True)
    tests["statistic"] = tests["statistic"].astype(float)
    tests["df"] = tests["df"].astype("Int64")
    return tests
