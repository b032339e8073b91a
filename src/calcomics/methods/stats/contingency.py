"""Contingency-table tests with R semantics: Fisher's exact test and Pearson's chi-square test.

``fisher_exact`` reproduces R 4.2 ``fisher.test(x)`` (two-sided, no simulation) for any r x c
table: the 2 x 2 branch sums the hypergeometric densities within R's ``relErr = 1 + 1e-7``
and the r x c branch uses FEXACT's criterion (tables no more probable than the observed one
up to FEXACT's tolerance ``3.45254e-7`` on the log scale).  The r x c p-value is computed
exactly by a network algorithm written with numpy (column-by-column enumeration with
canonical row-sum states, merged nodes, closed-form masses for decided subtrees and sorted
per-state completions answered by binary search); only when that enumeration would exceed
a fixed work budget does it fall back to a seeded Monte Carlo estimate (reported as such,
never silently; scipy's own r x c ``fisher_exact`` is never used).

``chisq_test`` reproduces R ``chisq.test(x, correct=...)`` for a contingency table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

__all__ = ["ChisqResult", "FisherResult", "FisherRowsResult", "chisq_test", "fisher_exact",
           "fisher_exact_rows"]

#: FEXACT's tolerance on the log-probability scale (``tol`` in R's ``fexact.c``).
FEXACT_TOL = 3.45254e-7
#: R's relative tolerance for the two-sided 2 x 2 test (``relErr`` in ``fisher.test``).
REL_ERR_2X2 = 1 + 1e-7

_MC_CHUNK = 10_000
#: Column fillings generated at once by the exact enumeration (bounds peak memory).
_CHUNK_FILLS = 2_000_000
# Implementation switches between equivalent code paths (module-level so tests can force
# each path): per-group Python loops are used only while the number of groups is small.
_SORT_LOOP_MAX_GROUPS = 5_000
_SEARCH_LOOP_MAX_GROUPS = 20_000
_PADDED_SCAN_RATIO = 4
_PADDED_SCAN_SLACK = 1024


@dataclass(frozen=True)
class FisherResult:
    """Result of :func:`fisher_exact`.

    ``method`` is ``"exact"`` or ``"monte_carlo"``; ``n_simulations`` is the number of
    simulated tables (``None`` when exact); ``dims`` is the shape of the table actually tested
    (after dropping all-zero rows and columns).
    """

    p_value: float
    method: str
    n_simulations: int | None
    dims: tuple[int, int]


@dataclass(frozen=True)
class ChisqResult:
    """Result of :func:`chisq_test` (R's ``statistic``, ``parameter`` and ``p.value``)."""

    statistic: float
    df: int
    p_value: float


class _WorkBudgetExceeded(Exception):
    """Raised internally when the exact enumeration would exceed its work budget."""


class _Budget:
    """Counts generated nodes (partial tables and completions) against a fixed limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, n: int) -> None:
        self.used += int(n)
        if self.used > self.limit:
            raise _WorkBudgetExceeded


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


def _as_count_table(table: Any) -> np.ndarray:
    """Validate a 2-D table of non-negative integer counts and return it as ``int64``."""
    if isinstance(table, pd.DataFrame):
        table = table.to_numpy()
    try:
        arr = np.asarray(table, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("table must contain only numeric counts") from exc
    if arr.ndim != 2:
        raise ValueError(f"table must be 2-D, got an array with {arr.ndim} dimension(s)")
    if np.isnan(arr).any():
        raise ValueError("table contains NaN (missing) values")
    if np.isinf(arr).any():
        raise ValueError("table contains infinite values")
    if (arr < 0).any():
        raise ValueError("table entries must be non-negative")
    if (arr != np.round(arr)).any():
        raise ValueError("table entries must be integers (found non-integer values)")
    if (arr > np.iinfo(np.int32).max).any():
        raise ValueError("table entries are too large (R's limit is .Machine$integer.max)")
    return arr.astype(np.int64)


def _drop_empty_margins(x: np.ndarray) -> np.ndarray:
    """Drop all-zero rows and columns (their cells are fixed at zero in every table)."""
    return x[x.sum(axis=1) > 0][:, x.sum(axis=0) > 0]


def _log_factorials(n: int) -> np.ndarray:
    """``lf[i] = log(i!)`` for ``i = 0..n``."""
    return special.gammaln(np.arange(n + 1, dtype=float) + 1.0)


# --------------------------------------------------------------------------------------------
# Fisher's exact test
# --------------------------------------------------------------------------------------------


def fisher_exact(
    table: Any,
    *,
    max_work: int = 10_000_000,
    n_simulations: int = 100_000,
    seed: int = 20240101,
) -> FisherResult:
    """Two-sided Fisher's exact test matching R 4.2 ``fisher.test(table)``.

    * Input: a 2-D array-like (or DataFrame) of non-negative integer counts; ``ValueError``
      for a non-2-D input, NaN/infinite, negative or non-integer entries.  All-zero rows and
      columns are dropped; if fewer than two rows or columns remain the p-value is 1.
    * 2 x 2 input (R's ``have.2x2`` branch): p is the sum of the hypergeometric densities
      ``d(x)`` with ``d(x) <= d(x_obs) * (1 + 1e-7)``.
    * Any other shape (R's FEXACT branch): p is the sum of P(T) over all tables T with the
      observed margins and ``log P(T) <= log P(obs) + 3.45254e-7``, computed exactly.
    * If the exact enumeration would exceed ``max_work`` units of work (column fillings
      generated plus undecided partial tables kept, plus ``N + 1`` for the log-factorial
      table; the default keeps the worst case to a few seconds and ~1 GB), p is instead
      estimated from ``n_simulations`` random tables with the
      observed margins (``scipy.stats.random_table`` with a ``numpy`` generator seeded with
      ``seed``) as ``(1 + #{log P(T_sim) <= log P(obs) + 3.45254e-7}) / (B + 1)``, i.e. R's
      ``simulate.p.value = TRUE`` estimator (R uses a relative ``64 * eps`` tie tolerance
      there); the result then has ``method="monte_carlo"``.
    """
    if n_simulations < 1:
        raise ValueError("n_simulations must be a positive integer")
    if max_work < 0:
        raise ValueError("max_work must be non-negative")
    x = _as_count_table(table)
    was_2x2 = x.shape == (2, 2)
    x = _drop_empty_margins(x)
    dims = (int(x.shape[0]), int(x.shape[1]))
    if min(dims) < 2:
        return FisherResult(1.0, "exact", None, dims)
    if was_2x2:
        return FisherResult(_fisher_2x2(x), "exact", None, dims)
    try:
        p = _fisher_rxc_exact(x, _Budget(max_work))
    except _WorkBudgetExceeded:
        p = _fisher_rxc_monte_carlo(x, n_simulations, seed)
        return FisherResult(p, "monte_carlo", int(n_simulations), dims)
    return FisherResult(p, "exact", None, dims)


def _fisher_2x2(x: np.ndarray) -> float:
    """R's 2 x 2 two-sided p-value (``dnhyper`` at odds ratio 1 with ``relErr``)."""
    m = int(x[:, 0].sum())
    n = int(x[:, 1].sum())
    k = int(x[0, :].sum())
    lo, hi = max(0, k - n), min(k, m)
    support = np.arange(lo, hi + 1)
    logdc = stats.hypergeom.logpmf(support, m + n, m, k)
    d = np.exp(logdc - logdc.max())
    d /= d.sum()
    p = d[d <= d[int(x[0, 0]) - lo] * REL_ERR_2X2].sum()
    return float(min(1.0, max(0.0, p)))


def _table_log_kernel(x: np.ndarray, lf: np.ndarray) -> float:
    """``sum_j log c_j! - sum_ij log x_ij!`` (log P(T) up to a margin-only constant)."""
    return float(lf[x.sum(axis=0)].sum() - lf[x].sum())


def _fisher_rxc_monte_carlo(x: np.ndarray, n_simulations: int, seed: int) -> float:
    """Seeded Monte Carlo p-value over random tables with the observed margins."""
    row, col = x.sum(axis=1), x.sum(axis=0)
    threshold = -special.gammaln(x + 1.0).sum() + FEXACT_TOL
    dist = stats.random_table(row, col)
    rng = np.random.default_rng(seed)
    hits = 0
    done = 0
    while done < n_simulations:
        size = min(_MC_CHUNK, n_simulations - done)
        sims = dist.rvs(size=size, random_state=rng)
        hits += int((-special.gammaln(sims + 1.0).sum(axis=(1, 2)) <= threshold).sum())
        done += size
    return (1 + hits) / (n_simulations + 1)


# ---- exact r x c enumeration ---------------------------------------------------------------


def _estimated_work(rows: np.ndarray, cols: np.ndarray) -> float:
    """Rough unpruned work of the enumeration for one orientation (used to pick it)."""
    k = len(rows)
    cols = np.sort(cols)
    n_fill = [math.comb(int(c) + k - 1, k - 1) for c in cols]
    prefix = float(np.prod(n_fill[:-2], dtype=float)) if len(cols) > 2 else 1.0
    used = int(cols[:-2].sum())
    n_states = min(prefix, float(math.comb(used + k - 1, k - 1)))
    return prefix + n_states * n_fill[-2]


def _orient(x: np.ndarray) -> np.ndarray:
    """Transpose if cheaper and sort columns by ascending total (p is invariant to both)."""
    if _estimated_work(x.sum(axis=0), x.sum(axis=1)) < _estimated_work(
        x.sum(axis=1), x.sum(axis=0)
    ):
        x = x.T
    return x[:, np.argsort(x.sum(axis=0), kind="stable")]


def _unique_states(states: np.ndarray, max_value: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct states among the columns of ``states`` (shape ``(k, n)``, entries
    ``0..max_value``): returns them as an ``(n_unique, k)`` array and the inverse index."""
    k, n = states.shape
    radix = max_value + 1
    if float(radix) ** k >= 2.0**62:  # mixed-radix keys could overflow
        uniq, inverse = np.unique(states.T, axis=0, return_inverse=True)
        return uniq.astype(np.int64), inverse.reshape(-1)
    keys = states[0].astype(np.int64)
    for i in range(1, k):
        keys *= radix
        keys += states[i]
    ukeys, inverse = np.unique(keys, return_inverse=True)
    mult = radix ** np.arange(k - 1, -1, -1, dtype=np.int64)
    return (ukeys[:, None] // mult[None, :]) % radix, inverse.reshape(-1)


def _bounded_compositions(caps: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray]:
    """All integer vectors ``0 <= v <= caps[g]`` with ``sum(v) == total``, for every ``g``.

    Returns ``(parent, v)`` where ``v`` has shape ``(k, n)`` (``int32``, one vector per
    column) and ``parent[i]`` is the row of ``caps`` that ``v[:, i]`` fills; vectors come out
    grouped by parent in ascending order.  Built part by part: each level repeats its
    prefixes over the feasible values of the next part (bounded by the cap and by what the
    later caps can still absorb); the last part is the remainder.
    """
    n, k = caps.shape
    caps = caps.astype(np.int32)
    suffix = np.cumsum(caps[:, ::-1], axis=1, dtype=np.int32)[:, ::-1]
    parent = np.arange(n, dtype=np.int32)
    rem = np.full(n, total, dtype=np.int32)
    values: list[np.ndarray] = []
    links: list[np.ndarray] = []
    for i in range(k - 1):
        lo = np.maximum(0, rem - suffix[:, i + 1][parent])
        hi = np.minimum(caps[:, i][parent], rem)
        cnt = np.maximum(hi - lo + 1, 0)
        n_new = int(cnt.sum(dtype=np.int64))
        rep = np.repeat(np.arange(len(parent), dtype=np.int32), cnt)
        start = np.cumsum(cnt, dtype=np.int64) - cnt
        value = (np.arange(n_new, dtype=np.int64) - np.repeat(start - lo, cnt)).astype(np.int32)
        values.append(value)
        links.append(rep)
        parent = parent[rep]
        rem = rem[rep] - value
    out = np.empty((k, len(rem)), dtype=np.int32)
    out[k - 1] = rem
    idx = None
    for i in range(k - 2, -1, -1):
        out[i] = values[i] if idx is None else values[i][idx]
        idx = links[i] if idx is None else links[i][idx]
    return parent.astype(np.intp), out


def _even_fill_log(caps: np.ndarray, total: np.ndarray, lf: np.ndarray) -> np.ndarray:
    """``max -sum log v_i!`` over ``sum v = total, 0 <= v <= caps`` (water-filling).

    ``caps`` is (n, k) and ``total`` (n,); the optimum spreads ``total`` as evenly as the caps
    allow, because ``-log v!`` is concave.
    """
    caps = np.sort(caps, axis=1)
    n, k = caps.shape
    value = np.zeros(n)
    rem = total.astype(np.int64).copy()
    done = np.zeros(n, dtype=bool)
    for i in range(k):
        slots = k - i
        q, r = np.divmod(rem, slots)
        cap = caps[:, i]
        sat = ~done & (cap <= q)
        value[sat] -= lf[cap[sat]]
        rem[sat] -= cap[sat]
        fin = ~done & ~sat
        value[fin] -= r[fin] * lf[q[fin] + 1] + (slots - r[fin]) * lf[q[fin]]
        done |= fin
    return value


def _greedy_fill_log(caps: np.ndarray, total: np.ndarray, lf: np.ndarray) -> np.ndarray:
    """``min -sum log v_i!`` over ``sum v = total, 0 <= v <= caps`` (fill largest caps first).

    The greedy vector majorises every feasible vector and ``sum log v!`` is Schur-convex.
    """
    caps = -np.sort(-caps, axis=1)
    value = np.zeros(caps.shape[0])
    rem = total.astype(np.int64).copy()
    for i in range(caps.shape[1]):
        take = np.minimum(caps[:, i], rem)
        value -= lf[take]
        rem -= take
    return value


def _proportional_fill_log(caps: np.ndarray, total: np.ndarray, lf: np.ndarray) -> np.ndarray:
    """``max sum_i (v_i log caps_i - log v_i!)`` over ``sum v = total, 0 <= v <= caps``.

    This is the inner problem of the Lagrangian relaxation with multipliers ``log caps`` (the
    multipliers of the continuous optimum ``x_ij = R_i c_j / S``).  The marginal gain of the
    t-th unit in row i is ``log(caps_i / t)``; the greedy optimum starts from
    ``floor(caps_i * total / S)`` (all of those units are among the best ``total``) and hands
    out the remaining ``< k`` units one at a time to the best next marginal gain.
    Requires ``total <= sum(caps)``.
    """
    caps = caps.astype(np.int64)
    n, k = caps.shape
    s = np.maximum(caps.sum(axis=1), 1)
    v = caps * total[:, None] // s[:, None]
    rem = total - v.sum(axis=1)
    rows = np.arange(n)
    for _ in range(k):
        active = np.flatnonzero(rem > 0)
        if len(active) == 0:
            break
        ratio = caps[active] / (v[active] + 1.0)
        best = np.argmax(ratio, axis=1)
        v[rows[active], best] += 1
        rem[active] -= 1
    log_caps = np.log(np.maximum(caps, 1))
    return (v * log_caps - lf[v]).sum(axis=1)


def _completion_bounds(
    states: np.ndarray, cols: np.ndarray, lf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bounds on the completion log-kernel from each state with the columns ``cols`` left.

    The completion log-kernel of remaining columns is ``sum_j log c_j! - sum_ij log x_ij!``.
    Returns ``(upper, lower, log_total)`` and the log of the sum of ``exp`` over all
    completions, which is the multinomial ``(sum R)! / prod R_i!``.  ``upper`` is the
    smallest of four valid relaxations of the maximum: dropping the row constraints (each
    column water-filled under the caps ``R``), dropping the column constraints, and the two
    Lagrangian relaxations with multipliers ``log R_i`` / ``log c_j``.  ``lower`` is the larger
    of the by-column and by-row greedy (most concentrated) relaxations of the minimum.
    """
    n, k = states.shape
    m = len(cols)
    log_total = lf[states.sum(axis=1)] - lf[states].sum(axis=1)
    if m == 1:  # the completion is determined: bounds and total are the exact kernel
        return log_total, log_total, log_total
    const = float(lf[cols].sum())
    col_hi = np.zeros(n)
    col_lo = np.zeros(n)
    for c in cols:
        total = np.full(n, int(c), dtype=np.int64)
        col_hi += _even_fill_log(states, total, lf)
        col_lo += _greedy_fill_log(states, total, lf)
    flat = states.reshape(-1)
    col_caps = np.broadcast_to(cols.astype(np.int64), (n * k, m))
    row_hi = _even_fill_log(col_caps, flat, lf).reshape(n, k).sum(axis=1)
    row_lo = _greedy_fill_log(col_caps, flat, lf).reshape(n, k).sum(axis=1)
    lag_rows = -(states * np.log(np.maximum(states, 1))).sum(axis=1)
    for c in cols:
        lag_rows += _proportional_fill_log(states, np.full(n, int(c), dtype=np.int64), lf)
    lag_cols = _proportional_fill_log(col_caps, flat, lf).reshape(n, k).sum(axis=1)
    lag_cols -= float((cols * np.log(np.maximum(cols, 1))).sum())
    upper = const + np.minimum(np.minimum(col_hi, row_hi), np.minimum(lag_rows, lag_cols))
    lower = const + np.maximum(col_lo, row_lo)
    return upper, lower, log_total


def _sort_within_groups(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Permutation sorting by ``(group, values)``, i.e. ``np.lexsort((values, group))``.

    ``group`` must be non-decreasing (groups contiguous).  Large groups are argsorted one by
    one (much faster than a global lexsort); many tiny groups use ``np.lexsort``.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n < 32 * n_groups or n_groups > _SORT_LOOP_MAX_GROUPS:
        return np.lexsort((values, group))
    bounds = np.searchsorted(group, np.arange(n_groups + 1))
    order = np.empty(n, dtype=np.int64)
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if hi > lo:
            order[lo:hi] = lo + np.argsort(values[lo:hi])
    return order


def _segmented_cumsum(
    values: np.ndarray, group: np.ndarray, pos_in_group: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Inclusive prefix sums of ``values`` restarting at each (contiguous) group.

    Each group is summed on its own (no global running sum, hence no cancellation): via a
    zero-padded 2-D ``cumsum`` when padding is cheap, else a Hillis-Steele doubling scan.
    """
    if len(values) == 0:
        return values.copy()
    max_len = int(counts.max())
    if len(counts) * max_len <= _PADDED_SCAN_RATIO * len(values) + _PADDED_SCAN_SLACK:
        padded = np.zeros((len(counts), max_len))
        padded[group, pos_in_group] = values
        np.cumsum(padded, axis=1, out=padded)
        return padded[group, pos_in_group]
    out = values.copy()
    d = 1
    while d < max_len:
        take = pos_in_group[d:] >= d
        nxt = out.copy()
        nxt[d:][take] += out[:-d][take]
        out = nxt
        d *= 2
    return out


def _fisher_rxc_exact(x: np.ndarray, budget: _Budget) -> float:
    """Exact FEXACT-criterion p-value for a table without empty rows/columns.

    Network algorithm over columns (ascending totals; rows = the cheaper dimension).  A node
    is a canonical (sorted) vector of remaining row sums, the accumulated log-kernel ``pv``
    of the filled columns and a multiplicity; nodes with the same state and ``pv`` (to
    1e-10) are merged.  At column ``j`` every distinct state is expanded once into its column
    fillings; each filling gets valid bounds ``[lo, hi]`` on the log-kernel of all its
    completions and their closed-form total mass.  Per state the fillings are sorted by
    ``hi`` with within-state cumulative masses, so for a node with limit
    ``L = threshold - pv`` the fillings with ``hi <= L`` (every completion counted) are summed
    by one binary search and never materialised; of the others only those with ``lo <= L``
    become new nodes (the rest have no counted completion).  At the last-but-one column the
    bounds are exact (one column left), so no node survives the last expansion.
    """
    x = _orient(x)
    rows = np.sort(x.sum(axis=1).astype(np.int64))[::-1].copy()
    cols = x.sum(axis=0).astype(np.int64)
    max_row = int(rows[0])
    n_total = int(rows.sum())
    budget.spend(n_total + 1)  # the log-factorial table
    lf = _log_factorials(n_total)
    log_const = float(lf[rows].sum() - lf[n_total])  # log P(T) = log_const + kernel(T)
    threshold = _table_log_kernel(x, lf) + FEXACT_TOL

    nodes = _Nodes(rows[None, :], np.zeros(1, dtype=np.int64), np.zeros(1), np.ones(1))
    total_p = 0.0
    for j in range(x.shape[1] - 1):
        p_in, nodes = _expand_column(
            nodes, int(cols[j]), cols[j + 1 :], threshold, log_const, max_row, lf, budget
        )
        total_p += p_in
        if len(nodes.past) == 0:
            break
    else:  # defensive: finished tables are decided exactly by the last-column bounds
        done = nodes.past <= threshold
        total_p += float(np.sum(nodes.weight[done] * np.exp(nodes.past[done] + log_const)))
    return float(min(1.0, max(0.0, total_p)))


@dataclass
class _Nodes:
    """Network nodes grouped by state: ``states[group[i]]`` is node i's remaining row sums.

    ``group`` is non-decreasing and, within a group, ``past`` is non-decreasing.
    """

    states: np.ndarray
    group: np.ndarray
    past: np.ndarray
    weight: np.ndarray


def _n_compositions(caps: np.ndarray, total: int) -> np.ndarray:
    """Number of vectors ``0 <= v <= caps[g]`` with ``sum(v) == total`` (float, per row).

    Inclusion-exclusion over the set of violated caps; for many rows the unbounded count
    ``C(total + k - 1, k - 1)`` is returned instead (an upper bound, only used for chunking).
    """
    n, k = caps.shape
    if k > 8:
        return np.full(n, float(special.comb(total + k - 1, k - 1)))
    count = np.zeros(n)
    for mask in range(1 << k):
        members = [i for i in range(k) if mask >> i & 1]
        over = total - (caps[:, members] + 1).sum(axis=1)
        count += (-1) ** len(members) * special.comb(over + k - 1, k - 1)
    return np.maximum(count, 0.0)


def _expand_column(
    nodes: _Nodes,
    col_total: int,
    later_cols: np.ndarray,
    threshold: float,
    log_const: float,
    max_row: int,
    lf: np.ndarray,
    budget: _Budget,
) -> tuple[float, _Nodes]:
    """Fill one column from every node; see :func:`_fisher_rxc_exact`.

    The distinct states are processed in chunks of about ``_CHUNK_FILLS`` fillings (memory
    stays bounded).  Returns the counted probability and the new, merged nodes.
    """
    n_fill = _n_compositions(nodes.states, col_total)
    budget.spend(int(round(float(n_fill.sum()))))  # all fillings of this column, up front
    chunk_id = np.floor(np.cumsum(n_fill) / _CHUNK_FILLS).astype(np.int64)
    cuts = np.flatnonzero(np.diff(chunk_id)) + 1
    state_bounds = np.concatenate([[0], cuts, [len(nodes.states)]])
    node_bounds = np.searchsorted(nodes.group, state_bounds)
    p_in = 0.0
    kids: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for c in range(len(state_bounds) - 1):
        s0, s1 = int(state_bounds[c]), int(state_bounds[c + 1])
        n0, n1 = int(node_bounds[c]), int(node_bounds[c + 1])
        if n1 == n0:
            continue
        chunk_p, chunk_kids = _expand_chunk(
            nodes.states[s0:s1],
            nodes.group[n0:n1] - s0,
            nodes.past[n0:n1],
            nodes.weight[n0:n1],
            col_total,
            later_cols,
            threshold,
            log_const,
            max_row,
            lf,
            budget,
        )
        p_in += chunk_p
        kids.append(chunk_kids)
    if not kids:
        k = nodes.states.shape[1]
        return p_in, _Nodes(
            np.zeros((0, k), np.int64), np.zeros(0, np.intp), np.zeros(0), np.zeros(0)
        )
    if len(kids) == 1:
        states, group = kids[0][0], kids[0][1]
    else:  # states are unique within a chunk; make them unique across chunks
        all_states = np.concatenate([kd[0] for kd in kids])
        states, inverse = _unique_states(all_states.T.astype(np.int32), max_row)
        offsets = np.cumsum([0] + [len(kd[0]) for kd in kids[:-1]])
        group = np.concatenate([inverse[o + kd[1]] for o, kd in zip(offsets, kids, strict=True)])
    past = np.concatenate([kd[2] for kd in kids])
    weight = np.concatenate([kd[3] for kd in kids])
    return p_in, _merge_nodes(states, group, past, weight)


def _expand_chunk(
    states: np.ndarray,
    group: np.ndarray,
    past: np.ndarray,
    weight: np.ndarray,
    col_total: int,
    later_cols: np.ndarray,
    threshold: float,
    log_const: float,
    max_row: int,
    lf: np.ndarray,
    budget: _Budget,
) -> tuple[float, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Expand the nodes ``(group, past, weight)`` of ``states`` by one column.

    Returns the counted probability and the undecided children as ``(distinct child states,
    child state index, past, weight)``.
    """
    n_states = len(states)
    parent, fill = _bounded_compositions(states, col_total)
    fill_kernel = lf[col_total] - lf[fill].sum(axis=0)
    child = states.T.astype(np.int32)[:, parent]
    child -= fill
    del fill
    child = np.sort(child, axis=0)[::-1]  # canonical state: row sums in decreasing order
    child_u, child_inv = _unique_states(child, max_row)
    del child
    upper, lower, log_total = _completion_bounds(child_u, later_cols, lf)
    hi = fill_kernel + upper[child_inv]
    lo = fill_kernel + lower[child_inv]
    log_mass = fill_kernel + log_total[child_inv]

    # Fillings sorted by hi (and by lo) within each parent state; parent is non-decreasing.
    by_hi = _sort_within_groups(hi, parent, n_states)
    by_lo = by_hi if len(later_cols) == 1 else _sort_within_groups(lo, parent, n_states)
    counts = np.bincount(parent, minlength=n_states)
    starts = np.cumsum(counts) - counts
    group_max = np.full(n_states, -np.inf)
    np.maximum.at(group_max, parent, log_mass)
    pos_in_group = np.arange(len(hi)) - starts[parent]
    terms = np.exp(log_mass[by_hi] - group_max[parent])
    scan = _segmented_cumsum(terms, parent, pos_in_group, counts)

    # Per node: the fillings whose completions all count form a prefix in ``hi`` order.
    limit = threshold - past
    first = starts[group]
    last = first + counts[group]
    n_in = _grouped_count_leq(hi[by_hi], starts, counts, group, limit)
    hit = n_in > 0
    p_in = 0.0
    if hit.any():
        p_in = float(
            np.sum(
                weight[hit]
                * np.exp(past[hit] + log_const + group_max[group[hit]])
                * scan[first[hit] + n_in[hit] - 1]
            )
        )

    # Undecided fillings (lo <= L < hi) become new nodes.  They are the suffix of the ``hi``
    # order minus those with lo > L, or the prefix of the ``lo`` order minus those with
    # hi <= L; materialise whichever candidate set is smaller, then filter.
    n_lo = _grouped_count_leq(lo[by_lo], starts, counts, group, limit)
    n_suffix = last - first - n_in
    use_lo = n_lo < n_suffix
    n_take = np.where(n_lo > n_in, np.where(use_lo, n_lo, n_suffix), 0)
    n_children = int(n_take.sum())
    budget.spend(n_children)
    node = np.repeat(np.arange(len(limit)), n_take)
    offset = np.where(use_lo, first, first + n_in) - np.cumsum(n_take) + n_take
    pos = np.repeat(offset, n_take) + np.arange(n_children)
    idx = np.where(use_lo[node], by_lo[pos], by_hi[pos])
    keep = (lo[idx] <= limit[node]) & (hi[idx] > limit[node])
    node, idx = node[keep], idx[keep]
    return p_in, (child_u, child_inv[idx], past[node] + fill_kernel[idx], weight[node])


def _grouped_count_leq(
    values: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    group: np.ndarray,
    limit: np.ndarray,
) -> np.ndarray:
    """For each query i, ``#{v in values[group segment] : v <= limit[i]}``.

    ``values`` is sorted ascending within each segment ``[starts[g], starts[g] + counts[g])``
    and ``group`` (the query's segment) is non-decreasing.  Uses one ``np.searchsorted`` per
    segment when there are few segments, else a vectorised binary search.
    """
    n_groups = len(starts)
    out = np.zeros(len(group), dtype=np.int64)
    if len(group) == 0:
        return out
    if n_groups <= _SEARCH_LOOP_MAX_GROUPS:
        bounds = np.searchsorted(group, np.arange(n_groups + 1))
        for gi in np.flatnonzero(np.diff(bounds)).tolist():
            a, b = int(starts[gi]), int(starts[gi] + counts[gi])
            qa, qb = int(bounds[gi]), int(bounds[gi + 1])
            out[qa:qb] = np.searchsorted(values[a:b], limit[qa:qb], side="right")
        return out
    lo = starts[group].copy()
    hi = lo + counts[group]
    first = lo.copy()
    active = lo < hi
    while active.any():
        mid = (lo + hi) // 2
        right = active & (values[np.where(active, mid, 0)] <= limit)
        lo = np.where(right, mid + 1, lo)
        hi = np.where(active & ~right, mid, hi)
        active = lo < hi
    return lo - first


def _merge_nodes(
    states: np.ndarray, group: np.ndarray, past: np.ndarray, weight: np.ndarray
) -> _Nodes:
    """Group nodes by state (dropping unused states) and merge equal ``(state, pv)`` nodes.

    ``pv`` values equal to within 1e-10 (rounding of the same log-kernel summed in another
    order) have identical futures, so their multiplicities add; the merged value is one of
    them, far inside FEXACT's own tolerance.  The result is sorted by (state, pv).
    """
    used = np.bincount(group, minlength=len(states)) > 0
    remap = np.cumsum(used) - 1
    states, group = states[used], remap[group]
    if len(past) == 0:
        return _Nodes(states, group, past, weight)
    quantum = np.round((past - past.min()) * 1e10).astype(np.int64)
    shift = max(1, int(len(states)).bit_length())
    if int(quantum.max()) < 2 ** (62 - shift):
        combined = (group << (62 - shift)) | quantum
        order = np.argsort(combined)
        combined = combined[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = combined[1:] != combined[:-1]
    else:
        order = np.lexsort((quantum, group))
        gq, qq = group[order], quantum[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = (gq[1:] != gq[:-1]) | (qq[1:] != qq[:-1])
    first = order[new]
    merged_weight = np.add.reduceat(weight[order], np.flatnonzero(new))
    return _Nodes(states, group[first], past[first], merged_weight)


# --------------------------------------------------------------------------------------------
# Pearson's chi-square test
# --------------------------------------------------------------------------------------------


def chisq_test(table: Any, correct: bool = True) -> ChisqResult:
    """Pearson's chi-square test of independence matching R ``chisq.test(table, correct)``.

    Expected counts are ``E = outer(row sums, column sums) / N``; the statistic is
    ``sum((|x - E| - Y)^2 / E)`` where ``Y = min(0.5, |x - E|)`` (R's ``YATES``) only for a
    2 x 2 table with ``correct=True`` and ``Y = 0`` otherwise; ``df = (r - 1)(c - 1)`` and p
    is the chi-square upper tail.  Unlike R, which returns a NaN statistic when an expected
    count is zero, a table with an all-zero row or column raises ``ValueError``; so do tables
    with fewer than two rows or columns (R's "at least two entries" / 1-D cases are not
    contingency tables).
    """
    x = _as_count_table(table).astype(float)
    r, c = x.shape
    if r < 2 or c < 2:
        raise ValueError("chisq_test needs a table with at least 2 rows and 2 columns")
    row, col = x.sum(axis=1), x.sum(axis=0)
    if (row == 0).any() or (col == 0).any():
        raise ValueError(
            "table has an all-zero row or column: an expected count is 0 and the "
            "chi-square statistic is undefined (R returns NaN); drop the empty margin first"
        )
    expected = np.outer(row, col) / x.sum()
    yates = 0.0
    if correct and x.shape == (2, 2):
        yates = np.minimum(0.5, np.abs(x - expected))
    statistic = float(np.sum((np.abs(x - expected) - yates) ** 2 / expected))
    df = (r - 1) * (c - 1)
    return ChisqResult(statistic, df, float(stats.chi2.sf(statistic, df)))


# --------------------------------------------------------------------------------------------
# Row-wise Fisher's exact test of many 2 x k tables with the same column totals
# --------------------------------------------------------------------------------------------

#: Tables enumerated at once by :func:`fisher_exact_rows` (bounds peak memory).
_ROWS_CHUNK_TABLES = 2_000_000


@dataclass(frozen=True)
class FisherRowsResult:
    """Result of :func:`fisher_exact_rows`: per input row, R's p-value and the method
    (``exact`` or, from a per-table :func:`fisher_exact` fallback, ``monte_carlo``)."""

    p_values: np.ndarray
    methods: np.ndarray


def _n_tables_with_total(caps: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Number of vectors ``0 <= v <= caps`` with ``sum(v) == t`` for each ``t`` of ``totals``
    (float; inclusion-exclusion over the caps exceeded, exact for the small k used here)."""
    k = len(caps)
    count = np.zeros(len(totals))
    for mask in range(1 << k):
        members = [i for i in range(k) if mask >> i & 1]
        over = totals - int((caps[members] + 1).sum())
        count += (-1) ** len(members) * special.comb(over + k - 1, k - 1)
    return np.maximum(np.round(count), 0.0)


def _tables_with_totals(caps: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every vector ``0 <= v <= caps`` with ``sum(v) == totals[s]``, for every ``s``.

    Returns ``(segment, v)``: ``v`` has shape ``(k, n)`` (one table's first row per column)
    and ``segment`` (non-decreasing) the index into ``totals`` it belongs to.  Built part by
    part as :func:`_bounded_compositions`, with one total per segment.
    """
    k = len(caps)
    caps = caps.astype(np.int64)
    suffix = np.concatenate([np.cumsum(caps[::-1])[::-1], [0]])
    segment = np.arange(len(totals), dtype=np.int64)
    rem = totals.astype(np.int64).copy()
    values: list[np.ndarray] = []
    links: list[np.ndarray] = []
    for i in range(k - 1):
        lo = np.maximum(0, rem - suffix[i + 1])
        hi = np.minimum(caps[i], rem)
        cnt = np.maximum(hi - lo + 1, 0)
        n_new = int(cnt.sum())
        rep = np.repeat(np.arange(len(segment), dtype=np.int64), cnt)
        start = np.cumsum(cnt) - cnt
        values.append(np.arange(n_new, dtype=np.int64) - np.repeat(start - lo, cnt))
        links.append(rep)
        segment = segment[rep]
        rem = rem[rep] - values[-1]
    out = np.empty((k, len(rem)), dtype=np.int64)
    out[k - 1] = rem
    idx = None
    for i in range(k - 2, -1, -1):
        out[i] = values[i] if idx is None else values[i][idx]
        idx = links[i] if idx is None else links[i][idx]
    return segment, out


def _first_row_log_kernel(first: np.ndarray, caps: np.ndarray, lf: np.ndarray) -> np.ndarray:
    """``-sum_j (log x_j! + log (c_j - x_j)!)`` of 2 x k tables with first row ``first``
    (shape ``(k, n)``) and column totals ``caps``: log P(T) up to a constant of the margins."""
    kernel = -(lf[first[0]] + lf[caps[0] - first[0]])
    for j in range(1, len(caps)):
        kernel -= lf[first[j]] + lf[caps[j] - first[j]]
    return kernel


def _rows_p_chunk(
    caps: np.ndarray,
    totals: np.ndarray,
    query_segment: np.ndarray,
    query_first: np.ndarray,
    lf: np.ndarray,
    r_2x2: bool,
) -> np.ndarray:
    """p-values of the queried tables (first rows ``query_first``, shape ``(k, q)``; segment
    into ``totals`` non-decreasing) by enumerating every table of each row total once."""
    segment, tables = _tables_with_totals(caps, totals)
    kernel = _first_row_log_kernel(tables, caps, lf)
    del tables
    counts = np.bincount(segment, minlength=len(totals))
    starts = np.cumsum(counts) - counts
    query_kernel = _first_row_log_kernel(query_first, caps, lf)
    if r_2x2:
        # R: d <- exp(logdc - max(logdc)); d <- d / sum(d); sum(d[d <= d[obs] * relErr])
        top = np.maximum.reduceat(kernel, starts)
        value = np.exp(kernel - top[segment])
        norm = np.add.reduceat(value, starts)
        value /= norm[segment]
        query_value = np.exp(query_kernel - top[query_segment]) / norm[query_segment]
        limit = query_value * REL_ERR_2X2
    else:
        # FEXACT: sum of P(T) over tables with log P(T) <= log P(obs) + tol
        n_total = int(caps.sum())
        log_const = (lf[caps].sum() + lf[totals] + lf[n_total - totals] - lf[n_total])
        value = kernel
        limit = query_kernel + FEXACT_TOL
    n_queries = np.bincount(query_segment, minlength=len(totals))
    log_const_of = log_const[segment] if not r_2x2 else None
    mass = value.copy() if r_2x2 else np.exp(value + log_const_of)
    p = np.zeros(len(query_segment))
    # the only table of its row total (the common case): one masked sum, no sort
    alone = n_queries[query_segment] == 1
    if alone.any():
        segment_limit = np.full(len(totals), -np.inf)
        segment_limit[query_segment[alone]] = limit[alone]
        sums = np.add.reduceat(np.where(value <= segment_limit[segment], mass, 0.0), starts)
        p[alone] = sums[query_segment[alone]]
    # several tables of one row total: values sorted once, masses (increasing in the value)
    # summed from the smallest, so each table's p is the cumulative mass up to its limit
    if not alone.all():
        shared = np.flatnonzero(n_queries > 1)
        for s, a, b in zip(shared.tolist(), starts[shared].tolist(),
                           (starts + counts)[shared].tolist(), strict=True):
            value[a:b].sort()
            mass[a:b] = value[a:b] if r_2x2 else np.exp(value[a:b] + log_const[s])
            np.cumsum(mass[a:b], out=mass[a:b])
        queries = ~alone
        n_in = _grouped_count_leq(value, starts, counts, query_segment[queries], limit[queries])
        first_of = starts[query_segment[queries]]
        p[queries] = np.where(n_in > 0, mass[first_of + np.maximum(n_in, 1) - 1], 0.0)
    return np.clip(p, 0.0, 1.0)


def fisher_exact_rows(
    first_rows: Any, column_totals: Any, *, max_tables: int = 10_000_000
) -> FisherRowsResult:
    """:func:`fisher_exact` of many 2 x k tables that share their column totals.

    Row ``i`` of ``first_rows`` (shape ``(n, k)``) is the first row of the table
    ``[first_rows[i], column_totals - first_rows[i]]`` (e.g. altered samples per group over
    the group sizes).  The p-value is the one :func:`fisher_exact` returns for that table,
    up to floating-point summation order (within 1e-12 relative in the tests):

    * k = 2 (R's 2 x 2 branch): all tables with row total m follow one hypergeometric law,
      computed once per distinct m; p sums ``d[d <= d_obs * (1 + 1e-7)]`` of the normalised
      densities (R's ``relErr``) with a within-m sort, cumulative sums and a search.
    * k >= 3 (R's FEXACT branch): all-zero columns are dropped as R does; every table with
      row total m is enumerated once per distinct m, and p sums P(T) over the tables with
      ``log P(T) <= log P(obs) + 3.45254e-7`` (FEXACT's tolerance on the log kernel, as in
      :func:`fisher_exact`).
    * A table with fewer than two non-empty rows or columns has p = 1 (R's degenerate
      case).  Row totals with more than ``max_tables`` tables are tested one distinct table
      at a time with :func:`fisher_exact` (which may report ``monte_carlo``).

    Raises ``ValueError`` for negative counts, counts above the column total or a shape
    other than ``(n, k)`` with ``k = len(column_totals) >= 2``.
    """
    first = np.asarray(first_rows)
    caps = np.asarray(column_totals)
    if caps.ndim != 1 or len(caps) < 2 or first.ndim != 2 or first.shape[1] != len(caps):
        raise ValueError(
            f"first_rows must be (n, k) and column_totals (k,) with k >= 2; got "
            f"{first.shape} and {caps.shape}")
    first = _as_count_table(first) if first.size else first.astype(np.int64)
    caps = _as_count_table(caps[None, :])[0]
    if (first > caps[None, :]).any():
        row = int(np.flatnonzero((first > caps[None, :]).any(axis=1))[0])
        raise ValueError(f"first_rows row {row} exceeds the column totals {caps.tolist()}")
    n = len(first)
    p_values = np.ones(n)
    methods = np.full(n, "exact", dtype=object)
    r_2x2 = len(caps) == 2
    keep_cols = caps > 0
    caps_kept, first_kept = caps[keep_cols], first[:, keep_cols]
    n_total = int(caps_kept.sum())
    if n == 0 or len(caps_kept) < 2:
        return FisherRowsResult(p_values, methods)
    unique, inverse = np.unique(first_kept, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    totals = unique.sum(axis=1)
    testable = (totals > 0) & (totals < n_total)
    p_unique = np.ones(len(unique))
    method_unique = np.full(len(unique), "exact", dtype=object)
    distinct_totals, query_segment = np.unique(totals[testable], return_inverse=True)
    query_segment = np.asarray(query_segment).reshape(-1)
    size = _n_tables_with_total(caps_kept, distinct_totals)
    enumerated = size <= max_tables
    # fallback: per distinct table, for row totals with too many tables
    for row in np.flatnonzero(testable)[~enumerated[query_segment]].tolist():
        table = np.zeros((2, len(caps)), dtype=np.int64)
        table[0, keep_cols] = unique[row]
        table[1] = caps - table[0]
        result = fisher_exact(table)
        p_unique[row], method_unique[row] = result.p_value, result.method
    lf = _log_factorials(n_total)
    rows = np.flatnonzero(testable)
    rows = rows[enumerated[query_segment]]
    seg_of_row = query_segment[enumerated[query_segment]]
    kept_totals = np.flatnonzero(enumerated)  # indices into distinct_totals
    new_index = np.cumsum(enumerated) - 1
    seg_of_row = new_index[seg_of_row]
    by_segment = np.argsort(seg_of_row, kind="stable")
    rows, seg_of_row = rows[by_segment], seg_of_row[by_segment]
    chunk_id = np.floor(np.cumsum(size[kept_totals]) / _ROWS_CHUNK_TABLES).astype(np.int64)
    cuts = np.concatenate([[0], np.flatnonzero(np.diff(chunk_id)) + 1, [len(kept_totals)]])
    row_cuts = np.searchsorted(seg_of_row, cuts)
    for c in range(len(cuts) - 1):
        s0, s1 = int(cuts[c]), int(cuts[c + 1])
        q0, q1 = int(row_cuts[c]), int(row_cuts[c + 1])
        if q1 == q0:
            continue
        chunk_rows = rows[q0:q1]
        p_unique[chunk_rows] = _rows_p_chunk(
            caps_kept, distinct_totals[kept_totals[s0:s1]], seg_of_row[q0:q1] - s0,
            unique[chunk_rows].T, lf, r_2x2)
    return FisherRowsResult(p_unique[inverse], method_unique[inverse])
