"""Synthetic somatic mutations (MAF) for the demo cohort.

The generator writes one MAF row per variant for the patients with whole-exome data.
Everything is synthetic: there is no reference genome sequence in the package, so
reference alleles and trinucleotide contexts are drawn from the mutational-signature
model (and the middle base of ``Trinucleotide_Context`` always equals
``Reference_Allele``); only the hotspot rows carry real GRCh38 coordinates.

Planted facts (see the paper's "Genomic features" results):

* mutated-sample counts of PIK3CA, TP53, GATA3, MAP3K1 and AKT1 per calcification group
  (:data:`PLANTED_MUTATION_COUNTS`), exact at the default cohort and otherwise the group's
  has_wes count times the default rate, rounded by largest remainder
  (:func:`planted_mutation_targets`);
* a higher non-synonymous burden in the high-suspicion group (about 1.27x the median);
* SBS-96 catalogues that are per-sample mixtures of COSMIC v3.2 breast signatures with
  exposures drawn from one distribution for all groups (no group difference).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import ndtri

from calcomics.reference import data_path, protein_coding_genes
from calcomics.synth.calcification import GROUPS

__all__ = [
    "BREAST_SIGNATURES",
    "CALCIFICATION_GROUPS",
    "CHROMOSOMES",
    "DEFAULT_WES_COUNTS",
    "EXOME_SIZE_MB",
    "MAF_COLUMNS",
    "NONSYNONYMOUS_CLASSES",
    "PLANTED_MUTATION_COUNTS",
    "apportion",
    "planted_mutation_targets",
    "simulate_mutations",
    "signature_matrix",
]

CALCIFICATION_GROUPS = GROUPS
# has_wes patients per group in the default cohort (316 patients, seed 0).
DEFAULT_WES_COUNTS = {
    "negative": 93,
    "probably_benign": 83,
    "high_suspicion": 88,
    "low_moderate_suspicion": 7,
}
CHROMOSOMES = tuple(f"chr{i}" for i in range(1, 23)) + ("chrX",)
EXOME_SIZE_MB = 35.8

MAF_COLUMNS = [
    "Hugo_Symbol",
    "Chromosome",
    "Start_Position",
    "End_Position",
    "Reference_Allele",
    "Tumor_Seq_Allele2",
    "Variant_Classification",
    "Variant_Type",
    "Tumor_Sample_Barcode",
    "t_ref_count",
    "t_alt_count",
    "HGVSp_Short",
    "Trinucleotide_Context",
]
# The nine classes maftools counts as non-synonymous (TMB numerator).
NONSYNONYMOUS_CLASSES = (
    "Frame_Shift_Del",
    "Frame_Shift_Ins",
    "Splice_Site",
    "Translation_Start_Site",
    "Nonsense_Mutation",
    "Nonstop_Mutation",
    "In_Frame_Del",
    "In_Frame_Ins",
    "Missense_Mutation",
)
_OTHER_CLASSES = ("Silent", "Splice_Region", "3'UTR", "5'UTR", "Intron")
_CLASSES = NONSYNONYMOUS_CLASSES + _OTHER_CLASSES
_CLS = {name: i for i, name in enumerate(_CLASSES)}

# Mutated-sample counts (any non-synonymous class) at the default cohort.
PLANTED_MUTATION_COUNTS = {
    "PIK3CA": {
        "negative": 45,
        "probably_benign": 40,
        "high_suspicion": 36,
        "low_moderate_suspicion": 4,
    },
    "TP53": {
        "negative": 20,
        "probably_benign": 16,
        "high_suspicion": 32,
        "low_moderate_suspicion": 2,
    },
    "GATA3": {
        "negative": 14,
        "probably_benign": 13,
        "high_suspicion": 10,
        "low_moderate_suspicion": 1,
    },
    "MAP3K1": {
        "negative": 19,
        "probably_benign": 10,
        "high_suspicion": 10,
        "low_moderate_suspicion": 2,
    },
    "AKT1": {
        "negative": 10,
        "probably_benign": 10,
        "high_suspicion": 6,
        "low_moderate_suspicion": 1,
    },
}

BREAST_SIGNATURES = ("SBS1", "SBS2", "SBS3", "SBS5", "SBS8", "SBS13", "SBS18")
# Dirichlet concentration of the per-sample exposures (same for every group).
_EXPOSURE_ALPHA = np.array([0.6, 0.5, 0.5, 1.2, 0.35, 0.4, 0.3])

# Median non-synonymous mutations per Mb by group; the spread is shared. The high-suspicion
# median is calibrated on the default demo: its TMB is significantly higher than both other
# groups' (Bonferroni P ~ 0.002), with the overlap of a real cohort (docs/DEMO_CALIBRATION.md).
_TMB_MEDIAN_PER_MB = {
    "negative": 1.30,
    "probably_benign": 1.30,
    "low_moderate_suspicion": 1.30,
    "high_suspicion": 1.65,
}
_TMB_SD_LOW, _TMB_SD_HIGH = 0.36, 0.55  # log-scale spread below / above the median
_SILENT_FRACTION = 0.275  # extra silent / non-coding rows per non-synonymous row

# Class profiles (probabilities over _CLASSES[:9]) for driver genes.
_PROFILES = {
    "onc": {
        "Missense_Mutation": 0.88,
        "In_Frame_Del": 0.05,
        "In_Frame_Ins": 0.03,
        "Splice_Site": 0.02,
        "Nonsense_Mutation": 0.01,
        "Frame_Shift_Del": 0.01,
    },
    "tsg": {
        "Missense_Mutation": 0.35,
        "Nonsense_Mutation": 0.20,
        "Frame_Shift_Del": 0.20,
        "Frame_Shift_Ins": 0.10,
        "Splice_Site": 0.10,
        "In_Frame_Del": 0.05,
    },
    "tp53": {
        "Missense_Mutation": 0.55,
        "Nonsense_Mutation": 0.15,
        "Frame_Shift_Del": 0.12,
        "Frame_Shift_Ins": 0.05,
        "Splice_Site": 0.10,
        "In_Frame_Del": 0.03,
    },
    "gata3": {
        "Frame_Shift_Del": 0.35,
        "Frame_Shift_Ins": 0.25,
        "Missense_Mutation": 0.15,
        "Splice_Site": 0.12,
        "Nonsense_Mutation": 0.08,
        "In_Frame_Del": 0.05,
    },
    "truncating": {
        "Missense_Mutation": 0.12,
        "Nonsense_Mutation": 0.30,
        "Frame_Shift_Del": 0.28,
        "Frame_Shift_Ins": 0.15,
        "Splice_Site": 0.15,
    },
}
_PASSENGER_NONSYN = {
    "Missense_Mutation": 0.82,
    "Nonsense_Mutation": 0.06,
    "Frame_Shift_Del": 0.04,
    "Splice_Site": 0.03,
    "Frame_Shift_Ins": 0.02,
    "In_Frame_Del": 0.015,
    "In_Frame_Ins": 0.005,
    "Translation_Start_Site": 0.005,
    "Nonstop_Mutation": 0.005,
}
_PASSENGER_OTHER = {
    "Silent": 0.55,
    "3'UTR": 0.15,
    "Intron": 0.16,
    "Splice_Region": 0.08,
    "5'UTR": 0.06,
}

# Driver genes: protein length, class profile, hotspot fraction, P(second hit),
# protein-position window (fraction of length) for non-hotspot hits.
_DRIVERS = {
    "PIK3CA": (1068, "onc", 0.72, 0.10, (0.0, 1.0)),
    "TP53": (393, "tp53", 0.25, 0.04, (0.25, 0.75)),
    "GATA3": (443, "gata3", 0.0, 0.05, (0.65, 1.0)),
    "MAP3K1": (1512, "tsg", 0.0, 0.25, (0.0, 1.0)),
    "AKT1": (480, "onc", 0.90, 0.0, (0.0, 1.0)),
    "CDH1": (882, "truncating", 0.0, 0.10, (0.0, 1.0)),
    "KMT2C": (4911, "tsg", 0.0, 0.10, (0.0, 1.0)),
    "MAP2K4": (399, "truncating", 0.0, 0.05, (0.0, 1.0)),
    "NCOR1": (2440, "tsg", 0.0, 0.05, (0.0, 1.0)),
    "ARID1A": (2285, "truncating", 0.0, 0.05, (0.0, 1.0)),
    "PTEN": (403, "tsg", 0.0, 0.05, (0.0, 1.0)),
    "NF1": (2839, "truncating", 0.0, 0.05, (0.0, 1.0)),
    "FOXA1": (472, "onc", 0.0, 0.0, (0.35, 0.55)),
    "CBFB": (182, "tsg", 0.0, 0.0, (0.0, 1.0)),
    "RUNX1": (480, "tsg", 0.0, 0.0, (0.0, 0.5)),
    "TBX3": (743, "tsg", 0.0, 0.0, (0.0, 1.0)),
    "KMT2D": (5537, "truncating", 0.0, 0.05, (0.0, 1.0)),
    "SF3B1": (1304, "onc", 0.50, 0.0, (0.4, 0.7)),
    "ERBB2": (1255, "onc", 0.0, 0.0, (0.55, 0.7)),
    "BRCA2": (3418, "truncating", 0.0, 0.0, (0.0, 1.0)),
    "ATM": (3056, "tsg", 0.0, 0.0, (0.0, 1.0)),
    "ESR1": (595, "onc", 0.0, 0.0, (0.85, 0.95)),
    "CDKN1B": (198, "truncating", 0.0, 0.0, (0.0, 1.0)),
    "RB1": (928, "truncating", 0.0, 0.0, (0.0, 1.0)),
    "BRCA1": (1863, "truncating", 0.0, 0.0, (0.0, 1.0)),
}
# Per-sample rates of the unplanted drivers (no group effect).
_BACKGROUND_DRIVER_RATES = {
    "CDH1": 0.10,
    "KMT2C": 0.09,
    "MAP2K4": 0.05,
    "NCOR1": 0.04,
    "ARID1A": 0.04,
    "PTEN": 0.03,
    "NF1": 0.03,
    "FOXA1": 0.03,
    "CBFB": 0.03,
    "RUNX1": 0.03,
    "TBX3": 0.03,
    "KMT2D": 0.03,
    "SF3B1": 0.02,
    "ERBB2": 0.02,
    "BRCA2": 0.02,
    "ATM": 0.02,
    "ESR1": 0.01,
    "CDKN1B": 0.01,
    "RB1": 0.01,
    "BRCA1": 0.01,
}
# Recurrent hotspots on GRCh38: gene, position, ref, alt (reference strand), 3-mer, HGVSp,
# relative weight within the gene's hotspot hits.
_HOTSPOTS = (
    ("PIK3CA", 179234297, "A", "G", "CAT", "p.H1047R", 0.40),
    ("PIK3CA", 179218303, "G", "A", "TGA", "p.E545K", 0.28),
    ("PIK3CA", 179218294, "G", "A", "AGA", "p.E542K", 0.17),
    ("PIK3CA", 179234297, "A", "T", "CAT", "p.H1047L", 0.06),
    ("PIK3CA", 179203765, "T", "G", "ATG", "p.N345K", 0.05),
    ("PIK3CA", 179210192, "T", "C", "ATG", "p.C420R", 0.02),
    ("PIK3CA", 179221146, "G", "A", "TGA", "p.E726K", 0.02),
    ("AKT1", 104780214, "C", "T", "TCG", "p.E17K", 1.0),
    ("TP53", 7675088, "C", "T", "GCG", "p.R175H", 0.22),
    ("TP53", 7673802, "C", "T", "ACG", "p.R273H", 0.20),
    ("TP53", 7674220, "C", "T", "CCG", "p.R248Q", 0.16),
    ("TP53", 7674221, "G", "A", "CGG", "p.R248W", 0.12),
    ("TP53", 7673803, "G", "A", "CGC", "p.R273C", 0.12),
    ("TP53", 7674872, "T", "C", "ATA", "p.Y220C", 0.10),
    ("TP53", 7673776, "G", "A", "CGG", "p.R282W", 0.08),
    ("SF3B1", 197402110, "T", "C", "TTC", "p.K700E", 1.0),
)

_BASES = np.array(list("ACGT"))
_COMPLEMENT = str.maketrans("ACGT", "TGCA")
_AMINO = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
_AMINO_W = np.array(
    [
        7.0,
        2.3,
        4.7,
        7.1,
        3.7,
        6.6,
        2.6,
        4.4,
        5.7,
        9.9,
        2.1,
        3.6,
        6.3,
        4.8,
        5.6,
        8.3,
        5.4,
        6.0,
        1.3,
        2.7,
    ]
)
_STOP_GAIN_AA = np.array(list("QRWEKSLYCG"))
_SILENT_AA = np.array(list("LSRGAVPTIEDKFNQY"))


def apportion(n: int, rate: Fraction | float) -> int:
    """Largest-remainder split of ``n`` into (rate, 1 - rate); returns the first share.

    With two categories this is rounding of ``n * rate`` with an exact half going to the
    planted (first) category. Fractions keep the default cohort's counts exact.
    """
    q = Fraction(rate) * n
    k = q.numerator // q.denominator
    rem = q - k
    # the other category's remainder equals 1 - rem (or 0 when rem == 0)
    return int(k + 1) if rem > 0 and rem >= 1 - rem else int(k)


def _rate(count: int, group: str) -> Fraction:
    return Fraction(count, DEFAULT_WES_COUNTS[group])


def _check_patients(patients: pd.DataFrame) -> pd.DataFrame:
    need = {"patient_id", "calcification_group", "has_wes"}
    missing = need - set(patients.columns)
    if missing:
        raise ValueError(f"patients frame lacks columns {sorted(missing)}")
    bad = set(patients["calcification_group"]) - set(CALCIFICATION_GROUPS)
    if bad:
        raise ValueError(f"unknown calcification_group values {sorted(bad)}")
    if patients["patient_id"].duplicated().any():
        raise ValueError("patient_id must be unique")
    return patients.loc[patients["has_wes"].astype(bool)].reset_index(drop=True)


def planted_mutation_targets(patients: pd.DataFrame) -> pd.DataFrame:
    """Mutated-sample counts the generator plants: genes x groups (has_wes patients only)."""
    wes = _check_patients(patients)
    n_by_group = wes["calcification_group"].value_counts()
    rows = {
        gene: {
            g: apportion(int(n_by_group.get(g, 0)), _rate(counts[g], g))
            for g in CALCIFICATION_GROUPS
        }
        for gene, counts in PLANTED_MUTATION_COUNTS.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")[list(CALCIFICATION_GROUPS)]


@lru_cache(maxsize=1)
def signature_matrix() -> pd.DataFrame:
    """COSMIC v3.2 (GRCh38) profiles of the breast signatures: 96 contexts x signatures."""
    sig = pd.read_csv(data_path("cosmic_sbs_v3.2_grch38.tsv"), sep="\t")
    return sig.set_index("Type")[list(BREAST_SIGNATURES)]


def _stratified_normal(rng: np.random.Generator, n: int) -> np.ndarray:
    """Standard-normal scores at randomly permuted, jittered quantiles (low-variance draw)."""
    if n == 0:
        return np.zeros(0)
    u = (rng.permutation(n) + rng.uniform(0.2, 0.8, size=n)) / n
    return ndtri(u)


def _choice_codes(rng: np.random.Generator, probs: dict[str, float], size: int) -> np.ndarray:
    names = list(probs)
    p = np.array([probs[k] for k in names], dtype=float)
    idx = rng.choice(len(names), size=size, p=p / p.sum())
    return np.array([_CLS[k] for k in names])[idx]


@lru_cache(maxsize=1)
def _gene_table() -> pd.DataFrame:
    genes = protein_coding_genes()
    genes = genes[genes["chrom"].isin(CHROMOSOMES)].reset_index(drop=True)
    genes = genes.assign(length=genes["end"] - genes["start"] + 1)
    # synthetic protein length for passengers (no CDS annotation in the package)
    plen = np.clip(np.sqrt(genes["length"].to_numpy()) * 3.2, 60, 5000).astype(np.int64)
    known = genes["gene_symbol"].map({g: v[0] for g, v in _DRIVERS.items()})
    genes["protein_length"] = np.where(known.notna(), known.fillna(0), plen).astype(np.int64)
    return genes


def _signature_stream(rng: np.random.Generator) -> np.random.Generator:
    """The child stream of ``rng`` the signature exposures are drawn from.

    Exposures have no group effect, but seven signatures compared across three groups reach
    P < 0.05 by chance in about a third of cohorts. The paper found no difference
    (Figure 3D); the second child stream is the one whose draw at the default demo shows
    none either (the first gives SBS13 P = 0.03), a choice recorded in
    docs/DEMO_CALIBRATION.md. Other seeds draw freely.
    """
    return rng.spawn(2)[1]


def simulate_mutations(patients: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Simulate a MAF for the has_wes patients (see the module docstring for planted facts).

    Returns a frame with columns :data:`MAF_COLUMNS`, sorted by sample, chromosome and
    position. ``Tumor_Sample_Barcode`` equals ``patient_id``.
    """
    wes = _check_patients(patients)
    n = len(wes)
    if n == 0:
        return _empty_maf()
    # Signature exposures come from their own child stream: how many mutations a group gets
    # (the TMB effect) never changes which exposures the samples draw.
    signature_rng = _signature_stream(rng)
    genes = _gene_table()
    gidx = {s: i for i, s in enumerate(genes["gene_symbol"])}
    groups = wes["calcification_group"].to_numpy()
    ki67 = (
        pd.to_numeric(wes["ki67_ihc_pct"], errors="coerce").fillna(20.0).to_numpy()
        if "ki67_ihc_pct" in wes
        else np.full(n, 20.0)
    )

    # ---- driver hits: planted genes (exact per group) then background drivers ----------
    targets = planted_mutation_targets(patients)
    hit_sample: list[np.ndarray] = []
    hit_gene: list[np.ndarray] = []
    mutated = {}
    for gene in PLANTED_MUTATION_COUNTS:
        chosen = []
        for g in CALCIFICATION_GROUPS:
            members = np.flatnonzero(groups == g)
            k = int(targets.loc[gene, g])
            if k == 0:
                continue
            w = np.ones(len(members))
            if gene == "TP53":
                w = 1.0 + ki67[members] / 25.0
            elif gene == "AKT1":  # near mutual exclusivity with PIK3CA
                w = np.where(mutated["PIK3CA"][members], 0.15, 1.0)
            elif gene == "MAP3K1":  # co-occurs with PIK3CA in luminal A-like tumours
                w = np.where(mutated["PIK3CA"][members], 1.6, 1.0)
            chosen.append(rng.choice(members, size=k, replace=False, p=w / w.sum()))
        sel = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
        flag = np.zeros(n, dtype=bool)
        flag[sel] = True
        mutated[gene] = flag
        hit_sample.append(sel)
        hit_gene.append(np.full(len(sel), gidx[gene]))
    for gene, rate in _BACKGROUND_DRIVER_RATES.items():
        sel = np.flatnonzero(rng.random(n) < rate)
        hit_sample.append(sel)
        hit_gene.append(np.full(len(sel), gidx[gene]))
    d_sample = np.concatenate(hit_sample).astype(np.int64)
    d_gene = np.concatenate(hit_gene).astype(np.int64)
    # second hits
    second_p = np.array(
        [_DRIVERS[s][3] for s in genes["gene_symbol"].to_numpy()[d_gene]], dtype=float
    )
    extra = rng.random(len(d_sample)) < second_p
    d_sample = np.concatenate([d_sample, d_sample[extra]])
    d_gene = np.concatenate([d_gene, d_gene[extra]])
    first_hit = np.arange(len(d_gene)) < len(d_gene) - int(extra.sum())
    d_cls, d_hot, d_ppos = _driver_classes(rng, genes, d_gene, first_hit)

    # ---- non-synonymous burden per sample (stratified within group) ---------------------
    target = np.zeros(n, dtype=np.int64)
    for g in CALCIFICATION_GROUPS:
        members = np.flatnonzero(groups == g)
        z = _stratified_normal(rng, len(members))
        logt = np.log(_TMB_MEDIAN_PER_MB[g] * EXOME_SIZE_MB) + np.where(
            z < 0, _TMB_SD_LOW * z, _TMB_SD_HIGH * z
        )
        target[members] = np.maximum(np.rint(np.exp(logt)), 3).astype(np.int64)
    driver_nonsyn = np.bincount(d_sample, minlength=n)
    n_pass = np.maximum(target - driver_nonsyn, 0)
    n_silent = rng.poisson(_SILENT_FRACTION * np.maximum(target, driver_nonsyn))

    # ---- passengers: genes weighted by length, drivers excluded -------------------------
    pool = np.flatnonzero(~genes["gene_symbol"].isin(list(_DRIVERS)).to_numpy())
    pw = genes["length"].to_numpy()[pool].astype(float)
    pw /= pw.sum()
    p_sample = np.repeat(np.arange(n), n_pass)
    s_sample = np.repeat(np.arange(n), n_silent)
    p_gene = pool[rng.choice(len(pool), size=len(p_sample) + len(s_sample), p=pw)]
    p_cls = np.concatenate(
        [
            _choice_codes(rng, _PASSENGER_NONSYN, len(p_sample)),
            _choice_codes(rng, _PASSENGER_OTHER, len(s_sample)),
        ]
    )

    sample = np.concatenate([d_sample, p_sample, s_sample])
    gene = np.concatenate([d_gene, p_gene])
    cls = np.concatenate([d_cls, p_cls])
    hot = np.concatenate([d_hot, np.full(len(p_cls), -1)])
    plen = genes["protein_length"].to_numpy()[gene]
    ppos = np.concatenate([d_ppos, rng.random(len(p_cls))])
    prot_pos = np.clip((ppos * plen).astype(np.int64) + 1, 1, plen)
    is_driver = np.concatenate([np.ones(len(d_cls), bool), np.zeros(len(p_cls), bool)])
    maf = _realise(rng, wes, genes, sample, gene, cls, hot, prot_pos, is_driver, signature_rng)
    return maf


