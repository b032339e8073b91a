"""Statistics of the study's Table 1 (clinicopathological characteristics by group).

For each categorical characteristic the table is tested as the paper shows it (Unknown
categories included) over all main groups of the active grouping with Fisher's exact test
(R ``fisher.test`` semantics, exact r×c) and Pearson's chi-square test (R ``chisq.test``);
continuous characteristics get the Kruskal–Wallis test (R ``kruskal.test``) over all main
groups. The groups come from a :class:`calcomics.design.GroupDesign`; nothing here names a
group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.design import GroupDesign
from calcomics.methods.stats import chisq_test, fisher_exact, kruskal_test

CONTINUOUS_CHARACTERISTICS: tuple[str, ...] = (
    "age_years",
    "tumor_size_cm",
    "er_ihc_pct",
    "pr_ihc_pct",
    "ki67_ihc_pct",
)
TEST_COLUMNS = ["characteristic", "test_name", "statistic", "df", "p_value", "method"]


def contingency_tables(counts: pd.DataFrame, design: GroupDesign) -> dict[str, pd.DataFrame]:
    """Category × main-group count tables from the long ``int_table1_category_counts`` frame.

    Parameters
    ----------
    counts
        Columns characteristic, category_code, group_key, n_patients.
    design
        The main groups; they are the table's columns in display order (a group without a
        row counts 0), rows of other groups are ignored.

    Returns
    -------
    dict
        Characteristic → categories × groups frame of counts.
    """
    main = counts[counts["group_key"].isin(design.keys)]
    tables = {}
    for characteristic in counts["characteristic"].drop_duplicates():
        rows = main[main["characteristic"] == characteristic]
        table = rows.pivot_table(
            index="category_code",
            columns="group_key",
            values="n_patients",
            aggfunc="sum",
            fill_value=0,
        )
        tables[str(characteristic)] = table.reindex(columns=list(design.keys), fill_value=0)
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


def categorical_tests(counts: pd.DataFrame, design: GroupDesign) -> pd.DataFrame:
    """Fisher's exact and Pearson's chi-square p per categorical characteristic.

    Each characteristic's categories × main-groups table (:func:`contingency_tables`) is
    tested as a whole. Returns :data:`TEST_COLUMNS`, two rows per characteristic.
    """
    rows = []
    for characteristic, table in contingency_tables(counts, design).items():
        fisher = fisher_exact(table.to_numpy())
        rows.append((characteristic, "fisher_exact", None, None, fisher.p_value, fisher.method))
        rows.append((characteristic, "pearson_chisq", *_pearson_chisq(table.to_numpy())))
    return pd.DataFrame(rows, columns=TEST_COLUMNS)


def continuous_tests(
    patients: pd.DataFrame,
    design: GroupDesign,
    characteristics: tuple[str, ...] = CONTINUOUS_CHARACTERISTICS,
) -> pd.DataFrame:
    """Kruskal–Wallis p across the main groups per continuous characteristic.

    Parameters
    ----------
    patients
        One row per patient with group_key and the characteristic columns; patients outside
        the main groups and missing values are ignored.
    design
        The main groups compared.
    characteristics
        Columns tested.

    Returns
    -------
    pandas.DataFrame
        :data:`TEST_COLUMNS`, one row per characteristic. Groups without a value are left
        out; with fewer than two non-empty groups the row says ``not_testable`` (p NaN).
    """
    main = patients[patients["group_key"].isin(design.keys)]
    rows = []
    for characteristic in characteristics:
        values = main[characteristic].astype(float)
        groups = [values[main["group_key"] == key].dropna().to_numpy(float) for key in design.keys]
        present = [g for g in groups if len(g)]
        if len(present) < 2:
            rows.append((characteristic, "kruskal_wallis", float("nan"), None, float("nan"),
                         "not_testable"))
            continue
        result = kruskal_test(*present)
        rows.append(
            (characteristic, "kruskal_wallis", result.statistic, result.df, result.p_value,
             "asymptotic")
        )
    return pd.DataFrame(rows, columns=TEST_COLUMNS)


def table1_tests(
    counts: pd.DataFrame, patients: pd.DataFrame, design: GroupDesign
) -> pd.DataFrame:
    """All Table 1 tests in one long frame (one row per characteristic and test)."""
    tests = pd.concat(
        [categorical_tests(counts, design), continuous_tests(patients, design)],
        ignore_index=True,
    )
    tests["statistic"] = tests["statistic"].astype(float)
    tests["df"] = tests["df"].astype("Int64")
    return tests
