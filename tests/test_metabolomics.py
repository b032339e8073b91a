"""Metabolomics: input checks, group-vs-rest differential abundance, the Spearman network and
its GEXF / GraphML export (library and `calcomics network`)."""

from __future__ import annotations

import duckdb
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calcomics.cli import main
from calcomics.commands.network import network_from_warehouse, write_network
from calcomics.design import GroupDesign
from calcomics.methods.metabolomics import (
    DIFFERENTIAL_COLUMNS,
    DIFFERENTIAL_DTYPES,
    EDGE_COLUMNS,
    EDGE_DTYPES,
    NODE_COLUMNS,
    NODE_DTYPES,
    MetaboliteDataError,
    differential_abundance,
    spearman_matrix,
    spearman_network,
    spearman_p_values,
    validate_abundance_matrix,
)
from calcomics.methods.stats import p_adjust, wilcoxon_rank_sum
from calcomics.methods.stats.notes import (
    ALL_VALUES_EQUAL,
    FEWER_THAN_MIN_OBSERVATIONS,
    NO_VALUES,
    ONE_GROUP_ONLY,
)
from calcomics.synth.metabolomics import PROGRAM_DIRECTIONS, feature_catalogue


def _matrix(values, features=None, samples=None) -> pd.DataFrame:
    values = np.asarray(values, dtype=object)
    features = features or [f"F{i + 1}" for i in range(values.shape[0])]
    samples = samples or [f"S{j + 1}" for j in range(values.shape[1])]
    return pd.DataFrame(values, index=pd.Index(features, name="feature_id"), columns=samples)


def _design(*keys: str) -> GroupDesign:
    return GroupDesign(keys, tuple(k.replace("_", " ").capitalize() for k in keys))


CALCIFICATION = _design("negative", "probably_benign", "high_suspicion")


# --------------------------------------------------------------------------- validation


def test_validation_non_numeric_message():
    matrix = _matrix([[1.0, 2.0, 3.0], [4.0, "n/a", 6.0]])
    with pytest.raises(MetaboliteDataError) as info:
        validate_abundance_matrix(matrix, "polar.tsv")
    assert str(info.value) == (
        "polar.tsv: feature_id 'F2', sample 'S2': abundance 'n/a' is not a number"
    )


def test_validation_negative_message():
    matrix = _matrix([[1.0, -2.5, 3.0], [4.0, 5.0, 6.0]]).astype(float)
    with pytest.raises(MetaboliteDataError) as info:
        validate_abundance_matrix(matrix, "lipids.tsv")
    assert str(info.value) == (
        "lipids.tsv: feature_id 'F1', sample 'S2': abundance -2.5 is negative "
        "(abundances must be >= 0)"
    )


def test_validation_lists_every_problem_in_row_major_order():
    matrix = _matrix([[np.nan, 1.0, "x"], [np.inf, -1.0, 2.0]])
    with pytest.raises(MetaboliteDataError) as info:
        validate_abundance_matrix(matrix, "m")
    assert info.value.problems == [
        "m: feature_id 'F1', sample 'S1': abundance is missing (every cell needs a value)",
        "m: feature_id 'F1', sample 'S3': abundance 'x' is not a number",
        "m: feature_id 'F2', sample 'S1': abundance inf is not finite",
        "m: feature_id 'F2', sample 'S2': abundance -1.0 is negative (abundances must be >= 0)",
    ]
    many = _matrix(-np.ones((3, 5))).astype(float)
    with pytest.raises(MetaboliteDataError, match=r"\.\.\. and 5 more problem\(s\) not shown"):
        validate_abundance_matrix(many, "m")


def test_validation_ids_and_result():
    with pytest.raises(MetaboliteDataError, match="m: feature_id 'F1' appears more than once"):
        validate_abundance_matrix(_matrix([[1.0], [2.0]], features=["F1", "F1"]), "m")
    with pytest.raises(MetaboliteDataError, match="m: sample 'S1' appears more than once"):
        validate_abundance_matrix(_matrix([[1.0, 2.0]], samples=["S1", "S1"]), "m")
    with pytest.raises(MetaboliteDataError, match="m: empty matrix"):
        validate_abundance_matrix(pd.DataFrame(), "m")
    checked = validate_abundance_matrix(_matrix([["1.5", 2], [0, 3.25]]), "m")
    assert checked.dtypes.tolist() == [np.float64, np.float64]
    assert checked.to_numpy().tolist() == [[1.5, 2.0], [0.0, 3.25]]
    assert checked.index.name == "feature_id"


