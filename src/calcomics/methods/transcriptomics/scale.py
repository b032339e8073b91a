"""Which scale an expression matrix is on: raw read counts, TPM or FPKM (or none of them).

The warehouse turns the expression file into log2 values according to the declared scale
(var ``expression_scale``: ``fpkm`` and ``tpm`` -> log2(x + 1), ``counts`` -> log2(CPM + 1)).
A wrong declaration does not fail anywhere downstream; it silently changes every score that
compares samples (PAM50 centring, GSEA's signal-to-noise). :func:`detect_expression_scale`
reads the evidence in the values and :func:`scale_mismatch` says when it contradicts the
declaration.

Rules, applied to the finite values (missing cells are ignored):

1. any value < 0 -> ``"negative"`` (centred or log-ratio data; not a linear expression scale);
2. at least :data:`MIN_GENES_FOR_LOG_CHECK` genes and the largest value <= :data:`LOG_MAX`
   -> ``"log"`` (already log-transformed: a linear whole-transcriptome matrix always has
   genes far above 2^15);
3. every sample's column sum within :data:`TPM_SUM_TOLERANCE` of 1e6 -> ``"tpm"``;
4. every value an integer and the median column sum >= :data:`COUNTS_MIN_MEDIAN_SUM`, or the
   median column sum >= :data:`ESTIMATED_COUNTS_MIN_MEDIAN_SUM` (estimated counts such as
   RSEM's ``expected_count`` are not integers) -> ``"counts"``;
5. otherwise ``"fpkm"`` (FPKM-like: linear, non-negative, not summing to 1e6 per sample;
   RPKM and FPKM of a gene subset land here too);
6. no finite value at all -> ``"undetermined"``.

FPKM and TPM are both log2(x + 1)-transformed, so telling them apart only labels the data;
counts are the case that changes numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "COUNTS_MIN_MEDIAN_SUM",
    "DECLARABLE_SCALES",
    "DEFAULT_EXPRESSION_SCALE",
    "ESTIMATED_COUNTS_MIN_MEDIAN_SUM",
    "LOG_MAX",
    "MIN_GENES_FOR_LOG_CHECK",
    "TPM_SUM_TOLERANCE",
    "ScaleEvidence",
    "detect_expression_scale",
    "scale_mismatch",
]

#: Values of var ``expression_scale``.
DECLARABLE_SCALES: tuple[str, ...] = ("fpkm", "tpm", "counts")
#: Its default in dbt_project.yml (the paper's FPKM); a test keeps the two equal.
DEFAULT_EXPRESSION_SCALE = "fpkm"
#: Largest value a log2-transformed expression matrix reaches (log2 of ~4e9).
LOG_MAX = 32.0
#: The log rule needs a large matrix; small panels can have small linear values.
MIN_GENES_FOR_LOG_CHECK = 500
#: TPM columns sum to 1e6 up to the rounding of the written values.
TPM_SUM_TOLERANCE = 0.01
#: Integer matrices with a median column sum at least this large are read counts (RNA-seq
#: libraries hold 1e7-1e8 reads; a TPM table rounded to integers is caught by the TPM rule
#: first). Below it, a small hand-made integer table is not called counts.
COUNTS_MIN_MEDIAN_SUM = 1e4
#: Non-integer matrices summing this high per sample are estimated counts (FPKM sums stay
#: around 1e5-3e6).
ESTIMATED_COUNTS_MIN_MEDIAN_SUM = 1e7


@dataclass(frozen=True)
class ScaleEvidence:
    """What :func:`detect_expression_scale` saw.

    Attributes
    ----------
    scale
        ``"counts"``, ``"tpm"``, ``"fpkm"``, ``"log"``, ``"negative"`` or ``"undetermined"``.
    integer_valued
        Every finite value is a whole number.
    column_sum_min, column_sum_max
        Smallest and largest per-sample sum of the finite values (NaN without samples).
    max_value, min_value
        Largest and smallest finite value (NaN without values).
    n_genes, n_samples
        Rows with at least one finite value; sample columns.
    """

    scale: str
    integer_valued: bool
    column_sum_min: float
    column_sum_max: float
    max_value: float
    min_value: float
    n_genes: int
    n_samples: int

    @property
    def reason(self) -> str:
        """Same as :meth:`describe` (the importers' wording)."""
        return self.describe()

    def describe(self) -> str:
        """The evidence in words, e.g. ``integers, column sums 2.1e7–6.3e7``."""
        if self.scale == "undetermined":
            return "no finite value"
        if self.scale == "negative":
            return f"negative values, minimum {self.min_value:.3g}"
        if self.scale == "log":
            return f"largest value {self.max_value:.3g} over {self.n_genes} genes"
        kind = "integers" if self.integer_valued else "non-integer values"
        return f"{kind}, column sums {_short(self.column_sum_min)}–{_short(self.column_sum_max)}"


def _short(value: float) -> str:
    """Two significant digits, exponent without padding: ``2.1e7``, ``8.5e5``, ``1.2e2``."""
    return re.sub(r"e([-+]?)0*(\d)", lambda m: f"e{m.group(1).strip('+')}{m.group(2)}",
                  f"{value:.2g}")


_SCALE_NAMES = {
    "counts": "raw read counts",
    "tpm": "TPM",
    "fpkm": "FPKM (or RPKM)",
    "log": "already log-transformed values",
    "negative": "centred or log-ratio values",
}


def detect_expression_scale(matrix: pd.DataFrame | np.ndarray) -> ScaleEvidence:
    """Classify a genes x samples expression matrix (see the module docstring for the rules).

    Parameters
    ----------
    matrix
        Genes x samples; numeric (non-numeric cells count as missing); NaN and +-inf are
        ignored.

    Returns
    -------
    ScaleEvidence
        The scale and the numbers it was decided on.
    """
    if isinstance(matrix, pd.DataFrame):
        values = matrix.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    else:
        values = np.asarray(matrix, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"matrix: expected a 2-D genes x samples matrix, got {values.ndim}-D")
    return detect_expression_scale_in_blocks([values], values.shape[1])


def detect_expression_scale_in_blocks(
    blocks: Iterable[np.ndarray], n_samples: int
) -> ScaleEvidence:
    """:func:`detect_expression_scale` from consecutive row blocks of the matrix (each
    genes_i x samples, float, NaN/inf ignored), read one block at a time: the evidence is a
    set of sums, extremes and counts, so a matrix larger than memory allows is classified
    the same way (column sums are added block by block)."""
    integer_valued, n_genes = True, 0
    sums, seen = np.zeros(n_samples), np.zeros(n_samples, dtype=bool)
    max_value, min_value = -np.inf, np.inf
    for block in blocks:
        finite = np.isfinite(block)
        if not finite.any():
            continue
        present = block[finite]
        integer_valued = integer_valued and bool(np.all(present == np.round(present)))
        sums += np.where(finite, block, 0.0).sum(axis=0)
        seen |= finite.any(axis=0)
        max_value, min_value = max(max_value, present.max()), min(min_value, present.min())
        n_genes += int(finite.any(axis=1).sum())
    if not seen.any():
        nan = float("nan")
        return ScaleEvidence("undetermined", False, nan, nan, nan, nan, 0, n_samples)
    sums = sums[seen]
    evidence = {
        "integer_valued": integer_valued,
        "column_sum_min": float(sums.min()),
        "column_sum_max": float(sums.max()),
        "max_value": float(max_value),
        "min_value": float(min_value),
        "n_genes": n_genes,
        "n_samples": n_samples,
    }
    median_sum = float(np.median(sums))
    if evidence["min_value"] < 0:
        scale = "negative"
    elif evidence["n_genes"] >= MIN_GENES_FOR_LOG_CHECK and evidence["max_value"] <= LOG_MAX:
        scale = "log"
    elif np.all(np.abs(sums - 1e6) <= TPM_SUM_TOLERANCE * 1e6):
        scale = "tpm"
    elif (evidence["integer_valued"] and median_sum >= COUNTS_MIN_MEDIAN_SUM) or (
        median_sum >= ESTIMATED_COUNTS_MIN_MEDIAN_SUM
    ):
        scale = "counts"
    else:
        scale = "fpkm"
    return ScaleEvidence(scale=scale, **evidence)


def scale_mismatch(evidence: ScaleEvidence, declared: str) -> str | None:
    """Why the matrix cannot be on the ``declared`` scale, or None when it can.

    Refused: log-transformed or negative values (any declaration); read counts declared as
    ``fpkm``/``tpm`` (they would be log-transformed without library-size normalisation);
    non-integer FPKM/TPM-like values declared as ``counts``. FPKM declared as TPM or the
    reverse is accepted (same transformation), and so is any integer matrix declared as
    counts (a gene subset of a count table can have small sums). ``"undetermined"`` (no
    value) is accepted.

    Parameters
    ----------
    evidence
        Result of :func:`detect_expression_scale`.
    declared
        The value of var ``expression_scale``.
    """
    if declared not in DECLARABLE_SCALES:
        raise ValueError(
            f"declared: expression_scale must be one of {list(DECLARABLE_SCALES)}, "
            f"got {declared!r}"
        )
    looks = f"looks like {_SCALE_NAMES.get(evidence.scale, evidence.scale)} "
    if evidence.scale in ("log", "negative"):
        return (
            f"{looks}({evidence.describe()}); the expression file must hold linear FPKM, TPM "
            f"or raw read counts (the warehouse takes log2 itself)"
        )
    wrong = (evidence.scale == "counts" and declared != "counts") or (
        declared == "counts"
        and evidence.scale in ("fpkm", "tpm")
        and not evidence.integer_valued
    )
    if not wrong:
        return None
    return (
        f"{looks}({evidence.describe()}) but expression_scale is '{declared}'; pass "
        f"--vars '{{expression_scale: {evidence.scale}}}'"
    )
