"""Glue for dbt Python models: move relations into pandas through Arrow."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from calcomics.design.groupings import GroupDesign


def relation_to_pandas(relation: Any, strings_to_categorical: bool = False) -> pd.DataFrame:
    """A DuckDB relation as a pandas frame, via Arrow (cheaper than ``.df()`` on big relations).

    DuckDB ≥ 1.4 returns a ``RecordBatchReader`` from ``.arrow()``; older versions a ``Table``.
    ``strings_to_categorical`` dictionary-encodes text columns in Arrow's C++ code: for long
    (sample, gene, value) tables with tens of millions of rows this is several times cheaper
    than Python string objects, and :func:`long_to_matrix` uses the codes directly.
    """
    arrow = relation.arrow()
    if isinstance(arrow, pa.RecordBatchReader):
        arrow = arrow.read_all()
    return arrow.to_pandas(strings_to_categorical=strings_to_categorical)


class MatrixShapeError(ValueError):
    """A long table that does not hold exactly one value per row x column cell."""


def long_to_matrix(
    long: pd.DataFrame, row: str, column: str, value: str, source: str
) -> pd.DataFrame:
    """Long (row, column, value) records to a rows x columns float matrix.

    Rows keep their first-appearance order (GSVA's stable ranking depends on it) and columns
    are sorted, so a rebuild of the same data gives the same matrix. Every cell must be
    present exactly once: a duplicated or missing cell is an error naming ``source`` and the
    cell. Vectorised (factorize + one scatter), no per-row Python loop.
    """
    columns = long[column]
    if isinstance(columns.dtype, pd.CategoricalDtype):
        # factorize(sort=True) follows category order; make that the label order.
        columns = columns.cat.reorder_categories(sorted(columns.cat.categories))
    row_codes, rows = pd.factorize(long[row], sort=False)
    col_codes, cols = pd.factorize(columns, sort=True)
    # Categorical input gives categorical uniques; the matrix gets plain labels.
    rows, cols = np.asarray(rows, dtype=object), np.asarray(cols, dtype=object)
    n_rows, n_cols = len(rows), len(cols)
    flat = row_codes.astype(np.int64) * max(n_cols, 1) + col_codes
    counts = np.bincount(flat, minlength=n_rows * n_cols)
    if (counts > 1).any():
        cell = int(np.flatnonzero(counts > 1)[0])
        raise MatrixShapeError(
            f"{source}: {row} '{rows[cell // n_cols]}' appears {counts[cell]} times for "
            f"{column} '{cols[cell % n_cols]}' (one value per cell expected)"
        )
    if (counts == 0).any():
        cell = int(np.flatnonzero(counts == 0)[0])
        raise MatrixShapeError(
            f"{source}: no value for {row} '{rows[cell // n_cols]}', {column} "
            f"'{cols[cell % n_cols]}' ({int((counts == 0).sum())} cell(s) missing)"
        )
    values = np.empty(n_rows * n_cols)
    values[flat] = long[value].to_numpy(float)
    return pd.DataFrame(values.reshape(n_rows, n_cols), index=pd.Index(rows, name=row),
                        columns=pd.Index(cols, name=column))


def group_design(groups_relation: Any) -> GroupDesign:
    """The main groups of the active grouping, from the ``int_comparison_groups`` relation.

    Call it as ``group_design(dbt.ref("int_comparison_groups"))``: dbt finds a Python
    model's parents by the literal ``dbt.ref`` calls in the model file.
    """
    return GroupDesign.from_frame(relation_to_pandas(groups_relation))
