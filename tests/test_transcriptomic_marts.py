"""Transcriptomic marts (Figure 4) on the real dbt build of the demo cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.methods.transcriptomics import gsva
from calcomics.methods.transcriptomics.scores import set_index
from calcomics.synth.expression import planted_pam50_subtypes

MAIN = ("negative", "probably_benign", "high_suspicion")


def _group_medians(warehouse, family: str, feature: str) -> dict[str, float]:
    rows = warehouse.execute(
        "select group_key, median(feature_value) from intermediate.int_group_comparison_inputs "
        "where feature_family = ? and feature = ? group by 1", [family, feature]
    ).fetchall()
    return dict(rows)


def _kruskal_p(warehouse, family: str, feature: str) -> float:
    return warehouse.execute(
        "select p_value from fct_group_comparisons where feature_family = ? and feature = ? "
        "and test = 'kruskal_wallis'", [family, feature]
    ).fetchone()[0]


@pytest.mark.parametrize(("family", "feature", "highest"), [
    ("pathway_hallmark", "HALLMARK_ESTROGEN_RESPONSE_EARLY", "probably_benign"),
    ("pathway_hallmark", "HALLMARK_ESTROGEN_RESPONSE_LATE", "probably_benign"),
    ("treatment_score", "set_index", "probably_benign"),
    ("treatment_score", "endocrine_sensitivity_score", "probably_benign"),
    ("pathway_hallmark", "HALLMARK_E2F_TARGETS", "high_suspicion"),
    ("pathway_hallmark", "HALLMARK_G2M_CHECKPOINT", "high_suspicion"),
    ("treatment_score", "cdk46_sensitivity_score", "high_suspicion"),
    ("immune_infiltration", "CD8 T cells", "negative"),
    ("immune_infiltration", "Cytotoxic cells", "negative"),
    ("immune_infiltration", "T cells", "negative"),
])
def test_paper_direction_of_transcriptomic_scores(warehouse, family, feature, highest):
    medians = _group_medians(warehouse, family, feature)
    assert max(MAIN, key=lambda g: medians[g]) == highest, medians
    assert _kruskal_p(warehouse, family, feature) < 0.01


def test_pairwise_set_and_cdk46_tests_as_in_figure_4(warehouse):
    rows = warehouse.execute(
        "select feature, group_a_key, group_b_key, median_a, median_b, p_adjusted from "
        "fct_group_comparisons where feature in ('set_index', 'cdk46_sensitivity_score') "
        "and test = 'wilcoxon_rank_sum'"
    ).fetchall()
    by_pair = {(f, a, b): (ma, mb, p) for f, a, b, ma, mb, p in rows}
    # SET: probably benign above both others (paper P = 0.019 and P < 0.001).
    ma, mb, p = by_pair[("set_index", "negative", "probably_benign")]
    assert mb > ma and p < 0.05
    ma, mb, p = by_pair[("set_index", "probably_benign", "high_suspicion")]
    assert ma > mb and p < 0.001
    # CDK4/6: high suspicion above both others (paper P = 0.007 and P < 0.001).
    for pair in (("negative", "high_suspicion"), ("probably_benign", "high_suspicion")):
        ma, mb, p = by_pair[("cdk46_sensitivity_score", *pair)]
        assert mb > ma and p < 0.01


def test_every_rnaseq_sample_scored_once_per_set(warehouse):
    n_rna = warehouse.execute("select count(*) from dim_patients where has_rnaseq").fetchone()[0]
    per_set = warehouse.execute(
        "select collection, gene_set, count(*), count(distinct sample_id) from fct_pathway_scores "
        "group by 1, 2"
    ).fetchall()
    assert {(n, d) for _, _, n, d in per_set} == {(n_rna, n_rna)}
    collections = {c for c, _, _, _ in per_set}
    assert collections == {"hallmark", "reactome_wikipathways"}
    n_hallmark = sum(c == "hallmark" for c, _, _, _ in per_set)
    assert n_hallmark == 50
    scored = warehouse.execute(
        "select count(*) from rpt_gene_set_coverage where collection = 'reactome_wikipathways' "
        "and is_scored"
    ).fetchone()[0]
    assert sum(c == "reactome_wikipathways" for c, _, _, _ in per_set) == scored > 1000
    immune = warehouse.execute(
        "select count(distinct cell_type), count(*) from fct_immune_infiltration"
    ).fetchone()
    assert immune == (24, 24 * n_rna)


def _raw_log_expression(default_build) -> pd.DataFrame:
    """log2(FPKM + 1) of the expression file the build read (the file rounds values)."""
    raw = default_build[1].parent / "raw" / "expression_fpkm.tsv"
    return np.log2(pd.read_csv(raw, sep="\t", index_col="gene_symbol") + 1.0)


def test_pathway_mart_equals_a_direct_ssgsea_call(warehouse, default_build):
    """The warehouse path (SQL log2, GMT parsing, alias resolution) changes nothing."""
    log_expr = _raw_log_expression(default_build)
    log_expr = log_expr[sorted(log_expr.columns)]
    members = warehouse.execute(
        "select gene_set, symbol_used from fct_gene_list_resolution where collection = "
        "'hallmark' and is_found order by gene_set, member_order"
    ).df()
    sets = {k: list(dict.fromkeys(v)) for k, v in members.groupby("gene_set")["symbol_used"]}
    # Same set order as the GMT (normalisation over the whole matrix is order-free).
    expected = gsva(log_expr, sets, method="ssgsea", min_size=5, max_size=500)
    mart = warehouse.execute(
        "select gene_set, sample_id, score from fct_pathway_scores where collection = 'hallmark'"
    ).df().pivot(index="gene_set", columns="sample_id", values="score")
    mart = mart.loc[expected.index, expected.columns]
    assert np.abs(mart.to_numpy() - expected.to_numpy()).max() < 1e-12


def test_treatment_scores_equal_the_library_on_the_same_matrix(warehouse, default_build):
    log_expr = _raw_log_expression(default_build)
    panels = pd.read_csv("warehouse/seeds/gene_panels.csv")
    aliases = dict(pd.read_csv("warehouse/seeds/gene_symbol_aliases.csv")[
        ["alias_symbol", "current_symbol"]].itertuples(index=False))

    def genes(panel: str) -> list[str]:
        listed = panels.loc[panels["panel"] == panel, "panel_gene"]
        return [g if g in log_expr.index else aliases[g] for g in listed]

    expected = set_index(log_expr, genes("set_informative"), genes("set_reference"))
    mart = warehouse.execute(
        "select sample_id, set_index, set_index_genes_used, cdk46_genes_used, "
        "endocrine_genes_used, cdk46_method from fct_treatment_scores"
    ).df().set_index("sample_id")
    # 312 samples <= gsva_exact_max_samples: the default size_dependent mode is R-exact
    assert set(mart["cdk46_method"]) == {"gsva (Gaussian kcdf, GSVA 1.42)"}
    assert np.abs(mart["set_index"] - expected.reindex(mart.index)).max() < 1e-12
    # 19 informative entries + 10 reference genes, all present; SAMD2 of the CDK4/6 panel is
    # not a GRCh38 protein-coding gene, so 12 of 13.
    assert set(mart["set_index_genes_used"]) == {29}
    assert set(mart["cdk46_genes_used"]) == {12}
    assert set(mart["endocrine_genes_used"]) == {4}


def test_legacy_panel_symbols_resolved_through_the_alias_seed(warehouse):
    rows = dict(warehouse.execute(
        "select listed_symbol, symbol_used || ':' || resolution from fct_gene_list_resolution "
        "where collection = 'panels' and listed_symbol in ('CYR61', 'ATP5J2', 'DARS', 'KNTC2', "
        "'CDCA1', 'ORC6L', 'SAMD2')"
    ).fetchall())
    assert rows == {
        "CYR61": "CCN1:alias_to_current", "ATP5J2": "ATP5MF:alias_to_current",
        "DARS": "DARS1:alias_to_current", "KNTC2": "NDC80:alias_to_current",
        "CDCA1": "NUF2:alias_to_current", "ORC6L": "ORC6:alias_to_current",
        "SAMD2": None,
    }
    missing = warehouse.execute(
        "select resolution from fct_gene_list_resolution where listed_symbol = 'SAMD2'"
    ).fetchone()
    assert missing == ("not_found",)


def _planted_subtypes(cohort) -> pd.Series:
    """The generator's latent PAM50 subtypes (same stream as generate_cohort(316, 0))."""
    stream = np.random.default_rng(np.random.SeedSequence(0).spawn(5)[3])
    truth = planted_pam50_subtypes(cohort.patients, stream)
    truth.index = cohort.expression.columns
    return truth


