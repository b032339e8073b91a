"""Single-base-substitution (SBS) catalogues and COSMIC signature refitting.

Reference behaviour
-------------------
* **Input** is a variant table with the warehouse's staged (snake_case) MAF columns:
  ``sample_id``, ``chromosome``, ``start_position``, ``reference_allele``, ``tumor_allele``,
  ``variant_type`` and, for the 96-channel catalogue, ``trinucleotide_context`` (the
  reference-strand 3-mer centred on the SNV). :func:`maf_to_staged` renames raw MAF columns.
* **Deduplication** follows maftools ``read.maf(removeDuplicatedVariants = TRUE)``: rows
  sharing (chromosome, start_position, sample_id, reference_allele, tumor_allele) are
  collapsed to the first occurrence. Removed rows are counted, never dropped silently.
* **SNV filter**: ``variant_type == "SNP"`` with single-base reference and tumour alleles in
  A/C/G/T that differ. Alleles and contexts are compared case-insensitively.
* **Pyrimidine normalisation** (SigProfiler / COSMIC convention): a purine reference (A or G)
  is reverse-complemented together with its alternative allele and 3-mer, so every channel
  has a C or T reference, e.g. ref G, alt T, context AGC -> ``G[C>A]T``.
* **Channel order** is the COSMIC ``Type`` order (5' base, then substitution, then 3' base,
  each alphabetical): ``A[C>A]A, A[C>A]C, ..., T[T>G]T`` (:data:`SBS96_CHANNELS`).
* **Exclusions** are returned as a long frame (sample_id, reason, n_variants), one row per
  sample and reason with at least one variant. Reasons, first match wins:
  :data:`REASON_DUPLICATE`, :data:`REASON_NOT_SBS`, :data:`REASON_NO_CONTEXT`,
  :data:`REASON_BAD_CONTEXT`, :data:`REASON_CONTEXT_MISMATCH` (the last three only for the
  96-channel catalogue).
* **Refitting** is per-sample non-negative least squares of the count vector on the
  signature profiles (``scipy.optimize.nnls``), as in the NNLS step of deconstructSigs /
  SigProfilerAssignment without their forward/backward signature selection.
* **Catalogue per sample** (:func:`signature_exposures_long`): SBS-96 when the sample has
  at least one SNV with a usable context, else SBS-6 against the COSMIC profiles collapsed
  to six classes (a MAF without trinucleotide context, e.g. TCGA Firehose), else no fit
  (null exposures and a note). The catalogue used is reported on every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from calcomics.reference import cosmic_sbs_table

__all__ = [
    "BREAST_SIGNATURES",
    "CATALOGUE_SBS6",
    "CATALOGUE_SBS96",
    "MAF_TO_STAGED",
    "NOTE_NO_USABLE_SNV",
    "REASON_BAD_CONTEXT",
    "REASON_CONTEXT_MISMATCH",
    "REASON_DUPLICATE",
    "REASON_NOT_SBS",
    "REASON_NO_CONTEXT",
    "SBS6_CHANNELS",
    "SBS96_CHANNELS",
    "collapse_to_sbs6",
    "cosmic_sbs6_signatures",
    "exposure_proportions",
    "fit_exposures",
    "load_cosmic_signatures",
    "maf_to_staged",
    "reconstruction_cosine",
    "sbs6_catalogue",
    "sbs6_catalogue_with_exclusions",
    "sbs96_catalogue",
    "sbs96_catalogue_with_exclusions",
    "sbs_catalogue",
    "signature_exposures_long",
]

BREAST_SIGNATURES: tuple[str, ...] = ("SBS1", "SBS2", "SBS3", "SBS5", "SBS8", "SBS13", "SBS18")
"""Default COSMIC v3.2 signatures for refitting breast cancers.

