"""Metabolomic and survival marts on a degenerate real-world-like cohort (issue 10).

One 40-patient cohort (seed 7) is edited into the cases real cohorts bring and built once
(dbt, limited to the metabolomic and survival marts; validation is bypassed, as for an
absent layer the build points the source at a header-only file):

* the polar layer is absent (``polar_metabolomics.tsv`` holds only its ``feature_id``
  header): polar DA rows, DA scores of polar-only pathways and the network are empty;
* lipidomics covers every patient except the high-suspicion group: that group's lipid DA
  rows have a null p and a test_note, its DA scores are null;
* relapse-free survival without a single relapse, two negative patients censored at time 0,
  and no follow-up at all in the high-suspicion group: every survival test is a row with a
  null p and the note saying why, the KM curves have one row per distinct time (survfit's
  row at 0 with the censored patients, no duplicate start row).

A second, smaller build of the network marts on the intact polar layer with
``network_min_rho = 0.99`` checks that no edge passing the thresholds gives empty, typed
network marts and a successful build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.methods.stats.notes import (
    NO_EVENTS,
    ONE_GROUP_ONLY,
)
from calcomics.synth.cohort import generate_cohort, write_cohort
from calcomics.warehouse.build import run_dbt

pytestmark = pytest.mark.dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
MARTS = ("fct_km_curves", "fct_survival_cohort", "rpt_survival_tests",
         "fct_metabolite_differential", "fct_pathway_da_scores",
         "fct_metabolite_network_edges", "fct_metabolite_network_nodes")
SELECTION = ("--select", *(f"+{m}" for m in MARTS), "+dim_comparison_groups",
             "--indirect-selection", "cautious")
NETWORK_SELECTION = ("--select", "+fct_metabolite_network_edges",
                     "+fct_metabolite_network_nodes", "--indirect-selection", "cautious")
MAIN = ("negative", "probably_benign", "high_suspicion")
CENSORED_AT_ZERO = 2


def _build(raw: Path, work: Path, selection: tuple[str, ...], *extra: str) -> Path:
    warehouse = work / "warehouse.duckdb"
    result = run_dbt(["build", *selection, *extra], PROJECT_DIR, raw, warehouse, quiet=True,
                     target_path=work / "target")
    assert result.returncode == 0, result.stdout[-6000:]
    return warehouse


def _group_of(birads: pd.Series) -> pd.Series:
    return birads.map({"none": "negative", "2": "probably_benign", "3": "probably_benign",
                       "4C": "high_suspicion", "5": "high_suspicion"})


def _degenerate_raw(raw: Path) -> pd.DataFrame:
    """Edit the written cohort in place; returns the edited clinical table."""
    clinical = pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)
    group = _group_of(clinical["calcification_birads"])
    clinical["rfs_event"] = clinical["rfs_event"].where(clinical["rfs_event"] == "", "0")
    treated_negative = clinical.index[(group == "negative")
                                      & (clinical["endocrine_therapy"] == "yes")]
    clinical.loc[treated_negative[:CENSORED_AT_ZERO], "rfs_months"] = "0"
    clinical.loc[group == "high_suspicion", ["rfs_months", "rfs_event"]] = ""
    clinical.to_csv(raw / "clinical.csv", index=False)
    (raw / "polar_metabolomics.tsv").write_text("feature_id\n")
    lipids = pd.read_csv(raw / "lipidomics.tsv", sep="\t", dtype=str)
    high = set(clinical.loc[group == "high_suspicion", "patient_id"])
    lipids.drop(columns=[c for c in lipids.columns if c in high]).to_csv(
        raw / "lipidomics.tsv", sep="\t", index=False)
    return clinical.assign(group_key=group)


@pytest.fixture(scope="module")
def degenerate(tmp_path_factory):
    root = tmp_path_factory.mktemp("degenerate")
    cohort = generate_cohort(40, 7)
    write_cohort(cohort, root / "raw")
    clinical = _degenerate_raw(root / "raw")
    warehouse = _build(root / "raw", root, SELECTION)
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection, clinical, root / "raw"
    connection.close()


def _frame(connection, sql: str) -> pd.DataFrame:
    return connection.execute(sql).df()


def test_every_survival_test_is_a_row_with_the_reason(degenerate):
    connection, clinical, _ = degenerate
    tests = _frame(connection, "select * from rpt_survival_tests")
    assert tests["p_value"].isna().all() and tests["p_adjusted"].isna().all()
    assert tests["statistic"].isna().all() and (tests["n_events"] == 0).all()
    notes = {(r.test, r.group_key or r.group_a_key, r.group_b_key): r.test_note
             for r in tests.itertuples()}
    assert notes == {
        ("logrank", None, None): NO_EVENTS,
        ("logrank_pairwise", "negative", "probably_benign"): NO_EVENTS,
        ("logrank_pairwise", "negative", "high_suspicion"): ONE_GROUP_ONLY,
        ("logrank_pairwise", "probably_benign", "high_suspicion"): ONE_GROUP_ONLY,
        ("two_stage", "negative", None): NO_EVENTS,
        ("two_stage", "probably_benign", None): NO_EVENTS,
        ("two_stage", "high_suspicion", None): ONE_GROUP_ONLY,
    }
    treated = clinical[clinical["endocrine_therapy"] == "yes"]
    included = treated[treated["group_key"].isin(["negative", "probably_benign"])]
    no_follow_up = int((treated["group_key"] == "high_suspicion").sum())
    assert no_follow_up > 0
    overall = tests[tests["test"] == "logrank"].iloc[0]
    assert overall["n_patients"] == len(included)
    assert overall["n_without_follow_up"] == no_follow_up
    pair = tests[(tests["group_a_key"] == "negative")
                 & (tests["group_b_key"] == "high_suspicion")].iloc[0]
    assert pair["n_patients"] == (included["group_key"] == "negative").sum()
    assert pair["n_without_follow_up"] == no_follow_up
    benign_pair = tests[(tests["group_a_key"] == "negative")
                        & (tests["group_b_key"] == "probably_benign")].iloc[0]
    assert benign_pair["n_without_follow_up"] == 0
    cohort = _frame(connection, "select * from fct_survival_cohort")
    reasons = cohort.loc[cohort["group_key"] == "high_suspicion"].set_index("patient_id")
    treated_high = treated.loc[treated["group_key"] == "high_suspicion", "patient_id"]
    assert (reasons.loc[treated_high, "exclusion_reason"] == "no follow-up recorded").all()


def test_km_curves_censored_at_zero_as_survfit(degenerate):
    connection, clinical, _ = degenerate
    curves = _frame(connection, "select * from fct_km_curves order by group_key, time_months")
    assert set(curves["group_key"]) == {"negative", "probably_benign"}  # no curve without data
    assert not curves.duplicated(["group_key", "time_months"]).any()
    assert (curves["survival"] == 1.0).all() and (curves["events"] == 0).all()
    assert (curves["ci_lower"] == 1.0).all() and (curves["ci_upper"] == 1.0).all()
    treated = clinical[(clinical["endocrine_therapy"] == "yes")]
    for key, curve in curves.groupby("group_key"):
        patients = treated[treated["group_key"] == key]
        times = patients["rfs_months"].astype(float)
        start = curve.iloc[0]
        assert start["time_months"] == 0 and start["at_risk"] == len(patients)
        assert start["censored"] == (times == 0).sum()
        assert curve["time_months"].tolist() == sorted(set(times) | {0.0})
        assert curve["censored"].sum() == len(patients)
    negative = curves[curves["group_key"] == "negative"]
    assert negative.iloc[0]["censored"] == CENSORED_AT_ZERO
    assert negative.iloc[1]["at_risk"] == negative.iloc[0]["at_risk"] - CENSORED_AT_ZERO


def test_absent_polar_layer_and_lipid_subset(degenerate):
    connection, clinical, raw = degenerate
    differential = _frame(connection, "select * from fct_metabolite_differential")
    assert set(differential["platform"]) == {"lipidomics"}
    by_group = differential.groupby("group_key")
    assert set(by_group.groups) == set(MAIN)
    n_features = differential["feature_id"].nunique()
    assert (by_group.size() == n_features).all()
    high = differential[differential["group_key"] == "high_suspicion"]
    assert (high["test_note"] == ONE_GROUP_ONLY).all()
    assert high["p_value"].isna().all() and high["q_value"].isna().all()
    assert (high["n_group"] == 0).all() and (high["direction"] == "unchanged").all()
    tested = differential[differential["group_key"] != "high_suspicion"]
    assert tested["p_value"].notna().all() and tested["test_note"].isna().all()
    main = clinical[clinical["group_key"].isin(["negative", "probably_benign"])]
    lipid_samples = set(pd.read_csv(raw / "lipidomics.tsv", sep="\t", nrows=0).columns)
    in_lipids = main[main["patient_id"].isin(lipid_samples)]
    negative = tested[tested["group_key"] == "negative"].iloc[0]
    assert negative["n_group"] == (in_lipids["group_key"] == "negative").sum()
    assert negative["n_rest"] == (in_lipids["group_key"] == "probably_benign").sum()
    scores = _frame(connection, "select * from fct_pathway_da_scores")
    high_scores = scores[scores["group_key"] == "high_suspicion"]
    assert len(high_scores) > 0 and (high_scores["n_tested"] == 0).all()
    assert high_scores["da_score"].isna().all()
    assert (scores.loc[scores["group_key"] != "high_suspicion", "n_tested"]
            == scores.loc[scores["group_key"] != "high_suspicion", "n_annotated"]).all()
    for table in ("fct_metabolite_network_edges", "fct_metabolite_network_nodes"):
        assert connection.execute(f"select count(*) from {table}").fetchone()[0] == 0


def test_empty_marts_keep_their_contracted_types(degenerate):
    connection, _, _ = degenerate
    types = dict(connection.execute(
        "select table_name || '.' || column_name, data_type from information_schema.columns "
        "where table_name in ('fct_metabolite_network_edges', 'fct_metabolite_network_nodes')"
    ).fetchall())
    assert types["fct_metabolite_network_edges.spearman_rho"] == "DOUBLE"
    assert types["fct_metabolite_network_edges.source_feature_id"] == "VARCHAR"
    assert types["fct_metabolite_network_nodes.degree"] == "INTEGER"
    assert types["fct_metabolite_network_nodes.weighted_degree"] == "DOUBLE"


def test_no_pair_passing_the_thresholds_gives_empty_network_marts(tmp_path, small_raw_dir):
    raw = tmp_path / "raw"
    shutil.copytree(small_raw_dir, raw)
    warehouse = _build(raw, tmp_path, NETWORK_SELECTION, "--vars", "{network_min_rho: 0.99}")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for table in ("intermediate.int_metabolite_network_edges", "fct_metabolite_network_edges",
                      "fct_metabolite_network_nodes"):
            assert connection.execute(f"select count(*) from {table}").fetchone()[0] == 0
        polar = connection.execute(
            "select count(distinct feature_id), count(distinct sample_id) "
            "from intermediate.int_metabolite_abundances where platform = 'polar'").fetchone()
    assert polar[0] > 1 and polar[1] >= 3  # there was something to correlate


def test_a_sample_measured_nowhere_is_ingested_and_unpivoted(tmp_path, small_raw_dir):
    """A lipid sample column empty in every row (all "not detected") is typed VARCHAR by the
    CSV sniffer beside DOUBLE columns; the unpivot casts every sample column first, so the
    layer builds and that sample's cells are all nulls (UNPIVOT refuses mixed types)."""
    raw = tmp_path / "raw"
    shutil.copytree(small_raw_dir, raw)
    lipids = pd.read_csv(raw / "lipidomics.tsv", sep="\t", dtype=str)
    blank = lipids.columns[1]
    lipids[blank] = ""
    lipids.to_csv(raw / "lipidomics.tsv", sep="\t", index=False)
    warehouse = _build(raw, tmp_path, ("--select", "stg_raw__lipid_abundances",
                                       "stg_raw__gene_expression",
                                       "stg_raw__gene_expression_matrix",
                                       "--indirect-selection", "cautious"),
                       "--vars", "{unpivot_columns_per_group: 16}")  # 40 samples: 3 groups
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        raw_type = connection.execute(
            "select data_type from duckdb_columns() where schema_name = 'raw' "
            "and table_name = 'lipidomics' and column_name = ?", [blank]).fetchone()[0]
        cells = connection.execute(
            "select count(*), count(abundance) from staging.stg_raw__lipid_abundances "
            "where sample_id = ?", [blank]).fetchone()
        others = connection.execute(
            "select count(*), count(abundance) from staging.stg_raw__lipid_abundances "
            "where sample_id <> ?", [blank]).fetchone()
        expression = connection.execute(
            "select count(*), count(distinct sample_id), min(gene_order), max(gene_order) "
            "from staging.stg_raw__gene_expression").fetchone()
        # the long view (table rowid) and the wide view (row_number) number genes alike
        order_mismatches = connection.execute(
            "select count(*) from (select distinct gene_symbol, gene_order "
            "from staging.stg_raw__gene_expression) as long_view "
            "full join staging.stg_raw__gene_expression_matrix as wide_view "
            "using (gene_symbol, gene_order) "
            "where long_view.gene_symbol is null or wide_view.gene_symbol is null").fetchone()[0]
        long_cells = connection.execute(
            "select gene_order, sample_id, expression_value "
            "from staging.stg_raw__gene_expression").df()
        wide_cells = connection.execute(
            "select * exclude (gene_symbol) from staging.stg_raw__gene_expression_matrix "
            "order by gene_order").df().set_index("gene_order")
    pivoted = long_cells.pivot(index="gene_order", columns="sample_id",
                               values="expression_value").sort_index()
    assert list(pivoted.index) == list(wide_cells.index)
    assert np.array_equal(pivoted[wide_cells.columns].to_numpy(), wide_cells.to_numpy(),
                          equal_nan=True)
    assert order_mismatches == 0
    assert raw_type == "VARCHAR"
    assert cells == (len(lipids), 0)
    assert others[0] == len(lipids) * (len(lipids.columns) - 2) and others[1] > 0
    genes = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t", usecols=[0])
    n_samples = len(pd.read_csv(raw / "expression_fpkm.tsv", sep="\t", nrows=0).columns) - 1
    assert expression == (len(genes) * n_samples, n_samples, 1, len(genes))