# --------------------------------------------------------------------------- differential


def test_differential_abundance_matches_scalar_tests():
    rng = np.random.default_rng(3)
    raw = np.exp2(rng.normal(10, 1, size=(30, 24)))
    samples = [f"S{j:02d}" for j in range(24)]
    labels = np.array(["negative"] * 8 + ["probably_benign"] * 10 + ["high_suspicion"] * 6)
    raw[:5, labels == "high_suspicion"] *= 8  # planted: up in high_suspicion
    abundance = pd.DataFrame(raw, index=[f"F{i:02d}" for i in range(30)], columns=samples)
    groups = pd.Series(labels, index=samples)
    groups = pd.concat([groups, pd.Series({"S99": "negative"})])  # not in the matrix: unused
    result = differential_abundance(abundance, groups, CALCIFICATION)
    assert tuple(result.columns) == DIFFERENTIAL_COLUMNS
    assert result["group_key"].unique().tolist() == [
        "negative", "probably_benign", "high_suspicion"]
    logged = np.log2(raw + 1.0)
    for group, sub in result.groupby("group_key", sort=False):
        in_group = labels == group
        expected = [wilcoxon_rank_sum(row[in_group], row[~in_group]) for row in logged]
        assert sub["w_statistic"].tolist() == [e.statistic for e in expected]
        assert sub["p_value"].tolist() == [e.p_value for e in expected]
        assert sub["test_method"].tolist() == [e.method for e in expected]
        np.testing.assert_array_equal(sub["fdr"], p_adjust(sub["p_value"].to_numpy(), "BH"))
        np.testing.assert_allclose(
            sub["log2_fold_change"],
            logged[:, in_group].mean(axis=1) - logged[:, ~in_group].mean(axis=1), rtol=1e-14)
        assert (sub["n_group"] == in_group.sum()).all()
        assert (sub["n_rest"] == (~in_group).sum()).all()
    assert set(result["test_method"]) == {"exact"}  # groups < 50, continuous values
    high = result[result["group_key"] == "high_suspicion"].set_index("feature_id")
    assert (high.loc["F00":"F04", "log2_fold_change"] > 2).all()
    assert (high.loc["F00":"F04", "fdr"] < 0.05).all()
    assert result.attrs == {"ignored_samples": []}
    assert result["test_note"].isna().all()


def test_differential_abundance_reports_ignored_samples_and_tests_single_samples_as_r():
    abundance = _matrix(np.arange(1, 13, dtype=float).reshape(2, 6)).astype(float)
    groups = pd.Series(["negative", "negative", "negative", "high_suspicion", "probably_benign"],
                       index=["S1", "S2", "S3", "S4", "S5"])  # S6 has no label
    result = differential_abundance(abundance, groups, CALCIFICATION, log2_transform=False)
    assert result.attrs["ignored_samples"] == ["S6"]
    assert result["group_key"].unique().tolist() == list(CALCIFICATION.keys)
    assert result["test_note"].isna().all()
    negative = result[result["group_key"] == "negative"]
    assert negative["n_group"].tolist() == [3, 3] and negative["n_rest"].tolist() == [2, 2]
    assert negative["log2_fold_change"].tolist() == [-2.5, -2.5]  # mean(1, 2, 3) - mean(4, 5)
    # one sample against four: R's wilcox.test still tests (exact): W and p as scipy's
    for group, sample in (("probably_benign", 4), ("high_suspicion", 3)):
        row = result[result["group_key"] == group].iloc[0]
        values = np.arange(1, 6, dtype=float)
        rest = np.delete(values, sample)
        expected = stats.mannwhitneyu(values[[sample]], rest, method="exact")
        assert (row["n_group"], row["n_rest"]) == (1, 4)
        assert row["w_statistic"] == expected.statistic
        assert row["p_value"] == pytest.approx(expected.pvalue, rel=1e-12)
    unlabelled = groups.astype(object)
    unlabelled["S2"] = None
    with pytest.raises(MetaboliteDataError,
                       match="groups: sample 'S2' of the abundance matrix has no group label"):
        differential_abundance(abundance, unlabelled, CALCIFICATION)
    with pytest.raises(MetaboliteDataError,
                       match="sample 'S4' has group 'high_suspicion', which is not a main group "
                             "of the design \\(main groups: negative, probably_benign\\)"):
        differential_abundance(abundance, groups, _design("negative", "probably_benign"))
    with pytest.raises(MetaboliteDataError, match="design: expected a calcomics.design"):
        differential_abundance(abundance, groups, ["negative"])