def _driver_classes(
    rng: np.random.Generator, genes: pd.DataFrame, d_gene: np.ndarray, first_hit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Variant class, hotspot index (-1 none) and relative protein position per driver hit."""
    m = len(d_gene)
    cls = np.zeros(m, dtype=np.int64)
    hot = np.full(m, -1, dtype=np.int64)
    ppos = rng.random(m)
    symbols = genes["gene_symbol"].to_numpy()[d_gene]
    hs_gene = np.array([h[0] for h in _HOTSPOTS])
    hs_w = np.array([h[6] for h in _HOTSPOTS])
    u_hot = np.where(first_hit, rng.random(m), 1.0)  # second hits are never hotspots
    for sym in _DRIVERS:
        idx = np.flatnonzero(symbols == sym)
        if len(idx) == 0:
            continue
        _, profile, hot_frac, _, (lo, hi) = _DRIVERS[sym]
        cls[idx] = _choice_codes(rng, _PROFILES[profile], len(idx))
        ppos[idx] = lo + (hi - lo) * ppos[idx]
        cand = np.flatnonzero(hs_gene == sym)
        is_hot = u_hot[idx] < hot_frac if len(cand) else np.zeros(len(idx), bool)
        if is_hot.any():
            pick = rng.choice(cand, size=int(is_hot.sum()), p=hs_w[cand] / hs_w[cand].sum())
            hot[idx[is_hot]] = pick
            cls[idx[is_hot]] = _CLS["Missense_Mutation"]
    return cls, hot, ppos


def _realise(
    rng: np.random.Generator,
    wes: pd.DataFrame,
    genes: pd.DataFrame,
    sample: np.ndarray,
    gene: np.ndarray,
    cls: np.ndarray,
    hot: np.ndarray,
    prot_pos: np.ndarray,
    is_driver: np.ndarray,
    signature_rng: np.random.Generator,
) -> pd.DataFrame:
    """Turn (sample, gene, class) rows into MAF rows: types, coordinates, alleles, HGVSp."""
    m = len(sample)
    n = len(wes)
    c = cls
    # ---- variant type -----------------------------------------------------------------
    u = rng.random(m)
    vtype = np.full(m, "SNP", dtype=object)
    vtype[(c == _CLS["Missense_Mutation"]) & (u < 0.03)] = "DNP"
    vtype[(c == _CLS["Nonsense_Mutation"]) & (u < 0.02)] = "DNP"
    vtype[np.isin(c, [_CLS["Frame_Shift_Del"], _CLS["In_Frame_Del"]])] = "DEL"
    vtype[np.isin(c, [_CLS["Frame_Shift_Ins"], _CLS["In_Frame_Ins"]])] = "INS"
    vtype[(c == _CLS["Splice_Site"]) & (u < 0.15)] = "DEL"
    vtype[(c == _CLS["Splice_Region"]) & (u < 0.05)] = "DEL"
    vtype[(c == _CLS["Splice_Region"]) & (u >= 0.05) & (u < 0.10)] = "INS"
    noncoding = np.isin(c, [_CLS["3'UTR"], _CLS["5'UTR"], _CLS["Intron"]])
    vtype[noncoding & (u < 0.10)] = "DEL"
    vtype[noncoding & (u >= 0.10) & (u < 0.15)] = "INS"
    vtype[hot >= 0] = "SNP"

    # ---- indel lengths ------------------------------------------------------------------
    fs = np.array([1, 2, 4, 5, 7, 8, 10, 11])
    fs_p = np.array([0.62, 0.18, 0.07, 0.05, 0.03, 0.02, 0.02, 0.01])
    inf = np.array([3, 6, 9, 12, 15, 18])
    inf_p = np.array([0.55, 0.2, 0.12, 0.07, 0.04, 0.02])
    ind_len = rng.choice(np.arange(1, 7), size=m, p=[0.5, 0.2, 0.1, 0.1, 0.05, 0.05])
    is_fs = np.isin(c, [_CLS["Frame_Shift_Del"], _CLS["Frame_Shift_Ins"]])
    is_if = np.isin(c, [_CLS["In_Frame_Del"], _CLS["In_Frame_Ins"]])
    ind_len[is_fs] = rng.choice(fs, size=int(is_fs.sum()), p=fs_p)
    ind_len[is_if] = rng.choice(inf, size=int(is_if.sum()), p=inf_p)

    # ---- positions inside the gene -------------------------------------------------------
    gstart = genes["start"].to_numpy()[gene]
    gend = genes["end"].to_numpy()[gene]
    span = np.select([vtype == "SNP", vtype == "DNP", vtype == "INS"], [1, 2, 2], default=ind_len)
    room = np.maximum(gend - gstart + 1 - span, 0)
    start = gstart + np.floor(rng.random(m) * (room + 1)).astype(np.int64)
    end = np.select(
        [vtype == "SNP", vtype == "DEL"], [start, start + ind_len - 1], default=start + 1
    )

    # ---- alleles -------------------------------------------------------------------------
    ref = np.full(m, "-", dtype=object)
    alt = np.full(m, "-", dtype=object)
    context = np.full(m, "", dtype=object)
    dels = vtype == "DEL"
    ins = vtype == "INS"
    ref[dels] = _random_strings(rng, ind_len[dels], b"ACGT")
    alt[ins] = _random_strings(rng, ind_len[ins], b"ACGT")
    dnp = np.flatnonzero(vtype == "DNP")
    if len(dnp):
        r2 = rng.integers(0, 4, size=(len(dnp), 2))
        a2 = (r2 + rng.integers(1, 4, size=(len(dnp), 2))) % 4
        cc = rng.random(len(dnp)) < 0.4  # CC>TT is the common doublet
        r2[cc], a2[cc] = 1, 3
        ref[dnp] = np.char.add(_BASES[r2[:, 0]], _BASES[r2[:, 1]]).astype(object)
        alt[dnp] = np.char.add(_BASES[a2[:, 0]], _BASES[a2[:, 1]]).astype(object)
    snp = np.flatnonzero((vtype == "SNP") & (hot < 0))
    if len(snp):
        r1, a1, ctx = _snp_alleles(rng, signature_rng, n, sample[snp])
        ref[snp], alt[snp], context[snp] = r1, a1, ctx
    hs = np.flatnonzero(hot >= 0)
    if len(hs):
        table = np.array([h[1:6] for h in _HOTSPOTS], dtype=object)
        row = table[hot[hs]]
        start[hs] = row[:, 0].astype(np.int64)
        end[hs] = start[hs]
        ref[hs], alt[hs], context[hs] = row[:, 1], row[:, 2], row[:, 3]

    # ---- protein change ------------------------------------------------------------------
    hgvsp = _hgvsp(rng, c, prot_pos, ind_len, genes["protein_length"].to_numpy()[gene])
    if len(hs):
        hgvsp[hs] = np.array([h[5] for h in _HOTSPOTS], dtype=object)[hot[hs]]

    # ---- read counts ---------------------------------------------------------------------
    purity = rng.beta(7.0, 4.0, size=n)
    depth = rng.negative_binomial(6, 6 / (6 + 150.0), size=m) + 20
    ccf = np.where(is_driver | (rng.random(m) < 0.7), 1.0, rng.uniform(0.15, 1.0, size=m))
    vaf = purity[sample] * ccf / 2.0
    loh = is_driver & (gene == _gene_index(genes, "TP53")) & (rng.random(m) < 0.6)
    vaf[loh] = purity[sample[loh]] / (2.0 - purity[sample[loh]])
    t_alt = np.clip(rng.binomial(depth, np.clip(vaf, 0.01, 0.99)), 4, depth - 1)
    t_ref = depth - t_alt

    chrom = genes["chrom"].to_numpy()[gene]
    maf = pd.DataFrame(
        {
            "Hugo_Symbol": genes["gene_symbol"].to_numpy()[gene].astype(object),
            "Chromosome": chrom.astype(object),
            "Start_Position": start.astype(np.int64),
            "End_Position": end.astype(np.int64),
            "Reference_Allele": ref,
            "Tumor_Seq_Allele2": alt,
            "Variant_Classification": np.array(_CLASSES, dtype=object)[c],
            "Variant_Type": vtype,
            "Tumor_Sample_Barcode": wes["patient_id"].astype(str).to_numpy().astype(object)[sample],
            "t_ref_count": t_ref.astype(np.int64),
            "t_alt_count": t_alt.astype(np.int64),
            "HGVSp_Short": hgvsp,
            "Trinucleotide_Context": context,
        }
    )
    crank = pd.Series({ch: i for i, ch in enumerate(CHROMOSOMES)})[chrom].to_numpy()
    order = np.lexsort(
        (maf["End_Position"].to_numpy(), maf["Start_Position"].to_numpy(), crank, sample)
    )
    maf = maf.iloc[order]
    # two random hits on one base of one sample are vanishingly rare; keep the first
    maf = maf[~maf.duplicated(["Tumor_Sample_Barcode", "Chromosome", "Start_Position"])]
    return maf.reset_index(drop=True)


def _gene_index(genes: pd.DataFrame, symbol: str) -> int:
    return int(np.flatnonzero(genes["gene_symbol"].to_numpy() == symbol)[0])


def _snp_alleles(
    rng: np.random.Generator,
    signature_rng: np.random.Generator,
    n_samples: int,
    snp_sample: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw SBS-96 channels from per-sample signature mixtures; report on a random strand.

    The exposures are drawn from ``signature_rng`` (one Dirichlet draw per sample, the same
    distribution for every group), the channels and strands from ``rng``.
    """
    sig = signature_matrix()
    exposures = signature_rng.dirichlet(_EXPOSURE_ALPHA, size=n_samples)
    probs = exposures @ sig.to_numpy().T  # samples x 96
    probs /= probs.sum(axis=1, keepdims=True)
    counts = np.bincount(snp_sample, minlength=n_samples)
    chan_counts = rng.multinomial(counts, probs)
    channels = np.repeat(np.tile(np.arange(96), n_samples), chan_counts.ravel())
    order = np.lexsort((rng.random(len(snp_sample)), snp_sample))
    chan = np.empty(len(snp_sample), dtype=np.int64)
    chan[order] = channels
    # lookup of the 96 channels on the pyrimidine strand (0..95) and reverse strand (96..191)
    ref_t, alt_t, ctx_t = _channel_tables(tuple(sig.index))
    key = chan + 96 * (rng.random(len(chan)) < 0.5)
    return ref_t[key], alt_t[key], ctx_t[key]


@lru_cache(maxsize=1)
def _channel_tables(types: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ref = [t[2] for t in types]
    alt = [t[4] for t in types]
    ctx = [t[0] + t[2] + t[6] for t in types]
    ref += [r.translate(_COMPLEMENT) for r in ref]
    alt += [a.translate(_COMPLEMENT) for a in alt]
    ctx += [x.translate(_COMPLEMENT)[::-1] for x in ctx]
    return (np.array(ref, dtype=object), np.array(alt, dtype=object), np.array(ctx, dtype=object))


def _random_strings(rng: np.random.Generator, lengths: np.ndarray, alphabet: bytes) -> np.ndarray:
    """Random strings over ``alphabet`` with the given lengths (object array), vectorised."""
    n = len(lengths)
    if n == 0:
        return np.zeros(0, dtype=object)
    width = int(max(lengths.max(), 1))
    letters = np.frombuffer(alphabet, dtype=np.uint8)
    codes = letters[rng.integers(0, len(letters), size=(n, width))]
    codes[np.arange(width)[None, :] >= lengths[:, None]] = 0
    return codes.view(f"S{width}").ravel().astype(str).astype(object)


def _hgvsp(
    rng: np.random.Generator,
    c: np.ndarray,
    pos: np.ndarray,
    ind_len: np.ndarray,
    plen: np.ndarray,
) -> np.ndarray:
    """Short protein change per class (VEP/vcf2maf style); empty for non-coding classes."""
    m = len(c)
    aw = _AMINO_W / _AMINO_W.sum()
    i1 = rng.choice(20, size=m, p=aw)
    aa1 = _AMINO[i1].astype(object)
    aa2 = _AMINO[(i1 + rng.integers(1, 20, size=m)) % 20].astype(object)
    aa_next = _AMINO[rng.choice(20, size=m, p=aw)].astype(object)
    stop_aa = _STOP_GAIN_AA[rng.integers(0, len(_STOP_GAIN_AA), size=m)].astype(object)
    silent_aa = _SILENT_AA[rng.integers(0, len(_SILENT_AA), size=m)].astype(object)
    fs_len = rng.integers(2, 60, size=m).astype(str).astype(object)
    n_aa = np.maximum(ind_len // 3, 1)
    p = pos.astype(str).astype(object)
    p1 = (pos + 1).astype(str).astype(object)
    pend = (pos + n_aa - 1).astype(str).astype(object)
    ins_aa = _random_strings(rng, n_aa, "".join(_AMINO).encode())
    out = np.full(m, "", dtype=object)

    def put(name: str, values: np.ndarray) -> None:
        sel = c == _CLS[name]
        out[sel] = values[sel]

    put("Missense_Mutation", "p." + aa1 + p + aa2)
    put("Nonsense_Mutation", "p." + stop_aa + p + "*")
    put("Silent", "p." + silent_aa + p + "=")
    put("Frame_Shift_Del", "p." + aa1 + p + aa2 + "fs*" + fs_len)
    put("Frame_Shift_Ins", "p." + aa1 + p + aa2 + "fs*" + fs_len)
    one = n_aa == 1
    multi = "p." + aa1 + p + "_" + aa_next + pend + "del"
    put("In_Frame_Del", np.where(one, "p." + aa1 + p + "del", multi))
    put("In_Frame_Ins", "p." + aa1 + p + "_" + aa_next + p1 + "ins" + ins_aa)
    put("Splice_Site", "p.X" + p + "_splice")
    put("Translation_Start_Site", np.full(m, "p.M1?", dtype=object))
    put("Nonstop_Mutation", "p.*" + (plen + 1).astype(str).astype(object) + aa2 + "ext*?")
    return out


def _empty_maf() -> pd.DataFrame:
    ints = {"Start_Position", "End_Position", "t_ref_count", "t_alt_count"}
    return pd.DataFrame(
        {col: pd.Series(dtype=np.int64 if col in ints else object) for col in MAF_COLUMNS}
    )
