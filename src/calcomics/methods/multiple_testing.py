"""Benjamini-Hochberg q-values over a family of features, for the marts' ``q_value`` columns.

Where a mart tests many features (gene sets, genes, copy-number features), the family is
the features tested for one comparison: the rows sharing ``family`` columns. Within each
family the p-values go through R ``p.adjust(p, "BH")``
(:func:`calcomics.methods.stats.p_adjust`): null p-values (untested features) stay null and
do not count in ``n``, as R's ``NA``. When a p-value is repeated on several rows of one
feature (e.g. one Fisher p per gene shown on every group's row), ``unit`` names the columns
identifying the feature, so each feature counts once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from calcomics.methods.stats import p_adjust

__all__ = ["bh_q_values"]


def bh_q_values(
    frame: pd.DataFrame,
    p_column: str,
    family: Sequence[str],
    unit: Sequence[str] | None = None,
) -> np.ndarray:
    """BH q-values of ``frame[p_column]`` within each family of rows.

    Parameters
    ----------
    frame
        One row per tested comparison (or per feature and group when ``unit`` is given).
    p_column
        Column with the unadjusted p-values (null = not tested).
    family
        Columns whose values define one family (empty: the whole frame is one family);
        null values form their own family, as any other value.
    unit
        Columns identifying one feature within a family when its p-value is repeated on
        several rows; every row of a unit must carry the same p-value.

    Returns
    -------
    numpy.ndarray
        Float q-values aligned with ``frame``'s rows; NaN where the p-value is null.

    Raises
    ------
    ValueError
        If a unit carries different p-values on its rows, or a p-value lies outside [0, 1].
    """
    family = list(family)
    keys = family + list(unit or [])
    p = pd.to_numeric(frame[p_column], errors="coerce").astype("float64")
    if frame.empty:
        return np.empty(0, dtype=float)
    work = frame[keys].copy() if keys else pd.DataFrame(index=frame.index)
    work["_p"] = p.to_numpy()
    if unit:
        spread = work.groupby(keys, dropna=False, sort=False)["_p"].nunique(dropna=False)
        if (spread > 1).any():
            bad = spread[spread > 1].index[0]
            raise ValueError(
                f"{p_column}: the rows of one feature ({', '.join(keys)} = {bad!r}) carry "
                "different p-values; a repeated p-value must be equal on every row"
            )
        units = work.drop_duplicates(keys)
    else:
        units = work
    q_units = pd.Series(np.nan, index=units.index, dtype="float64")
    groups = units.groupby(family, dropna=False, sort=False) if family else [(None, units)]
    for _, rows in groups:
        q_units.loc[rows.index] = p_adjust(rows["_p"].to_numpy(), "BH")
    if not unit:
        return q_units.reindex(frame.index).to_numpy()
    lookup = units[keys].assign(_q=q_units.to_numpy())
    merged = work[keys].merge(lookup, on=keys, how="left", sort=False)
    return merged["_q"].to_numpy(dtype=float)