def test_differential_abundance_group_without_samples_is_a_row_with_a_note():
    rng = np.random.default_rng(5)
    samples = [f"S{j}" for j in range(10)]
    raw = np.exp2(rng.normal(8, 1, size=(3, 10)))
    raw[2] = 7.0  # every value equal
    groups = pd.Series(["negative"] * 6 + ["high_suspicion"] * 4, index=samples)
    result = differential_abundance(pd.DataFrame(raw, index=["F1", "F2", "F3"],
                                                 columns=samples), groups, CALCIFICATION)
    assert tuple(result.columns) == DIFFERENTIAL_COLUMNS
    assert result.dtypes.astype(str).to_dict() == DIFFERENTIAL_DTYPES
    benign = result[result["group_key"] == "probably_benign"]
    assert len(benign) == 3 and (benign["test_note"] == ONE_GROUP_ONLY).all()
    assert (benign["n_group"] == 0).all() and (benign["n_rest"] == 10).all()
    assert benign[["mean_log2_group", "log2_fold_change", "w_statistic", "p_value",
                   "fdr"]].isna().all().all()
    assert benign["test_method"].isna().all() and benign["mean_log2_rest"].notna().all()
    tested = result[result["group_key"] == "negative"].set_index("feature_id")
    assert tested.loc[["F1", "F2"], "test_note"].isna().all()
    assert tested.loc["F3", "test_note"] == ALL_VALUES_EQUAL
    assert np.isnan(tested.loc["F3", "p_value"]) and np.isnan(tested.loc["F3", "fdr"])
    # BH over the two tested features only (R p.adjust ignores NA)
    np.testing.assert_array_equal(tested.loc[["F1", "F2"], "fdr"],
                                  p_adjust(tested.loc[["F1", "F2"], "p_value"].to_numpy(),
                                           "BH"))


def test_differential_abundance_without_samples_or_features():
    no_samples = pd.DataFrame(index=pd.Index(["F1", "F2"], name="feature_id"))
    result = differential_abundance(no_samples, pd.Series(dtype=object), CALCIFICATION)
    assert len(result) == 6 and (result["test_note"] == NO_VALUES).all()
    assert result["p_value"].isna().all() and (result["n_group"] == 0).all()
    assert result.dtypes.astype(str).to_dict() == DIFFERENTIAL_DTYPES
    no_features = pd.DataFrame(columns=["S1", "S2", "S3"], dtype=float)
    groups = pd.Series(["negative", "negative", "high_suspicion"], index=["S1", "S2", "S3"])
    empty = differential_abundance(no_features, groups, CALCIFICATION)
    assert empty.empty and empty.dtypes.astype(str).to_dict() == DIFFERENTIAL_DTYPES
    two = differential_abundance(_matrix([[1.0, 2.0]]).astype(float),
                                 pd.Series(["negative", "high_suspicion"], index=["S1", "S2"]),
                                 CALCIFICATION)
    notes = two.set_index("group_key")["test_note"].to_dict()
    assert notes == {"negative": FEWER_THAN_MIN_OBSERVATIONS,
                     "probably_benign": ONE_GROUP_ONLY,
                     "high_suspicion": FEWER_THAN_MIN_OBSERVATIONS}


