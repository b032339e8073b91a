"""Metabolomic marts under a second grouping: the demo cohort grouped by SNF subtype.

Every number is checked against an independent computation from the raw files with pandas
and scipy (``scipy.stats.mannwhitneyu``, ``scipy.stats.false_discovery_control``,
``scipy.stats.spearmanr``), not against the library function the warehouse calls.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

pytestmark = pytest.mark.dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]

SNF_KEYS = ["snf1", "snf2", "snf3", "snf4"]
PLATFORM_FILES = {"lipidomics": "lipidomics.tsv", "polar": "polar_metabolomics.tsv"}
DA_FDR_MAX, DA_MIN_ABS_LOG2FC, DA_MIN_ANNOTATED = 0.05, 1.0, 3


def _raw(build) -> Path:
    return Path(build[1]).parent / "raw"


@pytest.fixture(scope="module")
def snf_groups(snf_build) -> pd.Series:
    """patient_id -> SNF group key, recounted from clinical.csv (patients without a subtype
    are outside the analysis)."""
    clinical = pd.read_csv(_raw(snf_build) / "clinical.csv", dtype=str, keep_default_na=False)
    subtype = clinical.set_index("patient_id")["snf_subtype"].str.strip().str.lower()
    return subtype[subtype.isin(SNF_KEYS)]


@pytest.fixture(scope="module")
def log_abundances(snf_build) -> dict[str, pd.DataFrame]:
    """log2(abundance + 1) per platform, features x samples, read from the raw files."""
    return {
        platform: np.log2(pd.read_csv(_raw(snf_build) / name, sep="\t",
                                      index_col="feature_id") + 1.0)
        for platform, name in PLATFORM_FILES.items()
    }


def _r_wilcox(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """W and two-sided p of R wilcox.test(x, y): exact below 50 per side without ties, else
    the normal approximation with tie and continuity correction."""
    exact = len(x) < 50 and len(y) < 50 and len(np.unique(np.r_[x, y])) == len(x) + len(y)
    result = stats.mannwhitneyu(x, y, alternative="two-sided",
                                method="exact" if exact else "asymptotic", use_continuity=True)
    return float(result.statistic), float(result.pvalue)


@pytest.fixture(scope="module")
def expected_differential(snf_groups, log_abundances) -> pd.DataFrame:
    """Every feature, every SNF group against the other SNF groups, recomputed with scipy."""
    rows = []
    for platform, values in log_abundances.items():
        samples = [s for s in values.columns if s in snf_groups.index]
        labels = snf_groups.reindex(samples).to_numpy()
        matrix = values[samples].to_numpy()
        for group in SNF_KEYS:
            in_group = labels == group
            tests = [_r_wilcox(row[in_group], row[~in_group]) for row in matrix]
            p_values = np.array([p for _, p in tests])
            frame = pd.DataFrame({
                "platform": platform,
                "feature_id": values.index,
                "group_key": group,
                "n_group": int(in_group.sum()),
                "n_rest": int((~in_group).sum()),
                "log2_fold_change": matrix[:, in_group].mean(axis=1)
                - matrix[:, ~in_group].mean(axis=1),
                "w_statistic": [w for w, _ in tests],
                "p_value": p_values,
                "fdr": stats.false_discovery_control(p_values, method="bh"),
            })
            rows.append(frame)
    expected = pd.concat(rows, ignore_index=True)
    significant = expected["fdr"] < DA_FDR_MAX
    expected["direction"] = np.select(
        [significant & (expected["log2_fold_change"] > DA_MIN_ABS_LOG2FC),
         significant & (expected["log2_fold_change"] < -DA_MIN_ABS_LOG2FC)],
        ["up", "down"], "unchanged")
    return expected


def test_snf_group_counts_are_the_raw_recount(snf_warehouse, snf_groups, log_abundances):
    marts = snf_warehouse.execute(
        "select platform, group_key, group_label, group_order, count(*) as n_features, "
        "min(n_group) as n_group, max(n_group) as n_group_max, min(n_rest) as n_rest "
        "from fct_metabolite_differential group by all order by platform, group_order"
    ).df()
    for platform, values in log_abundances.items():
        sub = marts[marts["platform"] == platform]
        assert sub["group_key"].tolist() == SNF_KEYS
        assert sub["group_label"].tolist() == ["SNF1", "SNF2", "SNF3", "SNF4"]
        assert sub["group_order"].tolist() == [1, 2, 3, 4]
        counts = snf_groups.reindex(values.columns).value_counts()
        assert dict(zip(sub["group_key"], sub["n_group"], strict=True)) == {
            key: int(counts[key]) for key in SNF_KEYS}
        assert (sub["n_group"] == sub["n_group_max"]).all()
        assert (sub["n_group"] + sub["n_rest"] == int(counts.sum())).all()
        assert (sub["n_features"] == len(values)).all()
    da_groups = snf_warehouse.execute(
        "select distinct group_key, group_label, group_order from fct_pathway_da_scores "
        "order by group_order").fetchall()
    assert da_groups == [(k, k.upper(), i) for i, k in enumerate(SNF_KEYS, start=1)]


def test_snf_differential_p_values_match_scipy(snf_warehouse, expected_differential):
    mart = snf_warehouse.execute(
        "select platform, feature_id, group_key, n_group, n_rest, log2_fold_change, "
        "w_statistic, p_value, q_value as fdr, direction from fct_metabolite_differential"
    ).df()
    keys = ["platform", "feature_id", "group_key"]
    merged = mart.merge(expected_differential, on=keys, suffixes=("", "_expected"),
                        validate="one_to_one")
    assert len(merged) == len(mart) == len(expected_differential) > 4 * 800
    assert (merged["n_group"] == merged["n_group_expected"]).all()
    assert (merged["n_rest"] == merged["n_rest_expected"]).all()
    np.testing.assert_allclose(merged["w_statistic"], merged["w_statistic_expected"])
    np.testing.assert_allclose(merged["log2_fold_change"], merged["log2_fold_change_expected"],
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(merged["p_value"], merged["p_value_expected"], rtol=1e-9)
    np.testing.assert_allclose(merged["fdr"], merged["fdr_expected"], rtol=1e-9)
    assert (merged["direction"] == merged["direction_expected"]).all()
    # The demo plants no metabolomic effect on the SNF subtypes: nominal p-values below 0.01
    # occur (the comparison is not vacuous), up/down calls need not.
    assert (merged["p_value"] < 0.01).sum() > 10


def _pathway_annotations(raw: Path) -> pd.DataFrame:
    """(feature_id, pathway_name) pairs recounted from the files: KEGG compound id through
    the MFN table, lipid subclass through the seed; a pathway reached both ways counts once."""
    features = pd.read_csv(raw / "metabolite_annotation.tsv", sep="\t", dtype=str,
                           keep_default_na=False)
    kegg = pd.read_csv(PROJECT_DIR / "src/calcomics/data/kegg_compound_pathways.tsv", sep="\t",
                       dtype=str)
    lipids = pd.read_csv(PROJECT_DIR / "warehouse/seeds/lipid_subclass_pathways.csv", dtype=str)
    via_kegg = features[features["kegg_compound_id"] != ""].merge(
        kegg, left_on="kegg_compound_id", right_on="compound_id")
    via_lipid = features[features["lipid_subclass"] != ""].merge(lipids, on="lipid_subclass")
    both = pd.concat([via_kegg[["feature_id", "pathway_name"]],
                      via_lipid[["feature_id", "pathway_name"]]])
    return both.drop_duplicates()


def test_snf_pathway_da_scores_are_the_recount(snf_warehouse, snf_build, expected_differential):
    annotations = _pathway_annotations(_raw(snf_build))
    calls = annotations.merge(expected_differential[["feature_id", "group_key", "direction"]],
                              on="feature_id")
    counts = calls.groupby(["pathway_name", "group_key"]).agg(
        n_annotated=("direction", "size"),
        n_up=("direction", lambda d: int((d == "up").sum())),
        n_down=("direction", lambda d: int((d == "down").sum())),
    ).reset_index()
    counts["da_score"] = np.where(counts["n_annotated"] > DA_MIN_ANNOTATED,
                                  (counts["n_up"] - counts["n_down"]) / counts["n_annotated"],
                                  np.nan)
    mart = snf_warehouse.execute(
        "select pathway_name, group_key, n_annotated, n_up, n_down, da_score "
        "from fct_pathway_da_scores").df()
    merged = mart.merge(counts, on=["pathway_name", "group_key"], suffixes=("", "_expected"),
                        validate="one_to_one")
    assert len(merged) == len(mart) == len(counts)
    for column in ("n_annotated", "n_up", "n_down"):
        assert (merged[column] == merged[f"{column}_expected"]).all(), column
    np.testing.assert_allclose(merged["da_score"].astype(float), merged["da_score_expected"])
    assert merged["da_score"].notna().sum() > 0
    assert (merged["da_score"].isna() == (merged["n_annotated"] <= DA_MIN_ANNOTATED)).all()


def test_network_does_not_depend_on_the_grouping(snf_warehouse, warehouse, snf_build):
    query = ("select * from fct_metabolite_network_edges "
             "order by source_feature_id, target_feature_id")
    snf_edges = snf_warehouse.execute(query).df()
    pd.testing.assert_frame_equal(snf_edges, warehouse.execute(query).df())
    nodes = "select * from fct_metabolite_network_nodes order by feature_id"
    pd.testing.assert_frame_equal(snf_warehouse.execute(nodes).df(),
                                  warehouse.execute(nodes).df())
    # The edge p-values are Spearman's over every polar sample (scipy, from the raw file).
    polar = pd.read_csv(_raw(snf_build) / "polar_metabolomics.tsv", sep="\t",
                        index_col="feature_id")
    sample = snf_edges.iloc[:: max(1, len(snf_edges) // 40)]
    for edge in sample.itertuples():
        rho, p_value = stats.spearmanr(polar.loc[edge.source_feature_id],
                                       polar.loc[edge.target_feature_id])
        assert edge.spearman_rho == pytest.approx(rho, rel=1e-12)
        assert edge.p_value == pytest.approx(p_value, rel=1e-9, abs=1e-300)
