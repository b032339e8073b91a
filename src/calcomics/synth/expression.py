"""Synthetic bulk RNA-seq (FPKM) of the demo cohort.

The matrix is genes x samples: every GRCh38 protein-coding symbol of
:func:`calcomics.reference.protein_coding_genes` (in that order) by the RNA-seq patients (in
patient order). Values are built on the ``log2(FPKM + 1)`` scale and exponentiated:

* gene baselines: log-normal means spanning ~0-10 log2 units, ~12 % of genes (almost) silent;
* sample effects: a per-sample normalisation factor and a per-sample noise level;
* gene-gene correlation: a handful of background latent programs without group effect;
* planted biology (the paper's transcriptomic results), each a latent per-sample score with
  positive gene loadings:

  - ER/luminal program (ESR1, PGR, GATA3, FOXA1, TFF1, XBP1, the Hallmark estrogen-response
    sets and the 18 SET-index genes): highest in ``probably_benign``, follows ER and PR IHC;
  - proliferation program (Hallmark E2F targets, G2M checkpoint, mitotic spindle, MKI67,
    CCNB1, CDK4, E2F1 and the CDK4/6-inhibitor sensitivity genes, which also get a coherent
    extra shift in ``high_suspicion``): highest in ``high_suspicion``, follows Ki-67 and SNF3;
  - immune program (one factor per Bindea 2013 cell type around a shared immune score, plus
    PTPRC, CD274, CD8A, GZMB ...): slightly higher in ``negative``, follows SNF2; a minority
    of cell types (:data:`IMMUNE_CELL_TYPES_UP_IN_NEGATIVE`) carry a clear extra shift in
    ``negative``;
  - PAM50 structure: every sample has a latent PAM50 subtype (exact luminal counts per group,
    see :data:`LUMINAL_FRACTION`) and carries the Parker et al. 2009 centroid of that subtype
    on the 50 PAM50 genes, so Spearman nearest-centroid on per-gene median-centred
    ``log2(FPKM + 1)`` recovers it (every sample of the default demo).

  The 10 SET-index reference genes (LDHA, ATP5MF, VDAC2, DARS1, UGP2, UBE2Z, AK2, WIPF2,
  APPBP2, TRIM2) load on no program and have low noise.

The latent subtype is not written to any raw file; get it with ``return_truth=True`` or with
:func:`planted_pam50_subtypes` called on a generator in the same state.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.methods.transcriptomics.scores import SET_INFORMATIVE_GENES, SET_REFERENCE_GENES
from calcomics.reference import (
    PAM50_SUBTYPES,
    bindea_gene_sets,
    hallmark_gene_sets,
    pam50_centroids,
    protein_coding_genes,
)
from calcomics.synth.calcification import GROUPS

# Luminal A+B share among RNA-seq patients (paper: 73/103, 81/89, 80/98; the low-moderate
# group is not reported, 18/22 is used). Counts are exact at the default cohort.
LUMINAL_FRACTION: dict[str, float] = {
    "negative": 73 / 103,
    "probably_benign": 81 / 89,
    "low_moderate_suspicion": 18 / 22,
    "high_suspicion": 80 / 98,
}
# Luminal A share among luminal tumours; split of the non-luminal rest (Normal, Her2, Basal).
LUMINAL_A_FRACTION: dict[str, float] = {
    "negative": 0.55,
    "probably_benign": 0.60,
    "low_moderate_suspicion": 0.50,
    "high_suspicion": 0.45,
}
NON_LUMINAL_SPLIT: dict[str, float] = {"Normal": 0.5, "Her2": 0.3, "Basal": 0.2}

ER_CORE_GENES: tuple[str, ...] = ("ESR1", "PGR", "GATA3", "FOXA1", "TFF1", "XBP1")
# Symmans et al. SET index genes as the paper lists them (the library is the one home of the
# lists): 17 distinct informative genes (CD3D and DNAJC12 are listed twice) and 10 reference.
SET_INDEX_GENES: tuple[str, ...] = tuple(dict.fromkeys(SET_INFORMATIVE_GENES))
PROLIFERATION_CORE_GENES: tuple[str, ...] = ("MKI67", "CCNB1", "CDK4", "E2F1")
# CDK4/6-inhibitor sensitivity genes (current symbols: CYR61 -> CCN1). SAMD2 is not a
# protein-coding gene in the GRCh38 gene table and therefore is not in the matrix.
CDK46_GENES: tuple[str, ...] = (
    "SAMD2",
    "TIRAP",
    "SETBP1",
    "NNMT",
    "TMSB10",
    "KRT19",
    "THBS2",
    "MDK",
    "EZH2",
    "CDK4",
    "CCN1",
    "SORD",
    "GSTM3",
)
IMMUNE_CORE_GENES: tuple[str, ...] = (
    "PTPRC",
    "CD274",
    "CD8A",
    "CD8B",
    "GZMB",
    "GZMA",
    "PRF1",
    "CD3E",
    "CD4",
    "CXCL9",
    "CXCL10",
)
ER_HALLMARKS: tuple[str, ...] = (
    "HALLMARK_ESTROGEN_RESPONSE_EARLY",
    "HALLMARK_ESTROGEN_RESPONSE_LATE",
)
PROLIFERATION_HALLMARKS: tuple[str, ...] = (
    "HALLMARK_E2F_TARGETS",
    "HALLMARK_G2M_CHECKPOINT",
    "HALLMARK_MITOTIC_SPINDLE",
)
# Unambiguous renames of legacy symbols in the Bindea table; the current symbol is planted as
# well so that alias-aware scoring sees the same signal.
BINDEA_SYMBOL_UPDATES: dict[str, str] = {
    "BLR1": "CXCR5",
    "INDO": "IDO1",
    "FYB": "FYB1",
    "ELA2": "ELANE",
    "EMR1": "ADGRE1",
    "GPR44": "PTGDR2",
    "IL8RA": "CXCR1",
    "IL8RB": "CXCR2",
    "FPRL1": "FPR2",
    "EDG8": "S1PR5",
    "TM7SF4": "DCSTAMP",
    "TMEPAI": "PMEPA1",
    "MARCH6": "MARCHF6",
    "MKL2": "MRTFB",
    "FUSIP1": "SRSF10",
    "PCNX": "PCNX1",
    "IGSF2": "CD101",
    "SMEK1": "PPP4R3A",
    "HNRPH1": "HNRNPH1",
    "SFRS7": "SRSF7",
    "VIL2": "EZR",
    "MLL": "KMT2A",
    "MYST3": "KAT6A",
}

# Latent program scores (standard units): group means, PAM50 subtype shifts, noise SD.
# The group means are calibrated on the default demo (docs/DEMO_CALIBRATION.md) and are net
# of what the scores already take from the IHC scores, Ki-67 and the PAM50 mix of each
# group (probably-benign tumours have higher ER/PR IHC and more luminal A tumours): the SET
# index lands near the paper's P (probably benign vs negative 0.019, vs high suspicion
# < 0.001) and the CDK4/6 score near its P (high suspicion vs negative 0.007, vs probably
# benign < 0.001).
_ER_GROUP = {
    "negative": 0.29,
    "probably_benign": 0.3,
    "low_moderate_suspicion": 0.25,
    "high_suspicion": 0.35,
}
_ER_SUBTYPE = {"LumA": 0.25, "LumB": 0.0, "Her2": -0.5, "Basal": -1.0, "Normal": -0.3}
_PROLIF_GROUP = {
    "negative": 0.0,
    "probably_benign": 0.0,
    "low_moderate_suspicion": 0.05,
    "high_suspicion": 0.1,
}
_PROLIF_SUBTYPE = {"LumA": -0.45, "LumB": 0.45, "Her2": 0.35, "Basal": 0.6, "Normal": -0.5}
_IMMUNE_GROUP = {
    "negative": 0.1,
    "probably_benign": 0.0,
    "low_moderate_suspicion": 0.0,
    "high_suspicion": 0.0,
}
_IMMUNE_SUBTYPE = {"LumA": 0.0, "LumB": 0.0, "Her2": 0.1, "Basal": 0.3, "Normal": 0.2}
# Extra infiltration (latent units) of a few adaptive and innate Bindea 2013 cell types in
# calcification-negative tumours: the "hot" microenvironment of Figure 4D shows in a
# minority of the 24 cell types, as in real cohorts, not in every one of them.
IMMUNE_CELL_TYPES_UP_IN_NEGATIVE: dict[str, float] = {
    "CD8 T cells": 0.4,
    "Cytotoxic cells": 0.4,
    "T cells": 0.35,
    "B cells": 0.35,
    "NK CD56dim cells": 0.35,
    "aDC": 0.35,
    "Macrophages": 0.35,
}
# Extra coherent log2 shift of the CDK4/6 sensitivity genes per group.
_CDK46_GROUP_SHIFT = {
    "negative": 0.15,
    "probably_benign": 0.17,
    "low_moderate_suspicion": 0.15,
    "high_suspicion": 0.2,
}
# log2 units per unit of the (column-unscaled) Parker centroid.
PAM50_CENTROID_SCALE = 2.4
PAM50_OTHER_PROGRAM_DAMPING = 0.3
_N_BACKGROUND_PROGRAMS = 6
_SILENT_FRACTION = 0.12
_CHUNK_COLUMNS = 1024


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=int)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _zscore(values: pd.Series) -> np.ndarray:
    """z-score across samples (missing values -> 0)."""
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.zeros_like(x)
    sd = x[ok].std()
    z = (x - x[ok].mean()) / (sd if sd > 0 else 1.0)
    return np.where(ok, z, 0.0)


def _rnaseq_patients(patients: pd.DataFrame) -> pd.DataFrame:
    unknown = set(patients["calcification_group"]) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown calcification_group values: {sorted(unknown)}")
    return patients.loc[patients["has_rnaseq"].astype(bool)].reset_index(drop=True)


def _luminal_count(group: str, n: int) -> int:
    # The small epsilon makes 73/103 * 103 round to exactly 73 whatever the float error.
    return int(np.floor(LUMINAL_FRACTION[group] * n + 0.5 + 1e-9))


def planted_pam50_subtypes(patients: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Latent PAM50 subtype of each RNA-seq patient (index ``patient_id``, patient order).

    Per calcification group the number of luminal (LumA + LumB) tumours is
    ``round(LUMINAL_FRACTION[group] * n_rnaseq)`` (73/103, 81/89, 80/98 at the default
    cohort). Inside a group, tumours with lower ER IHC are more likely non-luminal (Basal the
    lowest ER / highest Ki-67), and luminal tumours with higher Ki-67 are more likely LumB.

    :func:`simulate_expression` calls this first on its generator, so calling it on a
    generator in the same state returns the subtypes planted in the expression matrix.
    """
    rna = _rnaseq_patients(patients)
    n = len(rna)
    z_er = _zscore(rna["er_ihc_pct"])
    z_pr = _zscore(rna["pr_ihc_pct"])
    z_ki = _zscore(rna["ki67_ihc_pct"])
    noise = rng.standard_normal((3, n))
    groups = rna["calcification_group"].to_numpy()
    subtype = np.empty(n, dtype=object)
    for group in GROUPS:
        idx = np.flatnonzero(groups == group)
        if idx.size == 0:
            continue
        n_lum = _luminal_count(group, idx.size)
        n_non = idx.size - n_lum
        # Non-luminal: lowest ER/PR (plus noise).
        order = idx[np.argsort(0.6 * z_er[idx] + 0.3 * z_pr[idx] + noise[0, idx], kind="stable")]
        non, lum = order[:n_non], order[n_non:]
        n_norm, n_her2, n_basal = _largest_remainder(
            n_non, np.array([NON_LUMINAL_SPLIT[s] for s in ("Normal", "Her2", "Basal")])
        )
        aggressive = non[np.argsort(-(z_ki[non] - 0.5 * z_er[non] + noise[1, non]), kind="stable")]
        subtype[aggressive[:n_basal]] = "Basal"
        subtype[aggressive[n_basal : n_basal + n_her2]] = "Her2"
        subtype[aggressive[n_basal + n_her2 :]] = "Normal"
        n_luma = int(np.floor(LUMINAL_A_FRACTION[group] * n_lum + 0.5))
        by_prolif = lum[np.argsort(z_ki[lum] - 0.3 * z_pr[lum] + noise[2, lum], kind="stable")]
        subtype[by_prolif[:n_luma]] = "LumA"
        subtype[by_prolif[n_luma:]] = "LumB"
    return pd.Series(
        subtype, index=pd.Index(rna["patient_id"], name="patient_id"), name="pam50_subtype"
    )


