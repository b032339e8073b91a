"""Survival and GSEA marts under a second grouping (SNF subtype: 4 groups, 6 pairs).

Every number is checked against an independent computation from the raw files: counts
recounted with pandas, Kaplan-Meier and log-rank p-values from lifelines, and the GSEA
enrichment score, NES and nominal p of one set from a plain numpy re-implementation of the
documented statistic and permutation scheme.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test as lifelines_logrank
from lifelines.statistics import multivariate_logrank_test

pytestmark = pytest.mark.dbt

SNF = ("snf1", "snf2", "snf3", "snf4")
GENE_SETS = Path(__file__).resolve().parents[1] / "src" / "calcomics" / "data" / "genesets"


@pytest.fixture(scope="module")
def clinical(snf_build) -> pd.DataFrame:
    """clinical.csv of the SNF build read with pandas; group = lower-cased snf_subtype."""
    frame = pd.read_csv(snf_build[1].parent / "raw" / "clinical.csv", dtype=str)
    frame["group_key"] = frame["snf_subtype"].str.strip().str.lower()
    return frame


@pytest.fixture(scope="module")
def survival_cohort(clinical) -> pd.DataFrame:
    """Included patients recounted from the raw file: SNF group, endocrine therapy, follow-up."""
    included = clinical[
        clinical["group_key"].isin(SNF)
        & (clinical["endocrine_therapy"] == "yes")
        & clinical["rfs_months"].notna()
        & clinical["rfs_event"].notna()
    ].copy()
    included["rfs_months"] = included["rfs_months"].astype(float)
    included["rfs_event"] = included["rfs_event"].astype(int)
    return included


def test_survival_cohort_counts_per_group(snf_warehouse, clinical, survival_cohort):
    mart = snf_warehouse.execute(
        "select group_key, count(*) filter (where is_included), count(*) "
        "from fct_survival_cohort group by 1"
    ).fetchall()
    counts = {key: (included, total) for key, included, total in mart}
    expected_included = survival_cohort["group_key"].value_counts()
    expected_total = clinical["group_key"].value_counts(dropna=False)
    for key in SNF:
        assert counts[key] == (expected_included[key], expected_total[key]), key
    no_group = int(clinical["group_key"].isna().sum())
    assert no_group > 0 and counts[None] == (0, no_group)
    reasons = dict(snf_warehouse.execute(
        "select exclusion_reason, count(*) from fct_survival_cohort group by 1").fetchall())
    assert reasons["not in a main analysis group: no snf_subtype value"] == no_group


def test_km_curves_match_lifelines(snf_warehouse, survival_cohort):
    curves = snf_warehouse.execute(
        "select * from fct_km_curves order by group_order, time_months").df()
    assert list(pd.unique(curves["group_key"])) == list(SNF)
    assert list(pd.unique(curves["group_label"])) == ["SNF1", "SNF2", "SNF3", "SNF4"]
    for key, data in survival_cohort.groupby("group_key"):
        curve = curves[curves["group_key"] == key]
        fitter = KaplanMeierFitter().fit(data["rfs_months"], data["rfs_event"])
        assert curve["at_risk"].iloc[0] == len(data)
        assert curve["events"].sum() == data["rfs_event"].sum()
        expected = fitter.survival_function_at_times(curve["time_months"]).to_numpy()
        np.testing.assert_allclose(curve["survival"].to_numpy(), expected, rtol=1e-12)


def test_logrank_all_groups_and_every_pair_match_lifelines(snf_warehouse, survival_cohort):
    tests = snf_warehouse.execute("select * from rpt_survival_tests").df()
    overall = tests[tests["comparison_scope"] == "all_main_groups"]
    assert len(overall) == 1 and overall["group_key"].isna().all()
    theirs = multivariate_logrank_test(
        survival_cohort["rfs_months"], survival_cohort["group_key"], survival_cohort["rfs_event"])
    assert overall["p_value"].iloc[0] == pytest.approx(theirs.p_value, rel=1e-9)
    assert overall["df"].iloc[0] == 3
    assert overall["n_patients"].iloc[0] == len(survival_cohort)
    pairs = tests[tests["comparison_scope"] == "pairwise"]
    assert list(zip(pairs["group_a_key"], pairs["group_b_key"], strict=True)) == list(
        combinations(SNF, 2))
    assert set(pairs["group_a_label"]) | set(pairs["group_b_label"]) == {
        "SNF1", "SNF2", "SNF3", "SNF4"}
    for row in pairs.itertuples():
        a = survival_cohort[survival_cohort["group_key"] == row.group_a_key]
        b = survival_cohort[survival_cohort["group_key"] == row.group_b_key]
        their = lifelines_logrank(a["rfs_months"], b["rfs_months"], a["rfs_event"],
                                  b["rfs_event"])
        assert row.p_value == pytest.approx(their.p_value, rel=1e-9)
        assert row.p_adjusted == pytest.approx(min(1.0, 6 * their.p_value), rel=1e-9)
        assert row.n_patients == len(a) + len(b)
        assert row.n_events == a["rfs_event"].sum() + b["rfs_event"].sum()


def test_two_stage_test_of_every_group_vs_the_rest(snf_warehouse, survival_cohort):
    two_stage = snf_warehouse.execute(
        "select * from rpt_survival_tests where test = 'two_stage' order by group_order").df()
    assert list(two_stage["group_key"]) == list(SNF)
    assert (two_stage["comparison_scope"] == "group_vs_rest").all()
    assert (two_stage["nboot"] == 1000).all() and (two_stage["seed"] == 42).all()
    assert two_stage["p_value"].between(0, 1).all()
    for row in two_stage.itertuples():
        in_group = survival_cohort["group_key"] == row.group_key
        a, b = survival_cohort[in_group], survival_cohort[~in_group]
        their = lifelines_logrank(a["rfs_months"], b["rfs_months"], a["rfs_event"],
                                  b["rfs_event"])
        # stage 1 is the log-rank p with TSHRC's polynomial normal approximation
        assert row.p_value_stage1 == pytest.approx(their.p_value, abs=1e-4)


def _signal_to_noise(x: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """GSEA desktop Signal2Noise per gene (rows) and labelling (columns of positive.T)."""
    pos = positive.astype(float)
    neg = 1.0 - pos
    n_a, n_b = pos.sum(axis=1), neg.sum(axis=1)
    mean_a, mean_b = x @ pos.T / n_a, x @ neg.T / n_b
    sd_a = np.sqrt(np.maximum((x**2 @ pos.T - n_a * mean_a**2) / (n_a - 1), 0.0))
    sd_b = np.sqrt(np.maximum((x**2 @ neg.T - n_b * mean_b**2) / (n_b - 1), 0.0))
    sd_a = np.where(mean_a == 0, np.maximum(sd_a, 0.2), np.maximum(sd_a, 0.2 * np.abs(mean_a)))
    sd_b = np.where(mean_b == 0, np.maximum(sd_b, 0.2), np.maximum(sd_b, 0.2 * np.abs(mean_b)))
    return (mean_a - mean_b) / (sd_a + sd_b)


def _enrichment_scores(metric: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Weighted (p = 1) running-sum ES of one set, one per column of ``metric``."""
    n_genes = metric.shape[0]
    order = np.argsort(-metric, axis=0, kind="stable")
    hit = np.isin(order, members)
    weights = np.abs(np.take_along_axis(metric, order, axis=0)) * hit
    steps = np.where(hit, weights / weights.sum(axis=0), -1.0 / (n_genes - hit.sum(axis=0)))
    running = np.cumsum(steps, axis=0)
    top, bottom = running.max(axis=0), running.min(axis=0)
    return np.where(np.abs(bottom) > top + 1e-12, bottom, top)


