"""Expression marts on real-cohort shapes: an absent expression layer (header-only matrix) and
an expression file covering a subset of the patients, one main group left with a single
sample. Two small builds (40 patients) with only the expression marts selected.

Checks: every expression mart builds with its contract (zero rows when the layer is absent),
the GSEA mart holds the group with too few samples as rows with null statistics and a
test_note, PAM50 with the ER-balanced centring reproduces a pandas recomputation from the
raw files, and the expression scale is recorded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.methods.stats.notes import FEWER_THAN_MIN_OBSERVATIONS
from calcomics.methods.transcriptomics.pam50 import pam50_calls, pam50_centroids
from calcomics.warehouse.build import build_warehouse

pytestmark = pytest.mark.dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXPRESSION_MARTS = (
    "fct_pathway_scores", "fct_immune_infiltration", "fct_pam50_calls", "fct_treatment_scores",
    "fct_gsea_group_vs_rest", "rpt_gene_set_coverage",
)
SELECT = " ".join(
    [f"+{m}" for m in EXPRESSION_MARTS] + [
        "dim_patients", "dim_comparison_groups", "assert_gsea_covers_every_main_group",
        "assert_every_rnaseq_sample_has_every_pathway_score",
    ]
)
N_ER_NEGATIVE = 6


def _build(root: Path, raw: Path, name: str, dbt_vars: dict | None = None) -> Path:
    warehouse = root / f"{name}.duckdb"
    build_warehouse(PROJECT_DIR, raw, warehouse, quiet=True, select=SELECT,
                    dbt_vars=dbt_vars, target_path=root / f"target_{name}")
    return warehouse


@pytest.fixture(scope="module")
def builds(tmp_path_factory, small_raw_dir):
    root = tmp_path_factory.mktemp("expression_layers")
    absent = root / "raw_absent"
    shutil.copytree(small_raw_dir, absent)
    (absent / "expression_fpkm.tsv").write_text("gene_symbol\n")

    subset = root / "raw_subset"
    shutil.copytree(small_raw_dir, subset)
    clinical = pd.read_csv(subset / "clinical.csv", dtype=str, keep_default_na=False)
    expression = pd.read_csv(subset / "expression_fpkm.tsv", sep="\t", dtype={"gene_symbol": str})
    benign = clinical.loc[clinical["calcification_birads"].isin(["2", "3"]), "patient_id"]
    dropped = [p for p in benign if p in expression.columns][1:]
    assert len(dropped) >= 2
    expression = expression.drop(columns=dropped)
    expression.to_csv(subset / "expression_fpkm.tsv", sep="\t", index=False)
    # ER-negative tumours among the sequenced ones, so the ER-balanced centring can run
    sequenced = [c for c in expression.columns[1:]]
    negative = sequenced[:N_ER_NEGATIVE]
    clinical.loc[clinical["patient_id"].isin(negative), "er_ihc_pct"] = "0"
    clinical.to_csv(subset / "clinical.csv", index=False)
    return {
        "absent": _build(root, absent, "absent"),
        "subset": _build(root, subset, "subset", {"pam50_centring": "er_balanced"}),
        "subset_raw": subset,
    }


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def test_absent_layer_builds_every_expression_mart_empty(builds):
    with _connect(builds["absent"]) as con:
        for mart in EXPRESSION_MARTS[:-1]:
            assert con.execute(f"select count(*) from {mart}").fetchone()[0] == 0, mart
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'fct_pam50_calls'").fetchall())
        assert types["cor_lum_a"] == "DOUBLE" and types["n_genes_used"] == "INTEGER"
        assert types["centring"] == "VARCHAR"
        # coverage still lists every set, none found
        found = con.execute(
            "select count(*), count(*) filter (where set_size = 0) from rpt_gene_set_coverage"
        ).fetchone()
        assert found[0] > 0 and found[0] == found[1]


def test_subset_layer_gsea_notes_the_group_with_one_sample(builds):
    raw = builds["subset_raw"]
    expression = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t", nrows=1)
    clinical = pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)
    with _connect(builds["subset"]) as con:
        gsea = con.execute("select * from fct_gsea_group_vs_rest").df()
        main = con.execute(
            "select group_key, count(*) filter (where has_rnaseq) as n from dim_patients "
            "where is_main_analysis_group group by group_key").df().set_index("group_key")["n"]
    assert set(gsea["group_key"]) == set(main.index)
    benign = gsea[gsea["group_key"] == "probably_benign"]
    assert (benign["n_group_samples"] == 1).all()
    assert (benign["test_note"] == FEWER_THAN_MIN_OBSERVATIONS).all()
    assert benign[["es", "nes", "p_value", "q_value", "p_adjusted"]].isna().all().all()
    tested = gsea[gsea["group_key"] != "probably_benign"]
    assert tested["test_note"].isna().all() and tested["nes"].notna().all()
    assert len(benign) == len(tested) / (len(main) - 1)
    birads = clinical.set_index("patient_id")["calcification_birads"]
    in_benign = birads.reindex(expression.columns[1:]).isin(["2", "3"]).sum()
    assert in_benign == 1
    assert (gsea["expression_scale"] == "fpkm").all()


def test_subset_layer_pam50_er_balanced_matches_a_recomputation(builds):
    raw = builds["subset_raw"]
    expression = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t", index_col="gene_symbol")
    clinical = pd.read_csv(raw / "clinical.csv").set_index("patient_id")
    log_expr = np.log2(expression.loc[pam50_centroids().index.intersection(expression.index)] + 1)
    log_expr = log_expr[sorted(log_expr.columns)]
    er = (clinical["er_ihc_pct"].reindex(log_expr.columns) >= 1).astype(object)
    expected = pam50_calls(log_expr, centring="er_balanced", er_positive=er)
    with _connect(builds["subset"]) as con:
        calls = con.execute("select * from fct_pam50_calls order by sample_id").df()
        n_rnaseq = con.execute("select count(*) from dim_patients where has_rnaseq").fetchone()[0]
    assert len(calls) == n_rnaseq == expression.shape[1]
    assert (calls["centring"] == "er_balanced").all()
    assert (calls["centring_reference_samples"] == 2 * N_ER_NEGATIVE).all()
    assert list(calls["pam50_subtype"]) == list(expected["pam50_subtype"])
    np.testing.assert_allclose(calls["cor_lum_a"], expected["cor_lum_a"], atol=1e-9)
    assert (calls["expression_scale"] == "fpkm").all()
    with _connect(builds["subset"]) as con:
        scored = con.execute(
            "select count(distinct sample_id) from fct_pathway_scores").fetchone()[0]
    assert scored == expression.shape[1]
