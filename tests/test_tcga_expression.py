"""Real TCGA BRCA read counts through the warehouse (expression_scale = counts).

The 60 tumours of ``tests/data/tcga_brca/expression_counts_er.tsv.gz`` (30 ER+, 30 ER-)
replace the expression file of a small generated cohort whose patient ids are renamed to the
TCGA barcodes; everything else about the build is the normal one. The clinical ER status
comes from the TCGA labels, not from the generator. The build also switches PAM50 to the
genefu-robust scaling (the demo build covers median centring).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.methods.stats import wilcoxon_rank_sum
from calcomics.synth.cohort import generate_cohort, write_cohort
from calcomics.warehouse.build import build_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "tcga_brca"


def _rename(frame: pd.DataFrame, mapping: dict[str, str], column: str) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].map(mapping)
    return out


@pytest.fixture(scope="module")
def tcga_build(tmp_path_factory):
    counts = pd.read_csv(DATA / "expression_counts_er.tsv.gz", sep="\t", index_col="gene_symbol")
    barcodes = list(counts.columns)
    cohort = generate_cohort(len(barcodes), 11)
    mapping = dict(zip(cohort.clinical["patient_id"], barcodes, strict=True))
    cohort = dataclasses.replace(
        cohort,
        clinical=_rename(cohort.clinical, mapping, "patient_id"),
        mutations=_rename(cohort.mutations, mapping, "Tumor_Sample_Barcode"),
        segments=_rename(cohort.segments, mapping, "SampleID"),
        expression=counts,
        lipidomics=cohort.lipidomics.rename(columns=mapping),
        polar_metabolomics=cohort.polar_metabolomics.rename(columns=mapping),
    )
    root = tmp_path_factory.mktemp("tcga")
    write_cohort(cohort, root / "raw")
    # The generator writes 3 decimals; counts are integers, write them exactly.
    counts.reset_index().to_csv(root / "raw" / "expression_fpkm.tsv", sep="\t", index=False)
    result = build_warehouse(PROJECT_DIR, root / "raw", root / "tcga.duckdb", quiet=True,
                             dbt_vars={"expression_scale": "counts",
                                       "pam50_scaling": "genefu_robust"})
    labels = pd.read_csv(DATA / "expression_sample_labels_subset.tsv", sep="\t")
    return result, root / "tcga.duckdb", labels.set_index("sample")["ER"], counts


@pytest.fixture(scope="module")
def tcga(tcga_build):
    connection = duckdb.connect(str(tcga_build[1]), read_only=True)
    yield connection
    connection.close()


def _by_er(tcga, labels: pd.Series, sql: str) -> tuple[np.ndarray, np.ndarray]:
    values = tcga.execute(sql).df().set_index("sample_id").iloc[:, 0]
    er = labels.reindex(values.index)
    return values[er == "Positive"].to_numpy(), values[er == "Negative"].to_numpy()


def test_log2_cpm_scale(tcga, tcga_build):
    counts = tcga_build[3]
    sample = counts.columns[0]
    expected = np.log2(counts[sample] / counts[sample].sum() * 1e6 + 1)
    got = tcga.execute(
        "select gene_symbol, log2_expression from int_gene_expression_log2 where sample_id = ?",
        [sample],
    ).df().set_index("gene_symbol")["log2_expression"]
    assert np.abs(got.reindex(expected.index) - expected).max() < 1e-12


@pytest.mark.parametrize("gene_set", [
    "HALLMARK_ESTROGEN_RESPONSE_EARLY", "HALLMARK_ESTROGEN_RESPONSE_LATE",
])
def test_er_positive_tumours_score_higher_on_er_pathways(tcga, tcga_build, gene_set):
    positive, negative = _by_er(
        tcga, tcga_build[2],
        f"select sample_id, score from fct_pathway_scores where gene_set = '{gene_set}'",
    )
    assert len(positive) == len(negative) == 30
    assert np.median(positive) > np.median(negative)
    assert wilcoxon_rank_sum(positive, negative).p_value < 1e-6


def test_treatment_scores_and_pam50_follow_er_status(tcga, tcga_build):
    labels = tcga_build[2]
    for column in ("set_index", "endocrine_sensitivity_score"):
        positive, negative = _by_er(
            tcga, labels, f"select sample_id, {column} from fct_treatment_scores")
        assert wilcoxon_rank_sum(positive, negative).p_value < 1e-6, column
        assert np.median(positive) > np.median(negative), column
    calls = tcga.execute("select sample_id, pam50_subtype, scaling from fct_pam50_calls").df()
    assert set(calls["scaling"]) == {"genefu_robust"}
    calls["er"] = calls["sample_id"].map(labels)
    luminal = calls["pam50_subtype"].isin(["LumA", "LumB"])
    assert luminal[calls["er"] == "Positive"].mean() > 0.8
    assert (calls.loc[calls["er"] == "Negative", "pam50_subtype"] == "Basal").mean() > 0.5


def test_every_sample_scored_and_legacy_symbols_resolved(tcga):
    n = tcga.execute("select count(distinct sample_id) from fct_pathway_scores").fetchone()[0]
    assert n == 60
    assert tcga.execute("select count(*) from fct_immune_infiltration").fetchone()[0] == 24 * 60
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
