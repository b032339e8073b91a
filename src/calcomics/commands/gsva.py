"""``calcomics gsva``: GSVA / ssGSEA scores of a user's expression file and GMT file (file
reading and writing; the scoring is :func:`calcomics.methods.transcriptomics.gsva`)."""

from __future__ import annotations

import csv
import math
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calcomics.methods.transcriptomics.gsva import GsvaInputError, GsvaRun, gsva_detailed
from calcomics.methods.transcriptomics.scale import detect_expression_scale
from calcomics.progress import ProgressBar
from calcomics.reference import GeneSetFileError, read_gmt

__all__ = ["gsva_command", "read_expression_matrix", "run_gsva_files"]


def read_expression_matrix(path: str | Path) -> pd.DataFrame:
    """Read a tab-separated genes x samples matrix: header ``gene<TAB>sample...``, then one
    row per gene (symbol, then numbers). Returns float64 values, index = gene symbols.

    Numbers are parsed correctly rounded (``float_precision="round_trip"``, as R's
    ``strtod``; pandas' default parser is off by one ulp for ~20 % of 17-digit values, which
    can reorder tied kernel statistics). Errors name the file, the 1-based line and column:
    wrong field count, empty or non-numeric cell, missing or repeated sample id. Duplicate
    gene symbols are kept (``gsva`` warns about them).
    """
    path = Path(path)
    if not path.is_file():
        raise GsvaInputError(f"expression file {path}: no such file")
    with path.open(encoding="utf-8", newline="") as handle:
        header = handle.readline().rstrip("\r\n").split("\t")
        n_fields = len(header)
        if n_fields < 2:
            raise GsvaInputError(
                f"expression file {path}, line 1: expected a tab-separated header "
                "'gene<TAB>sample1<TAB>...' with at least one sample"
            )
        seen: dict[str, int] = {}
        for col, sample in enumerate(header[1:], start=2):
            if not sample:
                raise GsvaInputError(f"expression file {path}, line 1, column {col}: empty "
                                     "sample id")
            if sample in seen:
                raise GsvaInputError(
                    f"expression file {path}, line 1, column {col}: sample id {sample!r} "
                    f"repeats column {seen[sample]}"
                )
            seen[sample] = col
        n_rows = 0
        for lineno, line in enumerate(handle, start=2):
            got = line.count("\t") + 1
            if got != n_fields:
                if not line.strip("\r\n"):
                    raise GsvaInputError(f"expression file {path}, line {lineno}: empty line")
                raise GsvaInputError(
                    f"expression file {path}, line {lineno}: {got} fields, the header has "
                    f"{n_fields}"
                )
            n_rows += 1
    if n_rows == 0:
        raise GsvaInputError(f"expression file {path}: no gene rows after the header")
    names = ["\0gene", *header[1:]]
    frame = pd.read_csv(path, sep="\t", header=None, skiprows=1, names=names,
                        dtype={"\0gene": str}, na_filter=False, quoting=csv.QUOTE_NONE,
                        engine="c", float_precision="round_trip")
    genes = pd.Index(frame.pop("\0gene"), name=header[0] or "gene")
    for col_pos, column in enumerate(frame.columns):
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series.dtype):
            values = series.to_numpy(dtype=np.float64)
            bad = np.flatnonzero(~np.isfinite(values))
            if bad.size:
                row = int(bad[0])
                raise GsvaInputError(
                    f"expression file {path}, line {row + 2}, column {col_pos + 2} "
                    f"({column}): value {float(values[row])!r} is not a finite number"
                )
            continue
        converted = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(converted))
        row = int(bad[0])
        cell = series.iloc[row]
        what = "empty cell" if str(cell).strip() == "" else f"{cell!r} is not a finite number"
        raise GsvaInputError(
            f"expression file {path}, line {row + 2}, column {col_pos + 2} ({column}): {what}"
        )
    frame = frame.astype(np.float64, copy=False)
    frame.index = genes
    frame.columns = pd.Index(header[1:])
    return frame


