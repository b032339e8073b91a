"""One check for numeric input matrices, shared by the methods.

Every method that takes a labelled matrix (PAM50, SET/endocrine scores, signature fitting)
validates it here, so a non-numeric column or a missing/infinite cell is reported the same
way everywhere: the argument, the row and column labels of the first bad cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def numeric_matrix(
    frame: pd.DataFrame,
    argument: str,
    error: type[Exception] = ValueError,
    *,
    row_label: str = "gene",
    column_label: str = "sample",
    allow_missing: bool = False,
    non_negative: bool = False,
) -> np.ndarray:
    """The values of ``frame`` as a float64 array, after checking every column and cell.

    Parameters
    ----------
    frame
        Labelled matrix (rows x columns).
    argument
        Name of the argument, used in messages (e.g. ``"log_expr"``).
    error
        Exception class raised (each method keeps its own input-error type).
    row_label, column_label
        What a row and a column are, for messages (``gene``/``sample``).
    allow_missing
        NaN marks a missing value and is allowed; ±inf never is.
    non_negative
        Negative values are refused (counts, signature profiles).

    Raises
    ------
    error
        For the first non-numeric column, then the first bad cell in row-major order.
    """
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise error(f"{argument}: {column_label} column {column!r} is not numeric")
    values = frame.to_numpy(dtype=np.float64)
    bad = np.isinf(values) if allow_missing else ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        what = "infinite" if allow_missing else "missing or infinite"
        raise error(
            f"{argument}: value for {row_label} {frame.index[row]!r}, {column_label} "
            f"{frame.columns[col]!r} is {what}"
        )
    if non_negative and (values < 0).any():
        row, col = np.argwhere(values < 0)[0]
        raise error(
            f"{argument}: value for {row_label} {frame.index[row]!r}, {column_label} "
            f"{frame.columns[col]!r} is negative ({values[row, col]!r})"
        )
    return values
