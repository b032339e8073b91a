"""Endocrine-treatment scores on log2 expression: SET index and endocrine sensitivity score.

SET index (sensitivity to endocrine therapy; Symmans et al. 2010, Sinn et al. 2019 SET_ER/PR)::

    SET = sum(informative) / len(informative) - sum(reference) / len(reference) + 2

i.e. mean informative minus mean reference expression plus a fixed offset of 2; adding a
constant to every gene of a sample leaves SET unchanged.

Gene lists: the paper's Methods (``SET index = G/18 - R/10 + 2``) call ``G`` "the sum of the
expression of 18 informative genes" but list 19 entries, 17 distinct genes, with CD3D and
DNAJC12 each listed twice (presumably two Affymetrix probe sets each in the source).
:data:`SET_INFORMATIVE_GENES` is that printed list verbatim, duplicates included, so CD3D and
DNAJC12 are summed twice (weight 2). Dividing the 19-entry sum by 18 would make SET move by
c/18 when a constant c is added to a sample, which contradicts the point of the reference-gene
subtraction, so the divisor is the number of entries summed (19). The paper's "18" cannot be
reconciled with its own list without Sinn 2019 Table 1 (not available to this project); pass
another list to :func:`set_index` if it turns up. Reference genes use current HGNC symbols
(paper ATP5J2 -> ATP5MF, DARS -> DARS1).

Endocrine sensitivity score (HER2-low repository ``treatment sensitivity score.R``, Oncotype DX
ER-group weights; ALGORITHMS.md section 4)::

    (0.8 * ESR1 + 1.2 * PGR + BCL2 + SCUBE2) / 4

Both work on whatever log2 scale they are given (the paper: log2(FPKM + 1)). Deliberate
difference from the R scripts: an absent gene or a non-finite value raises
:class:`ScoreInputError` naming the gene (and sample) instead of silently giving NA.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from calcomics.methods.checks import numeric_matrix

# Paper Methods list verbatim (19 entries, 17 genes; CD3D and DNAJC12 listed twice).
SET_INFORMATIVE_GENES: tuple[str, ...] = (
    "SLC39A6",
    "STC2",
    "CA12",
    "ESR1",
    "PDZK1",
    "NPY1R",
    "CD2",
    "MAPT",
    "QDPR",
    "AZGP1",
    "ABAT",
    "ADCY1",
    "CD3D",
    "CD3D",
    "MRPS30",
    "DNAJC12",
    "DNAJC12",
    "SCUBE2",
    "KCNE4",
)
# Paper: LDHA, ATP5J2, VDAC2, DARS, UGP2, UBE2Z, AK2, WIPF2, APPBP2, TRIM2 (current symbols).
SET_REFERENCE_GENES: tuple[str, ...] = (
    "LDHA", "ATP5MF", "VDAC2", "DARS1", "UGP2", "UBE2Z", "AK2", "WIPF2", "APPBP2", "TRIM2",
)
SET_OFFSET = 2.0
ENDOCRINE_SENSITIVITY_WEIGHTS: dict[str, float] = {
    "ESR1": 0.8,
    "PGR": 1.2,
    "BCL2": 1.0,
    "SCUBE2": 1.0,
}


class ScoreInputError(ValueError):
    """Invalid input to a treatment score (message names the argument, gene/sample, rule)."""


def _gene_rows(log_expr: pd.DataFrame, genes: Sequence[str], argument: str) -> np.ndarray:
    """Values (len(genes) x samples, duplicates repeated) of the listed genes; strict checks."""
    if not isinstance(log_expr, pd.DataFrame):
        raise ScoreInputError(
            f"log_expr: expected a pandas DataFrame (genes x samples), got "
            f"{type(log_expr).__name__}"
        )
    if isinstance(genes, str) or len(genes) == 0:
        raise ScoreInputError(f"{argument}: expected a non-empty sequence of gene symbols")
    if log_expr.shape[1] == 0:
        raise ScoreInputError("log_expr: has no sample columns")
    unique = list(dict.fromkeys(genes))
    absent = [g for g in unique if g not in log_expr.index]
    if absent:
        raise ScoreInputError(
            f"log_expr: genes {absent} of {argument} are not in the expression matrix index"
        )
    duplicated = [g for g in unique if int((log_expr.index == g).sum()) > 1]
    if duplicated:
        raise ScoreInputError(
            f"log_expr: genes {duplicated} of {argument} have more than one row"
        )
    values = numeric_matrix(log_expr.loc[unique], f"log_expr ({argument})", ScoreInputError)
    position = {g: i for i, g in enumerate(unique)}
    return values[[position[g] for g in genes]]


def _sample_index(log_expr: pd.DataFrame) -> pd.Index:
    return pd.Index(log_expr.columns, name="sample_id")


def set_index(
    log_expr: pd.DataFrame,
    informative_genes: Sequence[str] = SET_INFORMATIVE_GENES,
    reference_genes: Sequence[str] = SET_REFERENCE_GENES,
) -> pd.Series:
    """SET index per sample: ``sum(informative) / len(informative) - sum(reference) /
    len(reference) + 2`` on log2 expression (genes x samples).

    Every entry of a list is summed, so a gene listed twice counts twice (the paper's list
    holds CD3D and DNAJC12 twice); see the module docstring for the 18-vs-19 entry question.
    Returns a Series ``set_index`` indexed by sample id.
    """
    informative = _gene_rows(log_expr, informative_genes, "informative_genes")
    reference = _gene_rows(log_expr, reference_genes, "reference_genes")
    score = (
        informative.sum(axis=0) / len(informative_genes)
        - reference.sum(axis=0) / len(reference_genes)
        + SET_OFFSET
    )
    return pd.Series(score, index=_sample_index(log_expr), name="set_index")


def endocrine_sensitivity_score(log_expr: pd.DataFrame) -> pd.Series:
    """Endocrine sensitivity score per sample: ``(0.8*ESR1 + 1.2*PGR + BCL2 + SCUBE2) / 4`` on
    log2 expression (genes x samples). Returns a Series ``endocrine_sensitivity_score``."""
    genes = list(ENDOCRINE_SENSITIVITY_WEIGHTS)
    esr1, pgr, bcl2, scube2 = _gene_rows(log_expr, genes, "endocrine sensitivity genes")
    score = (0.8 * esr1 + 1.2 * pgr + bcl2 + scube2) / 4
    return pd.Series(score, index=_sample_index(log_expr), name="endocrine_sensitivity_score")
