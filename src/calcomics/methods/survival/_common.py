"""Helpers shared by the survival estimators: group coding and R's ``timefix``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: R ``sqrt(.Machine$double.eps)``, the default tolerance of ``survival::aeqSurv``.
AEQ_TOLERANCE = float(np.sqrt(np.finfo(float).eps))


def group_codes(group: Any, values: np.ndarray) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Integer codes ``0..k-1`` and the group labels in R factor order.

    A pandas ``Categorical`` keeps its category order (categories without rows dropped, as
    ``survival::strata`` does); any other input uses the sorted distinct values (R's
    ``factor`` default), or first-appearance order when the values cannot be sorted.
    """
    dtype = getattr(group, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype):
        present = set(pd.unique(values))
        labels = tuple(c for c in dtype.categories if c in present)
    else:
        distinct = list(pd.unique(values))
        try:
            labels = tuple(sorted(distinct))
        except TypeError:
            labels = tuple(distinct)
    codes = pd.Categorical(values, categories=list(labels)).codes.astype(np.int64)
    return codes, labels


def aeq_times(time: np.ndarray, tolerance: float = AEQ_TOLERANCE) -> np.ndarray:
    """R ``survival::aeqSurv`` (``timefix = TRUE``) for right-censored times.

    Sorted distinct times closer than ``tolerance`` (absolutely, or relative to the mean
    absolute distinct time) are merged onto the smallest member of their run, so float noise
    such as ``0.1 + 0.2`` vs ``0.3`` counts as a tie, as in ``survfit``/``survdiff``.
    """
    distinct = np.unique(time)
    if distinct.size < 2:
        return time
    gaps = np.diff(distinct)
    tied = (gaps <= tolerance) | (gaps / np.mean(np.abs(distinct)) <= tolerance)
    if not tied.any():
        return time
    cuts = distinct[np.concatenate(([True], ~tied))]
    return cuts[np.searchsorted(cuts, time, side="right") - 1]
