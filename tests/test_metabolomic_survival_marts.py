"""Figure 2 and Figure 5 marts on the real dbt build of the demo cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.commands.network import network_from_warehouse
from calcomics.methods.stats import fisher_exact
from calcomics.methods.survival import logrank_test

MAIN = ("negative", "probably_benign", "high_suspicion")


def _medians(warehouse, feature: str) -> dict[str, float]:
    return dict(warehouse.execute(
        "select group_key, median(feature_value) from intermediate.int_group_comparison_inputs "
        "where feature_family = 'clinical' and feature = ? group by 1", [feature]
    ).fetchall())


def _pairwise_p(warehouse, feature: str, a: str, b: str) -> float:
    return warehouse.execute(
        "select p_adjusted from fct_group_comparisons where feature = ? and test = "
        "'wilcoxon_rank_sum' and group_a_key = ? and group_b_key = ?", [feature, a, b]
    ).fetchone()[0]


def test_figure2_clinical_comparisons(warehouse):
    size = _medians(warehouse, "tumor_size_cm")
    assert max(MAIN, key=lambda g: size[g]) == "high_suspicion"
    assert _pairwise_p(warehouse, "tumor_size_cm", "negative", "high_suspicion") < 0.05
    age = _medians(warehouse, "age_years")
    assert max(MAIN, key=lambda g: age[g]) == "probably_benign"
    assert _pairwise_p(warehouse, "age_years", "probably_benign", "high_suspicion") < 0.05
    for ihc in ("er_ihc_pct", "pr_ihc_pct"):
        medians = _medians(warehouse, ihc)
        assert medians["probably_benign"] >= medians["high_suspicion"], (ihc, medians)
    assert _pairwise_p(warehouse, "pr_ihc_pct", "probably_benign", "high_suspicion") < 0.001
    ki67 = _medians(warehouse, "ki67_ihc_pct")
    assert [ki67[g] for g in MAIN] == [20.0, 20.0, 30.0]  # paper: 20 % / 20 % / 30 %


def test_ln_and_lvi_rates_with_exact_fisher(warehouse):
    everything = warehouse.execute(
        "select comparison, category_level, group_key, n, p_value from "
        "fct_categorical_comparisons"
    ).df()
    rates = warehouse.execute(
        "select comparison, group_key, n, group_total, p_value from "
        "fct_categorical_comparisons where category_level in ('positive', 'present')"
    ).df()
    for comparison in ("lymph_node_status", "lymphovascular_invasion"):
        sub = rates[rates["comparison"] == comparison].set_index("group_key")
        pct = sub["n"] / sub["group_total"]
        assert pct.idxmax() == "high_suspicion"
        table = everything[everything["comparison"] == comparison].pivot(
            index="category_level", columns="group_key", values="n")[list(MAIN)]
        assert sub["p_value"].iloc[0] == pytest.approx(fisher_exact(table).p_value, rel=1e-12)
    # Table 1 counts: LN 52/103, 40/90, 62/100 -> Fisher 0.0470 (printed 0.047).
    ln = rates[rates["comparison"] == "lymph_node_status"].set_index("group_key")
    assert [int(ln.loc[g, "n"]) for g in MAIN] == [52, 40, 62]
    assert ln["p_value"].iloc[0] == pytest.approx(0.0470, abs=5e-4)


def test_relapse_distribution_by_calcification_status(warehouse):
    rows = warehouse.execute(
        "select category_level, group_key, pct_of_level from "
        "fct_categorical_comparisons where comparison = 'relapse_status'"
    ).df().set_index(["category_level", "group_key"])["pct_of_level"]
    # More high-suspicion calcification among relapsed than relapse-free patients (46.2 vs
    # 33.5 % in the paper).
    assert rows[("relapsed", "high_suspicion")] > rows[("relapse_free", "high_suspicion")]


def test_km_curves_and_survival_tests(warehouse):
    cohort = warehouse.execute(
        "select *, cast(has_relapse as integer) as rfs_event from fct_survival_cohort "
        "where is_included"
    ).df()
    excluded = dict(warehouse.execute(
        "select exclusion_reason, count(*) from fct_survival_cohort where not is_included "
        "group by 1"
    ).fetchall())
    total = warehouse.execute("select count(*) from dim_patients").fetchone()[0]
    assert len(cohort) + sum(excluded.values()) == total
    assert excluded["no follow-up recorded"] >= 1
    assert excluded["no endocrine therapy recorded"] >= 1
    assert any(r.startswith("not in a main analysis group: ") for r in excluded)
    assert set(cohort["group_key"]) == set(MAIN)
    curves = warehouse.execute("select * from fct_km_curves").df()
    final = curves.sort_values("time_months").groupby("group_key")["survival"].last()
    assert final.idxmax() == "probably_benign"  # better RFS under endocrine therapy
    for _, curve in curves.groupby("group_key"):
        curve = curve.sort_values("time_months")
        assert curve["survival"].iloc[0] == 1.0
        assert (np.diff(curve["survival"]) <= 1e-12).all()
        assert (curve["ci_lower"].dropna() <= curve.loc[curve["ci_lower"].notna(),
                                                         "survival"] + 1e-12).all()
    at_risk_start = curves[curves["time_months"] == 0].set_index("group_key")["at_risk"]
    assert at_risk_start.to_dict() == cohort.groupby("group_key").size().to_dict()
    tests = warehouse.execute("select * from rpt_survival_tests").df()
    overall = tests[tests["comparison_scope"] == "all_main_groups"].iloc[0]
    direct = logrank_test(cohort["rfs_months"], cohort["rfs_event"], cohort["group_key"])
    assert overall["test"] == "logrank"
    assert overall["statistic"] == pytest.approx(direct.chisq, rel=1e-12)
    assert overall["df"] == 2
    pairs = tests[tests["comparison_scope"] == "pairwise"]
    assert list(zip(pairs["group_a_key"], pairs["group_b_key"], strict=True)) == [
        ("negative", "probably_benign"), ("negative", "high_suspicion"),
        ("probably_benign", "high_suspicion")]
    two_stage = tests[tests["test"] == "two_stage"].set_index("group_key")
    assert list(two_stage.index) == list(MAIN)
    assert (two_stage["comparison_scope"] == "group_vs_rest").all()
    assert (two_stage["nboot"] == 1000).all() and (two_stage["seed"] == 42).all()
    assert two_stage["p_value"].between(0, 1).all()
    paper = two_stage.loc["probably_benign"]  # the paper's test: probably benign vs the others
    assert paper["group_label"] == "Probably benign"
    assert paper["p_value_stage1"] == pytest.approx(direct_two_group_p(cohort), abs=1e-4)


def direct_two_group_p(cohort: pd.DataFrame) -> float:
    """survdiff p of probably benign vs the others (stage 1 differs only by TSHRC's Phi)."""
    group = np.where(cohort["group_key"] == "probably_benign", "pb", "other")
    return logrank_test(cohort["rfs_months"], cohort["rfs_event"], group).p_value


@pytest.mark.parametrize(("group", "category", "sign"), [
    ("probably_benign", "lipid", 1),
    ("negative", "lipid", -1),
    ("negative", "vitamin_cofactor", 1),
    ("probably_benign", "vitamin_cofactor", -1),
    ("high_suspicion", "amino_acid", 1),
])
def test_da_scores_recover_the_planted_pathways(warehouse, group, category, sign):
    mean_da = warehouse.execute(
        "select avg(da_score) from fct_pathway_da_scores where group_key = ? and "
        "pathway_category = ? and da_score is not null", [group, category]
    ).fetchone()[0]
    # a minority of each pathway's metabolites is planted (issue 14): the sign, with margin
    assert sign * mean_da > 0.1


def test_named_pathways_of_figure_5a(warehouse):
    da = dict(warehouse.execute(
        "select group_key || '|' || pathway_name, da_score from fct_pathway_da_scores"
    ).fetchall())
    assert da["negative|Vitamin B1 (thiamin) metabolism"] > 0.25
    assert da["probably_benign|Vitamin B1 (thiamin) metabolism"] < -0.25
    assert da["high_suspicion|Tryptophan metabolism"] > 0.25
    assert da["probably_benign|Glycerophospholipid metabolism"] > 0.25


def test_da_score_is_counted_from_the_differential_mart(warehouse):
    """Recount one pathway by hand; small pathways get no score."""
    up, down, annotated = warehouse.execute(
        "select count(*) filter (where d.direction = 'up'), "
        "count(*) filter (where d.direction = 'down'), count(*) "
        "from intermediate.int_metabolite_pathway_annotations a "
        "inner join fct_metabolite_differential d "
        "on a.feature_id = d.feature_id where a.pathway_name = 'Tryptophan metabolism' "
        "and d.group_key = 'high_suspicion'"
    ).fetchone()
    score = warehouse.execute(
        "select da_score, n_annotated from fct_pathway_da_scores where pathway_name = "
        "'Tryptophan metabolism' and group_key = 'high_suspicion'"
    ).fetchone()
    assert score == pytest.approx(((up - down) / annotated, annotated))
    small = warehouse.execute(
        "select count(*), count(da_score) from fct_pathway_da_scores where n_annotated <= 3"
    ).fetchone()
    assert small[0] > 0 and small[1] == 0


def test_differential_mart_thresholds(warehouse):
    wrong = warehouse.execute(
        "select count(*) from fct_metabolite_differential where "
        "(direction = 'up' and not (q_value < 0.05 and log2_fold_change > 1)) or "
        "(direction = 'down' and not (q_value < 0.05 and log2_fold_change < -1)) or "
        "(direction = 'unchanged' and q_value < 0.05 and abs(log2_fold_change) > 1)"
    ).fetchone()[0]
    assert wrong == 0
    n = warehouse.execute(
        "select platform, count(distinct feature_id), count(distinct group_key) "
        "from fct_metabolite_differential group by 1 order by 1"
    ).fetchall()
    assert [(p, g) for p, _, g in n] == [("lipidomics", 3), ("polar", 3)]
    # Group vs the other main groups, for every main group: n_group + n_rest is the platform's
    # main-group samples; labels and order are the grouping's.
    sizes = warehouse.execute(
        "select platform, group_key, group_label, group_order, min(n_group) as n_min, "
        "max(n_group) as n_max, count(distinct n_group + n_rest) as n_totals, "
        "min(n_group + n_rest) as n_total from fct_metabolite_differential "
        "group by all order by 1, 4"
    ).df()
    groups = warehouse.execute(
        "select group_key, group_label, group_order from dim_comparison_groups "
        "where is_main_analysis_group order by group_order"
    ).df()
    for platform, flag in (("lipidomics", "has_lipidomics"), ("polar", "has_polar_metabolomics")):
        sub = sizes[sizes["platform"] == platform]
        assert sub["group_key"].tolist() == groups["group_key"].tolist()
        assert sub["group_label"].tolist() == groups["group_label"].tolist()
        counts = dict(warehouse.execute(
            f"select group_key, count(*) from dim_patients where is_main_analysis_group and "
            f"{flag} group by 1"
        ).fetchall())
        assert (sub["n_min"] == sub["n_max"]).all() and (sub["n_totals"] == 1).all()
        assert dict(zip(sub["group_key"], sub["n_min"], strict=True)) == counts
        assert set(sub["n_total"]) == {sum(counts.values())}


def test_metabolite_network_mart_and_export(warehouse, default_build, tmp_path):
    nodes = warehouse.execute("select * from fct_metabolite_network_nodes").df()
    edges = warehouse.execute("select * from fct_metabolite_network_edges").df()
    assert len(nodes) > 50 and len(edges) > len(nodes)
    assert nodes["core_number"].min() >= 3
    assert (edges["spearman_rho"] > 0.4).all() and (edges["q_value"] < 0.05).all()
    node_ids = set(nodes["feature_id"])
    assert set(edges["source_feature_id"]) | set(edges["target_feature_id"]) <= node_ids
    degree = pd.concat([edges["source_feature_id"], edges["target_feature_id"]]).value_counts()
    assert (nodes.set_index("feature_id")["degree"] == degree.reindex(nodes["feature_id"])
            .to_numpy()).all()
    # The three planted programs form the communities (amino acid, lipid, vitamin).
    top = nodes.groupby("community")["pathway_category"].agg(lambda s: s.value_counts().index[0])
    assert set(top) >= {"amino_acid", "lipid", "vitamin_cofactor"}
    _, path = default_build
    read_nodes, read_edges = network_from_warehouse(path)
    assert len(read_nodes) == len(nodes) and len(read_edges) == len(edges)
