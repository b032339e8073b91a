"""Genomic marts under a second grouping (SNF subtype, 4 main groups, 6 pairs).

Counts are recounted from the raw cohort with pandas and p-values recomputed independently:
2 x 2 tables with scipy, 2 x k tables by brute-force enumeration of every table with the
observed margins (R fisher.test's rule: tables no more probable than the observed one, with
its relative tolerance), not with the library's network algorithm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

pytestmark = pytest.mark.dbt

SNF_GROUPS = ["snf1", "snf2", "snf3", "snf4"]
NONSYNONYMOUS = {"Frame_Shift_Del", "Frame_Shift_Ins", "Splice_Site", "Translation_Start_Site",
                 "Nonsense_Mutation", "Nonstop_Mutation", "In_Frame_Del", "In_Frame_Ins",
                 "Missense_Mutation"}
MAFTOOLS_KEY = ["Chromosome", "Start_Position", "Tumor_Sample_Barcode", "Reference_Allele",
                "Tumor_Seq_Allele2"]


def _fisher_2xk_brute_force(hits: list[int], sizes: list[int]) -> float:
    """Two-sided exact p of a 2 x k table: every first row with the observed margins.

    The first k - 1 cells run over a full grid, the last one is fixed by the row total; a
    table counts when its probability is at most the observed one (log tolerance 1e-7).
    """
    total = sum(hits)

    def log_weight(n: int, x: np.ndarray) -> np.ndarray:
        return special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)

    grid = np.meshgrid(*(np.arange(n + 1) for n in sizes[:-1]), indexing="ij")
    last = total - sum(grid)
    valid = (last >= 0) & (last <= sizes[-1])
    weights = sum(log_weight(n, cells[valid]) for n, cells in zip(sizes[:-1], grid,
                                                                   strict=True))
    weights = weights + log_weight(sizes[-1], last[valid])
    observed = sum(log_weight(n, np.array(x)) for n, x in zip(sizes, hits, strict=True))
    mass = np.exp(weights - weights.max())
    return float(mass[weights <= observed + 1e-7].sum() / mass.sum())


def _snf_groups(cohort) -> pd.Series:
    """patient_id -> SNF group key from the raw clinical table (empty subtype left out)."""
    clinical = cohort.clinical.set_index("patient_id")["snf_subtype"]
    clinical = clinical[clinical.notna() & (clinical.astype(str).str.strip() != "")]
    return clinical.astype(str).str.strip().str.lower()


def test_snf_mutated_gene_frequencies_recounted_from_the_maf(snf_warehouse, default_cohort):
    groups = _snf_groups(default_cohort)
    maf = default_cohort.mutations
    sequenced = pd.Series(maf["Tumor_Sample_Barcode"].unique())
    calls = maf.drop_duplicates(MAFTOOLS_KEY)
    calls = calls[calls["Variant_Classification"].isin(NONSYNONYMOUS)
                  & (calls["Variant_Type"] != "CNV")]
    sizes = sequenced.map(groups).value_counts().reindex(SNF_GROUPS).tolist()
    mart = snf_warehouse.execute(
        "select group_key, group_label, group_order, n_mutated, n_sequenced, fraction_mutated, "
        "n_mutated_all, n_sequenced_all, p_value "
        "from fct_mutated_gene_frequencies where gene_symbol = 'PIK3CA' order by group_order"
    ).fetchall()
    assert [row[0] for row in mart] == SNF_GROUPS
    assert [row[1] for row in mart] == ["SNF1", "SNF2", "SNF3", "SNF4"]
    mutated = calls.loc[calls["Hugo_Symbol"] == "PIK3CA", "Tumor_Sample_Barcode"].unique()
    hits = pd.Series(mutated).map(groups).value_counts().reindex(SNF_GROUPS, fill_value=0)
    assert [row[3] for row in mart] == hits.tolist()
    assert [row[4] for row in mart] == sizes
    assert [row[5] for row in mart] == pytest.approx(list(hits.to_numpy() / np.array(sizes)))
    assert {(row[6], row[7]) for row in mart} == {(len(mutated), len(sequenced))}
    expected = _fisher_2xk_brute_force(hits.tolist(), sizes)
    assert len({row[8] for row in mart}) == 1
    assert mart[0][8] == pytest.approx(expected, rel=1e-9)
    n_genes = snf_warehouse.execute(
        "select count(*), count(distinct gene_symbol) * 4 from fct_mutated_gene_frequencies"
    ).fetchone()
    assert n_genes[0] == n_genes[1]


def _gene_calls(warehouse, gene: str, groups: pd.Series) -> pd.DataFrame:
    calls = pd.DataFrame(warehouse.execute(
        "select sample_id, copy_number_call from fct_gene_copy_number where gene_symbol = ?",
        [gene]).fetchall(), columns=["sample_id", "copy_number_call"])
    calls["group_key"] = calls["sample_id"].map(groups)
    return calls.dropna(subset=["group_key"])


@pytest.mark.parametrize(("gene", "direction"), [("TP53", "loss"), ("CCND1", "gain")])
def test_snf_copy_number_group_vs_rest_for_every_group(snf_warehouse, default_cohort, gene,
                                                       direction):
    groups = _snf_groups(default_cohort)
    profiled = pd.Series(default_cohort.segments["SampleID"].unique())
    sizes = profiled.map(groups).value_counts().reindex(SNF_GROUPS)
    calls = _gene_calls(snf_warehouse, gene, groups)
    altered = calls[np.sign(calls["copy_number_call"]) == (1 if direction == "gain" else -1)]
    hits = altered["group_key"].value_counts().reindex(SNF_GROUPS, fill_value=0)
    n_genes = snf_warehouse.execute(
        "select count(distinct feature) from fct_copy_number_alteration_frequencies "
        "where level = 'gene'").fetchone()[0]
    rows = snf_warehouse.execute(
        "select group_key, n_altered, n_samples, n_altered_rest, n_samples_rest, "
        "p_value, p_adjusted "
        "from fct_copy_number_alteration_frequencies "
        "where level = 'gene' and feature = ? and direction = ? order by group_order",
        [gene, direction]).fetchall()
    assert [row[0] for row in rows] == SNF_GROUPS
    for key, n_altered, n_samples, n_altered_rest, n_samples_rest, p, p_adjusted in rows:
        rest_hits, rest_size = hits.sum() - hits[key], sizes.sum() - sizes[key]
        assert (n_altered, n_samples, n_altered_rest, n_samples_rest) == (
            hits[key], sizes[key], rest_hits, rest_size)
        expected = stats.fisher_exact([[hits[key], rest_hits],
                                       [sizes[key] - hits[key], rest_size - rest_hits]]).pvalue
        assert p == pytest.approx(expected, rel=1e-9)
        assert p_adjusted == pytest.approx(min(1.0, n_genes * expected), rel=1e-9)


def test_snf_arm_level_rows_cover_every_group(snf_warehouse):
    counts = snf_warehouse.execute(
        "select level, direction, count(distinct feature), count(*), "
        "count(distinct group_key) from fct_copy_number_alteration_frequencies group by 1, 2"
    ).fetchall()
    assert {level for level, *_ in counts} == {"gene", "cytoband", "arm"}
    for _, _, n_features, n_rows, n_groups in counts:
        assert n_groups == 4 and n_rows == 4 * n_features


def test_snf_cell_cycle_panel_all_groups_and_group_vs_rest(snf_warehouse, default_cohort):
    groups = _snf_groups(default_cohort)
    profiled = pd.Series(default_cohort.segments["SampleID"].unique())
    sizes = profiled.map(groups).value_counts().reindex(SNF_GROUPS)
    calls = _gene_calls(snf_warehouse, "CCND2", groups)
    hits = calls.loc[calls["copy_number_call"] > 0, "group_key"].value_counts().reindex(
        SNF_GROUPS, fill_value=0)
    rows = snf_warehouse.execute(
        "select group_key, n_altered, n_samples, fraction_altered, p_value_all_main_groups, "
        "fisher_method_all_main_groups, p_value_group_vs_rest "
        "from rpt_cell_cycle_copy_number where gene_symbol = 'CCND2' and direction = 'gain' "
        "order by group_order").fetchall()
    assert [row[0] for row in rows] == SNF_GROUPS
    assert [row[1] for row in rows] == hits.tolist()
    assert [row[2] for row in rows] == sizes.tolist()
    expected_all = _fisher_2xk_brute_force(hits.tolist(), sizes.tolist())
    for _, n_altered, n_samples, rate, p_all, method, p_rest in rows:
        assert rate == pytest.approx(n_altered / n_samples)
        assert p_all == pytest.approx(expected_all, rel=1e-9) and method == "exact"
        rest_hits, rest_size = hits.sum() - n_altered, sizes.sum() - n_samples
        assert p_rest == pytest.approx(stats.fisher_exact(
            [[n_altered, rest_hits], [n_samples - n_altered, rest_size - rest_hits]]).pvalue,
            rel=1e-9)
