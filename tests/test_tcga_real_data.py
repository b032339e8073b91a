"""Real public data through the genomic code: TCGA BRCA somatic mutations (Firehose MAF).

The subset (all rows of 150 patients, tests/data/PROVENANCE_signatures.md) runs through the
warehouse's TMB SQL: a generated 150-patient cohort is relabelled with the TCGA barcodes so the
clinical and omics files are consistent, and its MAF is replaced by the real one (mapped to the
warehouse's MAF layout: Protein_Change -> HGVSp_Short, read counts from t_depth and t_vaf, no
trinucleotide context). It also runs through the signature code (SBS-6; SBS-96 needs a context).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.methods.signatures import REASON_NO_CONTEXT, maf_to_staged, sbs_catalogue
from calcomics.synth.cohort import generate_cohort, write_cohort
from calcomics.warehouse.build import build_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[1]
TCGA_MAF = Path(__file__).parent / "data" / "tcga_brca_mutations_subset.maf.tsv.gz"
NONSYNONYMOUS = {"Frame_Shift_Del", "Frame_Shift_Ins", "Splice_Site", "Translation_Start_Site",
                 "Nonsense_Mutation", "Nonstop_Mutation", "In_Frame_Del", "In_Frame_Ins",
                 "Missense_Mutation"}


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
    build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True)
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