def _warn_if_unlogged(expr: pd.DataFrame, name: str) -> None:
    """Warn when the Gaussian kernel meets un-logged values (GSVA's documented input for
    kcdf = "Gaussian" is continuous log-scale expression: log-CPM, log2(FPKM + 1), arrays)."""
    evidence = detect_expression_scale(expr.to_numpy(dtype=float))
    if evidence.scale in ("counts", "tpm", "fpkm"):
        advice = ("use --kcdf Poisson for integer read counts, or log-transform"
                  if evidence.scale == "counts" else "log-transform it (log2(x + 1))")
        warnings.warn(
            f"{name} looks un-logged ({evidence.scale}; values up to {evidence.max_value:.4g}): "
            "the Gaussian kernel expects log-scale expression, as the warehouse scores "
            f"log2(x + 1); {advice}",
            stacklevel=3,
        )


def run_gsva_files(
    expr_path: str | Path,
    gmt_path: str | Path,
    out_path: str | Path,
    method: str = "gsva",
    kcdf: str = "Gaussian",
    min_size: int = 1,
    max_size: float = math.inf,
    mx_diff: bool = True,
    tau: float | None = None,
    ssgsea_norm: bool = True,
    progress: Callable[[int, int], None] | None = None,
    gaussian_kernel: str = "exact",
    kcdf_none_min_sample_size: int = 200,
) -> GsvaRun:
    """``calcomics gsva``: read EXPR.tsv and SETS.gmt, score, write OUT.tsv (first column
    ``gene_set``, then samples; full double precision). Raises :class:`GsvaInputError`.
    ``progress(done, total)`` follows the scoring (see ``gsva_detailed``)."""
    expr = read_expression_matrix(expr_path)
    if method == "gsva" and kcdf in ("Gaussian", "auto"):
        _warn_if_unlogged(expr, Path(expr_path).name)
    try:
        sets = read_gmt(gmt_path)
    except GeneSetFileError as error:
        raise GsvaInputError(str(error)) from error
    run = gsva_detailed(expr, sets, method=method, kcdf=kcdf, min_size=min_size,
                        max_size=max_size, mx_diff=mx_diff, tau=tau, ssgsea_norm=ssgsea_norm,
                        progress=progress, gaussian_kernel=gaussian_kernel,
                        kcdf_none_min_sample_size=kcdf_none_min_sample_size)
    if run.kcdf_used and run.kcdf_used != kcdf:
        warnings.warn(f"kcdf auto resolved to {run.kcdf_used!r} ({run.n_samples} samples; "
                      f"GSVA >= 2.0 rule: 'none' from {kcdf_none_min_sample_size} samples on)",
                      stacklevel=2)
    if run.gaussian_kernel_used == "binned":
        warnings.warn("binned Gaussian kernel: an approximation of GSVA's kernel CDF (see "
                      "docs/TRANSCRIPTOMICS.md), not R-exact scores", stacklevel=2)
    out_path = Path(out_path)
    try:
        run.scores.to_csv(out_path, sep="\t", float_format="%.17g")
    except OSError as error:
        raise GsvaInputError(f"output file {out_path}: cannot write ({error})") from error
    return run


def _print_warning(message: Warning | str, *_args: object, **_kwargs: object) -> None:
    """Show a warning at once, in user words (not after a long computation)."""
    print(f"calcomics gsva: warning: {message}", file=sys.stderr, flush=True)


def gsva_command(
    expr_path: str | Path, gmt_path: str | Path, out_path: str | Path, *,
    quiet: bool = False, **options: Any
) -> int:
    """``calcomics gsva`` body: run :func:`run_gsva_files` (``options`` are its keyword
    arguments) with a progress bar on stderr, print a one-line summary, return the exit code
    (0 ok, 2 bad input with the message on stderr). Warnings (e.g. un-logged input) go to
    stderr as soon as they arise; ``quiet`` keeps only warnings and errors."""
    bar = ProgressBar("calcomics gsva: scoring", "blocks", enabled=not quiet)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = _print_warning
        try:
            run = run_gsva_files(expr_path, gmt_path, out_path, progress=bar, **options)
        except GsvaInputError as error:
            bar.close()
            print(f"calcomics gsva: error: {error}", file=sys.stderr)
            return 2
    if not quiet:
        method = options.get("method", "gsva")
        label = (method if method == "ssgsea"
                 else f"{method}, kcdf {options.get('kcdf', 'Gaussian')}")
        print(f"calcomics gsva ({label}): {run.summary()} -> {out_path} "
              f"({time.perf_counter() - bar.started:.1f} s)")
    return 0
