"""GSVA and ssGSEA gene-set scores reproducing R/Bioconductor GSVA 1.42-1.46.

Kernel statistics and gene orderings are R's bit for bit; scores agree with R's to rounding
(<= 1e-13 on every reference case in tests/data/gsva, including a real RNA-seq subset with
many ties, where pairwise instead of sequential summation of F moves scores by 4.8e-4).

Reference behaviour: ``GSVA::gsva(expr, gset.idx.list, method = "gsva" | "ssgsea", ...)`` of
GSVA 1.42.0 (github.com/rcastelo/GSVA, commit c99b10b; ``R/gsva.R``, ``R/utils.R``,
``src/kernel_estimation.c``, ``src/ks_test.c``), numerically identical to 1.46.0 for dense
matrices, as specified in the project's ALGORITHMS.md §1. Reproduced on purpose:

* constant-gene filter (sample sd < 1e-10) for ``method="gsva"`` only; ssGSEA keeps them;
* gene-set members mapped with R's ``match()`` semantics (absent identifiers dropped, a
  duplicated gene symbol maps to its *first* row), sets kept when
  ``max(1, min_size) <= size <= max_size``, in input order;
* Gaussian kernel CDF through GSVA's 10,001-entry lookup table of R's ``pnorm`` (Cody's
  algorithm, transcribed here, not ``scipy.special.ndtr``, which differs by one ulp at 393 of
  the entries), bandwidth ``sd / 4`` with the C code's long-double two-pass sd, and every
  ``F`` summed in sample order: values whose ``F`` are mathematically tied (frequent with
  RNA-seq ties) then order exactly as in R;
* stable decreasing orderings (ties keep row order), rank scores ``|p - k + 1 - p/2|``,
  ``mx.diff`` / ``abs.ranking`` combinations of the walk maxima;
* ssGSEA ranks = integer part of the average rank, weights ``R^tau``, closed-form
  summed walk, and normalisation by the range over the *whole* sets x samples matrix.

Deliberate differences (documented, never silent):

* a gene listed twice in one set is counted once (R would count it twice); a warning names
  the sets concerned and the size filter uses the de-duplicated size;
* ``kcdf="Poisson"`` uses ``scipy.special.pdtr`` for ``ppois`` (R uses its own ``pgamma``):
  agreement to rounding, not bit for bit; negative values are rejected;
* a set containing every gene (``m = p``) scores ``NaN`` (R divides by zero); NaN scores
  are ignored by the ssGSEA normalisation range;
* missing or non-finite expression values are rejected (GSVA 1.42 has no NA handling).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
import pandas as pd

from calcomics.methods.transcriptomics import _gsva_kernels as _k
from calcomics.methods.transcriptomics._gsva_binned import binned_gaussian_kcdf_logit
from calcomics.reference import read_gmt

__all__ = [
    "GsvaInputError",
    "GsvaRun",
    "gsva",
    "gsva_detailed",
    "kernel_cdf_table",
    "r_pnorm",
    "read_gmt",
]

METHODS = ("gsva", "ssgsea")
KCDFS = ("Gaussian", "Poisson", "none", "auto")
GAUSSIAN_KERNELS = ("exact", "binned")
#: GSVA >= 2.0's kcdfNoneMinSampleSize: from this many samples kcdf="auto" means "none".
KCDF_NONE_MIN_SAMPLE_SIZE = 200
_SD_TOLERANCE = 1e-10  # GSVA's .filterFeatures: sd below this counts as constant
_BLOCK = 2048
# Progress granularity: at most this many kernel calls per step, each of >= _MIN_BLOCK rows.
_PROGRESS_BLOCKS = 20
_MIN_BLOCK = 256


class GsvaInputError(ValueError):
    """Invalid GSVA input; the message names the file or argument, the row/column and the rule."""


# --------------------------------------------------------------------------------------
# R's pnorm and GSVA's kernel lookup table


_PN_A = (2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582,
         18154.981253343561249, 0.065682337918207449113)
_PN_B = (47.20258190468824187, 976.09855173777669322, 10260.932208618978205,
         45507.789335026729956)
_PN_C = (0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979,
         597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326,
         11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8)
_PN_D = (22.266688044328115691, 235.38790178262499861, 1519.377599407554805,
         6485.558298266760755, 18615.571640885098091, 34900.952721145977266,
         38912.003286093271411, 19685.429676859990727)
_PN_P = (0.21589853405795699, 0.1274011611602473639, 0.022235277870649807,
         0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303)
_PN_Q = (1.28426009614491121, 0.468238212480865118, 0.0659881378689285515,
         0.00378239633202758244, 7.29751555083966205e-5)
_ONE_OVER_SQRT_2PI = 0.398942280401432677939946059934


def _gauss_tail(z: float, poly: float) -> float:
    """exp(-z^2/2) * poly with z^2 split at a multiple of 1/16 (exact products), as Cody."""
    head = math.trunc(z * 16) / 16
    rest = (z - head) * (z + head)
    return math.exp(-head * head * 0.5) * math.exp(-rest * 0.5) * poly


def r_pnorm(x: float) -> float:
    """Standard normal lower-tail CDF with the operation order of R 4.2's ``pnorm``.

    W. J. Cody's rational Chebyshev approximations (ACM TOMS Algorithm 715, 1993) in the
    three ranges |x| <= 0.674..., <= sqrt(32), beyond; 1 (0) for x >= 8.2924 (x <= -37.5193).
    Used only to build GSVA's lookup table so its entries match R's bit for bit.
    """
    y = abs(x)
    if y <= 0.67448975:
        if y > 2.220446049250313e-16 * 0.5:
            xsq = x * x
            num = _PN_A[4] * xsq
            den = xsq
            for i in range(3):
                num = (num + _PN_A[i]) * xsq
                den = (den + _PN_B[i]) * xsq
        else:
            num = den = 0.0
        return 0.5 + x * (num + _PN_A[3]) / (den + _PN_B[3])
    if y <= math.sqrt(32.0):
        num = _PN_C[8] * y
        den = y
        for i in range(7):
            num = (num + _PN_C[i]) * y
            den = (den + _PN_D[i]) * y
        lower = _gauss_tail(y, (num + _PN_C[7]) / (den + _PN_D[7]))
        return 1.0 - lower if x > 0 else lower
    if -37.5193 < x < 8.2924:
        xsq = 1.0 / (x * x)
        num = _PN_P[5] * xsq
        den = xsq
        for i in range(4):
            num = (num + _PN_P[i]) * xsq
            den = (den + _PN_Q[i]) * xsq
        poly = xsq * (num + _PN_P[4]) / (den + _PN_Q[4])
        poly = (_ONE_OVER_SQRT_2PI - poly) / y
        lower = _gauss_tail(x, poly)
        return 1.0 - lower if x > 0 else lower
    return 1.0 if x > 0 else 0.0


@functools.lru_cache(maxsize=1)
def kernel_cdf_table() -> np.ndarray:
    """GSVA's lookup table T[k] = pnorm(10 k / 10000), k = 0..10000, followed by 1 - T[k].

    The kernel uses T[int(|v| / 10 * 10000)] for v >= 0 and 1 - T[...] for v < 0 (0 below
    -10, 1 above 10: T[10000] is exactly 1, so clipping the index reproduces both).
    """
    res = _k.TABLE_RESOLUTION
    table = np.array([r_pnorm(_k.TABLE_MAX * float(k) / float(res)) for k in range(res + 1)])
    out = np.concatenate([table, 1.0 - table])
    out.setflags(write=False)
    return out


# --------------------------------------------------------------------------------------
# Per-gene kernel statistics


def _bandwidth_block(x: np.ndarray) -> np.ndarray:
    """:func:`_kernel_bandwidths` for one block of genes."""
    ld = np.longdouble
    n = x.shape[1]
    cols = np.ascontiguousarray(x.T)
    total = np.zeros(cols.shape[1], dtype=ld)
    for i in range(n):
        np.add(total, cols[i], out=total)
    tmp = total / n
    total[:] = 0
    for i in range(n):
        np.add(total, cols[i] - tmp, out=total)
    refined = tmp + total / n
    finite = np.isfinite(tmp.astype(np.float64))
    mean = np.where(finite, refined, tmp).astype(np.float64)
    total[:] = 0
    dev = np.empty(cols.shape[1])
    for i in range(n):
        np.subtract(cols[i], mean, out=dev)
        np.multiply(dev, dev, out=dev)
        np.add(total, dev, out=total)
    with np.errstate(invalid="ignore", divide="ignore"):  # n = 1: sd is NaN, as in R
        var = (total / ld(n - 1)).astype(np.float64)
    return np.sqrt(var) / 4.0


def _kernel_bandwidths(x: np.ndarray) -> np.ndarray:
    """``sd(x_g) / 4`` exactly as GSVA's C ``sd()``: long-double sums in sample order, the
    mean refined by a second pass and rounded to double, squared deviations in double.

    Loops over samples (vectorised over blocks of genes, blocks on threads), so the
    summation order is the C code's. Uses numpy's ``longdouble`` (80-bit x87 on x86-64
    Linux, like the ``long double`` of the R build that produced the reference outputs).
    """
    p = x.shape[0]
    blocks = [x[start:start + _BLOCK] for start in range(0, p, _BLOCK)]
    if len(blocks) == 1:
        return _bandwidth_block(blocks[0])
    with ThreadPoolExecutor(max_workers=max(1, numba.get_num_threads())) as pool:
        return np.concatenate(list(pool.map(_bandwidth_block, blocks)))


def _poisson_kcdf_logit(x: np.ndarray) -> np.ndarray:
    """``kcdf="Poisson"``: F_gj = mean_i ppois(x_gj; x_gi + 0.5), summed in sample order;
    returns ``-log((1-F)/F)`` transposed (samples x genes)."""
    from scipy.special import pdtr

    p, n = x.shape
    out = np.empty((n, p))
    block = max(1, 2_000_000 // max(n, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, p, block):
            xb = x[start:start + block]
            counts = np.floor(xb + 1e-7)  # R's ppois: x <- floor(x + 1e-7)
            acc = np.zeros_like(xb)
            for i in range(n):
                acc += pdtr(counts, xb[:, i:i + 1] + 0.5)
            f = acc / n
            out[:, start:start + block] = (-1.0 * np.log((1.0 - f) / f)).T
    return out


# --------------------------------------------------------------------------------------
# Input checks and gene-set mapping


def _resolve_auto_kcdf(values: np.ndarray, none_min_sample_size: int) -> str:
    """GSVA >= 2.0 ``kcdf="auto"``: ``"none"`` from ``none_min_sample_size`` samples on,
    else ``"Poisson"`` for integer-valued matrices and ``"Gaussian"`` otherwise."""
    if isinstance(none_min_sample_size, bool) or none_min_sample_size < 1:
        raise GsvaInputError(f"argument kcdf_none_min_sample_size={none_min_sample_size!r} "
                             "must be a positive integer")
    if values.shape[1] >= none_min_sample_size:
        return "none"
    return "Poisson" if bool(np.all(values == np.round(values))) else "Gaussian"


def _no_progress(done: int, total: int) -> None:
    """Default progress callback: nothing."""


def _blocks(size: int) -> list[tuple[int, int]]:
    """``[start, stop)`` ranges cutting ``range(size)`` into at most ``_PROGRESS_BLOCKS``
    parts of at least ``_MIN_BLOCK`` (one range for small inputs)."""
    step = max(_MIN_BLOCK, -(-size // _PROGRESS_BLOCKS))
    return [(start, min(start + step, size)) for start in range(0, size, step)] or [(0, 0)]


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise GsvaInputError(
            f"argument {name}={value!r} is not supported; use one of {', '.join(allowed)}"
        )


def _expression_array(expr: pd.DataFrame) -> np.ndarray:
    """The expression values as float64 (genes x samples), or a GsvaInputError naming the
    first offending cell (non-numeric, missing or infinite)."""
    if not isinstance(expr, pd.DataFrame):
        raise GsvaInputError(
            f"argument expr must be a pandas DataFrame (genes x samples), got "
            f"{type(expr).__name__}"
        )
    if expr.shape[1] == 0:
        raise GsvaInputError("argument expr has no sample columns")
    if expr.columns.has_duplicates:
        dup = expr.columns[expr.columns.duplicated()][0]
        raise GsvaInputError(f"argument expr: sample column {dup!r} appears more than once")
    numeric = True
    for col_pos, dtype in enumerate(expr.dtypes):
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            continue
        numeric = False
        column = expr.iloc[:, col_pos]
        if pd.api.types.is_bool_dtype(dtype):
            bad = np.array([0])
        else:
            converted = pd.to_numeric(column, errors="coerce")
            bad = np.flatnonzero((converted.isna() & column.notna()).to_numpy())
        if bad.size:
            row = int(bad[0])
            raise GsvaInputError(
                f"argument expr: column {expr.columns[col_pos]!r} is not numeric "
                f"(gene {expr.index[row]!r} holds {column.iloc[row]!r}); expression values "
                "must be numbers"
            )
    if numeric:
        values = expr.to_numpy(dtype=np.float64)
    else:
        values = expr.apply(pd.to_numeric).to_numpy(dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        row, col = np.argwhere(~finite)[0]
        raise GsvaInputError(
            f"argument expr: gene {expr.index[row]!r}, sample {expr.columns[col]!r} holds "
            f"{float(values[row, col])!r}; missing or infinite values are not allowed"
        )
    return values


@dataclass(frozen=True)
class _MappedSets:
    names: list[str]
    members: np.ndarray  # int64, concatenated row indices into the filtered matrix
    offsets: np.ndarray  # int64, len(names) + 1
    sizes: list[int]
    dropped: list[str]


def _map_gene_sets(gene_sets: Mapping[str, Sequence[str]], genes: pd.Index,
                   min_size: int, max_size: float) -> _MappedSets:
    """R's ``.mapGeneSetsToFeatures`` + ``filterGeneSets``: first-match mapping, absent IDs
    dropped, size filter ``max(1, min_size) <= m <= max_size``, input order kept."""
    if not isinstance(gene_sets, Mapping):
        raise GsvaInputError(
            "argument gene_sets must be a mapping of set name -> gene symbols, got "
            f"{type(gene_sets).__name__}"
        )
    first_row: dict[object, int] = {}
    for row, gene in enumerate(genes):
        first_row.setdefault(gene, row)
    names: list[str] = []
    sizes: list[int] = []
    dropped: list[str] = []
    chunks: list[np.ndarray] = []
    repeated: list[str] = []
    low = max(1, min_size)
    for name, members in gene_sets.items():
        if isinstance(members, str):
            raise GsvaInputError(
                f"argument gene_sets[{name!r}] is a single string; give a list of gene symbols"
            )
        rows = [first_row[g] for g in members if g in first_row]
        unique_rows = list(dict.fromkeys(rows))
        if len(unique_rows) < len(rows):
            repeated.append(str(name))
        size = len(unique_rows)
        if low <= size <= max_size:
            names.append(name)
            sizes.append(size)
            chunks.append(np.asarray(unique_rows, dtype=np.int64))
        else:
            dropped.append(name)
    if repeated:
        warnings.warn(
            f"{len(repeated)} gene set(s) list a gene more than once (e.g. {repeated[0]!r}); "
            "each gene is counted once (R's GSVA would count it repeatedly)",
            stacklevel=3,
        )
    offsets = np.zeros(len(names) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(sizes) if sizes else []
    members = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)
    return _MappedSets(names, members, offsets, sizes, dropped)


# --------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class GsvaRun:
    """A score matrix with the bookkeeping of how it was obtained."""

    scores: pd.DataFrame
    n_genes: int
    n_samples: int
    n_genes_used: int
    sets_scored: int
    sets_dropped: int
    #: the kernel actually used ("Gaussian", "Poisson", "none"; "auto" resolved), or
    #: "" for ssGSEA, which has no kernel step
    kcdf_used: str = ""
    #: "exact" (GSVA 1.42 bit for bit) or "binned" (the large-n approximation)
    gaussian_kernel_used: str = ""
    #: genes the binned kernel computed exactly because their grid would be too large
    genes_exact_in_binned: int = 0

    def summary(self) -> str:
        kernel = ""
        if self.kcdf_used:
            kernel = f"; kcdf {self.kcdf_used}"
            if self.kcdf_used == "Gaussian":
                kernel += f" ({self.gaussian_kernel_used} kernel)"
        return (
            f"{self.n_genes} genes ({self.n_genes_used} used) x {self.n_samples} samples; "
            f"{self.sets_scored} gene sets scored, {self.sets_dropped} dropped by size"
            f"{kernel}"
        )


def gsva_detailed(
    expr: pd.DataFrame,
    gene_sets: Mapping[str, Sequence[str]],
    method: str = "gsva",
    kcdf: str = "Gaussian",
    min_size: int = 1,
    max_size: float = math.inf,
    mx_diff: bool = True,
    abs_ranking: bool = False,
    tau: float | None = None,
    ssgsea_norm: bool = True,
    progress: Callable[[int, int], None] | None = None,
    gaussian_kernel: str = "exact",
    kcdf_none_min_sample_size: int = KCDF_NONE_MIN_SAMPLE_SIZE,
) -> GsvaRun:
    """:func:`gsva` plus counts of genes used and sets dropped by the size filter, and the
    kernel actually used.

    Large cohorts (beyond GSVA 1.42):

    * ``kcdf="auto"``: GSVA >= 2.0's default -- the plain ECDF (``"none"``) once the number
      of samples reaches ``kcdf_none_min_sample_size`` (default 200), else ``"Poisson"`` for
      an all-integer matrix and ``"Gaussian"`` otherwise;
    * ``gaussian_kernel="binned"``: the Gaussian kernel CDF by binning + FFT
      (:mod:`._gsva_binned`), O(genes x n log n) instead of O(genes x n x distinct values);
      an approximation (max |logit F| deviation ~6e-4 at n = 2,000, see
      docs/TRANSCRIPTOMICS.md). ``"exact"`` (default) is R's kernel bit for bit.

    ``progress(done, total)`` is called as blocks of genes (kernel CDF) and of samples
    (random walk) finish; the blocks do not change a single bit of the result.
    """
    _check_choice("method", method, METHODS)
    _check_choice("kcdf", kcdf, KCDFS)
    _check_choice("gaussian_kernel", gaussian_kernel, GAUSSIAN_KERNELS)
    if isinstance(min_size, bool) or not isinstance(min_size, (int, np.integer)):
        raise GsvaInputError(f"argument min_size={min_size!r} must be an integer")
    if not isinstance(max_size, (int, float, np.integer, np.floating)) or math.isnan(max_size):
        raise GsvaInputError(f"argument max_size={max_size!r} must be a number (inf allowed)")
    if max_size < max(1, min_size):
        raise GsvaInputError(
            f"arguments min_size={min_size} and max_size={max_size}: no set size can satisfy "
            "max(1, min_size) <= size <= max_size"
        )
    if tau is None:
        tau = 1.0 if method == "gsva" else 0.25
    if not isinstance(tau, (int, float, np.integer, np.floating)) or not math.isfinite(tau):
        raise GsvaInputError(f"argument tau={tau!r} must be a finite number")
    tau = float(tau)

    values = _expression_array(expr)
    n_genes, n_samples = values.shape
    if kcdf == "auto":
        kcdf = _resolve_auto_kcdf(values, int(kcdf_none_min_sample_size))
    genes = expr.index
    if genes.has_duplicates:
        dup = genes[genes.duplicated()]
        warnings.warn(
            f"argument expr: {dup.size} duplicated gene symbol(s) (e.g. {dup[0]!r}); gene "
            "sets use the first row of each symbol, as R's match() does",
            stacklevel=3,
        )
    bandwidth = None
    if method == "gsva":
        # GSVA's .filterFeatures: drop genes whose sample sd is < 1e-10 (or NA). The
        # Gaussian kernel needs the C code's sd anyway (bandwidth = sd / 4): reuse it.
        with np.errstate(invalid="ignore", divide="ignore"):
            if kcdf == "Gaussian":
                bandwidth = _kernel_bandwidths(values)
                sd = bandwidth * 4.0
            elif n_samples > 1:
                sd = values.std(axis=1, ddof=1)
            else:
                sd = np.full(n_genes, np.nan)
        keep = sd >= _SD_TOLERANCE
        if not keep.all():
            genes = genes[keep]
            if bandwidth is not None:
                bandwidth = bandwidth[keep]
    else:
        keep = np.ones(n_genes, dtype=bool)
    rows = np.flatnonzero(keep)
    if rows.size < 2:
        raise GsvaInputError(
            f"argument expr: fewer than 2 genes left ({rows.size} of {n_genes}) after "
            + ("dropping genes with constant expression (sample sd < 1e-10, or undefined "
               "with a single sample)" if method == "gsva"
               else "reading the input")
        )
    if kcdf == "Poisson" and method == "gsva" and (values < 0).any():
        row, col = np.argwhere(values < 0)[0]
        raise GsvaInputError(
            f"argument expr: gene {expr.index[row]!r}, sample {expr.columns[col]!r} is negative "
            f"({float(values[row, col])!r}); kcdf='Poisson' needs non-negative counts"
        )

    sets = _map_gene_sets(gene_sets, genes, int(min_size), float(max_size))
    if not sets.names:
        raise GsvaInputError(
            f"argument gene_sets: none of the {len(sets.dropped)} gene set(s) has between "
            f"max(1, min_size)={max(1, min_size)} and max_size={max_size} genes present in "
            f"expr ({rows.size} usable genes)"
        )

    p = rows.size
    full = np.array([m >= p for m in sets.sizes])
    report = progress or _no_progress
    if method == "gsva":
        x = np.ascontiguousarray(values)  # a view (no copy) for C-ordered frames
        gene_blocks = _blocks(p) if kcdf != "Poisson" else [(0, p)]
        sample_blocks = _blocks(n_samples)
        total = len(gene_blocks) + len(sample_blocks)
        report(0, total)
        # Genes are independent in the kernel step and samples in the walk, so block-wise
        # calls give the same bits as one call (and a progress report between blocks).
        zt = np.empty((n_samples, p))
        genes_exact = 0
        for done, (start, stop) in enumerate(gene_blocks, start=1):
            if kcdf == "Gaussian" and gaussian_kernel == "binned":
                zt[:, start:stop], n_exact = binned_gaussian_kcdf_logit(
                    x, rows[start:stop], bandwidth[start:stop], kernel_cdf_table())
                genes_exact += n_exact
            elif kcdf == "Gaussian":
                zt[:, start:stop] = _k.gaussian_kcdf_logit(
                    x, rows[start:stop], bandwidth[start:stop], kernel_cdf_table())
            elif kcdf == "Poisson":
                zt[:, start:stop] = _poisson_kcdf_logit(x[rows])
            else:
                zt[:, start:stop] = _k.ecdf_logit(x, rows[start:stop])
            report(done, total)
        del x, values
        es = np.empty((len(sets.names), n_samples))
        for done, (start, stop) in enumerate(sample_blocks, start=len(gene_blocks) + 1):
            es[:, start:stop] = _k.gsva_walk_scores(
                zt[start:stop], sets.members, sets.offsets, tau, bool(mx_diff),
                bool(abs_ranking))
            report(done, total)
    else:
        xt = np.ascontiguousarray(values.T)
        sample_blocks = _blocks(n_samples)
        report(0, len(sample_blocks))
        es = np.empty((len(sets.names), n_samples))
        for done, (start, stop) in enumerate(sample_blocks, start=1):
            with np.errstate(divide="ignore", invalid="ignore"):
                es[:, start:stop] = _k.ssgsea_scores(xt[start:stop], sets.members,
                                                     sets.offsets, tau)
            report(done, len(sample_blocks))
        del xt
        es[full] = np.nan
        if ssgsea_norm and np.isfinite(es).any():
            with np.errstate(divide="ignore", invalid="ignore"):  # a zero range gives inf/NaN
                es = es / (np.nanmax(es) - np.nanmin(es))
    es[full] = np.nan
    scores = pd.DataFrame(es, index=pd.Index(sets.names, name="gene_set"),
                          columns=expr.columns.copy())
    if method != "gsva":
        return GsvaRun(scores, n_genes, n_samples, p, len(sets.names), len(sets.dropped))
    return GsvaRun(scores, n_genes, n_samples, p, len(sets.names), len(sets.dropped),
                   kcdf_used=kcdf,
                   gaussian_kernel_used=gaussian_kernel if kcdf == "Gaussian" else "",
                   genes_exact_in_binned=genes_exact if kcdf == "Gaussian" else 0)


def gsva(
    expr: pd.DataFrame,
    gene_sets: Mapping[str, Sequence[str]],
    method: str = "gsva",
    kcdf: str = "Gaussian",
    min_size: int = 1,
    max_size: float = math.inf,
    mx_diff: bool = True,
    abs_ranking: bool = False,
    tau: float | None = None,
    ssgsea_norm: bool = True,
    gaussian_kernel: str = "exact",
    kcdf_none_min_sample_size: int = KCDF_NONE_MIN_SAMPLE_SIZE,
) -> pd.DataFrame:
    """Gene-set variation scores as R's ``GSVA::gsva()`` (1.42-1.46 API and defaults).

    ``expr``: genes x samples (index = gene symbols, columns = sample ids, finite numbers).
    ``gene_sets``: set name -> member symbols (absent symbols are ignored).
    ``method``: ``"gsva"`` (kernel CDF + KS-like walk; ``kcdf`` ``"Gaussian"`` for
    continuous log-scale data, ``"Poisson"`` for counts, ``"none"`` for the plain ECDF) or
    ``"ssgsea"`` (Barbie et al. 2009; ``kcdf``/``mx_diff``/``abs_ranking`` ignored).
    ``tau``: walk weight exponent, default 1 (gsva) / 0.25 (ssgsea).
    ``ssgsea_norm``: divide ssGSEA scores by their range over the whole result matrix, so
    scores depend on which sets and samples are scored together.
    ``gaussian_kernel`` / ``kcdf="auto"`` / ``kcdf_none_min_sample_size``: large-cohort
    options beyond GSVA 1.42, see :func:`gsva_detailed`.

    Returns a sets x samples DataFrame (index name ``gene_set``), sets in input order after
    the size filter ``max(1, min_size) <= size <= max_size``. See the module docstring for
    the reference behaviour and the deliberate differences.
    """
    return gsva_detailed(expr, gene_sets, method=method, kcdf=kcdf, min_size=min_size,
                         max_size=max_size, mx_diff=mx_diff, abs_ranking=abs_ranking,
                         tau=tau, ssgsea_norm=ssgsea_norm, gaussian_kernel=gaussian_kernel,
                         kcdf_none_min_sample_size=kcdf_none_min_sample_size).scores