def test_differential_abundance_follows_the_design_order_for_any_grouping():
    """Groups come out in design order, whatever their names; rest = the other groups."""
    rng = np.random.default_rng(11)
    raw = np.exp2(rng.normal(8, 1, size=(6, 20)))
    samples = [f"S{j:02d}" for j in range(20)]
    labels = np.array(["b"] * 5 + ["c"] * 7 + ["a"] * 8)
    result = differential_abundance(pd.DataFrame(raw, columns=samples),
                                    pd.Series(labels, index=samples), _design("c", "a", "b"))
    assert result["group_key"].unique().tolist() == ["c", "a", "b"]
    first = result[result["group_key"] == "a"].iloc[0]
    logged = np.log2(raw[0] + 1.0)
    expected = stats.mannwhitneyu(logged[labels == "a"], logged[labels != "a"],
                                  alternative="two-sided", method="exact")
    assert (first["n_group"], first["n_rest"]) == (8, 12)
    assert first["w_statistic"] == expected.statistic
    assert first["p_value"] == pytest.approx(expected.pvalue, rel=1e-12)


@pytest.fixture(scope="module")
def demo_differential(default_cohort):
    groups = default_cohort.patients.set_index("patient_id")["calcification_group"]
    catalogue = feature_catalogue().set_index("feature_id")[["program", "planted"]]
    every_group = _design("negative", "probably_benign", "low_moderate_suspicion",
                          "high_suspicion")
    frames = [
        differential_abundance(default_cohort.lipidomics, groups, every_group),
        differential_abundance(default_cohort.polar_metabolomics, groups, every_group),
    ]
    return pd.concat(frames, ignore_index=True).join(catalogue, on="feature_id")


@pytest.mark.parametrize(
    ("program", "group", "sign"),
    [(p, g, s) for p, directions in PROGRAM_DIRECTIONS.items() for g, s in directions.items()],
)
def test_demo_planted_features_are_recovered(demo_differential, program, group, sign):
    sub = demo_differential[(demo_differential["group_key"] == group)
                            & demo_differential["planted"]
                            & (demo_differential["program"] == program)]
    # a minority of each pathway's features carries the effect (issue 14): 19 vitamin,
    # 54 amino-acid, 231 lipid features on the default demo
    assert len(sub) >= 10
    found = (sub["fdr"] < 0.05) & (np.sign(sub["log2_fold_change"]) == sign)
    assert found.mean() >= 0.95  # measured: 100 % for every program and group
    assert (sub["log2_fold_change"] * sign).median() > 1.0  # the DA score's |log2FC| > 1


def test_demo_null_features_rarely_pass(demo_differential):
    null = demo_differential[~demo_differential["planted"]]
    rate = (null["fdr"] < 0.05).groupby(null["group_key"]).mean()
    assert len(rate) == 4
    assert (rate <= 0.10).all(), rate  # measured: at most 3 of 138 null features per group
    groups_without_program = ["low_moderate_suspicion"]
    lms = demo_differential[demo_differential["group_key"].isin(groups_without_program)]
    assert ((lms["fdr"] < 0.05) & (lms["log2_fold_change"].abs() > 1)).sum() <= 5


# --------------------------------------------------------------------------- network


def test_spearman_matches_scipy():
    rng = np.random.default_rng(8)
    base = rng.normal(size=60)
    values = np.vstack([
        base + rng.normal(scale=s, size=60) for s in (0.3, 0.8, 2.0, 5.0)
    ] + [np.round(base * 2 + rng.normal(size=60)), np.round(rng.normal(size=60))])  # ties
    rho = spearman_matrix(values)
    p = spearman_p_values(rho, values.shape[1])
    for i, j in [(0, 1), (0, 3), (2, 3), (1, 4), (4, 5), (0, 5)]:
        ref = stats.spearmanr(values[i], values[j])
        assert abs(rho[i, j] - ref.statistic) < 1e-12
        assert abs(p[i, j] - ref.pvalue) < 1e-12
        assert p[i, j] == pytest.approx(ref.pvalue, rel=1e-9)
    np.testing.assert_allclose(np.diag(rho), 1.0, atol=1e-12)
    assert np.isnan(spearman_matrix(np.vstack([values[0], np.ones(60)]))[0, 1])


