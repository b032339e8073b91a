"""Rank-based tests and multiplicity adjustment with R semantics.

* :func:`wilcoxon_rank_sum` - R ``wilcox.test(x, y)`` (two-sided, ``mu = 0``,
  ``exact = NULL``, ``correct = TRUE``).
* :func:`wilcoxon_rank_sum_rows` - the same test for every row of a matrix (group vs rest).
* :func:`kruskal_test` - R ``kruskal.test(list(...))``.
* :func:`p_adjust` - R ``p.adjust(p, method)`` for ``"bonferroni"`` and ``"BH"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "KruskalResult",
    "RankSumResult",
    "kruskal_test",
    "p_adjust",
    "wilcoxon_rank_sum",
    "wilcoxon_rank_sum_rows",
]

#: R uses the exact null distribution only while both samples are smaller than this.
EXACT_MAX_N = 50


@dataclass(frozen=True)
class RankSumResult:
    """R's ``statistic`` (``W``), ``p.value`` and the method used.

    ``method`` is ``"exact"`` or ``"normal_approximation"`` (with continuity correction).
    """

    statistic: float
    p_value: float
    method: str


@dataclass(frozen=True)
class KruskalResult:
    """R's ``statistic`` (tie-corrected ``H``), ``parameter`` (df) and ``p.value``."""

    statistic: float
    df: int
    p_value: float


