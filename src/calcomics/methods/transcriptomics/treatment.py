"""Treatment-related scores of the paper's Figure 4F/H from the warehouse's resolved panels.

* ``set_index``: :func:`calcomics.methods.transcriptomics.scores.set_index` on the panel entries
  found in the matrix (duplicates kept: CD3D and DNAJC12 count twice).
* ``cdk46_sensitivity_score``: GSVA (method "gsva", Gaussian kernel, GSVA 1.42 defaults) of
  the 13-gene panel against the whole matrix and cohort, as the paper's Methods state.
* ``endocrine_sensitivity_score``: weighted mean ``sum(w * x) / sum(w)`` with the seed's
  weights (0.8 ESR1, 1.2 PGR, 1 BCL2, 1 SCUBE2), i.e. ``(0.8 ESR1 + 1.2 PGR + BCL2 + SCUBE2)
  / 4`` when all four genes are present.

A panel gene missing from the matrix (after alias resolution) is left out of its score and
``genes_used`` says how many entries were used out of ``genes_listed``; the missing genes are
listed in ``fct_gene_list_resolution``. Deliberate difference from the reference scripts,
which return NA (R) or fail; a score is null only when none of its genes is present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.methods.transcriptomics.gsva import gsva
from calcomics.methods.transcriptomics.scores import set_index

TREATMENT_SCORE_COLUMNS: list[str] = [
    "sample_id", "score_name", "score", "genes_listed", "genes_used", "method",
]
#: Column types of the result, also when it has no rows (no sample columns).
TREATMENT_SCORE_DTYPES: dict[str, str] = {
    "sample_id": "string", "score_name": "string", "score": "float64",
    "genes_listed": "int64", "genes_used": "int64", "method": "string",
}


def _panel(panels: pd.DataFrame, name: str) -> pd.DataFrame:
    rows = panels[panels["gene_set"] == name].sort_values("member_order")
    if rows.empty:
        raise ValueError(f"gene panel '{name}' is missing from the gene_panels seed")
    return rows


def weighted_gene_score(
    log_expr: pd.DataFrame, genes: list[str], weights: list[float]
) -> np.ndarray:
    """``sum(w_g * x_g) / sum(w_g)`` per sample over the listed genes (all must be rows)."""
    values = log_expr.loc[genes].to_numpy(float)
    w = np.asarray(weights, dtype=float)
    return (w[:, None] * values).sum(axis=0) / w.sum()


def _frame(
    samples: pd.Index, name: str, score, listed: int, used: int, method: str
) -> pd.DataFrame:
    return pd.DataFrame({
        "sample_id": samples, "score_name": name, "score": score,
        "genes_listed": listed, "genes_used": used, "method": method,
    })


def treatment_scores(log_expr: pd.DataFrame, panels: pd.DataFrame) -> pd.DataFrame:
    """SET index, CDK4/6 sensitivity and endocrine sensitivity in long form.

    ``log_expr`` is genes x samples (log2 scale); ``panels`` the resolved panel members
    (gene_set, member_order, symbol_used, weight) of ``int_gene_list_members_resolved``.
    Columns typed as :data:`TREATMENT_SCORE_DTYPES`; no sample column gives zero rows.
    """
    samples = pd.Index(log_expr.columns, name="sample_id")
    if len(samples) == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in TREATMENT_SCORE_DTYPES.items()})
    frames = []

    informative = _panel(panels, "set_informative")
    reference = _panel(panels, "set_reference")
    inf_found = informative["symbol_used"].dropna().tolist()
    ref_found = reference["symbol_used"].dropna().tolist()
    listed = len(informative) + len(reference)
    if inf_found and ref_found:
        score = set_index(log_expr, inf_found, ref_found).to_numpy()
    else:
        score = np.nan
    frames.append(_frame(samples, "set_index", score, listed, len(inf_found) + len(ref_found),
                         "mean(informative) - mean(reference) + 2"))

    cdk46 = _panel(panels, "cdk46_sensitivity")
    cdk46_found = list(dict.fromkeys(cdk46["symbol_used"].dropna()))
    score = np.nan
    if cdk46_found and log_expr.shape[1] > 1:
        scored = gsva(log_expr, {"cdk46": cdk46_found}, method="gsva", kcdf="Gaussian")
        if len(scored):
            score = scored.loc["cdk46"].to_numpy()
    frames.append(_frame(samples, "cdk46_sensitivity_score", score, len(cdk46),
                         len(cdk46_found), "gsva (Gaussian kcdf, GSVA 1.42)"))

    endocrine = _panel(panels, "endocrine_sensitivity")
    found = endocrine[endocrine["symbol_used"].notna()]
    score = (weighted_gene_score(log_expr, found["symbol_used"].tolist(),
                                 found["weight"].tolist()) if len(found) else np.nan)
    frames.append(_frame(samples, "endocrine_sensitivity_score", score, len(endocrine),
                         len(found), "weighted mean (0.8 ESR1, 1.2 PGR, BCL2, SCUBE2)"))
    out = pd.concat(frames, ignore_index=True)[TREATMENT_SCORE_COLUMNS]
    return out.astype(TREATMENT_SCORE_DTYPES)