def _block_matrix(seed: int = 1) -> pd.DataFrame:
    """Block A (A1-A5, rho ~0.6-0.8), block B (B1-B4), pendant P tied to A1 only, noise N1-N2."""
    rng = np.random.default_rng(seed)
    n = 200
    f_a, f_b = rng.normal(size=n), rng.normal(size=n)
    e = rng.normal(size=(12, n))
    rows = {
        "A1": f_a + e[0],
        **{f"A{i}": f_a + 0.5 * e[i - 1] for i in range(2, 6)},
        **{f"B{i}": f_b + 0.5 * e[4 + i] for i in range(1, 5)},
        "P": e[0] + 0.3 * e[9],
        "N1": e[10],
        "N2": e[11],
    }
    return pd.DataFrame(np.exp2(20 + np.vstack(list(rows.values()))), index=list(rows),
                        columns=[f"S{j:03d}" for j in range(n)])


def test_network_on_constructed_blocks():
    nodes, edges = spearman_network(_block_matrix())
    assert tuple(nodes.columns) == NODE_COLUMNS and tuple(edges.columns) == EDGE_COLUMNS
    block_a = ["A1", "A2", "A3", "A4", "A5"]
    block_b = ["B1", "B2", "B3", "B4"]
    assert nodes["feature_id"].tolist() == block_a + block_b  # P (core 1) and noise removed
    expected_edges = {(s, t) for block in (block_a, block_b) for s in block for t in block
                      if s < t}
    found = set(zip(edges["source_feature_id"], edges["target_feature_id"], strict=True))
    assert found == expected_edges
    assert (edges["source_feature_id"] < edges["target_feature_id"]).all()
    assert (edges["spearman_rho"] > 0.4).all() and (edges["fdr"] < 0.05).all()
    by_id = nodes.set_index("feature_id")
    assert by_id.loc[block_a, "degree"].tolist() == [4] * 5
    assert by_id.loc[block_a, "core_number"].tolist() == [4] * 5
    assert by_id.loc[block_b, "degree"].tolist() == [3] * 4
    assert by_id.loc[block_b, "core_number"].tolist() == [3] * 4
    assert by_id.loc[block_a, "community"].tolist() == [1] * 5  # largest community first
    assert by_id.loc[block_b, "community"].tolist() == [2] * 4
    weighted = edges.groupby("source_feature_id")["spearman_rho"].sum().add(
        edges.groupby("target_feature_id")["spearman_rho"].sum(), fill_value=0)
    np.testing.assert_allclose(by_id["weighted_degree"], weighted.loc[by_id.index], rtol=1e-12)
    assert nodes.attrs["network_summary"] == {
        "n_features": 12, "n_samples": 200, "n_pairs_tested": 66,
        "n_edges_before_pruning": 17, "n_nodes_before_pruning": 10,
        "n_nodes": 9, "n_edges": 16, "n_communities": 2,
    }


def test_k_core_pruning_removes_the_pendant_node():
    matrix = _block_matrix()
    kept, kept_edges = spearman_network(matrix, min_core=1)
    by_id = kept.set_index("feature_id")
    assert "P" in by_id.index and by_id.loc["P", "degree"] == 1
    assert by_id.loc["P", "core_number"] == 1 and by_id.loc["A1", "degree"] == 5
    assert ("A1", "P") in set(zip(kept_edges["source_feature_id"],
                                  kept_edges["target_feature_id"], strict=True))
    pruned, _ = spearman_network(matrix, min_core=2)
    assert "P" not in set(pruned["feature_id"])
    core4, _ = spearman_network(matrix, min_core=4)
    assert core4["feature_id"].tolist() == ["A1", "A2", "A3", "A4", "A5"]