def _as_sample(values: Any, name: str) -> np.ndarray:
    """1-D float array from an array-like (``ValueError`` for non-numeric / non-1-D input)."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got {arr.ndim} dimensions")
    return arr


@lru_cache(maxsize=256)
def _rank_sum_counts(n_x: int, n_y: int) -> tuple[int, ...]:
    """Exact counts ``#{W = w}``, ``w = 0..n_x*n_y``, under H0 (integers, as R's cwilcox).

    The counts are the coefficients of the Gaussian binomial ``[n_x + n_y choose n_x]_q =
    prod_i (1 - q^(n_y + i)) / (1 - q^i)``; multiplying by ``1 - q^a`` is a shifted
    subtraction and dividing by ``1 - q^i`` a stride-``i`` cumulative sum.  Python integers
    (numpy object arrays) keep every count exact, so tail probabilities have no cancellation.
    """
    size = n_x * n_y + 1
    poly = np.zeros(size, dtype=object)
    poly[0] = 1
    for i in range(1, n_x + 1):
        shift = n_y + i
        if shift < size:
            poly[shift:] = poly[shift:] - poly[:-shift]
        for r in range(i):
            poly[r::i] = np.cumsum(poly[r::i])
    return tuple(int(v) for v in poly)


def _pwilcox_two_sided(w: int, n_x: int, n_y: int) -> float:
    """R: ``min(1, 2 * (w > n_x n_y / 2 ? P(W >= w) : P(W <= w)))`` computed exactly."""
    counts = _rank_sum_counts(n_x, n_y)
    total = comb(n_x + n_y, n_x)
    if w > n_x * n_y / 2:
        tail = sum(counts[w:])
    else:
        tail = sum(counts[: w + 1])
    return min(1.0, 2 * tail / total)


def wilcoxon_rank_sum(x: Any, y: Any) -> RankSumResult:
    """Two-sample Wilcoxon rank-sum (Mann-Whitney) test as R ``wilcox.test(x, y)``.

    Non-finite values (NaN and, as in R, +-Inf) are dropped; an empty sample raises
    ``ValueError``.  ``W = sum(rank(x)) - n_x (n_x + 1) / 2`` over the pooled average ranks.
    If ``n_x < 50``, ``n_y < 50`` and there are no ties the p-value is exact (R's
    ``pwilcox``): ``min(1, 2 P(W >= w))`` when ``w > n_x n_y / 2`` else ``min(1, 2 P(W <= w))``.
    Otherwise the normal approximation with tie correction and continuity correction is
    used: ``z = (W - n_x n_y / 2 - sign * 0.5) / sigma`` with ``sigma^2 = n_x n_y / 12 *
    ((n + 1) - sum(t^3 - t) / (n (n - 1)))`` and ``p = 2 min(Phi(z), 1 - Phi(z))``.  If all
    values are tied ``sigma = 0`` and, as in R, the p-value is NaN.  Equivalent scipy calls:
    ``mannwhitneyu(x, y, method="exact")`` / ``method="asymptotic", use_continuity=True``.
    """
    x = _as_sample(x, "x")
    y = _as_sample(y, "y")
    x = x[np.isfinite(x)]
    y = y[np.isfinite(y)]
    if len(x) == 0:
        raise ValueError("not enough 'x' observations (no finite values)")
    if len(y) == 0:
        raise ValueError("not enough 'y' observations (no finite values)")
    n_x, n_y = len(x), len(y)
    ranks = stats.rankdata(np.concatenate([x, y]))
    statistic = float(ranks[:n_x].sum() - n_x * (n_x + 1) / 2)
    _, tie_sizes = np.unique(np.concatenate([x, y]), return_counts=True)
    has_ties = bool((tie_sizes > 1).any())
    if n_x < EXACT_MAX_N and n_y < EXACT_MAX_N and not has_ties:
        return RankSumResult(statistic, _pwilcox_two_sided(round(statistic), n_x, n_y), "exact")
    n = n_x + n_y
    z = statistic - n_x * n_y / 2
    ties = float(np.sum(tie_sizes.astype(float) ** 3 - tie_sizes))
    sigma = np.sqrt((n_x * n_y / 12) * ((n + 1) - ties / (n * (n - 1))))
    if sigma == 0:
        return RankSumResult(statistic, float("nan"), "normal_approximation")
    z = (z - np.sign(z) * 0.5) / sigma
    p = float(min(1.0, 2 * stats.norm.sf(abs(z))))
    return RankSumResult(statistic, p, "normal_approximation")


def _row_average_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Average ranks within each row of a 2-D float array (NaN cells excluded and left NaN).

    Returns ``(ranks, tie_term, n_valid)``: ranks as R ``rank()`` over each row's non-NaN
    values, ``sum(t^3 - t)`` over the row's tie groups, and the number of non-NaN cells.
    One stable sort per row; tie runs are found on the flattened sorted matrix (a run never
    crosses a row because every row opens a new run), so the whole matrix is ranked at once.
    """
    n_rows, n_cols = values.shape
    order = np.argsort(values, axis=1, kind="stable")  # NaN sorts last
    ordered = np.take_along_axis(values, order, axis=1)
    valid = ~np.isnan(ordered)
    new_run = np.ones((n_rows, n_cols), dtype=bool)
    new_run[:, 1:] = ordered[:, 1:] != ordered[:, :-1]  # NaN != NaN: each NaN is its own run
    flat_new_run = new_run.ravel()
    run_id = np.cumsum(flat_new_run) - 1
    position = np.tile(np.arange(1, n_cols + 1, dtype=float), n_rows)
    run_size = np.bincount(run_id)
    run_mean = np.bincount(run_id, weights=position) / run_size
    ranks_sorted = run_mean[run_id].reshape(n_rows, n_cols)
    ranks_sorted[~valid] = np.nan
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=1)
    run_start = np.flatnonzero(flat_new_run)
    run_valid = valid.ravel()[run_start]
    run_row = run_start // n_cols
    t = run_size.astype(float)
    tie_term = np.bincount(
        run_row[run_valid], weights=(t**3 - t)[run_valid], minlength=n_rows
    )
    return ranks, tie_term, valid.sum(axis=1)


def _exact_p_values(w: np.ndarray, n_x: int, n_y: int) -> np.ndarray:
    """Vector form of :func:`_pwilcox_two_sided` for one ``(n_x, n_y)`` (same integer tails)."""
    counts = np.array(_rank_sum_counts(n_x, n_y), dtype=object)
    lower = np.cumsum(counts)  # P(W <= w) numerators, exact Python integers
    upper = np.cumsum(counts[::-1])[::-1]  # P(W >= w) numerators
    tails = np.where(w > n_x * n_y / 2, upper[w], lower[w])
    p = (2 * tails) / comb(n_x + n_y, n_x)  # int / int: correctly rounded, as the scalar code
    return np.minimum(1.0, p.astype(float))


