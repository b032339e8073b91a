"""Real public data through the genomic code: TCGA BRCA somatic mutations (Firehose MAF).

The subset (all rows of 150 patients, tests/data/PROVENANCE_signatures.md) runs through the
warehouse's TMB SQL: a generated 150-patient cohort is relabelled with the TCGA barcodes so the
clinical and omics files are consistent, and its MAF is replaced by the real one (mapped to the
warehouse's MAF layout: Protein_Change -> HGVSp_Short, read counts from t_depth and t_vaf, no
trinucleotide context). It also runs through the signature code (SBS-6; SBS-96 needs a context)
and the warehouse's signature mart, which falls back to SBS-6 for such a MAF. The warehouse is
built with a capture size other than the demo default (var exome_capture_size_mb = 30 Mb).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.methods.signatures import (
    CATALOGUE_SBS6,
    REASON_NO_CONTEXT,
    maf_to_staged,
    sbs_catalogue,
    signature_exposures_long,
)
from calcomics.synth.cohort import generate_cohort, write_cohort
from calcomics.warehouse.build import build_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[1]
TCGA_MAF = Path(__file__).parent / "data" / "tcga_brca_mutations_subset.maf.tsv.gz"
NONSYNONYMOUS = {"Frame_Shift_Del", "Frame_Shift_Ins", "Splice_Site", "Translation_Start_Site",
                 "Nonsense_Mutation", "Nonstop_Mutation", "In_Frame_Del", "In_Frame_Ins",
                 "Missense_Mutation"}
CAPTURE_SIZE_MB = 30.0


@pytest.fixture(scope="module")
def tcga_maf() -> pd.DataFrame:
    return pd.read_csv(TCGA_MAF, sep="\t", dtype=str, keep_default_na=False)


def _warehouse_layout(maf: pd.DataFrame) -> pd.DataFrame:
    depth = pd.to_numeric(maf["t_depth"], errors="coerce")
    alt = (depth * pd.to_numeric(maf["t_vaf"], errors="coerce")).round()
    return pd.DataFrame({
        "Hugo_Symbol": maf["Hugo_Symbol"], "Chromosome": maf["Chromosome"],
        "Start_Position": maf["Start_Position"], "End_Position": maf["End_Position"],
        "Reference_Allele": maf["Reference_Allele"],
        "Tumor_Seq_Allele2": maf["Tumor_Seq_Allele2"],
        "Variant_Classification": maf["Variant_Classification"],
        "Variant_Type": maf["Variant_Type"], "Tumor_Sample_Barcode": maf["Tumor_Sample_Barcode"],
        "t_ref_count": (depth - alt).astype("Int64"), "t_alt_count": alt.astype("Int64"),
        "HGVSp_Short": maf["Protein_Change"], "Trinucleotide_Context": "",
    })


@pytest.fixture(scope="module")
def tcga_warehouse(tmp_path_factory, tcga_maf):
    barcodes = sorted(tcga_maf["Tumor_Sample_Barcode"].unique())
    cohort = generate_cohort(len(barcodes), 11)
    root = tmp_path_factory.mktemp("tcga")
    raw = root / "raw"
    write_cohort(cohort, raw)
    rename = dict(zip(cohort.clinical["patient_id"], barcodes, strict=True))
    clinical = pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)
    clinical["patient_id"] = clinical["patient_id"].map(rename)
    clinical.to_csv(raw / "clinical.csv", index=False)
    segments = pd.read_csv(raw / "segments.tsv", sep="\t", dtype=str)
    segments["SampleID"] = segments["SampleID"].map(rename)
    segments.to_csv(raw / "segments.tsv", sep="\t", index=False)
    for name in ("expression_fpkm.tsv", "lipidomics.tsv", "polar_metabolomics.tsv"):
        header, body = (raw / name).read_text().split("\n", 1)
        columns = header.split("\t")
        header = "\t".join([columns[0], *(rename[c] for c in columns[1:])])
        (raw / name).write_text(header + "\n" + body)
    _warehouse_layout(tcga_maf).to_csv(raw / "mutations.maf", sep="\t", index=False)
    build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True,
                    dbt_vars={"exome_capture_size_mb": CAPTURE_SIZE_MB})
    connection = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_tcga_tmb_through_the_warehouse(tcga_warehouse, tcga_maf):
    key = ["Chromosome", "Start_Position", "Tumor_Sample_Barcode", "Reference_Allele",
           "Tumor_Seq_Allele2"]
    deduplicated = tcga_maf.drop_duplicates(key)
    expected = (deduplicated[deduplicated["Variant_Classification"].isin(NONSYNONYMOUS)]
                .groupby("Tumor_Sample_Barcode").size())
    observed = dict(tcga_warehouse.execute(
        "select sample_id, n_nonsynonymous from fct_tumor_mutational_burden").fetchall())
    assert len(observed) == tcga_maf["Tumor_Sample_Barcode"].nunique() == 150
    assert all(observed[s] == expected.get(s, 0) for s in observed)
    n_duplicates, median_tmb = tcga_warehouse.execute(
        "select sum(n_duplicate_rows_removed), median(tmb_per_mb) "
        "from fct_tumor_mutational_burden").fetchone()
    assert n_duplicates == len(tcga_maf) - len(deduplicated) == 1
    assert 0.3 < median_tmb < 3  # luminal-dominated TCGA BRCA: ~1 non-synonymous / Mb
    capture, worst = tcga_warehouse.execute(
        "select any_value(capture_size_mb), max(abs(tmb_per_mb * ? - n_nonsynonymous)) "
        "from fct_tumor_mutational_burden having count(distinct capture_size_mb) = 1",
        [CAPTURE_SIZE_MB]).fetchone()
    assert capture == CAPTURE_SIZE_MB and worst < 1e-9  # the var, not the paper's 35.8
    chromosomes = {row[0] for row in tcga_warehouse.execute(
        "select distinct chromosome from stg_raw__mutations").fetchall()}
    assert "chrX" in chromosomes and "chr23" not in chromosomes  # X coded 23 in the source


def test_tcga_mutated_genes_rank_known_drivers_first(tcga_warehouse):
    top = [row[0] for row in tcga_warehouse.execute(
        "select distinct gene_symbol, frequency_rank from fct_mutated_gene_frequencies "
        "order by frequency_rank limit 5"
    ).fetchall()]
    assert {"PIK3CA", "TP53"} <= set(top)


def test_tcga_signature_code_falls_back_to_sbs6(tcga_maf):
    variants = maf_to_staged(tcga_maf.assign(Trinucleotide_Context=""))
    catalogue, exclusions = sbs_catalogue(variants)
    assert list(catalogue.columns) == ["C>A", "C>G", "C>T", "T>A", "T>C", "T>G"]
    no_context = exclusions.loc[exclusions["reason"] == REASON_NO_CONTEXT, "n_variants"].sum()
    assert no_context == catalogue.to_numpy().sum()
    shares = catalogue.sum() / catalogue.to_numpy().sum()
    assert shares.idxmax() == "C>T" and np.isclose(shares.sum(), 1)


def test_tcga_signatures_through_the_warehouse_are_sbs6_fits(tcga_warehouse, tcga_maf):
    """No trinucleotide context in the MAF: every sample fitted on SBS-6, none NaN."""
    rows = tcga_warehouse.execute(
        "select sample_id, signature, signature_catalogue, exposure, proportion, "
        "reconstruction_cosine, n_snvs_used, fit_note from fct_mutational_signatures "
        "order by sample_id, signature").df()
    assert len(rows) == 150 * 7 and set(rows["signature_catalogue"]) == {CATALOGUE_SBS6}
    assert rows["fit_note"].isna().all()
    values = rows[["exposure", "proportion", "reconstruction_cosine"]].to_numpy(dtype=float)
    assert np.isfinite(values).all()
    per_sample = rows.groupby("sample_id").agg(
        proportion=("proportion", "sum"), exposure=("exposure", "sum"),
        used=("n_snvs_used", "first"))
    np.testing.assert_allclose(per_sample["proportion"], 1.0, atol=1e-9)
    assert 0.95 < (per_sample["exposure"] / per_sample["used"]).median() < 1.05
    # the mart holds what the library computes from the raw MAF
    expected = signature_exposures_long(maf_to_staged(tcga_maf.assign(Trinucleotide_Context="")))
    expected = expected.sort_values(["sample_id", "signature"]).reset_index(drop=True)
    np.testing.assert_allclose(rows["exposure"], expected["exposure"], rtol=1e-9, atol=1e-9)
    assert rows["n_snvs_used"].tolist() == expected["n_snvs_used"].tolist()
    compared = tcga_warehouse.execute(
        "select count(*) from fct_group_comparisons where feature_family = "
        "'mutational_signature' and p_value is not null").fetchone()[0]
    assert compared > 0  # the SBS-6 proportions reach the group comparisons
