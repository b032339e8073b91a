"""GSVA at large n: cost and deviation of the large-cohort modes against the exact kernel.

For each cohort size, the demo generator's RNA-seq matrix (log2(FPKM + 1), all genes) is
scored with the Hallmark collection by

* ``exact``  -- the R GSVA 1.42 Gaussian kernel, bit for bit (the warehouse default);
* ``binned`` -- the FFT/binned approximation of the same kernel (``gaussian_kernel="binned"``);
* ``auto``   -- GSVA >= 2.0's ``kcdf="auto"`` (plain ECDF from 200 samples on),

in one run, side by side. Columns: CPU seconds of the kernel + walk (process time, both
cores), the ratio to ``exact``, and the deviation of each mode's scores from the exact scores
(max and 99th percentile of |score difference|; scores range about -1..1) and Spearman's rho
between them (median over gene sets). ``--sizes`` beyond ~3,000 makes the exact column slow
(its cost grows as samples x distinct values per gene).

Usage: python benchmarks/bench_gsva_large_n.py [--sizes 500 2000] [--markdown]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
import scipy.stats

from calcomics.methods.transcriptomics.gsva import gsva_detailed
from calcomics.reference import hallmark_gene_sets
from calcomics.synth.cohort import generate_cohort


def log_expression(n_patients: int) -> pd.DataFrame:
    """The demo cohort's expression matrix on the warehouse's scale (genes x samples)."""
    fpkm = generate_cohort(n_patients, 0).expression.astype(float).round(3)  # as written
    return np.log2(fpkm + 1.0)


def score(expr: pd.DataFrame, sets: dict, **options) -> tuple[pd.DataFrame, float, str]:
    started = time.process_time()
    run = gsva_detailed(expr, sets, min_size=5, max_size=500, **options)
    return run.scores, time.process_time() - started, run.summary()


def deviation(approx: pd.DataFrame, exact: pd.DataFrame) -> tuple[float, float, float]:
    difference = np.abs(approx.to_numpy() - exact.to_numpy())
    rho = [scipy.stats.spearmanr(a, e).statistic
           for a, e in zip(approx.to_numpy(), exact.to_numpy(), strict=True)]
    return float(np.nanmax(difference)), float(np.nanquantile(difference, 0.99)), \
        float(np.nanmedian(rho))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    sets = hallmark_gene_sets()
    header = ["demo patients", "genes", "mode", "CPU s", "x exact", "max |d score|",
              "p99 |d score|", "median rho"]
    rows = []
    for n in args.sizes:
        expr = log_expression(n)
        exact, exact_cpu, _ = score(expr, sets, kcdf="Gaussian")
        rows.append([str(n), str(expr.shape[0]), "exact (R 1.42)", f"{exact_cpu:.1f}", "1.00",
                     "0", "0", "1"])
        for mode, options in (("binned", {"kcdf": "Gaussian", "gaussian_kernel": "binned"}),
                              ("auto (ECDF)", {"kcdf": "auto"})):
            scores, cpu, summary = score(expr, sets, **options)
            worst, p99, rho = deviation(scores, exact)
            rows.append([str(n), str(expr.shape[0]), mode, f"{cpu:.1f}",
                         f"{cpu / exact_cpu:.3f}", f"{worst:.2e}", f"{p99:.2e}", f"{rho:.5f}"])
            print(f"n={n} {mode}: {summary}", file=sys.stderr, flush=True)
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