def _gene_index(symbols: pd.Index, genes) -> np.ndarray:
    idx = symbols.get_indexer(list(genes))
    return np.unique(idx[idx >= 0])


def _program_genes(symbols: pd.Index) -> dict[str, np.ndarray]:
    hallmark = hallmark_gene_sets()
    er_hallmark = {g for s in ER_HALLMARKS for g in hallmark[s]}
    prolif_hallmark = {g for s in PROLIFERATION_HALLMARKS for g in hallmark[s]}
    reference = set(SET_REFERENCE_GENES)
    return {
        "er_core": _gene_index(symbols, set(ER_CORE_GENES) | set(SET_INDEX_GENES)),
        "er_hallmark": _gene_index(symbols, er_hallmark - reference),
        "prolif_core": _gene_index(
            symbols,
            set(PROLIFERATION_CORE_GENES)
            | set(hallmark["HALLMARK_E2F_TARGETS"])
            | set(hallmark["HALLMARK_G2M_CHECKPOINT"]),
        ),
        "prolif_hallmark": _gene_index(symbols, prolif_hallmark - reference),
        "cdk46": _gene_index(symbols, CDK46_GENES),
        "immune_core": _gene_index(symbols, IMMUNE_CORE_GENES),
        "reference": _gene_index(symbols, reference),
    }


