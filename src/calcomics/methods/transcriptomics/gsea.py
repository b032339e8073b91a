"""Gene set enrichment analysis with phenotype permutations (Broad GSEA desktop defaults).

Reference behaviour: the ``GSEA`` tool of Broad GSEA desktop v4.0 with its default
settings (Subramanian et al. 2005, PNAS 102:15545), as read from the public desktop
source (``edu.mit.broad.genome``: ``Metrics.Signal2Noise``, ``Vector.stddevUnBiasedFixLow``,
``Norms.MeanDivPosNegSeperate``, ``PValueCalculatorImpls``, ``SkewCorrectedFdrStruc``,
``XMath.getFWER*``):

* **metric** ``Signal2Noise`` = (mu_A - mu_B) / (sigma_A + sigma_B) with class means and the
  *sample* standard deviation (n - 1), each sigma raised to at least ``0.2 * |mu|`` of its
  class ("fix low"), and to 0.2 when that mean is exactly 0. Options: ``t_test`` (Welch t,
  sample SDs, no sigma floor - as gseapy; the desktop's tTest floors sigma differently) and
  ``diff_of_classes`` (mu_A - mu_B). A gene whose metric has a zero denominator scores 0.
  (gseapy differs only for a zero class mean with 0 < SD < 0.2: it keeps the SD.)
* **ranking**: genes sorted by the metric, largest first; ties keep the input gene order.
* **enrichment score** ("weighted", p = ``weight`` = 1): running sum stepping up by
  ``|r_j|**p / N_R`` at members and down by ``1 / (N - N_H)`` elsewhere; ES is the largest
  deviation from zero (the maximum unless ``|minimum| > maximum``; extremes equal to within
  1e-12 count as tied and give the maximum). Computed from the member positions only (the
  maximum sits on a member, the minimum just before one). If every member has metric 0
  the walk falls back to equal steps (the classic p = 0 statistic).
* **leading edge**: members at or before the peak (ES >= 0) or after it (ES < 0), listed
  most extreme first; ``leading_edge_tags/list/signal`` are GSEA's "tags", "list" and
  "signal" as fractions (signal = tags * (1 - list) * N / (N - N_H)).
* **permutations** (type "phenotype", 1000): the class labels are shuffled ``n_perm``
  times with ``numpy.random.default_rng(seed)``; one shuffle serves every gene set.
* **NES** ("meandiv"): ES divided by the mean of the same-sign null ES of the set
  (null ES >= 0 for ES >= 0, null ES <= 0 - taken as absolute value - for ES < 0).
* **nominal p**: fraction of the same-sign null ES strictly beyond the ES.
* **FDR q** (``fdr_method="desktop"``, the default): for NES* >= 0, the mean over the
  permutations of [share of that permutation's non-negative null NES (all sets) >= NES*],
  divided by the share of the observed non-negative NES >= NES*; mirrored for NES* < 0;
  capped at 1. ``fdr_method="pooled"`` pools the null NES of all permutations first (the
  PNAS wording, and gseapy's rule).
* **FWER p**: fraction of permutations whose largest null NES (over all sets) exceeds
  NES* (smallest NES below NES* when negative).
* **size filter** 15..500 members present in the data (genes must already be collapsed to
  unique symbols).

Deliberate differences: arithmetic is float64 (the desktop stores floats); ties in the
metric keep the input order (the desktop's order among ties is unspecified); tied observed
NES all count as "at least as extreme" in the FDR denominator; samples whose label is
missing are left out. The random stream is numpy's, so permutation nulls (not ES) differ
from any other implementation run for run.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Literal, NamedTuple

import numba
import numpy as np
import pandas as pd

from calcomics.design import GroupDesign
from calcomics.methods.stats.notes import FEWER_THAN_MIN_OBSERVATIONS, ONE_GROUP_ONLY

__all__ = [
    "METRICS",
    "GseaInputError",
    "enrichment_scores",
    "gsea_group_vs_rest",
    "gsea_phenotype",
    "permutation_statistics",
    "ranking_metric",
]

#: Ranking metrics implemented (GSEA desktop names: Signal2Noise, tTest, Diff_of_Classes).
METRICS: tuple[str, ...] = ("signal_to_noise", "t_test", "diff_of_classes")
#: GSEA's "fix low" rule: sigma is at least this fraction of |class mean|.
SIGMA_FLOOR_FRACTION = 0.2
#: Fewest samples per class for the phenotype permutation test (GSEA desktop minimum).
MIN_CLASS_SIZE = 3
#: |minimum| must beat the maximum by more than this to make ES negative: walks whose two
#: extremes are equal in exact arithmetic then resolve to the maximum despite rounding.
ES_TIE_TOLERANCE = 1e-12
#: Budget (matrix elements) for one block of permutations x genes.
_BLOCK_ELEMENTS = 1 << 22
#: Genes per chunk of the observed metric's class moments (bounds the class copies).
_GENES_PER_CHUNK = 1024
#: Genes per chunk of the centred squares recomputed for each block of permutations
#: (samples x chunk floats; larger chunks make the matrix products more efficient). At this
#: width the chunked products gave the bits of one whole product (demo and 2,000-sample
#: GSEA compared bit for bit); much narrower ones may differ by an ulp (BLAS small-matrix
#: kernels).
_SQUARES_CHUNK = 2048

RESULT_COLUMNS: tuple[str, ...] = (
    "gene_set",
    "size",
    "es",
    "nes",
    "nominal_p",
    "fdr_q",
    "fwer_p",
    "leading_edge_size",
    "leading_edge_genes",
    "leading_edge_tags",
    "leading_edge_list",
    "leading_edge_signal",
    "n_perm",
    "seed",
)


class GseaInputError(ValueError):
    """Input that GSEA cannot use; the message names the argument and the rule broken."""


# --------------------------------------------------------------------------- metric


_METRIC_CODES = {name: code for code, name in enumerate(METRICS)}


@numba.njit(cache=True)
def _metric_value(
    mean_a: float, mean_b: float, var_a: float, var_b: float, n_a: int, n_b: int, code: int
) -> float:  # pragma: no cover - compiled
    """One gene's metric from class means and sample variances (codes index METRICS)."""
    diff = mean_a - mean_b
    if code == 2:  # diff_of_classes
        return diff
    var_a = max(var_a, 0.0)
    var_b = max(var_b, 0.0)
    if code == 0:  # signal_to_noise with GSEA's "fix low" sigma floor
        floor_a = SIGMA_FLOOR_FRACTION * abs(mean_a)
        floor_b = SIGMA_FLOOR_FRACTION * abs(mean_b)
        if floor_a == 0.0:
            floor_a = SIGMA_FLOOR_FRACTION
        if floor_b == 0.0:
            floor_b = SIGMA_FLOOR_FRACTION
        denominator = max(np.sqrt(var_a), floor_a) + max(np.sqrt(var_b), floor_b)
    else:  # t_test (Welch)
        denominator = np.sqrt(var_a / n_a + var_b / n_b)
    if denominator == 0.0:
        return 0.0
    return diff / denominator