def wilcoxon_rank_sum_rows(
    x: Any, in_group: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R ``wilcox.test(x[i, in_group], x[i, !in_group])`` for every row ``i`` of a matrix.

    ``x`` is features x samples, ``in_group`` a boolean mask over the samples (columns).
    Returns ``(statistic, p_value, method)`` arrays of length ``n_rows`` with exactly the
    semantics of :func:`wilcoxon_rank_sum` applied row by row: non-finite cells are dropped
    per row; ``W`` is the group's rank sum minus ``n_x (n_x + 1) / 2``; the p-value is exact
    (``method == "exact"``) when the row's two samples are both smaller than 50 and the row has
    no ties, otherwise the tie- and continuity-corrected normal approximation
    (``"normal_approximation"``; NaN if every value of the row is tied, as in R).  Deliberate
    difference: a row whose group or rest has no finite value gets NaN statistic and p-value
    and method ``"not_enough_observations"`` instead of an error (R stops), so one empty row
    cannot abort a whole matrix.  Ranking and the normal approximation are vectorised over
    rows; exact p-values use one exact null distribution per distinct ``(n_x, n_y)``.
    """
    try:
        values = np.array(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("x must be a numeric matrix") from exc
    if values.ndim != 2:
        raise ValueError(f"x must be 2-D (features x samples), got {values.ndim} dimensions")
    mask = np.asarray(in_group)
    if mask.dtype != bool:
        raise ValueError(f"in_group must be a boolean mask, got dtype {mask.dtype}")
    if mask.shape != (values.shape[1],):
        raise ValueError(
            f"in_group has shape {mask.shape}, expected ({values.shape[1]},) = one flag per "
            "column of x"
        )
    n_rows = values.shape[0]
    values[~np.isfinite(values)] = np.nan  # R drops NaN and +-Inf alike
    ranks, ties, _ = _row_average_ranks(values)
    finite = ~np.isnan(values)
    n_x = (finite & mask).sum(axis=1)
    n_y = (finite & ~mask).sum(axis=1)
    statistic = np.where(mask, np.nan_to_num(ranks), 0.0).sum(axis=1) - n_x * (n_x + 1) / 2
    p_value = np.full(n_rows, np.nan)
    method = np.full(n_rows, "normal_approximation", dtype=object)

    empty = (n_x == 0) | (n_y == 0)
    statistic[empty] = np.nan
    method[empty] = "not_enough_observations"
    exact = ~empty & (n_x < EXACT_MAX_N) & (n_y < EXACT_MAX_N) & (ties == 0)
    method[exact] = "exact"
    if exact.any():
        sizes = np.stack([n_x[exact], n_y[exact]], axis=1)
        exact_rows = np.flatnonzero(exact)
        w_exact = np.rint(statistic[exact]).astype(np.int64)
        p_exact = np.empty(len(exact_rows))
        for nx_, ny_ in np.unique(sizes, axis=0):  # one distribution per distinct size pair
            same = (sizes[:, 0] == nx_) & (sizes[:, 1] == ny_)
            p_exact[same] = _exact_p_values(w_exact[same], int(nx_), int(ny_))
        p_value[exact_rows] = p_exact

    normal = ~empty & ~exact
    if normal.any():
        nx_, ny_ = n_x[normal], n_y[normal]
        n = nx_ + ny_
        z = statistic[normal] - nx_ * ny_ / 2
        sigma = np.sqrt((nx_ * ny_ / 12) * ((n + 1) - ties[normal] / (n * (n - 1))))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (z - np.sign(z) * 0.5) / sigma
            p = np.minimum(1.0, 2 * stats.norm.sf(np.abs(z)))
        p[sigma == 0] = np.nan
        p_value[normal] = p
    return statistic, p_value, method


def kruskal_test(*groups: Any) -> KruskalResult:
    """Kruskal-Wallis rank-sum test as R ``kruskal.test(list(g1, g2, ...))``.

    NaN values are dropped from each group (R's ``complete.cases``; infinite values are
    kept and ranked).  ``ValueError`` for fewer than two groups or an empty group.
    ``H = (12 / (n (n + 1)) sum(R_g^2 / n_g) - 3 (n + 1)) / (1 - sum(t^3 - t) / (n^3 - n))``
    over pooled average ranks; ``df = k - 1``; p is the chi-square upper tail.  If every
    value is tied the statistic is NaN (R likewise).
    """
    if len(groups) < 2:
        raise ValueError("kruskal_test needs at least 2 groups")
    samples = [_as_sample(g, f"group {i + 1}") for i, g in enumerate(groups)]
    samples = [s[~np.isnan(s)] for s in samples]
    if any(len(s) == 0 for s in samples):
        raise ValueError("all groups must contain data (a group is empty after dropping NaN)")
    values = np.concatenate(samples)
    n = len(values)
    if n < 2:
        raise ValueError("not enough observations")
    sizes = np.array([len(s) for s in samples])
    labels = np.repeat(np.arange(len(samples)), sizes)
    ranks = stats.rankdata(values)
    rank_sums = np.bincount(labels, weights=ranks)
    _, tie_sizes = np.unique(values, return_counts=True)
    ties = float(np.sum(tie_sizes.astype(float) ** 3 - tie_sizes))
    h = 12 * np.sum(rank_sums**2 / sizes) / (n * (n + 1)) - 3 * (n + 1)
    denom = 1 - ties / (n**3 - n)
    statistic = float(h / denom) if denom > 0 else float("nan")
    df = len(samples) - 1
    return KruskalResult(statistic, df, float(stats.chi2.sf(statistic, df)))


_P_ADJUST_METHODS = {"bonferroni": "bonferroni", "BH": "BH", "fdr": "BH"}


def _as_p_values(p: Any) -> np.ndarray:
    """1-D float array of p-values; NaN, None and ``pd.NA`` all become NaN (R's NA)."""
    try:
        values = np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        try:  # object data holding pd.NA (nullable pandas values)
            values = pd.array(np.asarray(p, dtype=object).reshape(-1).tolist(),
                              dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ValueError("p must be numeric") from exc
    if values.ndim > 1:
        raise ValueError("p must be 1-D")
    return values.reshape(-1)


def p_adjust(p: Any, method: str) -> Any:
    """Adjust p-values exactly as R ``p.adjust(p, method)`` for ``"bonferroni"``/``"BH"``.

    ``"fdr"`` is accepted as R's alias of ``"BH"``.  Null entries (NaN, None, ``pd.NA``: R's
    NA, e.g. an untested comparison) stay NaN in place and are not counted in ``n`` (R's
    lazily evaluated ``n = length(p)`` after removing NAs); with ``n <= 1`` the input is
    returned unchanged.  Bonferroni: ``min(1, n p)``.  BH: with
    ``i = n..1`` along p sorted decreasingly, ``min(1, cummin(n / i * p))`` mapped back.
    Returns a float ndarray of the input's shape, or a Series with the same index when
    given a Series.  Unlike R, p-values outside [0, 1] raise ``ValueError``.
    """
    if method not in _P_ADJUST_METHODS:
        raise ValueError(f"method must be one of {sorted(_P_ADJUST_METHODS)}, got {method!r}")
    index = p.index if isinstance(p, pd.Series) else None
    values = _as_p_values(p)
    present = ~np.isnan(values)
    pv = values[present]
    if ((pv < 0) | (pv > 1)).any():
        raise ValueError("p-values must lie in [0, 1]")
    out = values.copy()
    n = len(pv)
    if n > 1:
        if _P_ADJUST_METHODS[method] == "bonferroni":
            adjusted = np.minimum(1.0, n * pv)
        else:
            order = np.argsort(-pv, kind="stable")  # R: order(p, decreasing = TRUE)
            i = np.arange(n, 0, -1)
            adjusted = np.empty(n)
            adjusted[order] = np.minimum(1.0, np.minimum.accumulate(n / i * pv[order]))
        out[present] = adjusted
    if index is not None:
        return pd.Series(out, index=index, name=p.name)
    return out