These are the SBS signatures reported as active in breast cancer by the PCAWG / COSMIC
analysis (Alexandrov et al. 2020 Nature 578:94) and the 560 breast genomes of Nik-Zainal et
al. 2016 (Nature 534:47): clock-like SBS1 (5-methylcytosine deamination) and SBS5, the
APOBEC3 pair SBS2 / SBS13, SBS3 (homologous-recombination deficiency, BRCA1/2), SBS8 and
SBS18 (reactive-oxygen damage). Restricting the fit to the tissue's signatures avoids the
over-fitting of refitting against all 78 COSMIC profiles. The demo generator
(:mod:`calcomics.synth.mutations`) plants mixtures of exactly these signatures.
"""

SBS6_CHANNELS: tuple[str, ...] = ("C>A", "C>G", "C>T", "T>A", "T>C", "T>G")
"""The six pyrimidine-reference substitution classes, in COSMIC order."""

SBS96_CHANNELS: tuple[str, ...] = tuple(
    f"{five}[{sub}]{three}" for five in "ACGT" for sub in SBS6_CHANNELS for three in "ACGT"
)
"""The 96 trinucleotide channels in COSMIC ``Type`` order (e.g. ``A[C>A]A``)."""

REASON_DUPLICATE = "duplicate variant"
REASON_NOT_SBS = "not a single-base substitution"
REASON_NO_CONTEXT = "no trinucleotide context"
REASON_BAD_CONTEXT = "malformed trinucleotide context"
REASON_CONTEXT_MISMATCH = "context middle base differs from reference allele"

CATALOGUE_SBS96 = "SBS-96"
"""``signature_catalogue`` of a sample fitted on its 96 trinucleotide channels."""
CATALOGUE_SBS6 = "SBS-6"
"""``signature_catalogue`` of a sample fitted on the six classes (no trinucleotide context)."""
NOTE_NO_USABLE_SNV = "not fitted: no usable single-base substitution"
"""``fit_note`` of a sample without a single SNV to fit (exposures null)."""

_LONG_DTYPES: dict[str, str] = {
    "sample_id": "string",
    "signature": "string",
    "signature_catalogue": "string",
    "exposure": "float64",
    "proportion": "float64",
    "reconstruction_cosine": "float64",
    "n_snvs_used": "int64",
    "n_variants_excluded": "int64",
    "fit_note": "string",
}

MAF_TO_STAGED: dict[str, str] = {
    "Tumor_Sample_Barcode": "sample_id",
    "Hugo_Symbol": "gene_symbol",
    "Chromosome": "chromosome",
    "Start_Position": "start_position",
    "End_Position": "end_position",
    "Reference_Allele": "reference_allele",
    "Tumor_Seq_Allele2": "tumor_allele",
    "Variant_Classification": "variant_classification",
    "Variant_Type": "variant_type",
    "t_ref_count": "tumor_ref_reads",
    "t_alt_count": "tumor_alt_reads",
    "HGVSp_Short": "protein_change",
    "Trinucleotide_Context": "trinucleotide_context",
}
"""Raw MAF column -> staged warehouse column (as in ``stg_raw__mutations``)."""

DEDUP_KEY = ("chromosome", "start_position", "sample_id", "reference_allele", "tumor_allele")
_REQUIRED = (
    "sample_id",
    "variant_type",
    "chromosome",
    "start_position",
    "reference_allele",
    "tumor_allele",
)
_CONTEXT = "trinucleotide_context"
_EXCLUSION_COLUMNS = ["sample_id", "reason", "n_variants"]
_BASES = "ACGT"  # codes 0..3; complement of code c is 3 - c


# ---------------------------------------------------------------------------------------
# input helpers
# ---------------------------------------------------------------------------------------
def maf_to_staged(maf: pd.DataFrame) -> pd.DataFrame:
    """Rename raw MAF columns to the staged snake_case names; other columns are kept as is.

    Values are unchanged (no chromosome normalisation, no trimming): the catalogue
    functions only need the columns to be internally consistent.
    """
    return maf.rename(columns=MAF_TO_STAGED)


def _check_columns(variants: pd.DataFrame) -> None:
    missing = [c for c in _REQUIRED if c not in variants.columns]
    if missing:
        raise ValueError(f"variants frame lacks columns {missing}")
    if variants["sample_id"].isna().any():
        raise ValueError("sample_id must not be missing")


def _upper(values: pd.Series) -> pd.Series:
    """Upper-case strings with missing values as ''."""
    return values.astype("string").fillna("").str.upper()


def _base_codes(strings: pd.Series, width: int) -> np.ndarray:
    """(n, width) int8 codes of the first ``width`` characters (A0 C1 G2 T3, else -1)."""
    chars = np.asarray(strings.to_numpy(dtype=str), dtype=f"U{width}")
    points = chars.view(np.uint32).reshape(len(chars), width)
    codes = np.full(points.shape, -1, dtype=np.int8)
    for code, base in enumerate(_BASES):
        codes[points == ord(base)] = code
    return codes


# ---------------------------------------------------------------------------------------
# per-row classification
# ---------------------------------------------------------------------------------------
def _samples(variants: pd.DataFrame) -> tuple[pd.Index, np.ndarray]:
    """Sorted distinct sample ids and each row's position in them."""
    codes, uniques = pd.factorize(variants["sample_id"], sort=True)
    return pd.Index(uniques, name="sample_id"), codes