def _bindea_members(symbols: pd.Index) -> list[np.ndarray]:
    out = []
    for genes in bindea_gene_sets().values():
        current = [BINDEA_SYMBOL_UPDATES.get(g, g) for g in genes]
        out.append(_gene_index(symbols, set(genes) | set(current)))
    return out


def _map(values: np.ndarray, table: dict[str, float]) -> np.ndarray:
    return np.array([table[v] for v in values], dtype=float)


def simulate_expression(
    patients: pd.DataFrame, rng: np.random.Generator, *, return_truth: bool = False
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """FPKM matrix (index ``gene_symbol``, one float64 column per RNA-seq patient).

    With ``return_truth=True`` also returns the latent per-sample truth (index
    ``patient_id``): ``pam50_subtype`` and the ``er_score``, ``proliferation_score`` and
    ``immune_score`` program scores. The truth is never written to raw files.
    """
    subtypes = planted_pam50_subtypes(patients, rng)
    rna = _rnaseq_patients(patients)
    n = len(rna)
    genes = protein_coding_genes()["gene_symbol"]
    symbols = pd.Index(genes, name="gene_symbol")
    n_genes = len(symbols)
    groups = rna["calcification_group"].to_numpy()
    sub = subtypes.to_numpy()
    snf = rna["snf_subtype"].astype(object).to_numpy() if "snf_subtype" in rna else np.full(n, None)

    # --- gene baselines -------------------------------------------------------------------
    silent = rng.random(n_genes) < _SILENT_FRACTION
    mu = np.where(
        silent,
        rng.uniform(0.0, 0.45, n_genes),
        np.clip(rng.normal(4.2, 2.0, n_genes), 0.6, 12.0),
    )
    noise_sd = np.where(
        silent, 0.18, 0.28 + 0.45 * np.exp(-mu / 3.0) + rng.gamma(4.0, 0.04, n_genes)
    )
    prog = _program_genes(symbols)
    bindea = _bindea_members(symbols)
    pam50 = pam50_centroids()
    pam50_idx = symbols.get_indexer(pam50.index)
    planted = np.unique(np.concatenate([*prog.values(), *bindea, pam50_idx[pam50_idx >= 0]]))
    # Planted genes are expressed (well above the silent floor).
    mu[planted] = np.clip(rng.normal(6.0, 1.4, planted.size), 3.0, 11.0)
    noise_sd[planted] = 0.30 + rng.gamma(4.0, 0.04, planted.size)
    silent[planted] = False
    for gene, level in {
        "ESR1": 7.5,
        "PGR": 5.5,
        "GATA3": 8.0,
        "FOXA1": 7.0,
        "XBP1": 8.0,
        "TFF1": 8.0,
        "MKI67": 4.5,
        "PTPRC": 5.5,
        "KRT19": 9.5,
        "TMSB10": 10.0,
    }.items():
        i = symbols.get_loc(gene)
        mu[i] = level + 0.3 * rng.standard_normal()
    ref = prog["reference"]
    mu[ref] = rng.uniform(6.0, 8.5, ref.size)
    noise_sd[ref] = rng.uniform(0.15, 0.22, ref.size)

    # --- latent per-sample scores ---------------------------------------------------------
    z_er, z_pr, z_ki = (_zscore(rna[c]) for c in ("er_ihc_pct", "pr_ihc_pct", "ki67_ihc_pct"))
    is_snf = {s: (snf == s).astype(float) for s in ("SNF1", "SNF2", "SNF3")}
    er_score = (
        _map(groups, _ER_GROUP)
        + _map(sub, _ER_SUBTYPE)
        + 0.30 * z_er
        + 0.20 * z_pr
        + 0.25 * is_snf["SNF1"]
        + rng.normal(0.0, 0.5, n)
    )
    prolif_score = (
        _map(groups, _PROLIF_GROUP)
        + _map(sub, _PROLIF_SUBTYPE)
        + 0.35 * z_ki
        + 0.40 * is_snf["SNF3"]
        + rng.normal(0.0, 0.45, n)
    )
    immune_score = (
        _map(groups, _IMMUNE_GROUP)
        + _map(sub, _IMMUNE_SUBTYPE)
        + 0.40 * is_snf["SNF2"]
        + rng.normal(0.0, 0.55, n)
    )
    cell_scores = immune_score[None, :] + rng.normal(0.0, 0.45, (len(bindea), n))
    cell_shift = np.array(
        [IMMUNE_CELL_TYPES_UP_IN_NEGATIVE.get(name, 0.0) for name in bindea_gene_sets()]
    )
    cell_scores += cell_shift[:, None] * (groups == "negative")[None, :]
    background = rng.standard_normal((_N_BACKGROUND_PROGRAMS, n))
    subtype_onehot = (sub[None, :] == np.array(PAM50_SUBTYPES, dtype=object)[:, None]).astype(float)
    cdk46_shift = _map(groups, _CDK46_GROUP_SHIFT)
    factors = np.vstack(
        [
            er_score,
            prolif_score,
            immune_score,
            cell_scores,
            background,
            subtype_onehot,
            cdk46_shift,
        ]
    )

    # --- gene loadings (genes x factors) ---------------------------------------------------
    n_fac = factors.shape[0]
    loadings = np.zeros((n_genes, n_fac))
    k_er, k_prolif, k_immune, k_cell = 0, 1, 2, 3
    k_bg = k_cell + len(bindea)
    k_sub = k_bg + _N_BACKGROUND_PROGRAMS
    k_cdk = k_sub + len(PAM50_SUBTYPES)

    def add(idx: np.ndarray, k: int, low: float, high: float) -> None:
        loadings[idx, k] += rng.uniform(low, high, idx.size)

    add(prog["er_hallmark"], k_er, 0.25, 0.6)
    add(prog["er_core"], k_er, 0.7, 1.1)
    add(prog["prolif_hallmark"], k_prolif, 0.2, 0.5)
    add(prog["prolif_core"], k_prolif, 0.35, 0.7)
    add(prog["cdk46"], k_prolif, 0.45, 0.75)
    add(prog["immune_core"], k_immune, 0.6, 1.0)
    for c, idx in enumerate(bindea):
        add(idx, k_cell + c, 0.5, 0.9)
    for b in range(_N_BACKGROUND_PROGRAMS):
        members = np.flatnonzero(rng.random(n_genes) < 0.04)
        loadings[members, k_bg + b] += rng.normal(0.0, 0.35, members.size)
    ok = pam50_idx >= 0
    # Other programs move the PAM50 genes less, so the centroid pattern dominates them.
    loadings[pam50_idx[ok]] *= PAM50_OTHER_PROGRAM_DAMPING
    loadings[pam50_idx[ok], k_sub : k_sub + len(PAM50_SUBTYPES)] += (
        PAM50_CENTROID_SCALE * pam50.to_numpy()[ok]
    )
    loadings[prog["cdk46"], k_cdk] = 1.0
    loadings[silent] = 0.0
    loadings[ref] = 0.0

    # --- assemble: log2(FPKM + 1) -> FPKM, in place, column chunks --------------------------
    quality = rng.uniform(0.9, 1.2, n)
    norm_factor = rng.normal(0.0, 0.1, n)
    values = np.empty((n_genes, n), dtype=np.float64)
    rng.standard_normal(out=values)
    for start in range(0, n, _CHUNK_COLUMNS):
        cols = slice(start, min(start + _CHUNK_COLUMNS, n))
        block = values[:, cols]
        block *= noise_sd[:, None]
        block *= quality[None, cols]
        block += mu[:, None]
        block += loadings @ factors[:, cols]
        np.maximum(block, 0.0, out=block)
        np.exp2(block, out=block)
        block -= 1.0
        block *= np.exp2(norm_factor[None, cols])
    expression = pd.DataFrame(
        values, index=symbols, columns=pd.Index(rna["patient_id"]), copy=False
    )
    expression.columns.name = None
    if not return_truth:
        return expression
    truth = pd.DataFrame(
        {
            "pam50_subtype": sub,
            "er_score": er_score,
            "proliferation_score": prolif_score,
            "immune_score": immune_score,
        },
        index=subtypes.index,
    )
    return expression, truth