def test_gsea_counts_and_one_set_recomputed_from_raw(snf_warehouse, snf_build, clinical):
    mart = snf_warehouse.execute(
        "select * from fct_gsea_group_vs_rest order by group_order, gene_set").df()
    raw = snf_build[1].parent / "raw"
    expression = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t", index_col=0)
    groups = clinical.set_index("patient_id")["group_key"].dropna()
    samples = sorted(s for s in expression.columns if s in groups.index)
    labels = groups.loc[samples].to_numpy()
    assert list(pd.unique(mart["group_key"])) == list(SNF)
    sizes = mart.drop_duplicates("group_key").set_index("group_key")
    for key in SNF:
        assert sizes.loc[key, "n_group_samples"] == (labels == key).sum()
        assert sizes.loc[key, "n_rest_samples"] == (labels != key).sum()

    # recompute a set whose nominal p is neither 0 nor 1 (the first such Hallmark set of
    # SNF1), so the permutation count is really checked
    key = "snf1"
    testable = mart[(mart["group_key"] == key) & mart["p_value"].between(0.05, 0.95)]
    gene_set = sorted(testable["gene_set"])[0]
    hallmark = {line.split("\t")[0]: line.rstrip("\n").split("\t")[2:]
                for line in (GENE_SETS / "hallmark_v7.0.gmt").read_text().splitlines()}
    members = np.flatnonzero(expression.index.isin(hallmark[gene_set]))
    row = mart[(mart["group_key"] == key) & (mart["gene_set"] == gene_set)].iloc[0]
    assert row["set_size"] == len(members)
    x = np.log2(expression[samples].to_numpy(float) + 1.0)
    is_pos = labels == key
    es = _enrichment_scores(_signal_to_noise(x, is_pos[None, :]), members)[0]
    assert row["es"] == pytest.approx(es, abs=1e-10)
    # the documented permutation scheme: numpy default_rng(seed) shuffles the labels
    shuffled = np.random.default_rng(int(row["seed"])).permuted(
        np.tile(is_pos, (int(row["n_permutations"]), 1)), axis=1)
    null = np.concatenate([
        _enrichment_scores(_signal_to_noise(x, shuffled[i:i + 100]), members)
        for i in range(0, len(shuffled), 100)
    ])
    same_sign = null[null >= 0] if es >= 0 else null[null <= 0]
    nominal_p = np.mean(same_sign > es) if es >= 0 else np.mean(same_sign < es)
    assert 0 < row["p_value"] < 1
    assert row["p_value"] == pytest.approx(nominal_p, abs=1e-12)
    assert row["nes"] == pytest.approx(es / abs(same_sign.mean()), rel=1e-9)