def test_pam50_calls_recover_the_planted_subtypes(warehouse, default_cohort):
    truth = _planted_subtypes(default_cohort)
    calls = warehouse.execute(
        "select sample_id, pam50_subtype, n_genes_used, scaling from fct_pam50_calls"
    ).df().set_index("sample_id")
    assert set(calls["n_genes_used"]) == {50}
    assert set(calls["scaling"]) == {"median_centre"}
    agreement = (calls["pam50_subtype"] == truth.reindex(calls.index)).mean()
    assert agreement > 0.9


def test_pam50_and_snf_composition_with_exact_fisher(warehouse):
    luminal = dict(warehouse.execute(
        "select group_key, 100.0 * sum(n) filter (where category_level in "
        "('LumA', 'LumB')) / sum(n) from fct_categorical_comparisons "
        "where comparison = 'pam50_subtype' group by 1"
    ).fetchall())
    # Paper: 70.9 % / 91.0 % / 81.6 % luminal; probably benign most luminal.
    assert max(MAIN, key=lambda g: luminal[g]) == "probably_benign"
    p_values = dict(warehouse.execute(
        "select distinct comparison, p_value from fct_categorical_comparisons "
        "where fisher_method = 'exact'"
    ).fetchall())
    assert p_values["pam50_subtype"] < 0.05
    snf3 = dict(warehouse.execute(
        "select group_key, pct_of_group from fct_categorical_comparisons "
        "where comparison = 'snf_subtype' and category_level = 'SNF3'"
    ).fetchall())
    assert max(MAIN, key=lambda g: snf3[g]) == "high_suspicion"