def test_network_without_passing_pairs_is_empty_and_typed():
    nodes, edges = spearman_network(_block_matrix(), rho_min=0.99)
    assert nodes.empty and edges.empty
    assert nodes.dtypes.astype(str).to_dict() == NODE_DTYPES
    assert edges.dtypes.astype(str).to_dict() == EDGE_DTYPES
    assert nodes.attrs["network_summary"] == {
        "n_features": 12, "n_samples": 200, "n_pairs_tested": 66,
        "n_edges_before_pruning": 0, "n_nodes_before_pruning": 0,
        "n_nodes": 0, "n_edges": 0, "n_communities": 0,
    }


@pytest.mark.parametrize(("features", "samples"), [(0, 0), (5, 0), (0, 4), (5, 2), (1, 10)])
def test_network_with_nothing_to_correlate_is_empty(features, samples):
    """An absent polar layer (header-only: no feature, no sample) or too few samples."""
    matrix = pd.DataFrame(np.ones((features, samples)),
                          index=[f"F{i}" for i in range(features)],
                          columns=[f"S{j}" for j in range(samples)])
    nodes, edges = spearman_network(matrix)
    assert nodes.empty and edges.empty
    assert edges.dtypes.astype(str).to_dict() == EDGE_DTYPES
    summary = edges.attrs["network_summary"]
    assert (summary["n_features"], summary["n_samples"]) == (features, samples)
    assert summary["n_pairs_tested"] == 0


def test_network_thresholds_and_arguments():
    matrix = _block_matrix()
    strict, _ = spearman_network(matrix, rho_min=0.7, min_core=0)
    loose, _ = spearman_network(matrix, rho_min=0.4, min_core=0)
    assert strict.attrs["network_summary"]["n_edges_before_pruning"] < 17
    assert loose.attrs["network_summary"]["n_edges_before_pruning"] == 17
    # Negatively correlated copy of A2 never becomes an edge.
    flipped = pd.concat([matrix, pd.DataFrame(1 / matrix.loc[["A2"]].to_numpy(), index=["Z"],
                                              columns=matrix.columns)])
    nodes, _ = spearman_network(flipped, min_core=0)
    assert "Z" not in set(nodes["feature_id"])
    with pytest.raises(MetaboliteDataError, match="rho_min must be in"):
        spearman_network(matrix, rho_min=-0.4)


def test_demo_network_communities_are_the_planted_programs(default_cohort):
    nodes, edges = spearman_network(default_cohort.polar_metabolomics)
    program = feature_catalogue().set_index("feature_id")["program"]
    table = pd.crosstab(nodes["community"], nodes["feature_id"].map(program))
    assert (table.gt(0).sum(axis=1) == 1).all()  # each community holds one program
    assert table.columns.tolist() == ["amino_acid", "lipid", "vitamin"]
    assert (nodes["core_number"] >= 3).all() and (nodes["degree"] >= 3).all()
    assert nodes.attrs["network_summary"]["n_edges"] == len(edges)


# --------------------------------------------------------------------------- export


def _network_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes, edges = spearman_network(_block_matrix())
    names = {f: f"metabolite {f}" for f in nodes["feature_id"]}
    nodes = nodes.assign(
        feature_name=nodes["feature_id"].map(names),
        metabolite_class=np.where(nodes["feature_id"].str.startswith("A"), "Amino acids",
                                  "Vitamins and cofactors"),
        kegg_compound_id=[f"C{i:05d}" for i in range(1, len(nodes) + 1)],
        pathway=["Tryptophan metabolism"] * 5 + ["Vitamin B1 (thiamin) metabolism"] * 3 + [None],
    )
    return nodes, edges


def _assert_graph_matches(graph: nx.Graph, nodes: pd.DataFrame, edges: pd.DataFrame) -> None:
    assert sorted(graph.nodes) == sorted(nodes["feature_id"])
    for row in nodes.to_dict("records"):
        data = graph.nodes[row["feature_id"]]
        assert data["label"] == row["feature_name"]
        for column in ("degree", "core_number", "community"):
            assert data[column] == row[column]
        assert data["weighted_degree"] == pytest.approx(row["weighted_degree"], rel=1e-12)
        for column in ("metabolite_class", "kegg_compound_id"):
            assert data[column] == row[column]
        assert data.get("pathway", "") == (row["pathway"] or "")
    assert graph.number_of_edges() == len(edges)
    for row in edges.to_dict("records"):
        data = graph.edges[row["source_feature_id"], row["target_feature_id"]]
        assert data["weight"] == pytest.approx(row["spearman_rho"], rel=1e-12)
        assert data["fdr"] == pytest.approx(row["fdr"], rel=1e-12)


