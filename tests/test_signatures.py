"""Tests of SBS catalogues and COSMIC signature refitting (calcomics.methods.signatures)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calcomics.methods.signatures import (
    BREAST_SIGNATURES,
    CATALOGUE_SBS6,
    CATALOGUE_SBS96,
    NOTE_NO_USABLE_SNV,
    REASON_BAD_CONTEXT,
    REASON_CONTEXT_MISMATCH,
    REASON_DUPLICATE,
    REASON_NO_CONTEXT,
    REASON_NOT_SBS,
    SBS6_CHANNELS,
    SBS96_CHANNELS,
    collapse_to_sbs6,
    cosmic_sbs6_signatures,
    exposure_proportions,
    fit_exposures,
    load_cosmic_signatures,
    maf_to_staged,
    reconstruction_cosine,
    sbs6_catalogue,
    sbs6_catalogue_with_exclusions,
    sbs96_catalogue,
    sbs96_catalogue_with_exclusions,
    sbs_catalogue,
    signature_exposures_long,
)
from calcomics.reference import data_path
from calcomics.synth import mutations as synth_mutations

DATA = Path(__file__).parent / "data"
TCGA_SUBSET = DATA / "tcga_brca_mutations_subset.maf.tsv.gz"


def variants(rows: list[tuple], context: bool = True) -> pd.DataFrame:
    """Staged variant frame from (sample, chrom, pos, ref, alt, type, context) tuples."""
    cols = [
        "sample_id",
        "chromosome",
        "start_position",
        "reference_allele",
        "tumor_allele",
        "variant_type",
        "trinucleotide_context",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    return frame if context else frame.drop(columns="trinucleotide_context")


def as_dict(exclusions: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(s, r): int(n) for s, r, n in exclusions.itertuples(index=False)}


# ---- channels and signature table ------------------------------------------------------
def test_channel_order_matches_cosmic_file() -> None:
    table = pd.read_csv(data_path("cosmic_sbs_v3.2_grch38.tsv"), sep="\t")
    assert tuple(table["Type"]) == SBS96_CHANNELS
    assert len(set(SBS96_CHANNELS)) == 96
    assert SBS6_CHANNELS == ("C>A", "C>G", "C>T", "T>A", "T>C", "T>G")


def test_load_cosmic_signatures() -> None:
    everything = load_cosmic_signatures()
    assert everything.shape == (96, 78)
    assert tuple(everything.index) == SBS96_CHANNELS
    np.testing.assert_allclose(everything.sum(), 1.0, atol=1e-6)
    breast = load_cosmic_signatures(BREAST_SIGNATURES)
    assert tuple(breast.columns) == BREAST_SIGNATURES
    assert list(load_cosmic_signatures(["SBS13", "SBS2"]).columns) == ["SBS13", "SBS2"]
    # the generator plants mixtures of the same subset
    assert BREAST_SIGNATURES == synth_mutations.BREAST_SIGNATURES
    with pytest.raises(KeyError, match="SBS999"):
        load_cosmic_signatures(["SBS1", "SBS999"])
    breast.iloc[0, 0] = -1.0  # callers get a copy, not the cached table
    assert load_cosmic_signatures(["SBS1"]).iloc[0, 0] > 0


# ---- SBS-96 catalogue --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ref", "alt", "context", "channel"),
    [
        ("G", "T", "AGC", "G[C>A]T"),  # purine: reverse complement of AGC is GCT
        ("C", "T", "ACG", "A[C>T]G"),  # pyrimidine: unchanged
        ("A", "G", "TAC", "G[T>C]A"),
        ("T", "A", "CTG", "C[T>A]G"),
        ("G", "A", "TGA", "T[C>T]A"),
        ("A", "C", "GAT", "A[T>G]C"),
        ("C", "G", "TCA", "T[C>G]A"),
        ("g", "t", "agc", "G[C>A]T"),  # case-insensitive
    ],
)
def test_pyrimidine_normalisation(ref: str, alt: str, context: str, channel: str) -> None:
    catalogue = sbs96_catalogue(variants([("S1", "chr1", 100, ref, alt, "SNP", context)]))
    assert list(catalogue.columns) == list(SBS96_CHANNELS)
    assert catalogue.loc["S1", channel] == 1
    assert catalogue.to_numpy().sum() == 1
    six = sbs6_catalogue(variants([("S1", "chr1", 100, ref, alt, "SNP", context)]))
    assert six.loc["S1", channel[2:5]] == 1


def test_exclusions_are_counted_not_dropped() -> None:
    rows = [
        ("S1", "chr1", 10, "C", "T", "SNP", "TCA"),  # usable
        ("S1", "chr1", 10, "C", "T", "SNP", "TCA"),  # duplicate of the row above
        ("S1", "chr1", 11, "C", "A", "SNP", "TC"),  # context too short
        ("S1", "chr1", 12, "C", "A", "SNP", "TNA"),  # non-ACGT context
        ("S1", "chr1", 13, "C", "A", "SNP", "TAA"),  # middle base is not the reference
        ("S1", "chr1", 14, "C", "A", "SNP", None),  # missing context
        ("S1", "chr1", 15, "C", "A", "SNP", ""),  # empty context
        ("S2", "chr2", 20, "-", "AT", "INS", None),  # indels are not SBS
        ("S2", "chr2", 30, "AC", "-", "DEL", None),
        ("S2", "chr2", 40, "CC", "TT", "DNP", None),
        ("S2", "chr2", 50, "C", "C", "SNP", "ACA"),  # not a substitution
        ("S2", "chr2", 60, "N", "T", "SNP", "ANA"),
        ("S3", "chr3", 70, "A", "G", "SNP", "CAT"),  # usable: C[T>C]G after reverse complement
        ("S3", "chr3", 70, "A", "T", "SNP", "CAT"),  # same position, other allele: kept
    ]
    frame = variants(rows)
    catalogue, exclusions = sbs96_catalogue_with_exclusions(frame)
    assert list(catalogue.index) == ["S1", "S2", "S3"]  # S2 has nothing usable: zeros
    assert catalogue.sum(axis=1).tolist() == [1, 0, 2]
    assert catalogue.loc["S1", "T[C>T]A"] == 1
    assert catalogue.loc["S3", ["A[T>C]G", "A[T>A]G"]].tolist() == [1, 1]
    assert as_dict(exclusions) == {
        ("S1", REASON_DUPLICATE): 1,
        ("S1", REASON_BAD_CONTEXT): 2,
        ("S1", REASON_CONTEXT_MISMATCH): 1,
        ("S1", REASON_NO_CONTEXT): 2,
        ("S2", REASON_NOT_SBS): 5,
    }
    assert list(exclusions.columns) == ["sample_id", "reason", "n_variants"]
    # every input row is either counted in the catalogue or in the exclusions
    assert catalogue.to_numpy().sum() + exclusions["n_variants"].sum() == len(frame)

    six, six_excl = sbs6_catalogue_with_exclusions(frame)
    assert six.sum(axis=1).tolist() == [6, 0, 2]  # context problems do not matter for SBS-6
    assert as_dict(six_excl) == {("S1", REASON_DUPLICATE): 1, ("S2", REASON_NOT_SBS): 5}


def test_no_exclusions_gives_empty_typed_frame() -> None:
    catalogue, exclusions = sbs96_catalogue_with_exclusions(
        variants([("S1", "1", 5, "T", "G", "SNP", "GTC")])
    )
    assert catalogue.loc["S1", "G[T>G]C"] == 1
    assert exclusions.empty
    assert list(exclusions.columns) == ["sample_id", "reason", "n_variants"]


def test_missing_columns_raise() -> None:
    frame = variants([("S1", "1", 5, "T", "G", "SNP", "GTC")]).drop(columns="chromosome")
    with pytest.raises(ValueError, match="chromosome"):
        sbs96_catalogue(frame)


def test_context_free_input_falls_back_to_sbs6() -> None:
    rows = [
        ("S1", "1", 5, "G", "A", "SNP", None),
        ("S1", "1", 6, "T", "C", "SNP", None),
        ("S2", "1", 7, "-", "A", "INS", None),
    ]
    frame = variants(rows, context=False)
    catalogue, exclusions = sbs96_catalogue_with_exclusions(frame)
    assert catalogue.to_numpy().sum() == 0
    assert as_dict(exclusions) == {("S1", REASON_NO_CONTEXT): 2, ("S2", REASON_NOT_SBS): 1}
    fallback, fallback_excl = sbs_catalogue(frame)
    assert list(fallback.columns) == list(SBS6_CHANNELS)
    assert fallback.loc["S1", ["C>T", "T>C"]].tolist() == [1, 1]
    pd.testing.assert_frame_equal(fallback_excl, exclusions)
    # a context column holding only nulls behaves the same
    assert list(sbs_catalogue(variants(rows))[0].columns) == list(SBS6_CHANNELS)


# ---- refitting ---------------------------------------------------------------------------
def test_exact_mixture_is_recovered() -> None:
    breast = load_cosmic_signatures(BREAST_SIGNATURES)
    truth = pd.DataFrame(
        {"SBS1": [120.0, 0.0, 40.0], "SBS3": [300.0, 80.0, 0.0], "SBS13": [55.5, 410.0, 7.0]},
        index=pd.Index(["A", "B", "C"], name="sample_id"),
    )
    catalogue = truth @ breast[truth.columns].T  # exact non-negative mixture
    catalogue = catalogue[list(SBS96_CHANNELS)]
    exposures = fit_exposures(catalogue, breast)
    expected = truth.reindex(columns=list(BREAST_SIGNATURES), fill_value=0.0)
    np.testing.assert_allclose(exposures.to_numpy(), expected.to_numpy(), atol=1e-6)
    cosine = reconstruction_cosine(catalogue, breast, exposures)
    np.testing.assert_allclose(cosine.to_numpy(), 1.0, atol=1e-12)
    # channel order of the catalogue does not matter (alignment by name)
    shuffled = catalogue[list(reversed(SBS96_CHANNELS))]
    np.testing.assert_allclose(fit_exposures(shuffled, breast), expected, atol=1e-6)


def test_nnls_reconstruction_beats_the_true_profile() -> None:
    """NNLS projects onto the signature cone, so its cosine is >= that of the true mixture."""
    rng = np.random.default_rng(0)
    breast = load_cosmic_signatures(BREAST_SIGNATURES)
    weights = rng.dirichlet(np.full(len(BREAST_SIGNATURES), 0.7), size=40)
    probs = weights @ breast.to_numpy().T
    counts = rng.multinomial(rng.integers(30, 400, size=40), probs / probs.sum(axis=1)[:, None])
    catalogue = pd.DataFrame(counts, columns=list(SBS96_CHANNELS))
    exposures = fit_exposures(catalogue, breast)
    fitted = reconstruction_cosine(catalogue, breast, exposures).to_numpy()
    true_cos = (
        (counts * probs).sum(1) / np.linalg.norm(counts, axis=1) / np.linalg.norm(probs, axis=1)
    )
    assert (fitted >= true_cos - 1e-9).all()
    assert (exposures.to_numpy() >= 0).all()


def test_proportions_and_zero_samples() -> None:
    breast = load_cosmic_signatures(BREAST_SIGNATURES)
    catalogue = pd.DataFrame(
        np.vstack([breast["SBS2"].to_numpy() * 50, np.zeros(96)]),
        index=["hit", "empty"],
        columns=list(SBS96_CHANNELS),
    )
    exposures = fit_exposures(catalogue, breast)
    assert (exposures.loc["empty"] == 0).all()
    shares = exposure_proportions(exposures)
    assert shares.loc["hit", "SBS2"] == pytest.approx(1.0)
    assert shares.loc["hit"].sum() == pytest.approx(1.0)
    assert shares.loc["empty"].isna().all()
    cosine = reconstruction_cosine(catalogue, breast, exposures)
    assert cosine["hit"] == pytest.approx(1.0)
    assert np.isnan(cosine["empty"])
    assert cosine.name == "reconstruction_cosine"


def test_fit_rejects_mismatched_channels() -> None:
    catalogue = pd.DataFrame(np.ones((1, 6)), columns=list(SBS6_CHANNELS))
    with pytest.raises(ValueError, match="channels"):
        fit_exposures(catalogue, load_cosmic_signatures(BREAST_SIGNATURES))
    with pytest.raises(ValueError, match="non-negative"):
        fit_exposures(
            -pd.DataFrame(np.ones((1, 96)), columns=list(SBS96_CHANNELS)),
            load_cosmic_signatures(BREAST_SIGNATURES),
        )


# ---- the project's generator -------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_variants() -> pd.DataFrame:
    """Staged MAF of a default-size synthetic cohort (271 WES patients)."""
    rng = np.random.default_rng(21)
    groups = np.repeat(
        list(synth_mutations.DEFAULT_WES_COUNTS),
        list(synth_mutations.DEFAULT_WES_COUNTS.values()),
    )
    patients = pd.DataFrame(
        {
            "patient_id": [f"P{i + 1:04d}" for i in range(len(groups))],
            "calcification_group": rng.permutation(groups),
            "has_wes": True,
            "ki67_ihc_pct": rng.integers(1, 60, len(groups)).astype(float),
        }
    )
    maf = synth_mutations.simulate_mutations(patients, np.random.default_rng(22))
    return maf_to_staged(maf)


def test_generator_catalogue_is_complete(demo_variants: pd.DataFrame) -> None:
    catalogue, exclusions = sbs96_catalogue_with_exclusions(demo_variants)
    assert len(catalogue) == demo_variants["sample_id"].nunique()
    snv = demo_variants["variant_type"] == "SNP"
    assert catalogue.to_numpy().sum() == snv.sum()  # every generated SNV has a valid context
    assert set(exclusions["reason"]) == {REASON_NOT_SBS}
    assert exclusions["n_variants"].sum() == (~snv).sum()
    pd.testing.assert_frame_equal(collapse_to_sbs6(catalogue), sbs6_catalogue(demo_variants))


def test_generator_is_reconstructed_by_breast_signatures(demo_variants: pd.DataFrame) -> None:
    """Refitting the planted breast signatures reconstructs the generated profiles.

    The generator draws SNVs from per-sample mixtures of BREAST_SIGNATURES, so the only
    misfit is multinomial sampling noise: with ~50-100 SNVs over 96 channels even the true
    profile has a cosine of about 0.85-0.9 with the counts (seeds 0-5: median 0.88-0.90 for
    >= 50 SNVs, 0.92-0.94 for >= 100 SNVs), hence two thresholds.
    """
    catalogue = sbs96_catalogue(demo_variants)
    breast = load_cosmic_signatures(BREAST_SIGNATURES)
    exposures = fit_exposures(catalogue, breast)
    cosine = reconstruction_cosine(catalogue, breast, exposures)
    n_snv = catalogue.sum(axis=1)
    assert (n_snv >= 50).sum() >= 100
    assert cosine[n_snv >= 50].median() > 0.85
    assert cosine[n_snv >= 100].median() > 0.9
    # the planted subset fits about as well as all 78 COSMIC signatures (no missing process)
    everything = load_cosmic_signatures()
    cos_all = reconstruction_cosine(catalogue, everything, fit_exposures(catalogue, everything))
    assert cos_all[n_snv >= 50].median() - cosine[n_snv >= 50].median() < 0.06
    # attributed mutations are close to the observed SNV counts
    ratio = exposures.sum(axis=1)[n_snv >= 50] / n_snv[n_snv >= 50]
    assert 0.8 < ratio.median() < 1.1


# ---- real data: TCGA BRCA (no trinucleotide context) -------------------------------------
@pytest.fixture(scope="module")
def tcga_variants() -> pd.DataFrame:
    maf = pd.read_csv(TCGA_SUBSET, sep="\t", low_memory=False)
    assert maf["Tumor_Sample_Barcode"].nunique() == 150
    return maf_to_staged(maf)


def test_tcga_sbs6_catalogue(tcga_variants: pd.DataFrame) -> None:
    six, exclusions = sbs6_catalogue_with_exclusions(tcga_variants)
    assert six.shape == (150, 6)
    snp = tcga_variants["variant_type"] == "SNP"
    # one TP53 call is listed twice for TCGA-A7-A26I (maftools removes it)
    assert as_dict(exclusions[exclusions["reason"] == REASON_DUPLICATE]) == {
        ("TCGA-A7-A26I", REASON_DUPLICATE): 1
    }
    not_sbs = exclusions.loc[exclusions["reason"] == REASON_NOT_SBS, "n_variants"].sum()
    assert not_sbs == (~snp).sum()
    assert six.to_numpy().sum() == snp.sum() - 1
    assert six.to_numpy().sum() + exclusions["n_variants"].sum() == len(tcga_variants)
    totals = six.sum()
    assert totals.idxmax() == "C>T"  # spontaneous deamination dominates
    assert totals["C>G"] > totals["T>A"]  # APOBEC-driven C>G


def test_tcga_96_channel_path_excludes_every_snv(tcga_variants: pd.DataFrame) -> None:
    catalogue, exclusions = sbs96_catalogue_with_exclusions(tcga_variants)
    assert catalogue.shape == (150, 96)
    assert catalogue.to_numpy().sum() == 0
    by_reason = exclusions.groupby("reason")["n_variants"].sum()
    snp = tcga_variants["variant_type"] == "SNP"
    assert by_reason[REASON_NO_CONTEXT] == snp.sum() - 1
    assert by_reason[REASON_DUPLICATE] == 1
    assert by_reason[REASON_NOT_SBS] == (~snp).sum()
    assert by_reason.sum() == len(tcga_variants)
    fallback, fallback_excl = sbs_catalogue(tcga_variants)
    pd.testing.assert_frame_equal(fallback, sbs6_catalogue(tcga_variants))
    pd.testing.assert_frame_equal(fallback_excl, exclusions)


# ---- per-sample catalogue choice (signature_exposures_long) -----------------------------
LONG_DTYPES = {
    "sample_id": "string", "signature": "string", "signature_catalogue": "string",
    "exposure": "float64", "proportion": "float64", "reconstruction_cosine": "float64",
    "n_snvs_used": "int64", "n_variants_excluded": "int64", "fit_note": "string",
}


def test_cosmic_profiles_collapse_to_six_classes() -> None:
    six = cosmic_sbs6_signatures(BREAST_SIGNATURES)
    assert list(six.index) == list(SBS6_CHANNELS)
    assert list(six.columns) == list(BREAST_SIGNATURES)
    np.testing.assert_allclose(six.sum().to_numpy(), 1.0, atol=1e-6)
    full = load_cosmic_signatures(["SBS2"])["SBS2"]
    c_to_t = [c for c in SBS96_CHANNELS if c[2:5] == "C>T"]
    assert six.loc["C>T", "SBS2"] == pytest.approx(full[c_to_t].sum())


def test_empty_variants_give_a_typed_empty_frame() -> None:
    empty = variants([]).astype({"start_position": "int64"})
    result = signature_exposures_long(empty)
    assert result.empty
    assert {c: str(t) for c, t in result.dtypes.items()} == LONG_DTYPES


def test_mixed_samples_use_the_richest_catalogue_each() -> None:
    rows = [
        # S96: two SNVs with context, one without (excluded from its SBS-96 catalogue)
        ("S96", "1", 10, "C", "T", "SNP", "ACG"),
        ("S96", "1", 11, "G", "A", "SNP", "TGC"),
        ("S96", "1", 12, "T", "C", "SNP", None),
        # S6: SNVs without context and an indel
        ("S6", "1", 20, "C", "T", "SNP", None),
        ("S6", "1", 21, "C", "G", "SNP", None),
        ("S6", "1", 22, "T", "A", "SNP", None),
        ("S6", "1", 23, "-", "A", "INS", None),
        # NONE: only an indel and a dinucleotide change
        ("NONE", "1", 30, "A", "-", "DEL", None),
        ("NONE", "1", 31, "AC", "GT", "DNP", None),
    ]
    result = signature_exposures_long(variants(rows))
    assert {c: str(t) for c, t in result.dtypes.items()} == LONG_DTYPES
    assert len(result) == 3 * len(BREAST_SIGNATURES)
    assert result["signature"].tolist()[:7] == list(BREAST_SIGNATURES)
    per_sample = result.groupby("sample_id").agg(
        catalogue=("signature_catalogue", "first"), used=("n_snvs_used", "first"),
        excluded=("n_variants_excluded", "first"), note=("fit_note", "first"),
        exposure=("exposure", "sum"), proportion=("proportion", "sum"),
    )
    assert per_sample.loc["S96", ["catalogue", "used", "excluded"]].tolist() == [
        CATALOGUE_SBS96, 2, 1]
    assert per_sample.loc["S6", ["catalogue", "used", "excluded"]].tolist() == [
        CATALOGUE_SBS6, 3, 1]
    for fitted in ("S96", "S6"):
        assert pd.isna(per_sample.loc[fitted, "note"])
        assert per_sample.loc[fitted, "proportion"] == pytest.approx(1.0)
    unfitted = result[result["sample_id"] == "NONE"]
    assert unfitted["signature_catalogue"].isna().all()
    assert unfitted[["exposure", "proportion", "reconstruction_cosine"]].isna().all().all()
    assert set(unfitted["fit_note"]) == {NOTE_NO_USABLE_SNV}
    assert set(unfitted["n_snvs_used"]) == {0} and set(unfitted["n_variants_excluded"]) == {2}


def test_sbs6_fit_recovers_an_exact_six_class_mixture() -> None:
    six = cosmic_sbs6_signatures(BREAST_SIGNATURES)
    counts = np.round(six["SBS2"].to_numpy() * 1000).astype(int)
    rows = [("S", "1", 100 + i, ref, alt, "SNP", None)
            for i, (ref, alt) in enumerate(
                (channel[0], channel[2]) for channel, n in zip(SBS6_CHANNELS, counts, strict=True)
                for _ in range(n))]
    result = signature_exposures_long(variants(rows, context=False))
    assert set(result["signature_catalogue"]) == {CATALOGUE_SBS6}
    assert result["reconstruction_cosine"].iloc[0] == pytest.approx(1.0, abs=1e-6)
    assert result["exposure"].sum() == pytest.approx(counts.sum(), rel=1e-3)


def test_tcga_exposures_are_finite_sbs6_fits(tcga_variants: pd.DataFrame) -> None:
    """The real context-free TCGA MAF: every sample fitted on SBS-6, never NaN."""
    result = signature_exposures_long(tcga_variants)
    assert len(result) == 150 * len(BREAST_SIGNATURES)
    assert set(result["signature_catalogue"]) == {CATALOGUE_SBS6}
    assert result["fit_note"].isna().all()
    values = result[["exposure", "proportion", "reconstruction_cosine"]].to_numpy()
    assert np.isfinite(values).all() and (result["exposure"] >= 0).all()
    per_sample = result.groupby("sample_id").agg(
        exposure=("exposure", "sum"), proportion=("proportion", "sum"),
        used=("n_snvs_used", "first"), excluded=("n_variants_excluded", "first"),
        cosine=("reconstruction_cosine", "first"))
    np.testing.assert_allclose(per_sample["proportion"], 1.0, atol=1e-9)
    # every row is used or excluded; the SNVs without context are used, not excluded
    assert (per_sample["used"] + per_sample["excluded"]).sum() == len(tcga_variants)
    assert per_sample["used"].sum() == (tcga_variants["variant_type"] == "SNP").sum() - 1
    # attributed mutations track the SNV counts and six classes are fitted closely
    ratio = per_sample["exposure"] / per_sample["used"]
    assert 0.95 < ratio.median() < 1.05
    assert per_sample.loc[per_sample["used"] >= 20, "cosine"].median() > 0.95