def _sbs6_codes(variants: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: SBS-6 channel index (-1 if unusable), purine-reference flag and reason.

    The reason ('' when the row is usable) covers the checks shared by the 6- and
    96-channel paths: duplicates first, then non-SNVs.
    """
    ref, alt = _upper(variants["reference_allele"]), _upper(variants["tumor_allele"])
    r = _base_codes(ref, 1)[:, 0].astype(np.int64)
    a = _base_codes(alt, 1)[:, 0].astype(np.int64)
    is_snv = (
        (_upper(variants["variant_type"]) == "SNP").to_numpy()
        & (ref.str.len() == 1).to_numpy()
        & (alt.str.len() == 1).to_numpy()
        & (r >= 0)
        & (a >= 0)
        & (r != a)
    )
    purine = (r == 0) | (r == 2)
    pr = np.where(purine, 3 - r, r)  # pyrimidine reference: C (1) or T (3)
    pa = np.where(purine, 3 - a, a)
    sub = np.where(pr == 1, 0, 3) + pa - (pa > pr)  # rank of alt among the other 3 bases
    dup = variants.duplicated(list(DEDUP_KEY), keep="first").to_numpy()
    reason = np.select([dup, ~is_snv], [REASON_DUPLICATE, REASON_NOT_SBS], default="")
    return np.where(reason == "", sub, -1), purine, reason.astype(object)


def _sbs96_codes(variants: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row: SBS-96 channel index in :data:`SBS96_CHANNELS` (-1 if unusable) and reason."""
    sub, purine, reason = _sbs6_codes(variants)
    ok = reason == ""
    if _CONTEXT not in variants.columns:
        reason[ok] = REASON_NO_CONTEXT
        return np.full(len(variants), -1, dtype=np.int64), reason
    ctx = _upper(variants[_CONTEXT]).str.strip()
    codes = _base_codes(ctx, 3).astype(np.int64)
    ref = _base_codes(_upper(variants["reference_allele"]), 1)[:, 0]
    missing = (ctx == "").to_numpy()
    malformed = (ctx.str.len() != 3).to_numpy() | (codes < 0).any(axis=1)
    mismatch = codes[:, 1] != ref
    reason[ok] = np.select(
        [missing[ok], malformed[ok], mismatch[ok]],
        [REASON_NO_CONTEXT, REASON_BAD_CONTEXT, REASON_CONTEXT_MISMATCH],
        default="",
    )
    five = np.where(purine, 3 - codes[:, 2], codes[:, 0])
    three = np.where(purine, 3 - codes[:, 0], codes[:, 2])
    channel = five * 24 + sub * 4 + three
    return np.where(reason == "", channel, -1), reason


# ---------------------------------------------------------------------------------------
# catalogues
# ---------------------------------------------------------------------------------------
def _count_matrix(
    samples: pd.Index, sample_code: np.ndarray, channel: np.ndarray, names: Sequence[str]
) -> pd.DataFrame:
    k = len(names)
    keep = channel >= 0
    flat = np.bincount(sample_code[keep] * k + channel[keep], minlength=len(samples) * k)
    return pd.DataFrame(flat.reshape(len(samples), k), index=samples, columns=list(names))


def _exclusions(samples: pd.Index, sample_code: np.ndarray, reason: np.ndarray) -> pd.DataFrame:
    drop = reason != ""
    if not drop.any():
        return pd.DataFrame(
            {
                "sample_id": pd.Series(dtype=samples.dtype),
                "reason": pd.Series(dtype=object),
                "n_variants": pd.Series(dtype=np.int64),
            }
        )
    table = pd.DataFrame({"sample_id": samples[sample_code[drop]], "reason": reason[drop]})
    counts = table.groupby(["sample_id", "reason"], sort=True).size()
    return counts.rename("n_variants").astype(np.int64).reset_index()[_EXCLUSION_COLUMNS]


def sbs96_catalogue_with_exclusions(
    variants: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SBS-96 count matrix (samples x :data:`SBS96_CHANNELS`) and the excluded-variant counts.

    Every ``sample_id`` of the input is a row (all zeros when none of its variants is usable),
    sorted by sample id. Excluded rows are counted per (sample_id, reason) in the second
    frame; see the module docstring for the reasons and their precedence. Without a
    ``trinucleotide_context`` column every SNV is excluded as :data:`REASON_NO_CONTEXT`
    (use :func:`sbs6_catalogue` or :func:`sbs_catalogue` for such input).
    """
    _check_columns(variants)
    samples, code = _samples(variants)
    channel, reason = _sbs96_codes(variants)
    return (
        _count_matrix(samples, code, channel, SBS96_CHANNELS),
        _exclusions(samples, code, reason),
    )


def sbs96_catalogue(variants: pd.DataFrame) -> pd.DataFrame:
    """SBS-96 count matrix only; see :func:`sbs96_catalogue_with_exclusions`."""
    return sbs96_catalogue_with_exclusions(variants)[0]


def sbs6_catalogue_with_exclusions(
    variants: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SBS-6 count matrix (samples x :data:`SBS6_CHANNELS`) and the excluded-variant counts.

    Needs no trinucleotide context, so it works on MAFs without one (e.g. TCGA Firehose
    calls). Exclusions are duplicates and non-SNVs only.
    """
    _check_columns(variants)
    samples, code = _samples(variants)
    channel, _, reason = _sbs6_codes(variants)
    return (
        _count_matrix(samples, code, channel, SBS6_CHANNELS),
        _exclusions(samples, code, reason),
    )


def sbs6_catalogue(variants: pd.DataFrame) -> pd.DataFrame:
    """SBS-6 count matrix only; see :func:`sbs6_catalogue_with_exclusions`."""
    return sbs6_catalogue_with_exclusions(variants)[0]


def sbs_catalogue(variants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The richest catalogue the input supports, with the 96-channel path's exclusions.

    Returns the SBS-96 catalogue when at least one row has a trinucleotide context, else
    the SBS-6 catalogue (6 columns). The exclusions are always those of the 96-channel
    path, so a context-less MAF reports its SNVs under :data:`REASON_NO_CONTEXT`: they are
    counted in the SBS-6 catalogue but could not be placed in a 96-channel one.
    """
    catalogue, exclusions = sbs96_catalogue_with_exclusions(variants)
    has_context = _CONTEXT in variants.columns and bool(
        (_upper(variants[_CONTEXT]).str.strip() != "").any()
    )
    if has_context:
        return catalogue, exclusions
    return sbs6_catalogue(variants), exclusions


def collapse_to_sbs6(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Sum an SBS-96 catalogue (columns :data:`SBS96_CHANNELS`) into the six classes."""
    missing = set(SBS96_CHANNELS) - set(catalogue.columns)
    if missing:
        raise ValueError(f"catalogue lacks {len(missing)} SBS-96 channels")
    values = catalogue[list(SBS96_CHANNELS)].to_numpy()
    summed = values.reshape(len(catalogue), 4, 6, 4).sum(axis=(1, 3))
    return pd.DataFrame(summed, index=catalogue.index, columns=list(SBS6_CHANNELS))


# ---------------------------------------------------------------------------------------
# signatures and refitting
# ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _cosmic_table() -> pd.DataFrame:
    table = cosmic_sbs_table()
    if tuple(table.index) != SBS96_CHANNELS:
        raise ValueError("COSMIC signature file is not in the expected 96-channel order")
    table.index.name = "channel"
    return table


def load_cosmic_signatures(names: Sequence[str] | None = None) -> pd.DataFrame:
    """COSMIC v3.2 SBS profiles (GRCh38-normalised): 96 channels x signatures.

    Rows follow :data:`SBS96_CHANNELS`; each column sums to 1. ``names=None`` returns all
    78 signatures; otherwise the named ones in the given order (unknown names raise
    ``KeyError``). Pass :data:`BREAST_SIGNATURES` for the breast-cancer subset.
    """
    table = _cosmic_table()
    if names is None:
        return table.copy()
    names = list(names)
    unknown = [n for n in names if n not in table.columns]
    if unknown:
        raise KeyError(f"unknown COSMIC signatures {unknown}")
    return table[names].copy()


def _aligned(catalogue: pd.DataFrame, signatures: pd.DataFrame) -> np.ndarray:
    """Signature matrix (channels x k) reordered to the catalogue's columns."""
    if set(signatures.index) != set(catalogue.columns):
        raise ValueError("signature channels (index) must match the catalogue's columns")
    profiles = signatures.loc[list(catalogue.columns)].to_numpy(dtype=float)
    if not np.isfinite(profiles).all() or (profiles < 0).any():
        raise ValueError("signature profiles must be finite and non-negative")
    return profiles


def fit_exposures(catalogue: pd.DataFrame, signatures: pd.DataFrame) -> pd.DataFrame:
    """Absolute signature exposures per sample by non-negative least squares.

    For each sample (row) solves ``min ||S e - c||_2`` subject to ``e >= 0`` with
    ``scipy.optimize.nnls``, where ``c`` is the count vector and ``S`` the channels x
    signatures matrix (aligned to the catalogue's columns by name). With profiles summing to
    1, ``e`` is the number of mutations attributed to each signature; the exposures of a
    sample sum to its mutation count only approximately (the fit is unconstrained in the
    total). Samples with no mutations get all-zero exposures. Returns samples x signatures.
    """
    profiles = _aligned(catalogue, signatures)
    counts = catalogue.to_numpy(dtype=float)
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("catalogue counts must be finite and non-negative")
    k = profiles.shape[1]
    fitted = [nnls(profiles, row)[0] for row in counts]
    values = np.vstack(fitted) if fitted else np.zeros((0, k))
    return pd.DataFrame(values, index=catalogue.index, columns=signatures.columns)


def exposure_proportions(exposures: pd.DataFrame) -> pd.DataFrame:
    """Row-normalised exposures (each sample's signature shares sum to 1).

    Samples whose exposures sum to 0 (no mutations, or nothing attributed) get NaN in every
    column rather than zeros, so that they cannot be mistaken for a measured absence.
    """
    values = exposures.to_numpy(dtype=float)
    total = values.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, values / total, np.nan)
    return pd.DataFrame(shares, index=exposures.index, columns=exposures.columns)


def reconstruction_cosine(
    catalogue: pd.DataFrame, signatures: pd.DataFrame, exposures: pd.DataFrame
) -> pd.Series:
    """Cosine similarity between each sample's observed and reconstructed profile.

    The reconstruction is ``exposures @ signatures.T`` (channels aligned to the catalogue's
    columns, signatures to the exposures' columns, samples to the catalogue's index). NaN
    for samples whose observed or reconstructed profile is all zeros.
    """
    profiles = _aligned(catalogue, signatures[list(exposures.columns)])
    observed = catalogue.to_numpy(dtype=float)
    rebuilt = exposures.loc[catalogue.index].to_numpy(dtype=float) @ profiles.T
    norm = np.linalg.norm(observed, axis=1) * np.linalg.norm(rebuilt, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(norm > 0, (observed * rebuilt).sum(axis=1) / norm, np.nan)
    return pd.Series(cosine, index=catalogue.index, name="reconstruction_cosine")


def cosmic_sbs6_signatures(names: Sequence[str] | None = None) -> pd.DataFrame:
    """COSMIC v3.2 profiles collapsed to the six substitution classes (6 x signatures).

    Each signature's 96 channel probabilities are summed per class (:func:`collapse_to_sbs6`),
    so every column still sums to 1. Rows follow :data:`SBS6_CHANNELS`.
    """
    collapsed = collapse_to_sbs6(load_cosmic_signatures(names).T).T
    collapsed.index.name = "channel"
    return collapsed


def _fit_long(
    catalogue: pd.DataFrame, signatures: pd.DataFrame, label: str
) -> pd.DataFrame:
    """Long (sample_id, signature) exposures of one catalogue, with its cosine and size."""
    exposures = fit_exposures(catalogue, signatures)
    proportions = exposure_proportions(exposures)
    cosine = reconstruction_cosine(catalogue, signatures, exposures)
    n_samples, k = exposures.shape
    return pd.DataFrame({
        "sample_id": np.repeat(catalogue.index.to_numpy(dtype=object), k),
        "signature": np.tile(np.asarray(signatures.columns, dtype=object), n_samples),
        "signature_catalogue": label,
        "exposure": exposures.to_numpy(dtype=float).reshape(-1),
        "proportion": proportions.to_numpy(dtype=float).reshape(-1),
        "reconstruction_cosine": np.repeat(cosine.to_numpy(dtype=float), k),
        "n_snvs_used": np.repeat(catalogue.sum(axis=1).to_numpy(dtype=np.int64), k),
    })


def signature_exposures_long(
    variants: pd.DataFrame, names: Sequence[str] | None = BREAST_SIGNATURES
) -> pd.DataFrame:
    """One row per sample and signature: exposure, proportion, fit quality and catalogue.

    Each sample is fitted on the richest catalogue its own variants fill:

    * :data:`CATALOGUE_SBS96` when at least one of its SNVs has a usable trinucleotide
      context: the SBS-96 catalogue (SNVs without or with a bad context are excluded and
      counted) against the COSMIC v3.2 profiles ``names``;
    * :data:`CATALOGUE_SBS6` otherwise, when it has at least one SNV (a MAF without
      ``Trinucleotide_Context`` values): the six-class catalogue against the same
      signatures collapsed to six classes (:func:`cosmic_sbs6_signatures`). Six channels
      separate the signatures far less well than 96 (with 7 signatures NNLS is
      underdetermined and may put a signature's mutations on another of similar class
      profile), so SBS-6 exposures are coarse; ``signature_catalogue`` says which was used;
    * no fit when the sample has no usable SNV (only indels, duplicates...): exposure,
      proportion and cosine are null, ``signature_catalogue`` is null and ``fit_note`` is
      :data:`NOTE_NO_USABLE_SNV`.

    Returns sample_id, signature, signature_catalogue, exposure, proportion,
    reconstruction_cosine, n_snvs_used, n_variants_excluded (duplicates, non-SNVs and, for
    SBS-96 samples, SNVs without a usable context) and fit_note (null when fitted), one
    row per sample of the input and signature, sorted by sample then signature order.
    Typed (string, float64, int64) also when the input has no rows.
    """
    signatures96 = load_cosmic_signatures(names)
    signatures6 = cosmic_sbs6_signatures(names)
    catalogue96, excluded96 = sbs96_catalogue_with_exclusions(variants)
    catalogue6, excluded6 = sbs6_catalogue_with_exclusions(variants)
    n96, n6 = catalogue96.sum(axis=1), catalogue6.sum(axis=1)
    use96 = (n96 > 0).to_numpy()
    use6 = ~use96 & (n6 > 0).to_numpy()
    unfitted = catalogue96.index[~use96 & ~use6]
    k = signatures96.shape[1]
    empty = pd.DataFrame({
        "sample_id": np.repeat(unfitted.to_numpy(dtype=object), k),
        "signature": np.tile(np.asarray(signatures96.columns, dtype=object), len(unfitted)),
        "signature_catalogue": None,
        "exposure": np.nan,
        "proportion": np.nan,
        "reconstruction_cosine": np.nan,
        "n_snvs_used": np.int64(0),
    })
    long = pd.concat(
        [
            _fit_long(catalogue96.loc[use96], signatures96, CATALOGUE_SBS96),
            _fit_long(catalogue6.loc[use6], signatures6, CATALOGUE_SBS6),
            empty,
        ],
        ignore_index=True,
    )
    samples96 = catalogue96.index[use96]
    excluded = pd.concat([
        excluded96[excluded96["sample_id"].isin(samples96)],
        excluded6[~excluded6["sample_id"].isin(samples96)],
    ]).groupby("sample_id")["n_variants"].sum()
    long["n_variants_excluded"] = long["sample_id"].map(excluded).fillna(0).astype(np.int64)
    long["fit_note"] = np.where(long["sample_id"].isin(unfitted), NOTE_NO_USABLE_SNV, None)
    order = pd.Series(range(k), index=signatures96.columns)
    long = long.assign(_order=long["signature"].map(order)).sort_values(
        ["sample_id", "_order"], kind="stable").drop(columns="_order")
    return long.reset_index(drop=True).astype(_LONG_DTYPES)[list(_LONG_DTYPES)]
