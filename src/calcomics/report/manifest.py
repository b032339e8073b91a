"""The report's figures: id, section, title, the marts each reads, the test behind its
p-values and the function drawing it (in page order)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
from matplotlib.figure import Figure

from calcomics.report import figures_clinical as clinical
from calcomics.report import figures_genomic as genomic
from calcomics.report import figures_metabolomic as metabolomic
from calcomics.report import figures_transcriptomic as transcriptomic

__all__ = ["FIGURES", "SECTIONS", "FigureSpec"]

WILCOXON = ("pairs: two-sided Wilcoxon rank-sum (R wilcox.test), unadjusted (the mart's "
            "p_adjusted holds Bonferroni over the pairs); title: Kruskal–Wallis over all "
            "main groups")
FISHER = "exact Fisher test over all main groups (R fisher.test, r × c)"


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the report.

    ``figure_id`` as the paper numbers it ('2A'); ``slug`` names its files;
    ``marts`` the marts it reads; ``test`` the test behind its p-values; ``draw`` the
    function (connection, main groups) -> Figure.
    """

    figure_id: str
    section: str
    slug: str
    title: str
    marts: tuple[str, ...]
    test: str
    draw: Callable[[duckdb.DuckDBPyConnection, pd.DataFrame], Figure]


# section id -> heading (page order); Table 1, coverage and paper-vs-warehouse are tables.
SECTIONS = {
    "figure1": "Figure 1 · Cohort",
    "table1": "Table 1 · Clinicopathological characteristics",
    "figure2": "Figure 2 · Clinical features and relapse-free survival",
    "figure3": "Figure 3 · Genomic features",
    "figure4": "Figure 4 · Transcriptomic features",
    "figure5": "Figure 5 · Metabolomic features",
    "coverage": "Coverage · what each analysis could use",
    "paper": "Paper vs warehouse",
}

FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("1", "figure1", "figure1_cohort_flow", "Cohort flow: patients and omics "
               "layers per group", ("rpt_cohort_flow",), "none (counts)",
               clinical.figure1_cohort_flow),
    FigureSpec("2A", "figure2", "figure2a_tumor_size", "Tumour size",
               ("dim_patients", "fct_group_comparisons"), WILCOXON,
               clinical.figure2_tumor_size),
    FigureSpec("2B", "figure2", "figure2b_lymph_node_status", "Lymph-node status",
               ("fct_categorical_comparisons",), FISHER, clinical.figure2_lymph_node_status),
    FigureSpec("2C", "figure2", "figure2c_lymphovascular_invasion",
               "Lympho-vascular invasion", ("fct_categorical_comparisons",), FISHER,
               clinical.figure2_lymphovascular_invasion),
    FigureSpec("2D", "figure2", "figure2d_age", "Age at diagnosis",
               ("dim_patients", "fct_group_comparisons"), WILCOXON, clinical.figure2_age),
    FigureSpec("2E", "figure2", "figure2e_ihc_scores", "ER, PR and Ki-67 IHC scores",
               ("dim_patients", "fct_group_comparisons"), WILCOXON,
               clinical.figure2_ihc_scores),
    FigureSpec("2F", "figure2", "figure2f_relapse_free_survival",
               "Relapse-free survival (endocrine-treated patients)",
               ("fct_km_curves", "rpt_survival_tests"),
               "log-rank over all main groups (R survdiff, rho = 0); two-stage test for "
               "crossing hazards of each group vs the rest (TSHRC); curves: Kaplan–Meier "
               "with 95 % log CI (R survfit)", clinical.figure2_km_curves),
    FigureSpec("2G", "figure2", "figure2g_relapse_distribution",
               "Groups among relapsed and relapse-free patients",
               ("fct_categorical_comparisons",), FISHER,
               clinical.figure2_relapse_distribution),
    FigureSpec("3A", "figure3", "figure3a_tumor_mutational_burden",
               "Tumour mutational burden",
               ("fct_tumor_mutational_burden", "dim_patients", "fct_group_comparisons"),
               WILCOXON, genomic.figure3_tmb),
    FigureSpec("3B", "figure3", "figure3b_hrd_scores", "HRD scores (scarHRD)",
               ("fct_hrd_scores", "dim_patients", "fct_group_comparisons"), WILCOXON,
               genomic.figure3_hrd),
    FigureSpec("3C", "figure3", "figure3c_cin_score", "Chromosomal instability",
               ("fct_cin_scores", "dim_patients", "fct_group_comparisons"), WILCOXON,
               genomic.figure3_cin),
    FigureSpec("3D", "figure3", "figure3d_mutational_signatures", "Mutational signatures",
               ("fct_mutational_signatures", "dim_patients", "fct_group_comparisons"),
               "Kruskal–Wallis over all main groups of each signature's per-sample share",
               genomic.figure3_signatures),
    FigureSpec("3E", "figure3", "figure3e_mutated_genes", "Most frequently mutated genes",
               ("fct_mutated_gene_frequencies",), FISHER, genomic.figure3_mutated_genes),
    FigureSpec("3F", "figure3", "figure3f_copy_number_arms",
               "Arm-level copy-number gains and losses",
               ("fct_copy_number_alteration_frequencies",),
               "exact Fisher test of each group vs the rest of the main groups, Bonferroni "
               "over the arms of one direction ('*': adjusted p < 0.05)",
               genomic.figure3_copy_number_arms),
    FigureSpec("3G", "figure3", "figure3g_cell_cycle_copy_number",
               "Cell-cycle regulators: gains of positive and losses of negative "
               "regulators",
               ("rpt_cell_cycle_copy_number",), FISHER,
               genomic.figure3_cell_cycle_copy_number),
    FigureSpec("4A", "figure4", "figure4a_pam50_composition", "PAM50 subtypes",
               ("fct_categorical_comparisons",), FISHER, transcriptomic.figure4_pam50),
    FigureSpec("4B", "figure4", "figure4b_snf_composition", "SNF subtypes",
               ("fct_categorical_comparisons",), FISHER, transcriptomic.figure4_snf),
    FigureSpec("4D", "figure4", "figure4d_immune_infiltration",
               "Immune cell infiltration (ssGSEA, Bindea 2013)",
               ("fct_immune_infiltration", "dim_patients", "fct_group_comparisons"),
               "Kruskal–Wallis over all main groups per cell type",
               transcriptomic.figure4_immune_heatmap),
    FigureSpec("4E", "figure4", "figure4e_gsea", "GSEA of each group vs the rest (Hallmark)",
               ("fct_gsea_group_vs_rest",),
               "GSEA phenotype permutations; FDR q (dark bars: q < 0.25)",
               transcriptomic.figure4_gsea),
    FigureSpec("4E-ss", "figure4", "figure4e_er_pathways_ssgsea",
               "Estrogen-response pathways (ssGSEA)",
               ("fct_pathway_scores", "dim_patients", "fct_group_comparisons"), WILCOXON,
               transcriptomic.figure4_er_pathways),
    FigureSpec("4F", "figure4", "figure4f_set_index", "SET index and endocrine sensitivity",
               ("fct_treatment_scores", "dim_patients", "fct_group_comparisons"), WILCOXON,
               transcriptomic.figure4_set_index),
    FigureSpec("4G", "figure4", "figure4g_cell_cycle_pathways",
               "Cell-cycle pathways (ssGSEA)",
               ("fct_pathway_scores", "dim_patients", "fct_group_comparisons"), WILCOXON,
               transcriptomic.figure4_cell_cycle_pathways),
    FigureSpec("4H", "figure4", "figure4h_cdk46_sensitivity", "CDK4/6-inhibitor sensitivity",
               ("fct_treatment_scores", "dim_patients", "fct_group_comparisons"), WILCOXON,
               transcriptomic.figure4_cdk46_sensitivity),
    FigureSpec("5A", "figure5", "figure5a_pathway_da_scores", "Metabolic pathway DA scores",
               ("fct_pathway_da_scores",),
               "DA score = (up − down) / tested features; a feature is up/down by the "
               "group-vs-rest Wilcoxon test with BH FDR and |log2 FC| thresholds "
               "(fct_metabolite_differential)", metabolomic.figure5_da_scores),
    FigureSpec("5B", "figure5", "figure5b_metabolite_network",
               "Polar metabolite correlation network",
               ("fct_metabolite_network_nodes", "fct_metabolite_network_edges"),
               "Spearman correlations with BH FDR and |rho| thresholds; layout: networkx "
               "spring layout (seed 0)", metabolomic.figure5_network),
)
