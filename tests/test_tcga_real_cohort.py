"""A real cohort end to end (issue 10, §3): TCGA BRCA HR+/HER2- patients, as a user runs it.

The shipped subset (examples/tcga_brca_hr_her2neg: Firehose clinical + TCGA-CDR survival,
Firehose MAF, RNA-seq read counts, with provenance) goes through `calcomics import` (clinical
with the example's mapping, MAF, expression) and `calcomics build` in real processes
(fixtures ``tcga_raw`` / ``tcga_build`` in conftest.py), grouped by histological type (ductal
vs lobular, the shipped `histological_type` grouping). Copy number and metabolomics are
absent, as in TCGA's open MAF-level data. The tests assert what everyone knows of this
biology, through the marts: CDH1 mutation in lobular, TP53 in ductal tumours, PIK3CA the most
mutated gene, luminal PAM50 calls with ER-balanced centring, ER pathways and endocrine scores
higher in ER-positive tumours, TMB of luminal breast cancer; and recount TMB and the SBS-6
signature fits from the imported MAF. A second build groups the same files by lymph-node
status.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.methods.signatures import (
    CATALOGUE_SBS6,
    maf_to_staged,
    signature_exposures_long,
)
from calcomics.methods.stats import wilcoxon_rank_sum
from calcomics.warehouse.build import build_warehouse

pytestmark = pytest.mark.dbt

NONSYNONYMOUS = {"Frame_Shift_Del", "Frame_Shift_Ins", "Splice_Site", "Translation_Start_Site",
                 "Nonsense_Mutation", "Nonstop_Mutation", "In_Frame_Del", "In_Frame_Ins",
                 "Missense_Mutation"}
CAPTURE_SIZE_MB = 38  # conftest.TCGA_VARS
PROJECT_DIR = Path(__file__).resolve().parents[1]
EXPRESSION = PROJECT_DIR / "examples" / "tcga_brca_hr_her2neg" / "expression_counts.tsv.gz"


@pytest.fixture(scope="module")
def imported_maf(tcga_raw) -> pd.DataFrame:
    return pd.read_csv(tcga_raw / "mutations.maf", sep="\t", dtype=str, keep_default_na=False)


def _mutation(tcga, gene: str) -> dict[str, tuple[int, int, float]]:
    rows = tcga.execute(
        "select group_key, n_mutated, n_sequenced, p_value "
        "from fct_mutated_gene_frequencies where gene_symbol = ?", [gene]).fetchall()
    return {key: (mutated, sequenced, p) for key, mutated, sequenced, p in rows}


def _er_status(tcga) -> pd.Series:
    """ER status of the RNA-seq tumours: the mapped er_status column (study and references)."""
    return tcga.execute(
        "select patient_id, attribute_value from staging.stg_raw__clinical_attributes "
        "where clinical_column = 'er_status'").df().set_index("patient_id")["attribute_value"]


def _by_er(tcga, sql: str) -> tuple[np.ndarray, np.ndarray]:
    values = tcga.execute(sql).df().set_index("sample_id").iloc[:, 0]
    er = _er_status(tcga).reindex(values.index)
    return values[er == "positive"].to_numpy(), values[er == "negative"].to_numpy()


# --- the build --------------------------------------------------------------------------------


def test_the_build_is_real_data_with_the_right_cohort(tcga, tcga_build):
    origin, grouping = tcga.execute("select data_origin, grouping_name from meta_build").fetchone()
    assert (origin, grouping) == ("real", "histological_type")
    flow = dict(tcga.execute(
        "select coalesce(group_key, 'none'), n_patients from rpt_cohort_flow").fetchall())
    # 524 HR+/HER2- study patients (355 ductal, 123 lobular, 46 other types) and the
    # 30 ER-negative reference tumours, which have no histology and no group.
    assert flow == {"ductal": 355, "lobular": 123, "mixed": 14, "mucinous": 12,
                    "other_histology": 20, "none": 30}
    # progress before dbt's own output: which step runs, seconds since the start
    steps = [line for line in tcga_build[1].stdout.splitlines() if line.startswith("[")]
    assert "validating the raw files in" in steps[0]
    assert "all passed." in steps[1] and "dbt build into tcga.duckdb.building" in steps[2]


def test_coverage_says_what_was_skipped(tcga):
    status = dict(tcga.execute(
        "select analysis, coverage_status from rpt_analysis_coverage").fetchall())
    for analysis in ("hrd_scores", "cin_scores", "copy_number_alterations",
                     "polar_differential_abundance", "metabolite_network"):
        assert status[analysis] == "skipped: no data"
    assert status["mutated_gene_frequencies"] == "computed"
    assert status["pam50_calls"] == "computed: some patients without the layer"
    assert status["relapse_free_survival"] == "computed"


def test_unknown_values_are_table1_rows_and_left_out_of_tests(tcga):
    rows = tcga.execute(
        "select category_label, sum(n), any_value(n_excluded_unknown) "
        "from rpt_table1_clinicopathology where characteristic = 'lymph_node_status' "
        "group by 1").fetchall()
    counts = {label: (n, excluded) for label, n, excluded in rows}
    # TCGA NX (not assessed) is 'unknown' in the mapping: 5 ductal tumours.
    assert counts["Unknown"] == (5, 5)
    assert counts["Negative"][0] + counts["Positive"][0] == 478 - 5


# --- mutations --------------------------------------------------------------------------------


def test_cdh1_is_the_lobular_gene(tcga):
    cdh1 = _mutation(tcga, "CDH1")
    lobular, ductal = cdh1["lobular"], cdh1["ductal"]
    assert lobular[0] / lobular[1] > 0.4 > 0.05 > ductal[0] / ductal[1]
    assert lobular[2] < 1e-20  # Fisher exact over ductal vs lobular


def test_tp53_is_more_frequent_in_ductal_tumours(tcga):
    tp53 = _mutation(tcga, "TP53")
    assert tp53["ductal"][0] / tp53["ductal"][1] > 2 * tp53["lobular"][0] / tp53["lobular"][1]
    assert tp53["ductal"][2] < 1e-3


def test_pik3ca_is_the_most_frequently_mutated_gene(tcga):
    top = tcga.execute("select gene_symbol from fct_mutated_gene_frequencies "
                       "where mutation_rank = 1").fetchall()
    assert {row[0] for row in top} == {"PIK3CA"}


def test_tmb_is_a_recount_of_the_imported_maf(tcga, imported_maf):
    key = ["Chromosome", "Start_Position", "Tumor_Sample_Barcode", "Reference_Allele",
           "Tumor_Seq_Allele2"]
    deduplicated = imported_maf.drop_duplicates(key)
    expected = (deduplicated[deduplicated["Variant_Classification"].isin(NONSYNONYMOUS)]
                .groupby("Tumor_Sample_Barcode").size())
    observed = dict(tcga.execute(
        "select sample_id, n_nonsynonymous from fct_tumor_mutational_burden").fetchall())
    assert len(observed) == imported_maf["Tumor_Sample_Barcode"].nunique() == 524
    assert all(observed[s] == expected.get(s, 0) for s in observed)
    n_duplicates, worst, capture = tcga.execute(
        "select sum(n_duplicate_rows_removed), max(abs(tmb_per_mb * ? - n_nonsynonymous)), "
        "min(capture_size_mb) from fct_tumor_mutational_burden", [CAPTURE_SIZE_MB]).fetchone()
    assert n_duplicates == len(imported_maf) - len(deduplicated)
    assert capture == CAPTURE_SIZE_MB and worst < 1e-9  # the var, not the paper's 35.8
    chromosomes = {row[0] for row in tcga.execute(
        "select distinct chromosome from staging.stg_raw__mutations").fetchall()}
    assert "chrX" in chromosomes and "chr23" not in chromosomes  # X coded 23 in the source


def test_tmb_is_that_of_luminal_breast_cancer(tcga):
    median = tcga.execute(
        "select median(tmb_per_mb) from fct_tumor_mutational_burden "
        "where is_main_analysis_group"
    ).fetchone()[0]
    assert 0.3 < median < 2.0  # non-synonymous exome TMB of HR+ breast cancer: ~1 / Mb


def test_signatures_are_sbs6_fits_equal_to_the_library(tcga, imported_maf):
    """No trinucleotide context in the MAF: every sample fitted on SBS-6, none NaN."""
    rows = tcga.execute(
        "select sample_id, signature, signature_catalogue, exposure, "
        "fraction_of_exposure as proportion, "
        "reconstruction_cosine, n_snvs_used, fit_note from fct_mutational_signatures "
        "order by sample_id, signature").df()
    assert set(rows["signature_catalogue"]) == {CATALOGUE_SBS6}
    assert rows["fit_note"].isna().all()
    values = rows[["exposure", "proportion", "reconstruction_cosine"]].to_numpy(dtype=float)
    assert np.isfinite(values).all()
    per_sample = rows.groupby("sample_id")["proportion"].sum()
    np.testing.assert_allclose(per_sample, 1.0, atol=1e-9)
    expected = signature_exposures_long(maf_to_staged(imported_maf))
    expected = expected.sort_values(["sample_id", "signature"]).reset_index(drop=True)
    assert len(rows) == len(expected)
    np.testing.assert_allclose(rows["exposure"], expected["exposure"], rtol=1e-9, atol=1e-9)
    compared = tcga.execute(
        "select count(*) from fct_group_comparisons where feature_family = "
        "'mutational_signature' and p_value is not null").fetchone()[0]
    assert compared > 0  # the SBS-6 proportions reach the group comparisons


# --- expression -------------------------------------------------------------------------------


def test_log2_cpm_scale(tcga):
    sample = "TCGA-A8-A08X"
    counts = pd.read_csv(EXPRESSION, sep="\t", index_col="gene_symbol",
                         usecols=["gene_symbol", sample])[sample]
    expected = np.log2(counts / counts.sum() * 1e6 + 1)
    got = tcga.execute(
        "select gene_symbol, log2_expression from intermediate.int_gene_expression_log2 "
        "where sample_id = ?",
        [sample]).df().set_index("gene_symbol")["log2_expression"]
    assert np.abs(got.reindex(expected.index) - expected).max() < 1e-12


def test_luminal_calls_dominate_hr_positive_tumours(tcga):
    calls = tcga.execute(
        "select patients.grouping_value is not null as in_study, calls.pam50_subtype, "
        "    calls.centring "
        "from fct_pam50_calls as calls "
        "inner join dim_patients as patients on calls.sample_id = patients.patient_id"
    ).fetchall()
    assert {row[2] for row in calls} == {"er_balanced"}
    study = [subtype for in_study, subtype, _ in calls if in_study]
    references = [subtype for in_study, subtype, _ in calls if not in_study]
    assert len(study) == 21 and len(references) == 30
    luminal = sum(subtype in ("LumA", "LumB") for subtype in study)
    assert luminal / len(study) >= 0.85
    assert sum(subtype in ("Basal", "Her2") for subtype in references) / 30 >= 0.7


@pytest.mark.parametrize("gene_set", [
    "HALLMARK_ESTROGEN_RESPONSE_EARLY", "HALLMARK_ESTROGEN_RESPONSE_LATE",
])
def test_er_positive_tumours_score_higher_on_er_pathways(tcga, gene_set):
    positive, negative = _by_er(
        tcga, f"select sample_id, score from fct_pathway_scores where gene_set = '{gene_set}'")
    assert len(positive) >= 20 and len(negative) >= 30
    assert np.median(positive) > np.median(negative)
    assert wilcoxon_rank_sum(positive, negative).p_value < 1e-6


def test_treatment_scores_follow_er_status(tcga):
    for column in ("set_index", "endocrine_sensitivity_score"):
        positive, negative = _by_er(tcga, f"select sample_id, {column} from fct_treatment_scores")
        assert wilcoxon_rank_sum(positive, negative).p_value < 1e-6, column
        assert np.median(positive) > np.median(negative), column


def test_every_sample_scored_and_legacy_symbols_resolved(tcga):
    n = tcga.execute("select count(distinct sample_id) from fct_pathway_scores").fetchone()[0]
    assert n == 51
    assert tcga.execute("select count(*) from fct_immune_infiltration").fetchone()[0] == 24 * 51
    resolution = dict(tcga.execute(
        "select listed_symbol, resolution from fct_gene_list_resolution "
        "where collection = 'panels' and listed_symbol in ('CYR61', 'ATP5J2', 'DARS')"
    ).fetchall())
    # The TCGA table predates the renames: the panels' legacy symbols are found as listed.
    assert resolution == {"CYR61": "exact", "ATP5J2": "exact", "DARS": "exact"}
    genes = tcga.execute(
        "select set_index_genes_used, cdk46_genes_used from fct_treatment_scores limit 1"
    ).fetchone()
    assert genes[0] >= 28 and genes[1] >= 11


# --- a second grouping ------------------------------------------------------------------------


def test_a_second_grouping_builds_on_the_same_raw_files(tcga_raw):
    warehouse = tcga_raw.parent / "tcga_nodes.duckdb"
    # the grouping's spine, Table 1 and survival (the rest is the first build's, regrouped)
    build_warehouse(PROJECT_DIR, tcga_raw, warehouse, quiet=True,
                    select="+rpt_cohort_flow +rpt_table1_clinicopathology +rpt_survival_tests",
                    dbt_vars={"grouping": "lymph_node_status", "survival_population": "all",
                              "expression_scale": "counts"})
    with duckdb.connect(str(warehouse), read_only=True) as nodes:
        groups = dict(nodes.execute(
            "select group_key, n_patients from rpt_cohort_flow where group_key is not null"
        ).fetchall())
        assert groups == {"node_negative": 248, "node_positive": 271}
        p_value, note = nodes.execute(
            "select p_value, test_note from rpt_survival_tests where test = 'logrank'"
        ).fetchone()
        assert note is None and 0 <= p_value <= 1
