"""Statistics of the study's Table 1 (clinicopathological characteristics by group).

Each categorical characteristic's categories × main-groups table of the active grouping is
tested with Fisher's exact test (R ``fisher.test`` semantics, exact r×c) and Pearson's
chi-square test (R ``chisq.test``); continuous characteristics get the Kruskal–Wallis test
(R ``kruskal.test``) over all main groups. Patients without a value (the ``unknown``
category, or a missing measurement) are left out of the tests and counted
(``n_excluded_unknown``). The paper tested its tables as printed, Unknown rows included;
those p-values are reported too (``*_as_printed`` tests) since they are the ones that
reproduce the printed values. Degenerate tables give a null p-value and a ``test_note``
(:mod:`calcomics.methods.stats.noted`). The groups come from a
:class:`calcomics.design.GroupDesign`; nothing here names a group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.design import GroupDesign
from calcomics.methods.stats import (
    NotedResult,
    chisq_test_noted,
    fisher_exact_noted,
    kruskal_test_noted,
)

CONTINUOUS_CHARACTERISTICS: tuple[str, ...] = (
    "age_years",
    "tumor_size_cm",
    "er_ihc_pct",
    "pr_ihc_pct",
    "ki67_ihc_pct",
)
#: Category code of patients without a known value (empty or ``unknown`` in clinical.csv).
UNKNOWN_CODE = "unknown"
TEST_DTYPES: dict[str, str] = {
    "characteristic": "string",
    "test_name": "string",
    "statistic": "float64",
    "df": "Int64",
    "p_value": "float64",
    "method": "string",
    "test_note": "string",
    "n_tested": "Int64",
    "n_excluded_unknown": "Int64",
}
TEST_COLUMNS = list(TEST_DTYPES)


def contingency_tables(
    counts: pd.DataFrame, design: GroupDesign, *, include_unknown: bool = True
) -> dict[str, pd.DataFrame]:
    """Category × main-group count tables from the long ``int_table1_category_counts`` frame.

    Parameters
    ----------
    counts
        Columns characteristic, category_code, group_key, n_patients.
    design
        The main groups; they are the table's columns in display order (a group without a
        row counts 0), rows of other groups are ignored.
    include_unknown
        Keep the :data:`UNKNOWN_CODE` row (the table as printed); False gives the table of
        known categories that is tested.

    Returns
    -------
    dict
        Characteristic → categories × groups frame of counts.
    """
    main = counts[counts["group_key"].isin(design.keys)]
    if not include_unknown:
        main = main[main["category_code"] != UNKNOWN_CODE]
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


def _row(characteristic: str, test_name: str, result: NotedResult,
         n_excluded_unknown: int) -> tuple:
    return (characteristic, test_name, result.statistic, result.df, result.p_value,
            result.method, result.test_note, result.n_tested, n_excluded_unknown)


def _typed(rows: list[tuple]) -> pd.DataFrame:
    """Rows as a frame with :data:`TEST_DTYPES` (also when empty)."""
    frame = pd.DataFrame(rows, columns=TEST_COLUMNS)
    frame["statistic"] = pd.to_numeric(frame["statistic"], errors="coerce")
    frame["p_value"] = pd.to_numeric(frame["p_value"], errors="coerce")
    return frame.astype(TEST_DTYPES)


def categorical_tests(counts: pd.DataFrame, design: GroupDesign) -> pd.DataFrame:
    """Fisher's exact and Pearson's chi-square p per categorical characteristic.

    Tested twice: on the known categories × main groups (``fisher_exact``,
    ``pearson_chisq``; unknowns counted in ``n_excluded_unknown``) and on the table as
    printed, Unknown row included (``fisher_exact_as_printed``, ``pearson_chisq_as_printed``,
    the paper's computation). Returns :data:`TEST_COLUMNS`, four rows per characteristic.
    """
    labels = [design.label(key) for key in design.keys]
    known = contingency_tables(counts, design, include_unknown=False)
    printed = contingency_tables(counts, design, include_unknown=True)
    rows = []
    for characteristic, table in known.items():
        counts_known = table.to_numpy()
        counts_printed = printed[characteristic].to_numpy()
        n_unknown = int(counts_printed.sum() - counts_known.sum())
        rows.append(_row(characteristic, "fisher_exact",
                         fisher_exact_noted(counts_known, labels), n_unknown))
        rows.append(_row(characteristic, "pearson_chisq",
                         chisq_test_noted(counts_known, labels), n_unknown))
        rows.append(_row(characteristic, "fisher_exact_as_printed",
                         fisher_exact_noted(counts_printed, labels), 0))
        rows.append(_row(characteristic, "pearson_chisq_as_printed",
                         chisq_test_noted(counts_printed, labels), 0))
    return _typed(rows)


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
        the main groups are ignored, missing values are left out and counted.
    design
        The main groups compared.
    characteristics
        Columns tested.

    Returns
    -------
    pandas.DataFrame
        :data:`TEST_COLUMNS`, one row per characteristic. Groups without a value are left
        out as R's ``kruskal.test(value ~ group)`` does (note ``groups_left_out``); fewer
        than two groups with values, fewer than 3 values or all values equal give a null p
        and a ``test_note``.
    """
    main = patients[patients["group_key"].isin(design.keys)]
    rows = []
    for characteristic in characteristics:
        values = pd.to_numeric(main[characteristic], errors="coerce").astype(float)
        groups = {
            design.label(key): values[(main["group_key"] == key).to_numpy()].to_numpy(float)
            for key in design.keys
        }
        n_missing = int(np.isnan(values.to_numpy(float)).sum())
        rows.append(_row(characteristic, "kruskal_wallis", kruskal_test_noted(groups),
                         n_missing))
    return _typed(rows)


def table1_tests(
    counts: pd.DataFrame, patients: pd.DataFrame, design: GroupDesign
) -> pd.DataFrame:
    """All Table 1 tests in one long frame (one row per characteristic and test)."""
    return _typed(
        [*categorical_tests(counts, design).itertuples(index=False, name=None),
         *continuous_tests(patients, design).itertuples(index=False, name=None)]
    )