@numba.njit(cache=True)
def _metric_rows(
    mean_a: np.ndarray,
    mean_b: np.ndarray,
    var_a: np.ndarray,
    var_b: np.ndarray,
    n_a: int,
    n_b: int,
    code: int,
) -> np.ndarray:  # pragma: no cover - compiled
    out = np.empty(mean_a.size)
    for g in range(mean_a.size):
        out[g] = _metric_value(mean_a[g], mean_b[g], var_a[g], var_b[g], n_a, n_b, code)
    return out


@numba.njit(cache=True, parallel=True)
def _metric_block_kernel(
    sum_a: np.ndarray,
    sum_b: np.ndarray,
    sq_a: np.ndarray,
    total_sq: np.ndarray,
    centre: np.ndarray,
    n_a: int,
    n_b: int,
    code: int,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Metric of k labelings (rows) from class sums and class-A sums of centred squares.

    Means come from the raw sums (an all-zero class has a mean of exactly 0, so the sigma
    floor rule sees it); variances from the gene-centred squares (no cancellation).
    """
    n_rows, n_genes = sum_a.shape
    for r in numba.prange(n_rows):
        for g in range(n_genes):
            mean_a = sum_a[r, g] / n_a
            mean_b = sum_b[r, g] / n_b
            shift_a = mean_a - centre[g]
            shift_b = mean_b - centre[g]
            var_a = (sq_a[r, g] - n_a * shift_a * shift_a) / max(n_a - 1, 1)
            var_b = (total_sq[g] - sq_a[r, g] - n_b * shift_b * shift_b) / max(n_b - 1, 1)
            out[r, g] = _metric_value(mean_a, mean_b, var_a, var_b, n_a, n_b, code)


class _Prepared(NamedTuple):
    """Per-dataset inputs of :func:`_block_metric` (computed once for all permutations)."""

    values_t: np.ndarray  # samples x genes
    centre: np.ndarray  # gene means
    total_sq: np.ndarray  # per-gene sum of squared deviations


def _centred_squares(values: np.ndarray, centre: np.ndarray, rows: slice) -> np.ndarray:
    """Squared deviations from the gene mean of the genes ``rows`` (``rows`` x samples, in
    the memory order of ``values``): the same bits for any slicing of the genes."""
    squares = values[rows] - centre[rows, None]
    np.square(squares, out=squares)  # in place: the bits of ``** 2``, no temporary
    return squares


def _prepare(values: np.ndarray) -> _Prepared:
    """Moments for the permutations. For samples-major ``values`` (a C-ordered samples x
    genes array seen as genes x samples, as ``read_expression_matrix(layout="samples")``
    gives) the transpose is a view: no copy of the matrix. The centred squares are made
    ``_GENES_PER_CHUNK`` genes at a time, here for their sums and in :func:`_block_metric`
    for the class-A sums, and never held whole."""
    centre = values.mean(axis=1)
    n_genes = values.shape[0]
    total_sq = np.empty(n_genes)
    for start in range(0, n_genes, _GENES_PER_CHUNK):
        rows = slice(start, min(start + _GENES_PER_CHUNK, n_genes))
        total_sq[rows] = _centred_squares(values, centre, rows).sum(axis=1)
    return _Prepared(np.ascontiguousarray(values.T), centre, total_sq)


def _block_metric(prepared: _Prepared, mask: np.ndarray, metric: str) -> np.ndarray:
    """Metric for k labelings (rows of ``mask``, equal class sizes) at once: (k, n_genes)."""
    n = mask.shape[1]
    n_a = int(mask[0].sum())
    in_a = mask.astype(np.float64)  # k x samples
    sum_a = in_a @ prepared.values_t
    sum_b = (1.0 - in_a) @ prepared.values_t
    sq_a = np.empty_like(sum_a)
    n_genes = prepared.centre.size
    buffer = np.empty((n, min(_SQUARES_CHUNK, n_genes)))  # samples x genes of one chunk
    for start in range(0, n_genes, _SQUARES_CHUNK):
        stop = min(start + _SQUARES_CHUNK, n_genes)
        squares_t = buffer if stop - start == buffer.shape[1] else np.empty((n, stop - start))
        np.subtract(prepared.values_t[:, start:stop], prepared.centre[start:stop],
                    out=squares_t)
        np.square(squares_t, out=squares_t)
        sq_a[:, start:stop] = in_a @ squares_t
    out = np.empty_like(sum_a)
    _metric_block_kernel(
        sum_a, sum_b, sq_a, prepared.total_sq, prepared.centre,
        n_a, n - n_a, _METRIC_CODES[metric], out,
    )  # fmt: skip
    return out


def _class_moments(
    values: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Class means and sample variances (two-pass) of every gene, ``_GENES_PER_CHUNK`` genes
    at a time: the class copies are chunk-sized, not matrix-sized. A gene's moments depend
    only on its own row, so the chunks give the bits of one whole-matrix pass."""
    n_genes = values.shape[0]
    n_a = int(mask.sum())
    n_b = mask.size - n_a
    mean_a, mean_b = np.empty(n_genes), np.empty(n_genes)
    var_a, var_b = np.zeros(n_genes), np.zeros(n_genes)
    for start in range(0, n_genes, _GENES_PER_CHUNK):
        rows = slice(start, min(start + _GENES_PER_CHUNK, n_genes))
        a, b = values[rows][:, mask], values[rows][:, ~mask]
        mean_a[rows], mean_b[rows] = a.mean(axis=1), b.mean(axis=1)
        if n_a > 1:
            var_a[rows] = a.var(axis=1, ddof=1)
        if n_b > 1:
            var_b[rows] = b.var(axis=1, ddof=1)
    return mean_a, mean_b, var_a, var_b


def ranking_metric(values: np.ndarray, in_positive: np.ndarray, metric: str) -> np.ndarray:
    """GSEA ranking metric of every gene (row of ``values``, genes x samples).

    ``in_positive`` is a boolean vector over samples (result: one value per gene, two-pass
    means and variances) or a ``(k, n_samples)`` boolean matrix of k labelings with equal
    class sizes (result ``(k, n_genes)``, moments from matrix products, as for the permutations).
    """
    if metric not in METRICS:
        raise GseaInputError(f"metric: {metric!r} is not one of {', '.join(METRICS)}")
    values = np.asarray(values, dtype=np.float64)
    mask = np.asarray(in_positive, dtype=bool)
    if mask.shape[-1] != values.shape[1]:
        raise GseaInputError(
            f"in_positive: {mask.shape[-1]} sample flags for {values.shape[1]} samples"
        )
    if mask.ndim == 1:
        n_a = int(mask.sum())
        n_b = mask.size - n_a
        if n_a < 1 or n_b < 1:
            raise GseaInputError("in_positive: both classes need at least one sample")
        return _metric_rows(*_class_moments(values, mask), n_a, n_b, _METRIC_CODES[metric])
    sizes = mask.sum(axis=1)
    if mask.shape[0] and ((sizes != sizes[0]).any() or not 0 < sizes[0] < mask.shape[1]):
        raise GseaInputError("in_positive: every labeling needs the same, non-empty class sizes")
    return _block_metric(_prepare(values), mask, metric)


# --------------------------------------------------------------------------- enrichment


@numba.njit(cache=True, parallel=True)
def _es_kernel(
    ranks: np.ndarray,
    metric: np.ndarray,
    members: np.ndarray,
    offsets: np.ndarray,
    weight: float,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """ES of every (labeling, set) from member positions (``ranks``: position of each gene)."""
    n_rows, n_genes = ranks.shape
    n_sets = offsets.size - 1
    largest = 0
    for s in range(n_sets):
        largest = max(largest, offsets[s + 1] - offsets[s])
    for r in numba.prange(n_rows):
        pos = np.empty(largest, dtype=np.int64)
        wts = np.empty(largest, dtype=np.float64)
        for s in range(n_sets):
            start = offsets[s]
            m = offsets[s + 1] - start
            for j in range(m):
                g = members[start + j]
                pos[j] = ranks[r, g]
                if weight == 0.0:
                    wts[j] = 1.0
                elif weight == 1.0:
                    wts[j] = abs(metric[r, g])
                else:
                    wts[j] = abs(metric[r, g]) ** weight
            order = np.argsort(pos[:m])
            norm = 0.0
            for k in range(m):
                norm += wts[order[k]]
            equal = norm == 0.0  # no weight at all: fall back to the classic KS walk
            if equal:
                norm = float(m)
            miss = 1.0 / (n_genes - m)
            cum = 0.0
            best_max = -np.inf
            best_min = np.inf
            for k in range(m):
                j = order[k]
                misses = (pos[j] - k) * miss  # non-members ranked above this member
                before = cum / norm - misses
                cum += 1.0 if equal else wts[j]
                after = cum / norm - misses
                best_max = max(best_max, after)
                best_min = min(best_min, before)
            out[r, s] = best_min if -best_min > best_max + ES_TIE_TOLERANCE else best_max


@numba.njit(cache=True)
def _invert_order(
    order: np.ndarray, keys: np.ndarray, ranks: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """Fill ``ranks`` (inverse of each row of ``order``); flag rows whose sorted keys tie."""
    n_rows, n_genes = order.shape
    tied = np.zeros(n_rows, dtype=np.bool_)
    for r in range(n_rows):
        for j in range(n_genes):
            ranks[r, order[r, j]] = j
            if j and keys[r, order[r, j]] == keys[r, order[r, j - 1]]:
                tied[r] = True
    return tied


def _descending_ranks(metric: np.ndarray) -> np.ndarray:
    """Position (0 = top) of every gene when each row is sorted largest first, ties stable."""
    keys = -np.ascontiguousarray(metric)
    order = np.argsort(keys, axis=1)
    ranks = np.empty_like(order)
    tied = _invert_order(order, keys, ranks)
    if tied.any():  # quicksort is not stable: redo rows with ties in input order
        tied_keys = keys[tied]
        stable = np.argsort(tied_keys, axis=1, kind="stable")
        stable_ranks = np.empty_like(stable)
        _invert_order(stable, tied_keys, stable_ranks)
        ranks[tied] = stable_ranks
    return ranks


def _pack_members(member_index: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.array([len(m) for m in member_index], dtype=np.int64)
    offsets = np.zeros(len(member_index) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    members = (
        np.concatenate([np.asarray(m, dtype=np.int64) for m in member_index])
        if len(member_index)
        else np.zeros(0, dtype=np.int64)
    )
    return members, offsets


def enrichment_scores(
    metric: np.ndarray, member_index: Sequence[np.ndarray], weight: float = 1.0
) -> np.ndarray:
    """GSEA enrichment scores of gene sets on one or more ranking-metric vectors.

    ``metric`` is ``(n_genes,)`` or ``(k, n_genes)``; each entry of ``member_index`` holds the
    row indices of one set's members (unique, fewer than ``n_genes``). Genes are ranked by
    the metric, largest first (ties keep gene order). Returns ``(n_sets,)`` or ``(k, n_sets)``.
    """
    metric = np.asarray(metric, dtype=np.float64)
    single = metric.ndim == 1
    metric2 = np.atleast_2d(metric)
    if metric2.ndim != 2 or not np.isfinite(metric2).all():
        raise GseaInputError("metric: expected a finite (n_genes,) or (k, n_genes) array")
    n_genes = metric2.shape[1]
    for i, idx in enumerate(member_index):
        idx = np.asarray(idx)
        if idx.size == 0 or idx.size >= n_genes or np.unique(idx).size != idx.size:
            raise GseaInputError(
                f"member_index[{i}]: needs 1..{n_genes - 1} unique gene indices, got {idx.size}"
            )
        if idx.min() < 0 or idx.max() >= n_genes:
            raise GseaInputError(f"member_index[{i}]: gene index outside 0..{n_genes - 1}")
    members, offsets = _pack_members(member_index)
    out = np.empty((metric2.shape[0], len(member_index)))
    _es_kernel(_descending_ranks(metric2), metric2, members, offsets, float(weight), out)
    return out[0] if single else out


def _leading_edge(
    metric: np.ndarray, ranks: np.ndarray, idx: np.ndarray, weight: float
) -> tuple[float, np.ndarray, int]:
    """(ES, leading-edge member indices most extreme first, peak position) of one set."""
    n_genes = metric.size
    order = np.argsort(ranks[idx])
    idx = idx[order]
    pos = ranks[idx]
    wts = np.abs(metric[idx]) ** weight
    if wts.sum() == 0.0:
        wts = np.ones_like(wts)
    cum = np.cumsum(wts)
    misses = (pos - np.arange(idx.size)) / (n_genes - idx.size)
    after = cum / cum[-1] - misses
    before = (cum - wts) / cum[-1] - misses
    k_max, k_min = int(np.argmax(after)), int(np.argmin(before))
    if -before[k_min] > after[k_max] + ES_TIE_TOLERANCE:
        return float(before[k_min]), idx[k_min:][::-1], int(pos[k_min]) - 1
    return float(after[k_max]), idx[: k_max + 1], int(pos[k_max])


# --------------------------------------------------------------------------- statistics


def _fdr_numerator(obs: np.ndarray, null: np.ndarray, per_permutation: bool) -> np.ndarray:
    """Share of same-sign null NES at least as extreme as each observed NES.

    ``per_permutation`` (desktop): the mean over permutations (columns with any value of
    that sign) of the per-column share, computed as one weighted tail sum over the pooled
    values (each value weighs 1 / its column's same-sign count). Otherwise: pooled share.
    """
    out = np.full(obs.size, np.nan)
    finite = np.isfinite(null)
    for upper in (True, False):
        same = finite & ((null >= 0.0) if upper else (null <= 0.0))
        per_column = same.sum(axis=0)
        values = null[same]
        if values.size == 0:
            continue
        if per_permutation:
            weights = 1.0 / per_column[np.nonzero(same)[1]]
            total = float(np.count_nonzero(per_column))
        else:
            weights = np.ones(values.size)
            total = float(values.size)
        order = np.argsort(values, kind="stable")
        values, weights = values[order], weights[order]
        wanted = (obs >= 0.0) if upper else (obs < 0.0)
        if upper:  # weight of values >= x: a suffix sum
            tail = np.concatenate([np.cumsum(weights[::-1])[::-1], [0.0]])
            out[wanted] = tail[np.searchsorted(values, obs[wanted], side="left")] / total
        else:  # weight of values <= x: a prefix sum
            head = np.concatenate([[0.0], np.cumsum(weights)])
            out[wanted] = head[np.searchsorted(values, obs[wanted], side="right")] / total
    return out


def permutation_statistics(
    es: np.ndarray, null: np.ndarray, fdr_method: str = "desktop"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """NES, nominal p, FDR q and FWER p from observed ES (n_sets,) and null ES (sets x perms).

    GSEA desktop rules (module docstring); a set without same-sign null ES gets NaN.
    """
    es = np.asarray(es, dtype=np.float64)
    null = np.asarray(null, dtype=np.float64)
    if null.ndim != 2 or es.ndim != 1 or null.shape[0] != es.size:
        raise GseaInputError(f"null: expected shape ({es.size}, n_perm), got {null.shape}")
    if fdr_method not in ("desktop", "pooled"):
        raise GseaInputError(f"fdr_method: {fdr_method!r} is not 'desktop' or 'pooled'")
    with np.errstate(invalid="ignore", divide="ignore"):
        pos_null = null >= 0.0
        neg_null = null <= 0.0
        n_pos = pos_null.sum(axis=1)
        n_neg = neg_null.sum(axis=1)
        mean_pos = np.where(pos_null, null, 0.0).sum(axis=1) / n_pos
        mean_neg = np.abs(np.where(neg_null, null, 0.0).sum(axis=1) / n_neg)
        up = es >= 0.0
        nes = np.where(up, es / mean_pos, es / mean_neg)
        null_nes = np.where(null >= 0.0, null / mean_pos[:, None], null / mean_neg[:, None])
        beyond_up = (null > es[:, None]).sum(axis=1) / n_pos
        beyond_down = (null < es[:, None]).sum(axis=1) / n_neg
        nominal = np.where(up, beyond_up, beyond_down)

        finite_obs = np.where(np.isfinite(nes), nes, np.nan)
        numerator = _fdr_numerator(finite_obs, null_nes, fdr_method == "desktop")
        observed = np.sort(finite_obs[np.isfinite(finite_obs)])
        obs_pos = observed[observed >= 0.0]
        obs_neg = observed[observed <= 0.0]
        denominator = np.full(es.size, np.nan)
        nes_up = finite_obs >= 0.0
        nes_down = finite_obs < 0.0
        denominator[nes_up] = (
            obs_pos.size - np.searchsorted(obs_pos, finite_obs[nes_up], side="left")
        ) / obs_pos.size
        denominator[nes_down] = (
            np.searchsorted(obs_neg, finite_obs[nes_down], side="right") / obs_neg.size
        )
        fdr = np.minimum(numerator / denominator, 1.0)

        col_max = np.nanmax(np.where(np.isfinite(null_nes), null_nes, -np.inf), axis=0)
        col_min = np.nanmin(np.where(np.isfinite(null_nes), null_nes, np.inf), axis=0)
        fwer_up = (col_max[None, :] > nes[:, None]).mean(axis=1)
        fwer_down = (col_min[None, :] < nes[:, None]).mean(axis=1)
        fwer = np.where(nes >= 0.0, fwer_up, fwer_down)
    bad = ~np.isfinite(nes)
    nominal[bad] = np.nan
    fdr[bad] = np.nan
    fwer[bad] = np.nan
    return nes, nominal, fdr, fwer


# --------------------------------------------------------------------------- inputs


def _check_expr(expr: pd.DataFrame, min_samples: int = 2 * MIN_CLASS_SIZE) -> np.ndarray:
    if not isinstance(expr, pd.DataFrame):
        raise GseaInputError(f"expr: expected a genes x samples DataFrame, got {type(expr)}")
    if expr.shape[0] < 2 or expr.shape[1] < min_samples:
        raise GseaInputError(
            f"expr: needs >= 2 genes and >= {min_samples} samples, got {expr.shape}"
        )
    if expr.index.hasnans or expr.index.duplicated().any():
        bad = expr.index[expr.index.isna() | expr.index.duplicated()]
        raise GseaInputError(
            f"expr: gene index must be unique and non-missing (collapse genes first); "
            f"offending row(s) e.g. {list(bad[:5])}"
        )
    if expr.columns.duplicated().any():
        raise GseaInputError(
            f"expr: duplicated sample column(s) {list(expr.columns[expr.columns.duplicated()][:5])}"
        )
    non_numeric = [c for c, t in expr.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
    if non_numeric:
        raise GseaInputError(f"expr: column(s) {non_numeric[:5]} are not numeric")
    values = expr.to_numpy(dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        row, col = np.argwhere(~finite)[0]
        raise GseaInputError(
            f"expr: value at row {expr.index[row]!r}, column {expr.columns[col]!r} is "
            f"{values[row, col]} (all values must be finite)"
        )
    return values


def _check_labels(expr: pd.DataFrame, labels: pd.Series, name: str) -> pd.Series:
    if not isinstance(labels, pd.Series):
        raise GseaInputError(f"{name}: expected a Series (sample -> label), got {type(labels)}")
    if labels.index.duplicated().any():
        dup = list(labels.index[labels.index.duplicated()][:5])
        raise GseaInputError(f"{name}: duplicated sample id(s) {dup}")
    missing = expr.columns.difference(labels.index)
    if len(missing):
        raise GseaInputError(
            f"{name}: no label for {len(missing)} expr column(s), e.g. {list(missing[:5])}"
        )
    return labels.reindex(expr.columns)


def _member_index(
    genes: pd.Index, gene_sets: Mapping[str, Sequence[str]], min_size: int, max_size: int
) -> tuple[list[str], list[np.ndarray]]:
    if not isinstance(gene_sets, Mapping) or not gene_sets:
        raise GseaInputError("gene_sets: expected a non-empty mapping of set name -> genes")
    names: list[str] = []
    index: list[np.ndarray] = []
    for name, members in gene_sets.items():
        if isinstance(members, str):
            raise GseaInputError(f"gene_sets[{name!r}]: members must be a sequence of genes")
        idx = genes.get_indexer(pd.Index(pd.unique(pd.Series(list(members), dtype=object))))
        idx = idx[idx >= 0]
        if min_size <= idx.size <= max_size and idx.size < len(genes):
            names.append(str(name))
            index.append(np.sort(idx).astype(np.int64))
    if not names:
        raise GseaInputError(
            f"gene_sets: no set has between min_size={min_size} and max_size={max_size} "
            f"members among the {len(genes)} genes of expr"
        )
    return names, index


def _check_options(
    n_perm: int,
    seed: int,
    weight: float,
    min_size: int,
    max_size: int,
    metric: str,
    fdr_method: str,
) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise GseaInputError(f"seed: must be a non-negative integer, got {seed!r}")
    if isinstance(n_perm, bool) or not isinstance(n_perm, (int, np.integer)) or n_perm < 1:
        raise GseaInputError(f"n_perm: must be a positive integer, got {n_perm!r}")
    if not isinstance(weight, (int, float, np.number)) or not np.isfinite(weight) or weight < 0:
        raise GseaInputError(f"weight: must be a finite number >= 0, got {weight!r}")
    if min_size < 1 or max_size < min_size:
        raise GseaInputError(
            f"min_size/max_size: need 1 <= min_size <= max_size, got {min_size}, {max_size}"
        )
    if metric not in METRICS:
        raise GseaInputError(f"metric: {metric!r} is not one of {', '.join(METRICS)}")
    if fdr_method not in ("desktop", "pooled"):
        raise GseaInputError(f"fdr_method: {fdr_method!r} is not 'desktop' or 'pooled'")


# --------------------------------------------------------------------------- driver


def _run(
    values: np.ndarray,
    prepared: _Prepared,
    genes: pd.Index,
    is_pos: np.ndarray,
    set_names: list[str],
    member_index: list[np.ndarray],
    n_perm: int,
    seed: int,
    metric: str,
    weight: float,
    fdr_method: str,
    on_permutations: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """One phenotype's GSEA; ``on_permutations(k)`` is called as each block of ``k``
    permutations finishes (progress reporting)."""
    n_genes = values.shape[0]
    members, offsets = _pack_members(member_index)
    observed = ranking_metric(values, is_pos, metric)
    obs_ranks = _descending_ranks(observed[None, :])
    es = np.empty((1, len(set_names)))
    _es_kernel(obs_ranks, observed[None, :], members, offsets, float(weight), es)
    es = es[0]

    rng = np.random.default_rng(seed)
    shuffled = rng.permuted(np.tile(is_pos, (n_perm, 1)), axis=1)
    null = np.empty((n_perm, len(set_names)))
    block = max(1, min(n_perm, _BLOCK_ELEMENTS // n_genes))
    for start in range(0, n_perm, block):
        stop = min(start + block, n_perm)
        perm_metric = _block_metric(prepared, shuffled[start:stop], metric)
        ranks = _descending_ranks(perm_metric)
        _es_kernel(ranks, perm_metric, members, offsets, float(weight), null[start:stop])
        if on_permutations is not None:
            on_permutations(stop - start)

    nes, nominal, fdr, fwer = permutation_statistics(es, null.T, fdr_method)

    n_sets = len(set_names)
    le_size = np.zeros(n_sets, dtype=np.int64)
    le_tags, le_list, le_signal = np.zeros(n_sets), np.zeros(n_sets), np.zeros(n_sets)
    le_genes: list[str] = []
    for s in range(n_sets):  # observed ranking only: one short vector op per set
        idx = member_index[s]
        _, edge, peak = _leading_edge(observed, obs_ranks[0], idx, weight)
        list_frac = (peak + 1) / n_genes if es[s] >= 0 else (n_genes - peak - 1) / n_genes
        le_size[s] = edge.size
        le_genes.append(";".join(map(str, genes[edge])))
        le_tags[s] = edge.size / idx.size
        le_list[s] = list_frac
        le_signal[s] = le_tags[s] * (1.0 - list_frac) * n_genes / (n_genes - idx.size)
    out = pd.DataFrame(
        {
            "gene_set": set_names,
            "size": np.array([len(i) for i in member_index], dtype=np.int64),
            "es": es,
            "nes": nes,
            "nominal_p": nominal,
            "fdr_q": fdr,
            "fwer_p": fwer,
            "leading_edge_size": le_size,
            "leading_edge_genes": le_genes,
            "leading_edge_tags": le_tags,
            "leading_edge_list": le_list,
            "leading_edge_signal": le_signal,
            "n_perm": np.int64(n_perm),
            "seed": np.int64(seed),
        },
        columns=list(RESULT_COLUMNS),
    )
    return out.sort_values(
        ["nes", "gene_set"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)


def _binarise(
    labels: pd.Series, positive_label: Hashable, name: str
) -> tuple[np.ndarray, np.ndarray]:
    """(kept-sample mask, is-positive among kept) with the class-size rule checked."""
    known = labels.notna().to_numpy()
    if not (labels[known] == positive_label).any():
        raise GseaInputError(
            f"positive_label: {positive_label!r} is not a label in {name} "
            f"(labels: {sorted(map(str, labels[known].unique()))[:10]})"
        )
    is_pos = (labels[known] == positive_label).to_numpy()
    n_pos, n_rest = int(is_pos.sum()), int((~is_pos).sum())
    if n_pos < MIN_CLASS_SIZE or n_rest < MIN_CLASS_SIZE:
        raise GseaInputError(
            f"{name}: class {positive_label!r} has {n_pos} sample(s) and the rest {n_rest}; "
            f"phenotype permutation needs >= {MIN_CLASS_SIZE} in each"
        )
    return known, is_pos


def gsea_phenotype(
    expr: pd.DataFrame,
    labels: pd.Series,
    gene_sets: Mapping[str, Sequence[str]],
    positive_label: Hashable,
    n_perm: int = 1000,
    seed: int = 0,
    metric: str = "signal_to_noise",
    weight: float = 1.0,
    min_size: int = 15,
    max_size: int = 500,
    fdr_method: Literal["desktop", "pooled"] = "desktop",
) -> pd.DataFrame:
    """GSEA (phenotype permutations) of ``positive_label`` versus all other samples.

    ``expr`` is genes x samples on a log scale with unique gene symbols; ``labels`` maps
    every ``expr`` column to a class (missing labels drop the sample). Both classes need
    >= 3 samples. Returns one row per gene set passing the size filter, sorted by NES
    (largest first): ``gene_set, size, es, nes, nominal_p, fdr_q, fwer_p,
    leading_edge_size, leading_edge_genes`` (``;``-joined, most extreme first),
    ``leading_edge_tags/list/signal`` (GSEA's tags, list and signal, as fractions),
    ``n_perm, seed``. Deterministic for a given ``seed``.
    """
    _check_options(n_perm, seed, weight, min_size, max_size, metric, fdr_method)
    values = _check_expr(expr)
    aligned = _check_labels(expr, labels, "labels")
    known, is_pos = _binarise(aligned, positive_label, "labels")
    values = values if known.all() else values[:, known]
    names, index = _member_index(expr.index, gene_sets, min_size, max_size)
    return _run(
        values, _prepare(values), expr.index, is_pos, names, index,
        int(n_perm), int(seed), metric, float(weight), fdr_method,
    )  # fmt: skip


def _group_order(groups: pd.Series, design: GroupDesign | None) -> list:
    """Groups to test: the design's keys present in ``groups`` (display order).

    Without a design, the labels present, sorted. A label outside the design is an error:
    "the rest" must be the other design groups, so the caller filters samples first.
    """
    present = list(pd.unique(groups.dropna()))
    if design is None:
        return sorted(present, key=str)
    outside = sorted(str(g) for g in present if g not in design.keys)
    if outside:
        raise GseaInputError(
            f"groups: label(s) {outside[:10]} are not groups of the design "
            f"({list(design.keys)}); leave those samples out (missing label) first"
        )
    return [key for key in design.keys if key in present]


#: Columns of :func:`gsea_group_vs_rest` and their types (also for zero rows).
GROUP_VS_REST_DTYPES: dict[str, str] = {
    "group_key": "string", "n_group_samples": "int64", "n_rest_samples": "int64",
    "gene_set": "string", "size": "int64", "es": "float64", "nes": "float64",
    "nominal_p": "float64", "fdr_q": "float64", "fwer_p": "float64",
    "leading_edge_size": "Int64", "leading_edge_genes": "string",
    "leading_edge_tags": "float64", "leading_edge_list": "float64",
    "leading_edge_signal": "float64", "n_perm": "int64", "seed": "int64",
    "test_note": "string",
}


def _untested_rows(
    names: list[str], index: list[np.ndarray], n_perm: int, seed: int, note: str
) -> pd.DataFrame:
    """One row per gene set with every statistic missing and ``test_note`` saying why."""
    n_sets = len(names)
    missing = np.full(n_sets, np.nan)
    return pd.DataFrame({
        "gene_set": names, "size": np.array([len(i) for i in index], dtype=np.int64),
        "es": missing, "nes": missing, "nominal_p": missing, "fdr_q": missing,
        "fwer_p": missing, "leading_edge_size": pd.array([None] * n_sets, dtype="Int64"),
        "leading_edge_genes": pd.array([None] * n_sets, dtype="string"),
        "leading_edge_tags": missing, "leading_edge_list": missing,
        "leading_edge_signal": missing, "n_perm": np.int64(n_perm), "seed": np.int64(seed),
        "test_note": note,
    })  # fmt: skip


def gsea_group_vs_rest(
    expr: pd.DataFrame,
    groups: pd.Series,
    gene_sets: Mapping[str, Sequence[str]],
    n_perm: int = 1000,
    seed: int = 0,
    design: GroupDesign | None = None,
    progress: Callable[[int, int], None] | None = None,
    **kw,
) -> pd.DataFrame:
    """:func:`gsea_phenotype` of each group versus the rest, stacked.

    ``progress(done, total)`` counts permutations over all tested groups.

    Groups run in the ``design``'s display order (every design group, also one without
    samples; without a design, the labels present, sorted), each with the same ``seed``, so
    a group's result does not depend on the other groups' order. The rest of a group is
    every other sample with a label. The result gains leading columns ``group_key``,
    ``n_group_samples`` and ``n_rest_samples`` and a last column ``test_note``: null when
    the test ran; when the group or the rest has fewer than 3 samples (the phenotype
    permutation minimum) the group gets one row per gene set with every statistic missing
    and ``test_note`` :data:`~calcomics.methods.stats.notes.ONE_GROUP_ONLY` (one side empty)
    or :data:`~calcomics.methods.stats.notes.FEWER_THAN_MIN_OBSERVATIONS`. No labelled sample
    at all gives zero rows (typed as :data:`GROUP_VS_REST_DTYPES`). Keyword arguments
    (``metric``, ``weight``, ``min_size``, ``max_size``, ``fdr_method``) are passed on.
    """
    unknown = set(kw) - {"metric", "weight", "min_size", "max_size", "fdr_method"}
    if unknown:
        raise GseaInputError(f"gsea_group_vs_rest: unknown option(s) {sorted(unknown)}")
    metric = kw.get("metric", "signal_to_noise")
    weight = kw.get("weight", 1.0)
    min_size, max_size = kw.get("min_size", 15), kw.get("max_size", 500)
    fdr_method = kw.get("fdr_method", "desktop")
    _check_options(n_perm, seed, weight, min_size, max_size, metric, fdr_method)
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in GROUP_VS_REST_DTYPES.items()})
    if isinstance(expr, pd.DataFrame) and expr.shape[1] == 0:
        return empty
    values_all = _check_expr(expr, min_samples=1)
    aligned = _check_labels(expr, groups, "groups")
    if aligned.isna().all():
        return empty
    order = _group_order(aligned, design)
    if design is not None:
        order = list(design.keys)
    names, index = _member_index(expr.index, gene_sets, min_size, max_size)
    known = aligned.notna().to_numpy()
    values = values_all if known.all() else values_all[:, known]  # no copy when all labelled
    labels = aligned[known].to_numpy()
    prepared = _prepare(values)
    tested = [g for g in order if min(int((labels == g).sum()), int((labels != g).sum()))
              >= MIN_CLASS_SIZE]
    total = len(tested) * int(n_perm)
    done = 0

    def advance(k: int) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    frames = []
    for group in order:
        is_pos = labels == group
        n_pos, n_rest = int(is_pos.sum()), int((~is_pos).sum())
        if min(n_pos, n_rest) >= MIN_CLASS_SIZE:
            result = _run(
                values, prepared, expr.index, is_pos, names, index,
                int(n_perm), int(seed), metric, float(weight), fdr_method, advance,
            )  # fmt: skip
            result["test_note"] = None
        else:
            note = ONE_GROUP_ONLY if min(n_pos, n_rest) == 0 else FEWER_THAN_MIN_OBSERVATIONS
            result = _untested_rows(names, index, int(n_perm), int(seed), note)
        result.insert(0, "group_key", group)
        result.insert(1, "n_group_samples", np.int64(n_pos))
        result.insert(2, "n_rest_samples", np.int64(n_rest))
        frames.append(result)
    return pd.concat(frames, ignore_index=True)[list(GROUP_VS_REST_DTYPES)].astype(
        GROUP_VS_REST_DTYPES
    )