def test_gsea_group_vs_rest_on_hallmark(warehouse):
    rows = warehouse.execute(
        "select group_key, group_order, n_group_samples, n_rest_samples, gene_set, nes, q_value, "
        "n_permutations from fct_gsea_group_vs_rest order by group_order"
    ).df()
    assert set(rows["n_permutations"]) == {1000}
    assert list(pd.unique(rows["group_key"])) == list(MAIN)
    samples = dict(warehouse.execute(
        "select group_key, count(*) from dim_patients where is_main_analysis_group and "
        "has_rnaseq group by 1"
    ).fetchall())
    sizes = rows.drop_duplicates("group_key").set_index("group_key")
    assert sizes["n_group_samples"].to_dict() == samples
    assert (sizes["n_rest_samples"] == sum(samples.values()) - sizes["n_group_samples"]).all()

    def result(group: str, gene_set: str) -> tuple[float, float]:
        row = rows[(rows["group_key"] == group) & (rows["gene_set"] == gene_set)]
        return float(row["nes"].iloc[0]), float(row["q_value"].iloc[0])

    for gene_set in ("HALLMARK_ESTROGEN_RESPONSE_EARLY", "HALLMARK_ESTROGEN_RESPONSE_LATE"):
        nes, fdr = result("probably_benign", gene_set)
        assert nes > 0 and fdr < 0.05
    for gene_set in ("HALLMARK_E2F_TARGETS", "HALLMARK_G2M_CHECKPOINT"):
        nes, fdr = result("high_suspicion", gene_set)
        assert nes > 0 and fdr < 0.05
