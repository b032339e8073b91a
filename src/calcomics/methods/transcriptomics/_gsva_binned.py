"""Binned approximation of GSVA's Gaussian kernel CDF for large cohorts (private module).

The exact kernel (``_gsva_kernels.gaussian_kcdf_logit``) costs genes x samples x distinct
values: ~30 minutes for 20,000 genes x 10,000 samples on 2 cores. Here each gene's values
are linearly binned onto a grid of spacing ``h / bins_per_bandwidth`` (``h`` = the gene's
bandwidth ``sd / 4``), the grid counts are convolved (FFT) with the same lookup-table kernel
the reference uses, ``K(m) = T[int(1000 |m| / B)]`` for ``v = m / B`` in [-10, 10] (0 below,
1 above), and ``F`` at each sample is read by linear interpolation between grid points. Cost
per gene: O(n + G log G) with ``G`` ~ range / h * B grid points (a few thousand), instead of
O(n x distinct values).

This is an approximation, not GSVA: ``F`` differs from the reference by the binning and
interpolation error (second order in the grid spacing); the deviation on a 2,000-sample
matrix is measured by ``benchmarks/bench_gsva_large_n.py`` and stated in
docs/TRANSCRIPTOMICS.md. Genes whose range would need more than ``max_grid`` points
(extreme outliers) are computed with the exact kernel instead, and counted.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.fft

from calcomics.methods.transcriptomics import _gsva_kernels as _k

DEFAULT_BINS_PER_BANDWIDTH = 32
DEFAULT_MAX_GRID = 1 << 15
_GENES_PER_FFT_BLOCK = 256


@functools.lru_cache(maxsize=8)
def _kernel_values(bins_per_bandwidth: int, table_bytes: bytes) -> np.ndarray:
    """``K(m)`` for ``m = -M..M`` (``M = 10 B``): the reference table at ``v = m / B``."""
    table = np.frombuffer(table_bytes, dtype=np.float64)
    half = _k.TABLE_MAX * bins_per_bandwidth
    m = np.arange(-int(half), int(half) + 1)
    index = np.minimum((np.abs(m) * (1000.0 / bins_per_bandwidth)).astype(np.int64),
                       _k.TABLE_RESOLUTION)
    index[m < 0] += _k.TABLE_RESOLUTION + 1
    return table[index]


@functools.lru_cache(maxsize=32)
def _kernel_spectrum(bins_per_bandwidth: int, table_bytes: bytes, size: int) -> np.ndarray:
    return scipy.fft.rfft(_kernel_values(bins_per_bandwidth, table_bytes), n=size)


def _grid_sizes(values: np.ndarray, bw: np.ndarray, bins: int) -> tuple[np.ndarray, ...]:
    lo = values.min(axis=1)
    step = bw / bins
    size = np.floor((values.max(axis=1) - lo) / step).astype(np.int64) + 2
    return lo, step, size


def _binned_block(values: np.ndarray, lo: np.ndarray, step: np.ndarray, size: np.ndarray,
                  bins: int, table: np.ndarray) -> np.ndarray:
    """``F`` (genes x samples) of one block of genes whose grids fit in memory."""
    n_genes, n = values.shape
    half = int(_k.TABLE_MAX * bins)
    grid = int(size.max())
    fft_size = scipy.fft.next_fast_len(grid + 2 * half, real=True)
    position = (values - lo[:, None]) / step[:, None]
    cell = np.minimum(np.floor(position).astype(np.int64), size[:, None] - 2)
    weight = position - cell
    counts = np.zeros((n_genes, grid))
    rows = np.repeat(np.arange(n_genes), n)
    np.add.at(counts, (rows, cell.ravel()), (1.0 - weight).ravel())
    np.add.at(counts, (rows, cell.ravel() + 1), weight.ravel())
    spectrum = _kernel_spectrum(bins, table.tobytes(), fft_size)
    smooth = scipy.fft.irfft(scipy.fft.rfft(counts, n=fft_size, axis=1) * spectrum,
                             n=fft_size, axis=1)[:, half:half + grid]
    # sources more than 10 bandwidths below a grid point contribute T = 1 each
    below = np.zeros((n_genes, grid))
    if grid > half + 1:
        below[:, half + 1:] = np.cumsum(counts, axis=1)[:, : grid - half - 1]
    summed = smooth + below
    left = np.take_along_axis(summed, cell, axis=1)
    right = np.take_along_axis(summed, cell + 1, axis=1)
    return ((1.0 - weight) * left + weight * right) / n


def binned_gaussian_kcdf_logit(
    x: np.ndarray, rows: np.ndarray, bw: np.ndarray, table: np.ndarray,
    bins_per_bandwidth: int = DEFAULT_BINS_PER_BANDWIDTH, max_grid: int = DEFAULT_MAX_GRID,
) -> tuple[np.ndarray, int]:
    """Approximate ``gaussian_kcdf_logit``: same arguments and layout (samples x genes of
    ``-log((1 - F) / F)``), plus the number of genes computed exactly (grid too large)."""
    n = x.shape[1]
    out = np.empty((n, rows.size))
    values_all = x[rows]
    lo, step, size = _grid_sizes(values_all, bw, bins_per_bandwidth)
    exact = np.flatnonzero(size > max_grid)
    if exact.size:
        out[:, exact] = _k.gaussian_kcdf_logit(x, rows[exact], bw[exact], table)
    binned = np.flatnonzero(size <= max_grid)
    # similar grid sizes share an FFT length
    binned = binned[np.argsort(size[binned], kind="stable")]
    for start in range(0, binned.size, _GENES_PER_FFT_BLOCK):
        genes = binned[start:start + _GENES_PER_FFT_BLOCK]
        f = _binned_block(values_all[genes], lo[genes], step[genes], size[genes],
                          bins_per_bandwidth, table)
        # F stays inside (0, 1): the self term alone gives 0.5 / n at either end
        f = np.clip(f, 0.5 / n, 1.0 - 0.5 / n)
        out[:, genes] = (-np.log((1.0 - f) / f)).T
    return out, int(exact.size)