@pytest.mark.parametrize("suffix", ["gexf", "graphml"])
def test_write_network_round_trip(tmp_path, suffix):
    nodes, edges = _network_frames()
    path = write_network(nodes, edges, tmp_path / "sub" / f"net.{suffix}")
    assert path.is_file()
    graph = nx.read_gexf(path) if suffix == "gexf" else nx.read_graphml(path)
    _assert_graph_matches(graph, nodes, edges)


def test_write_network_errors(tmp_path):
    nodes, edges = _network_frames()
    with pytest.raises(MetaboliteDataError, match="unknown network format 'csv'"):
        write_network(nodes, edges, tmp_path / "net.csv")
    bad = edges.copy()
    bad.loc[0, "target_feature_id"] = "ZZZ"
    with pytest.raises(MetaboliteDataError,
                       match="edges: target_feature_id 'ZZZ' \\(row 0\\) is not a node"):
        write_network(nodes, bad, tmp_path / "net.gexf")


def _warehouse(tmp_path, nodes=None, edges=None):
    path = tmp_path / "warehouse.duckdb"
    connection = duckdb.connect(str(path))
    if nodes is not None:
        connection.register("nodes_frame", nodes)
        connection.execute("create table main.fct_metabolite_network_nodes as "
                           "select * from nodes_frame")
    if edges is not None:
        connection.register("edges_frame", edges)
        connection.execute("create table main.fct_metabolite_network_edges as "
                           "select * from edges_frame")
    connection.close()
    return path


def test_network_from_warehouse(tmp_path):
    nodes, edges = _network_frames()
    path = _warehouse(tmp_path, nodes.sample(frac=1, random_state=0), edges)
    read_nodes, read_edges = network_from_warehouse(path)
    pd.testing.assert_frame_equal(read_nodes, nodes.reset_index(drop=True), check_dtype=False)
    pd.testing.assert_frame_equal(read_edges, edges, check_dtype=False)
    with pytest.raises(MetaboliteDataError, match="DuckDB warehouse not found; run `calcomics "
                                                  "build` first"):
        network_from_warehouse(tmp_path / "absent.duckdb")
    (tmp_path / "other").mkdir()
    partial = _warehouse(tmp_path / "other", nodes=nodes)
    with pytest.raises(MetaboliteDataError) as info:
        network_from_warehouse(partial)
    assert str(info.value) == (f"{partial}: table(s) main.fct_metabolite_network_edges not "
                               "found; run `calcomics build` first")


@pytest.mark.parametrize("suffix", ["gexf", "graphml"])
def test_network_command(tmp_path, capsys, suffix):
    nodes, edges = _network_frames()
    warehouse = _warehouse(tmp_path, nodes, edges)
    out = tmp_path / f"network.{suffix}"
    assert main(["network", "--warehouse", str(warehouse), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{len(nodes)} nodes, {len(edges)} edges -> {out}" in printed
    graph = nx.read_gexf(out) if suffix == "gexf" else nx.read_graphml(out)
    _assert_graph_matches(graph, nodes, edges)


def test_network_command_errors(tmp_path, capsys):
    assert main(["network", "--warehouse", str(tmp_path / "none.duckdb"),
                 "-o", str(tmp_path / "n.gexf")]) == 2
    assert "run `calcomics build` first" in capsys.readouterr().err
    warehouse = _warehouse(tmp_path)
    assert main(["network", "--warehouse", str(warehouse), "-o", str(tmp_path / "n.gexf")]) == 2
    err = capsys.readouterr().err
    assert "main.fct_metabolite_network_nodes, main.fct_metabolite_network_edges not found" in err
    assert not (tmp_path / "n.gexf").exists()
