"""PAM50 intrinsic subtypes by Spearman nearest centroid (Parker et al. 2009).

Two preprocessing modes (``scaling``), each matching one reference implementation:

``"median_centre"``
    Parker/UNC ``medianCtr`` as implemented by the hoadley-lab ``pam50`` R package 0.2.0
    (commit 17837fa, ``R/pam50.R``: ``preprocess_input`` + ``assign_subtypes``): every gene is
    centred on its cohort median (``matrixStats::rowMedians(na.rm = TRUE)``) or on the supplied
    ``centring_medians``; each sample column is then scaled to mean 0 / SD 1 (R ``scale``) and
    the centroid columns are scaled the same way. The per-sample and per-centroid scaling is a
    monotone map and so leaves Spearman unchanged *except* through floating-point rounding: two
    genes whose centred values differ by one ulp (equal in decimal, e.g. ``CXXC5`` and ``EGFR``
    of sample S66 of the package's test data) become exactly tied after R's scaling, which
    moves that sample's correlations by ~1e-3. The scaling is therefore reproduced exactly
    (column sums accumulated sequentially in extended precision, as R's ``colMeans``/``sum``).
``"genefu_robust"``
    genefu 2.39 ``molecular.subtyping(sbt.model = "pam50")`` = ``pam50.robust``
    (``R/intrinsic.cluster.predict.R``, ``R/rescale.R``): per gene across samples
    ``x' = ((x - q_0.025) / (q_0.975 - q_0.025) - 0.5) * 2`` with R type-7 quantiles
    (``na.rm = TRUE``), no clipping; centroids unscaled.

Centring (``centring``, ``"median_centre"`` only): ``"cohort_median"`` centres every gene on the
median of all samples (hoadley-lab ``medianCtr``); ``"er_balanced"`` centres on the median of an
ER-balanced subset, the practice of the UNC group for ER-skewed cohorts (Parker 2009 trained on
an ER-balanced set; Zhao et al. 2015, Breast Cancer Res 17:29; TCGA 2015 ILC PAM50 calls) as
implemented by PCAPAM50 1.0.3 ``makeCalls.ihc`` (``R/functions_PCA-PAM50.R``): every sample of
the smaller ER class, and as many samples of the larger class drawn without replacement by R
``set.seed(seed); sample(n_larger, n_smaller)`` (reproduced exactly, R >= 3.6 "Rejection"
sampling, :func:`r_sample`) from the larger class in sample order; per-gene median
(``na.rm = TRUE``) over that subset. Samples with unknown ER status take no part in the subset
(they are still classified). ``"supplied_medians"`` records medians given by the caller.

Correlation (both modes): Spearman with average ranks over the genes that are present in the
matrix and non-missing in the sample; ranks of both vectors are recomputed over those genes
(R ``cor(method = "spearman", use = "pairwise.complete.obs")`` / ``use = "complete.obs"``).
Subtype = first maximum in the reference centroid order Basal, Her2, LumA, LumB, Normal (R
``which.max`` / ``order``); ``include_normal = False`` leaves Normal out of the choice (hoadley
``include_normal``). ``confidence`` is genefu's ``subtype.proba`` of the winner,
``max(cor, 0) / sum(max(cor, 0))`` over the subtypes taking part (NaN if none is positive).

Deliberate differences from the references: bad input raises :class:`Pam50InputError`
instead of returning NA (samples with fewer than 4 non-missing PAM50 genes or constant
values, genes whose robust quantile range is zero, infinite values, duplicate genes); genes are
matched by symbol (legacy CDCA1, KNTC2, ORC6L are renamed to NUF2, NDC80, ORC6), not by Entrez
ID with most-variable-probe selection.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from calcomics.methods.checks import numeric_matrix
from calcomics.methods.survival.rng import RRandom
from calcomics.reference import (
    CENTROID_COLUMNS,
    PAM50_SUBTYPES,
    PAM50_SYMBOL_UPDATES,
    pam50_centroids,
)

PAM50_SCALINGS: tuple[str, ...] = ("median_centre", "genefu_robust")
#: Values of var ``pam50_centring`` (how ``median_centre`` finds each gene's centre).
PAM50_CENTRINGS: tuple[str, ...] = ("cohort_median", "er_balanced")
#: PCAPAM50 ``makeCalls.ihc``'s default seed for drawing the ER-balanced subset.
ER_BALANCED_SEED = 118
#: Fewest samples of each ER class for an ER-balanced median (a median over fewer samples
#: per class is dominated by single tumours).
MIN_ER_BALANCED_PER_CLASS = 5
# Reference centroid column order (genefu, hoadley-lab): decides ties (first maximum wins).
PAM50_TIE_ORDER: tuple[str, ...] = ("Basal", "Her2", "LumA", "LumB", "Normal")
PAM50_COR_COLUMNS: dict[str, str] = {
    "LumA": "cor_lum_a",
    "LumB": "cor_lum_b",
    "Her2": "cor_her2",
    "Basal": "cor_basal",
    "Normal": "cor_normal",
}
PAM50_OUTPUT_COLUMNS: tuple[str, ...] = (
    "sample_id",
    "pam50_subtype",
    *(PAM50_COR_COLUMNS[s] for s in PAM50_SUBTYPES),
    "confidence",
    "n_genes_used",
    "scaling",
    "centring",
    "centring_reference_samples",
)
# genefu pam50.robust: rescale.q = 0.05 -> quantiles q/2 and 1 - q/2.
GENEFU_RESCALE_Q = 0.05
# genefu computes a correlation only with more than 3 complete pairs.
MIN_GENES = 4

_FILE_COLUMN_TO_SUBTYPE = {v: k for k, v in CENTROID_COLUMNS.items()}


class Pam50InputError(ValueError):
    """Invalid input to the PAM50 classifier (message names the argument, gene/sample, rule)."""


def r_quantile_type7(values: np.ndarray, prob: float) -> np.ndarray:
    """Row-wise R ``quantile(x, prob, type = 7, na.rm = TRUE)`` of a 2-D array.

    Same arithmetic as R's ``quantile.default``: ``index = 1 + (n - 1) * prob``,
    ``(1 - h) * x[lo] + h * x[hi]`` only where ``index > lo`` and ``x[hi] != x[lo]``
    (numpy's ``method="linear"`` agrees to rounding). All-missing rows give NaN.
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        raise Pam50InputError(f"r_quantile_type7: values must be 2-D, got {arr.ndim}-D")
    if not 0.0 <= prob <= 1.0:
        raise Pam50InputError(f"r_quantile_type7: prob must lie in [0, 1], got {prob}")
    n = (~np.isnan(arr)).sum(axis=1)
    srt = np.sort(arr, axis=1)  # NaN sort last
    index = 1.0 + np.maximum(n - 1, 0) * prob
    lo = np.floor(index).astype(np.intp)
    hi = np.ceil(index).astype(np.intp)
    rows = np.arange(arr.shape[0])
    x_lo = srt[rows, lo - 1]
    x_hi = srt[rows, hi - 1]
    h = index - lo
    interpolate = (index > lo) & (x_hi != x_lo)
    out = np.where(interpolate, (1.0 - h) * x_lo + h * x_hi, x_lo)
    out[n == 0] = np.nan
    return out


def genefu_robust_scale(log_expr: pd.DataFrame, q: float = GENEFU_RESCALE_Q) -> pd.DataFrame:
    """genefu ``(rescale(x, q, na.rm = TRUE) - 0.5) * 2`` applied to every gene (row) across
    samples: ``x' = ((x - q_lo) / (q_hi - q_lo) - 0.5) * 2`` with R type-7 quantiles
    ``q_lo = q/2``, ``q_hi = 1 - q/2``; no clipping, missing values stay missing.

    Raises :class:`Pam50InputError` for a gene whose two quantiles are equal (genefu would
    return NaN/Inf for it).
    """
    values = log_expr.to_numpy(dtype=float)
    q_hi = r_quantile_type7(values, 1 - (q / 2))
    q_lo = r_quantile_type7(values, q / 2)
    span = q_hi - q_lo
    flat = np.isfinite(span) & (span == 0)
    if flat.any():
        genes = [str(g) for g in log_expr.index[flat]]
        raise Pam50InputError(
            f"log_expr: genes {genes} have equal {q / 2:g} and {1 - q / 2:g} quantiles across "
            f"samples, so the genefu robust scaling is undefined (needs spread across samples)"
        )
    scaled = ((values - q_lo[:, None]) / span[:, None] - 0.5) * 2
    return pd.DataFrame(scaled, index=log_expr.index, columns=log_expr.columns)


def r_scale_columns(values: np.ndarray) -> np.ndarray:
    """R ``scale(x)`` of a 2-D array with missing values: per column subtract
    ``colMeans(x, na.rm = TRUE)`` and divide by ``sqrt(sum(v^2) / max(1, n - 1))``.

    Sums are accumulated sequentially in extended precision and rounded to double once, as R's
    ``colMeans`` and ``sum`` do (``LDOUBLE``), so the output is bit-identical to R's on x86-64.
    """
    arr = np.asarray(values, dtype=float)
    ok = ~np.isnan(arr)
    count = ok.sum(axis=0)
    total = np.cumsum(np.where(ok, arr, 0.0).astype(np.longdouble), axis=0)[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (total / count).astype(float)
        centred = arr - mean
        squares = np.cumsum(np.where(ok, centred * centred, 0.0).astype(np.longdouble), axis=0)
        sd = np.sqrt(squares[-1].astype(float) / np.maximum(1, count - 1))
        return centred / sd


def spearman_to_centroids(values: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Spearman correlation (average ranks) of every sample column of ``values`` (genes x
    samples, NaN = missing) with every column of ``centroids`` (genes x k, complete).

    For each sample only its non-missing genes are used and both rank vectors are recomputed
    over them (R ``cor(..., method = "spearman", use = "pairwise.complete.obs")``). Vectorised:
    complete samples share one centroid rank matrix; for samples with missing genes the
    centroid ranks are counted from precomputed pairwise comparisons. Returns samples x k.
    """
    x = np.asarray(values, dtype=float)
    c = np.asarray(centroids, dtype=float)
    ok = ~np.isnan(x)
    n_used = ok.sum(axis=0)
    rank_x = rankdata(x, axis=0, nan_policy="omit")
    mid = (n_used + 1) / 2.0  # mean rank of n_used average ranks
    dx = np.where(ok, rank_x - mid, 0.0)
    var_x = (dx * dx).sum(axis=0)
    cov = np.empty((x.shape[1], c.shape[1]))
    var_c = np.empty_like(cov)

    complete = ok.all(axis=0)
    if complete.any():
        dc = rankdata(c, axis=0) - (c.shape[0] + 1) / 2.0
        cov[complete] = dx[:, complete].T @ dc
        var_c[complete] = (dc * dc).sum(axis=0)
    partial = ~complete
    if partial.any():
        okp = ok[:, partial].astype(float)
        less = (c[None, :, :] < c[:, None, :]).astype(float)  # [g, h, k]: c[h] < c[g]
        equal = (c[None, :, :] == c[:, None, :]).astype(float)
        rank_c = np.einsum("hj,ghk->jgk", okp, less) + (
            np.einsum("hj,ghk->jgk", okp, equal) + 1.0
        ) / 2.0
        dc = np.where(okp.T[:, :, None] > 0, rank_c - mid[partial, None, None], 0.0)
        cov[partial] = np.einsum("gj,jgk->jk", dx[:, partial], dc)
        var_c[partial] = np.einsum("jgk,jgk->jk", dc, dc)
    with np.errstate(invalid="ignore", divide="ignore"):
        cor = cov / np.sqrt(var_x[:, None] * var_c)
    return np.clip(cor, -1.0, 1.0)


def _update_symbols(index: pd.Index, argument: str) -> pd.Index:
    """Rename legacy PAM50 symbols; refuse a legacy symbol next to its current one."""
    labels = pd.Index([str(g) for g in index])
    for old, new in PAM50_SYMBOL_UPDATES.items():
        if old in labels and new in labels:
            raise Pam50InputError(
                f"{argument}: holds both the legacy symbol {old!r} and its current symbol "
                f"{new!r}; keep one row per gene"
            )
    return labels.map(lambda g: PAM50_SYMBOL_UPDATES.get(g, g))


def _check_centroids(centroids: pd.DataFrame | None) -> pd.DataFrame:
    """Centroids as genes x (Basal, Her2, LumA, LumB, Normal), current symbols, float."""
    if centroids is None:
        return pam50_centroids()[list(PAM50_TIE_ORDER)]
    if not isinstance(centroids, pd.DataFrame):
        raise Pam50InputError(
            f"centroids: expected a pandas DataFrame (genes x subtypes), got "
            f"{type(centroids).__name__}"
        )
    renamed = centroids.rename(columns=lambda col: _FILE_COLUMN_TO_SUBTYPE.get(col, col))
    missing = [s for s in PAM50_TIE_ORDER if s not in renamed.columns]
    if missing:
        raise Pam50InputError(
            f"centroids: columns {missing} missing; need {list(PAM50_SUBTYPES)} (or the file "
            f"names {list(CENTROID_COLUMNS.values())})"
        )
    if renamed.columns.duplicated().any():
        raise Pam50InputError("centroids: a subtype column appears more than once")
    out = renamed[list(PAM50_TIE_ORDER)].copy()
    out.index = _update_symbols(out.index, "centroids")
    duplicated = out.index[out.index.duplicated()].unique().tolist()
    if duplicated:
        raise Pam50InputError(f"centroids: genes {duplicated} appear more than once")
    numeric_matrix(out, "centroids", Pam50InputError, column_label="subtype")
    return out.astype(float)


def _select_genes(log_expr: pd.DataFrame, genes: pd.Index) -> tuple[pd.DataFrame, list[str]]:
    """Rows of ``log_expr`` for the centroid genes present (centroid order), and the absent."""
    if not isinstance(log_expr, pd.DataFrame):
        raise Pam50InputError(
            f"log_expr: expected a pandas DataFrame (genes x samples), got "
            f"{type(log_expr).__name__}"
        )
    if log_expr.shape[1] == 0:
        raise Pam50InputError("log_expr: has no sample columns")
    dup_samples = log_expr.columns[log_expr.columns.duplicated()].unique().tolist()
    if dup_samples:
        raise Pam50InputError(f"log_expr: sample columns {dup_samples} appear more than once")
    symbols = _update_symbols(log_expr.index, "log_expr")
    wanted = symbols.isin(genes)
    dup_genes = symbols[wanted & symbols.duplicated(keep=False)].unique().tolist()
    if dup_genes:
        raise Pam50InputError(
            f"log_expr: PAM50 genes {dup_genes} have more than one row; collapse them first"
        )
    sub = log_expr.loc[wanted].copy()
    sub.index = symbols[wanted]
    present = [g for g in genes if g in sub.index]
    missing = [g for g in genes if g not in sub.index]
    if len(present) < MIN_GENES:
        raise Pam50InputError(
            f"log_expr: only {len(present)} of {len(genes)} PAM50 genes present (need at "
            f"least {MIN_GENES}); missing: {missing}"
        )
    sub = sub.loc[present]
    # NaN marks a missing value (PAM50 uses the genes a sample has); infinity is an error.
    numeric_matrix(sub, "log_expr", Pam50InputError, allow_missing=True)
    return sub.astype(float), missing


def _medians(centring_medians: pd.Series, genes: Sequence[str]) -> np.ndarray:
    if not isinstance(centring_medians, pd.Series):
        raise Pam50InputError(
            f"centring_medians: expected a pandas Series indexed by gene symbol, got "
            f"{type(centring_medians).__name__}"
        )
    med = centring_medians.copy()
    med.index = _update_symbols(med.index, "centring_medians")
    if med.index.duplicated().any():
        dup = med.index[med.index.duplicated()].unique().tolist()
        raise Pam50InputError(f"centring_medians: genes {dup} appear more than once")
    absent = [g for g in genes if g not in med.index]
    if absent:
        raise Pam50InputError(f"centring_medians: no median for PAM50 genes {absent}")
    if not pd.api.types.is_numeric_dtype(med):
        raise Pam50InputError("centring_medians: values are not numeric")
    values = med.loc[list(genes)].to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        raise Pam50InputError(
            f"centring_medians: medians for genes {[genes[i] for i in np.flatnonzero(bad)]} "
            f"are missing or infinite"
        )
    return values


def _r_unif_index(rng: RRandom, n: int) -> int:
    """R ``R_unif_index(n)`` with ``sample.kind = "Rejection"`` (R >= 3.6): draw
    ``ceil(log2(n))`` random bits, 16 per ``unif_rand()``, until the value is below ``n``."""
    if n <= 0:
        return 0
    bits = int(np.ceil(np.log2(n)))
    while True:
        value = 0
        for _ in range(0, bits + 1, 16):
            value = 65536 * value + int(np.floor(rng.unif_rand(1)[0] * 65536))
        value &= (1 << bits) - 1
        if value < n:
            return value


def r_sample(n: int, size: int, seed: int) -> np.ndarray:
    """R ``set.seed(seed); sample(n, size)`` (without replacement, R >= 3.6 defaults).

    Returns 1-based positions, as R does. R's non-hash algorithm: positions 0..n-1 in a
    pool; each draw takes the pool entry at ``R_unif_index(remaining)`` and moves the last
    entry into its place.
    """
    if not 0 <= size <= n:
        raise Pam50InputError(f"r_sample: size {size} must lie in 0..n ({n})")
    rng = RRandom(seed)
    pool = list(range(n))
    out = np.empty(size, dtype=np.int64)
    remaining = n
    for i in range(size):
        j = _r_unif_index(rng, remaining)
        out[i] = pool[j] + 1
        remaining -= 1
        pool[j] = pool[remaining]
    return out


def er_balanced_subset(
    er_positive: pd.Series,
    seed: int = ER_BALANCED_SEED,
    min_per_class: int = MIN_ER_BALANCED_PER_CLASS,
) -> list[str]:
    """Sample ids of an ER-balanced reference subset (PCAPAM50 ``makeCalls.ihc``).

    Parameters
    ----------
    er_positive
        ER status per sample (index sample id, in the order samples are drawn from):
        True = ER+, False = ER-, missing = unknown (left out).
    seed
        R seed of the draw from the larger class.
    min_per_class
        Fewest samples of each ER class; fewer raises :class:`Pam50InputError`.

    Returns
    -------
    Every sample of the smaller class and ``r_sample`` of the larger class (same number), in
    the order positives then negatives.
    """
    if not isinstance(er_positive, pd.Series):
        raise Pam50InputError(
            f"er_positive: expected a pandas Series indexed by sample id, got "
            f"{type(er_positive).__name__}"
        )
    known = er_positive.dropna()
    if not known.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        raise Pam50InputError("er_positive: values must be True (ER+), False (ER-) or missing")
    positive = [str(s) for s in known.index[known.to_numpy(dtype=bool)]]
    negative = [str(s) for s in known.index[~known.to_numpy(dtype=bool)]]
    if min(len(positive), len(negative)) < min_per_class:
        raise Pam50InputError(
            f"pam50_centring 'er_balanced': the RNA-seq samples with a known ER status hold "
            f"{len(positive)} ER+ and {len(negative)} ER- (ER+ = er_ihc_pct >= 1); an "
            f"ER-balanced median needs at least {min_per_class} of each. An all-HR+ cohort "
            f"cannot be balanced from its own samples: add ER- reference tumours sequenced and "
            f"processed like the cohort (clinical rows outside the analysis groups), or use "
            f"pam50_centring 'cohort_median' (see docs/TRANSCRIPTOMICS.md, PAM50)"
        )
    size = min(len(positive), len(negative))
    if len(negative) <= len(positive):
        positive = [positive[i - 1] for i in r_sample(len(positive), size, seed)]
    else:
        negative = [negative[i - 1] for i in r_sample(len(negative), size, seed)]
    return positive + negative


def empty_pam50_calls() -> pd.DataFrame:
    """The typed, zero-row result of :func:`pam50_calls` (an expression layer without samples)."""
    dtypes = {
        "sample_id": "string", "pam50_subtype": "string",
        **{column: "float64" for column in PAM50_COR_COLUMNS.values()},
        "confidence": "float64", "n_genes_used": "int64", "scaling": "string",
        "centring": "string", "centring_reference_samples": "Int64",
    }  # fmt: skip
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in PAM50_OUTPUT_COLUMNS})


def pam50_calls(
    log_expr: pd.DataFrame,
    centroids: pd.DataFrame | None = None,
    scaling: str = "median_centre",
    include_normal: bool = True,
    centring_medians: pd.Series | None = None,
    centring: str = "cohort_median",
    er_positive: pd.Series | None = None,
    centring_seed: int = ER_BALANCED_SEED,
) -> pd.DataFrame:
    """PAM50 subtype of every sample of a genes x samples log2 expression matrix.

    Parameters
    ----------
    log_expr
        Genes x samples, index gene symbol, columns sample id, log2 scale; NaN = missing value.
        Rows other than the PAM50 genes are ignored; absent PAM50 genes are dropped from the
        correlation (at least 4 are needed).
    centroids
        Genes x subtypes (columns LumA, LumB, Her2, Basal, Normal, or the file names
        luminal_a, luminal_b, her2, basal, normal); default: the shipped Parker 2009 centroids.
    scaling
        ``"median_centre"`` (hoadley-lab pam50 / Parker UNC) or ``"genefu_robust"``
        (genefu ``pam50.robust``); see the module docstring.
    include_normal
        Whether the Normal centroid takes part in the call (its correlation is always reported).
    centring_medians
        Per-gene medians (Series indexed by gene symbol) to centre on instead of the cohort's
        own, e.g. from an external reference set; only with ``"median_centre"`` and
        ``centring="cohort_median"`` (recorded as ``"supplied_medians"``).
    centring
        ``"cohort_median"`` or ``"er_balanced"`` (see the module docstring); only with
        ``"median_centre"``.
    er_positive
        ER status per sample (True/False/missing, index sample id) for ``"er_balanced"``.
    centring_seed
        R seed of the ER-balanced draw.

    Returns
    -------
    One row per sample (input column order): ``sample_id``, ``pam50_subtype`` (LumA, LumB,
    Her2, Basal, Normal), ``cor_lum_a``, ``cor_lum_b``, ``cor_her2``, ``cor_basal``,
    ``cor_normal`` (Spearman), ``confidence``, ``n_genes_used`` (non-missing PAM50 genes of the
    sample), ``scaling``, ``centring`` (``cohort_median``, ``er_balanced``,
    ``supplied_medians``; missing with ``genefu_robust``) and ``centring_reference_samples``
    (samples the medians came from; missing for supplied medians and ``genefu_robust``).
    A matrix without sample columns gives the typed zero-row frame.
    """
    if scaling not in PAM50_SCALINGS:
        raise Pam50InputError(f"scaling: {scaling!r} is not one of {list(PAM50_SCALINGS)}")
    if centring not in PAM50_CENTRINGS:
        raise Pam50InputError(f"centring: {centring!r} is not one of {list(PAM50_CENTRINGS)}")
    if scaling != "median_centre" and centring_medians is not None:
        raise Pam50InputError(
            f"centring_medians: only used with scaling='median_centre', not {scaling!r}"
        )
    if scaling != "median_centre" and centring != "cohort_median":
        raise Pam50InputError(
            f"centring {centring!r}: only used with scaling='median_centre', not {scaling!r}"
        )
    if centring_medians is not None and centring != "cohort_median":
        raise Pam50InputError("centring_medians: give medians or centring='er_balanced', not both")
    if centring == "er_balanced" and er_positive is None:
        raise Pam50InputError("er_positive: needed for centring='er_balanced'")
    cents = _check_centroids(centroids)
    if isinstance(log_expr, pd.DataFrame) and log_expr.shape[1] == 0:
        return empty_pam50_calls()
    expr, _absent = _select_genes(log_expr, cents.index)
    reference_samples: int | None = None
    reference = list(expr.columns)
    if scaling == "median_centre" and centring_medians is None:
        if centring == "er_balanced":
            status = er_positive.reindex([s for s in expr.columns if s in er_positive.index])
            reference = er_balanced_subset(status, seed=centring_seed)
        reference_samples = len(reference)
    genes = list(expr.index)
    cent = cents.loc[genes]
    values = expr.to_numpy()

    if scaling == "median_centre":
        if centring_medians is None:
            centres = _nan_medians(expr[reference].to_numpy())
        else:
            centres = _medians(centring_medians, genes)
        unscaled = values - centres[:, None]
    else:
        unscaled = genefu_robust_scale(expr).to_numpy()

    n_used = (~np.isnan(unscaled)).sum(axis=0)
    few = n_used < MIN_GENES
    if few.any():
        samples = [str(s) for s in expr.columns[few]]
        raise Pam50InputError(
            f"log_expr: samples {samples} have fewer than {MIN_GENES} non-missing PAM50 genes"
        )
    distinct = np.nanmax(unscaled, axis=0) > np.nanmin(unscaled, axis=0)
    if not distinct.all():
        samples = [str(s) for s in expr.columns[~distinct]]
        raise Pam50InputError(
            f"log_expr: samples {samples} have the same value for every PAM50 gene after "
            f"{scaling} preprocessing; Spearman correlation is undefined"
        )
    if scaling == "median_centre":
        # hoadley-lab: scale(centred input) and scale(centroids); see the module docstring.
        prepared = r_scale_columns(unscaled)
        centroid_matrix = r_scale_columns(cent.to_numpy())
    else:
        prepared = unscaled
        centroid_matrix = cent.to_numpy()
    flat_centroids = cent.columns[np.ptp(centroid_matrix, axis=0) == 0].tolist()
    if flat_centroids:
        raise Pam50InputError(
            f"centroids: subtypes {flat_centroids} are constant over the PAM50 genes present"
        )

    cor = spearman_to_centroids(prepared, centroid_matrix)  # samples x PAM50_TIE_ORDER
    order = [i for i, s in enumerate(PAM50_TIE_ORDER) if include_normal or s != "Normal"]
    considered = cor[:, order]
    winner = np.argmax(np.where(np.isnan(considered), -np.inf, considered), axis=1)
    positive = np.where(considered > 0, considered, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = positive[np.arange(len(winner)), winner] / positive.sum(axis=1)
    labels = np.array(PAM50_TIE_ORDER, dtype=object)[order][winner]

    out = pd.DataFrame(
        {"sample_id": [str(s) for s in expr.columns], "pam50_subtype": labels.astype(str)}
    )
    for i, subtype in enumerate(PAM50_TIE_ORDER):
        out[PAM50_COR_COLUMNS[subtype]] = cor[:, i]
    out["confidence"] = confidence
    out["n_genes_used"] = n_used.astype(np.int64)
    out["scaling"] = scaling
    if scaling != "median_centre":
        label = None
    elif reference_samples is None:
        label = "supplied_medians"
    else:
        label = centring
    out["centring"] = pd.Series([label] * len(out), dtype="string")
    out["centring_reference_samples"] = pd.Series(
        [reference_samples] * len(out), dtype="Int64"
    )
    return out[list(PAM50_OUTPUT_COLUMNS)]


def _nan_medians(values: np.ndarray) -> np.ndarray:
    """Row medians ignoring NaN (R ``rowMedians(na.rm = TRUE)``); all-missing rows NaN."""
    centres = np.full(values.shape[0], np.nan)
    some = ~np.isnan(values).all(axis=1)
    if some.any():
        with np.errstate(invalid="ignore"):
            centres[some] = np.nanmedian(values[some], axis=1)
    return centres
