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

from calcomics.methods.transcriptomics.gsva import gsva_detailed
from calcomics.methods.transcriptomics.scores import set_index

TREATMENT_SCORE_COLUMNS: list[str] = [
    "sample_id", "score_name", "score", "genes_listed", "genes_used", "method",
]
#: Column types of the result, also when it has no rows (no sample columns).
TREATMENT_SCORE_DTYPES: dict[str, str] = {
    "sample_id": "string", "score_name": "string", "score": "float64",
    "genes_listed": "int64", "genes_used": "int64", "method": "string",
}


#: cdk46_gsva_mode settings (dbt var ``cdk46_gsva_mode``).
CDK46_GSVA_SETTINGS = ("size_dependent", "exact", "binned", "auto")
_GSVA_OPTIONS: dict[str, dict[str, str]] = {
    "exact": {"kcdf": "Gaussian", "gaussian_kernel": "exact"},
    "binned": {"kcdf": "Gaussian", "gaussian_kernel": "binned"},
    "auto": {"kcdf": "auto"},
}
_GSVA_METHOD_LABELS = {
    "exact": "gsva (Gaussian kcdf, GSVA 1.42)",
    "binned": "gsva (Gaussian kcdf, binned approximation of GSVA 1.42's kernel)",
    "auto": "gsva (kcdf auto, GSVA >= 2.0 rule)",
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


def cdk46_gsva_mode(setting: str, n_samples: int, exact_max_samples: int) -> tuple[str, str]:
    """The GSVA mode of the CDK4/6 score and why: ``(mode, reason)``.

    ``setting``: ``"exact"`` (R GSVA 1.42 Gaussian kernel, bit for bit), ``"binned"`` (the
    binned/FFT approximation of that kernel), ``"auto"`` (GSVA >= 2.0's ``kcdf="auto"``: the
    plain ECDF from 200 samples on) or ``"size_dependent"``: exact up to
    ``exact_max_samples`` samples, binned above (the exact kernel's cost grows as samples x
    distinct values per gene: ~70 CPU s at 2,000 samples, ~30 CPU min at 10,000).
    """
    if setting not in CDK46_GSVA_SETTINGS:
        raise ValueError(f"cdk46_gsva_mode {setting!r}: expected one of "
                         f"{', '.join(CDK46_GSVA_SETTINGS)}")
    if setting != "size_dependent":
        return setting, f"cdk46_gsva_mode = {setting}"
    if n_samples <= exact_max_samples:
        return "exact", f"{n_samples} samples <= gsva_exact_max_samples {exact_max_samples}"
    return "binned", f"{n_samples} samples > gsva_exact_max_samples {exact_max_samples}"


def treatment_scores(log_expr: pd.DataFrame, panels: pd.DataFrame,
                     gsva_mode: str = "exact") -> pd.DataFrame:
    """SET index, CDK4/6 sensitivity and endocrine sensitivity in long form.

    ``log_expr`` is genes x samples (log2 scale); ``panels`` the resolved panel members
    (gene_set, member_order, symbol_used, weight) of ``int_gene_list_members_resolved``.
    ``gsva_mode`` (``exact``, ``binned`` or ``auto``, see :func:`cdk46_gsva_mode`) selects
    the CDK4/6 score's kernel; the ``method`` column names the one used.
    Columns typed as :data:`TREATMENT_SCORE_DTYPES`; no sample column gives zero rows.
    """
    if gsva_mode not in _GSVA_OPTIONS:
        raise ValueError(f"gsva_mode {gsva_mode!r}: expected exact, binned or auto")
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
    method = _GSVA_METHOD_LABELS[gsva_mode]
    if cdk46_found and log_expr.shape[1] > 1:
        run = gsva_detailed(log_expr, {"cdk46": cdk46_found}, method="gsva",
                            **_GSVA_OPTIONS[gsva_mode])
        if len(run.scores):
            score = run.scores.loc["cdk46"].to_numpy()
        if gsva_mode == "auto":
            method = f"gsva (kcdf auto -> {run.kcdf_used}, GSVA >= 2.0 rule)"
    frames.append(_frame(samples, "cdk46_sensitivity_score", score, len(cdk46),
                         len(cdk46_found), method))

    endocrine = _panel(panels, "endocrine_sensitivity")
    found = endocrine[endocrine["symbol_used"].notna()]
    score = (weighted_gene_score(log_expr, found["symbol_used"].tolist(),
                                 found["weight"].tolist()) if len(found) else np.nan)
    frames.append(_frame(samples, "endocrine_sensitivity_score", score, len(endocrine),
                         len(found), "weighted mean (0.8 ESR1, 1.2 PGR, BCL2, SCUBE2)"))
    out = pd.concat(frames, ignore_index=True)[TREATMENT_SCORE_COLUMNS]
    return out.astype(TREATMENT_SCORE_DTYPES)
