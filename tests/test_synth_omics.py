"""Synthetic expression (FPKM) and metabolomics: shapes, realism and the planted biology."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control, kruskal, mannwhitneyu, rankdata, spearmanr

from calcomics.reference import kegg_compound_pathways, protein_coding_genes
from calcomics.synth.expression import (
    CDK46_GENES,
    IMMUNE_CELL_TYPES_UP_IN_NEGATIVE,
    PAM50_SUBTYPES,
    SET_INDEX_GENES,
    SET_REFERENCE_GENES,
    bindea_gene_sets,
    hallmark_gene_sets,
    pam50_centroids,
    planted_pam50_subtypes,
    simulate_expression,
)
from calcomics.synth.metabolomics import (
    ANNOTATION_COLUMNS,
    PLANTED_PATHWAYS,
    PROGRAM_DIRECTIONS,
    feature_catalogue,
    simulate_metabolomics,
)

GROUPS = ("negative", "probably_benign", "low_moderate_suspicion", "high_suspicion")
MAIN = ("negative", "probably_benign", "high_suspicion")
SIZES = {"negative": 103, "probably_benign": 90, "low_moderate_suspicion": 23,
         "high_suspicion": 100}
RNASEQ = {"negative": 103, "probably_benign": 89, "low_moderate_suspicion": 22,
          "high_suspicion": 98}
METABOLOMICS = {"negative": 64, "probably_benign": 56, "low_moderate_suspicion": 14,
                "high_suspicion": 62}
# Rough IHC levels per group (ER/PR higher in probably benign, Ki-67 higher in high suspicion).
ER_MEAN = {"negative": 80, "probably_benign": 88, "low_moderate_suspicion": 84,
           "high_suspicion": 80}
KI67_MEAN = {"negative": 22, "probably_benign": 18, "low_moderate_suspicion": 24,
             "high_suspicion": 30}
SNF = np.array(["SNF1", "SNF2", "SNF3", "SNF4"])
SNF_P = {"negative": (0.28, 0.25, 0.27, 0.20), "probably_benign": (0.40, 0.18, 0.29, 0.13),
         "low_moderate_suspicion": (0.20, 0.20, 0.40, 0.20),
         "high_suspicion": (0.18, 0.13, 0.49, 0.20)}


def make_patients(sizes: dict, rnaseq: dict, metabolomics: dict, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for group in GROUPS:
        n = sizes[group]
        met = rng.permutation(np.arange(n) < metabolomics[group])
        frames.append(pd.DataFrame({
            "calcification_group": group,
            "has_rnaseq": rng.permutation(np.arange(n) < rnaseq[group]),
            "has_lipidomics": met,
            "has_polar_metabolomics": met,
            "er_ihc_pct": np.clip(rng.normal(ER_MEAN[group], 12, n), 1, 100).round(),
            "pr_ihc_pct": np.clip(rng.normal(ER_MEAN[group] - 30, 25, n), 0, 100).round(),
            "ki67_ihc_pct": np.clip(rng.normal(KI67_MEAN[group], 12, n), 1, 90).round(),
            "snf_subtype": rng.choice(SNF, n, p=SNF_P[group]),
        }))
    patients = pd.concat(frames, ignore_index=True)
    patients = patients.iloc[rng.permutation(len(patients))].reset_index(drop=True)
    patients.insert(0, "patient_id", [f"P{i:04d}" for i in range(1, len(patients) + 1)])
    return patients


@pytest.fixture(scope="module")
def patients() -> pd.DataFrame:
    return make_patients(SIZES, RNASEQ, METABOLOMICS, seed=11)


@pytest.fixture(scope="module")
def small_patients() -> pd.DataFrame:
    sizes = {"negative": 13, "probably_benign": 12, "low_moderate_suspicion": 3,
             "high_suspicion": 12}
    return make_patients(sizes, sizes, {g: n // 2 + 1 for g, n in sizes.items()}, seed=5)


@pytest.fixture(scope="module")
def expression(patients):
    return simulate_expression(patients, np.random.default_rng(2024), return_truth=True)


@pytest.fixture(scope="module")
def log_expr(expression) -> pd.DataFrame:
    return np.log2(expression[0] + 1.0)


@pytest.fixture(scope="module")
def sample_groups(patients, expression) -> np.ndarray:
    return patients.set_index("patient_id").loc[expression[0].columns,
                                                "calcification_group"].to_numpy()


@pytest.fixture(scope="module")
def rank_scores(log_expr):
    """GSVA-like set score: genes z-scored across samples, ranked within each sample."""
    values = log_expr.to_numpy()
    sd = values.std(axis=1, keepdims=True)
    z = (values - values.mean(axis=1, keepdims=True)) / np.where(sd > 0, sd, 1.0)
    ranks = pd.DataFrame(rankdata(z, axis=0), index=log_expr.index)

    def score(genes) -> np.ndarray:
        present = [g for g in dict.fromkeys(genes) if g in ranks.index]
        return ranks.loc[present].mean().to_numpy()

    return score


def group_means(values: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    return {g: float(np.mean(values[groups == g])) for g in MAIN}


def assert_top(values: np.ndarray, groups: np.ndarray, top: str, alpha: float = 0.05) -> None:
    # alpha 0.05: the planted effects are as strong as the paper's (Bonferroni P 0.007-0.02
    # for the weaker pairs, docs/DEMO_CALIBRATION.md), not the near-separation of before.
    means = group_means(values, groups)
    assert max(means, key=means.get) == top, means
    for other in MAIN:
        if other != top:
            p = mannwhitneyu(values[groups == top], values[groups == other]).pvalue
            assert p < alpha, (top, other, p)


# --- expression: shape and realism ------------------------------------------------------------


def test_expression_shape_and_ids(patients, expression):
    fpkm, truth = expression
    genes = protein_coding_genes()["gene_symbol"]
    assert fpkm.index.name == "gene_symbol"
    assert fpkm.index.tolist() == genes.tolist()
    expected = patients.loc[patients["has_rnaseq"], "patient_id"].tolist()
    assert fpkm.columns.tolist() == expected
    assert len(expected) == 312
    assert (fpkm.dtypes == np.float64).all()
    values = fpkm.to_numpy()
    assert np.isfinite(values).all() and (values >= 0).all()
    assert truth.index.tolist() == expected
    assert set(truth["pam50_subtype"]) <= set(PAM50_SUBTYPES)


def test_expression_is_realistic(log_expr):
    means = log_expr.mean(axis=1)
    near_zero = float((means < 0.5).mean())
    assert 0.10 <= near_zero <= 0.15
    assert means.max() > 9 and means.quantile(0.5) > 3
    # Sample-level variation and gene-gene correlation inside a program.
    assert log_expr.sum().std() > 0
    er = log_expr.loc[["ESR1", "GATA3", "FOXA1", "XBP1"]].T.corr(method="spearman")
    assert er.to_numpy()[np.triu_indices(4, 1)].mean() > 0.3


def test_small_cohort(small_patients):
    fpkm = simulate_expression(small_patients, np.random.default_rng(1))
    assert fpkm.shape == (len(protein_coding_genes()), int(small_patients["has_rnaseq"].sum()))
    assert (fpkm.to_numpy() >= 0).all()
    lip, polar, annotation = simulate_metabolomics(small_patients, np.random.default_rng(1))
    assert lip.shape[1] == polar.shape[1] == int(small_patients["has_lipidomics"].sum())
    assert len(annotation) == len(lip) + len(polar)


def test_expression_deterministic(small_patients):
    a = simulate_expression(small_patients, np.random.default_rng(3))
    b = simulate_expression(small_patients, np.random.default_rng(3))
    c = simulate_expression(small_patients, np.random.default_rng(4))
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.to_numpy(), c.to_numpy())


# --- expression: PAM50 ------------------------------------------------------------------------


def test_pam50_luminal_counts_exact(sample_groups, expression):
    subtype = expression[1]["pam50_subtype"].to_numpy()
    luminal = np.isin(subtype, ["LumA", "LumB"])
    counts = {g: (int(luminal[sample_groups == g].sum()), int((sample_groups == g).sum()))
              for g in MAIN}
    assert counts == {"negative": (73, 103), "probably_benign": (81, 89),
                      "high_suspicion": (80, 98)}


def test_pam50_helper_matches_planted(patients, expression):
    helper = planted_pam50_subtypes(patients, np.random.default_rng(2024))
    pd.testing.assert_series_equal(helper, expression[1]["pam50_subtype"], check_names=False)


def test_pam50_nearest_centroid_recovers_subtype(log_expr, expression):
    centroids = pam50_centroids()
    sub = log_expr.loc[centroids.index]
    centred = sub.sub(sub.median(axis=1), axis=0).to_numpy()
    r = rankdata(centred, axis=0)
    c = rankdata(centroids.to_numpy(), axis=0)
    r = (r - r.mean(axis=0)) / r.std(axis=0)
    c = (c - c.mean(axis=0)) / c.std(axis=0)
    spearman = r.T @ c / len(centroids)  # samples x subtypes
    called = np.array(centroids.columns)[spearman.argmax(axis=1)]
    accuracy = float((called == expression[1]["pam50_subtype"].to_numpy()).mean())
    assert accuracy >= 0.90, accuracy


# --- expression: planted programs --------------------------------------------------------------


def test_er_program_highest_in_probably_benign(patients, log_expr, sample_groups, rank_scores):
    assert_top(log_expr.loc["ESR1"].to_numpy(), sample_groups, "probably_benign")
    informative = list(SET_INDEX_GENES) + ["CD3D", "DNAJC12"]  # counted twice in the index
    set_index = (log_expr.loc[informative].mean() - log_expr.loc[list(SET_REFERENCE_GENES)].mean())
    assert_top(set_index.to_numpy(), sample_groups, "probably_benign")
    hallmark = hallmark_gene_sets()
    for name in ("HALLMARK_ESTROGEN_RESPONSE_EARLY", "HALLMARK_ESTROGEN_RESPONSE_LATE"):
        assert_top(rank_scores(hallmark[name]), sample_groups, "probably_benign")
    er_ihc = patients.set_index("patient_id").loc[log_expr.columns, "er_ihc_pct"]
    assert spearmanr(log_expr.loc["ESR1"], er_ihc)[0] > 0.2


def test_set_reference_genes_are_stable(log_expr, sample_groups):
    ref = log_expr.loc[list(SET_REFERENCE_GENES)]
    assert (ref.std(axis=1) < 0.35).all()
    level = ref.mean().to_numpy()
    means = group_means(level, sample_groups)
    assert max(means.values()) - min(means.values()) < 0.1
    assert kruskal(*[level[sample_groups == g] for g in MAIN]).pvalue > 0.001


def test_proliferation_highest_in_high_suspicion(patients, log_expr, sample_groups,
                                                 rank_scores):
    hallmark = hallmark_gene_sets()
    for name in ("HALLMARK_E2F_TARGETS", "HALLMARK_G2M_CHECKPOINT"):
        assert_top(rank_scores(hallmark[name]), sample_groups, "high_suspicion")
    cdk46 = rank_scores(CDK46_GENES)
    assert_top(cdk46, sample_groups, "high_suspicion")
    prolif = rank_scores(["MKI67", "CCNB1", "E2F1", *hallmark["HALLMARK_E2F_TARGETS"]])
    info = patients.set_index("patient_id").loc[log_expr.columns]
    assert spearmanr(prolif, info["ki67_ihc_pct"])[0] > 0.2
    snf3 = (info["snf_subtype"] == "SNF3").to_numpy()
    assert prolif[snf3].mean() > prolif[~snf3].mean()


def test_immune_highest_in_negative(log_expr, sample_groups, rank_scores):
    sets = bindea_gene_sets()
    assert_top(rank_scores([g for genes in sets.values() for g in genes]), sample_groups,
               "negative")
    assert_top(rank_scores(["PTPRC", "CD274", "CD8A", "GZMB"]), sample_groups, "negative")
    top_negative = 0
    for genes in sets.values():
        means = group_means(rank_scores(genes), sample_groups)
        top_negative += max(means, key=means.get) == "negative"
    # a minority of cell types carry a clear shift; the rest lean to negative or are even
    assert top_negative >= len(IMMUNE_CELL_TYPES_UP_IN_NEGATIVE)


# --- metabolomics --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def metabolomics(patients):
    return simulate_metabolomics(patients, np.random.default_rng(99))


def test_metabolomics_shapes_and_annotation(patients, metabolomics):
    lip, polar, annotation = metabolomics
    assert list(annotation.columns) == list(ANNOTATION_COLUMNS)
    expected = patients.loc[patients["has_lipidomics"], "patient_id"].tolist()
    assert len(expected) == 196
    assert lip.columns.tolist() == expected
    assert polar.columns.tolist() == patients.loc[patients["has_polar_metabolomics"],
                                                  "patient_id"].tolist()
    assert lip.index.name == polar.index.name == "feature_id"
    assert 550 <= len(lip) <= 650 and 230 <= len(polar) <= 270
    assert lip.index.str.fullmatch(r"LIP\d{4}").all()
    assert polar.index.str.fullmatch(r"POL\d{4}").all()
    assert annotation["feature_id"].tolist() == lip.index.tolist() + polar.index.tolist()
    assert annotation["feature_id"].is_unique and annotation["feature_name"].is_unique
    for frame in (lip, polar):
        values = frame.to_numpy()
        assert frame.dtypes.eq(np.float64).all()
        assert np.isfinite(values).all() and (values > 0).all()
    assert annotation.notna().all().all()
    by_platform = annotation.groupby("platform")
    assert set(by_platform.groups) == {"lipidomics", "polar"}
    lipids = annotation[annotation["platform"] == "lipidomics"]
    assert {"TG", "DG", "PC", "PE", "PI", "PS", "LPC", "LPE", "SM", "Cer", "CE", "FA"} <= set(
        lipids["lipid_subclass"])
    assert (lipids["kegg_compound_id"] == "").mean() > 0.9
    polar_ann = annotation[annotation["platform"] == "polar"]
    assert (polar_ann["lipid_subclass"] == "").all()
    assert "Amino acids" in set(polar_ann["metabolite_class"])


def test_kegg_ids_are_in_pathway_table(metabolomics):
    annotation = metabolomics[2]
    table = kegg_compound_pathways()
    ids = annotation.loc[annotation["kegg_compound_id"] != "", "kegg_compound_id"]
    assert ids.isin(table["compound_id"]).all()
    polar = annotation[annotation["platform"] == "polar"]
    assert (polar["kegg_compound_id"] != "").all() and polar["kegg_compound_id"].is_unique
    names = table.drop_duplicates("compound_id").set_index("compound_id")["compound_name"]
    first = names.loc[polar["kegg_compound_id"]].str.split("; ").str[0].to_numpy()
    assert (polar["feature_name"].to_numpy() == first).mean() > 0.95


def test_metabolomics_deterministic(small_patients):
    a = simulate_metabolomics(small_patients, np.random.default_rng(8))
    b = simulate_metabolomics(small_patients, np.random.default_rng(8))
    c = simulate_metabolomics(small_patients, np.random.default_rng(9))
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)
    assert not np.allclose(a[0].to_numpy(), c[0].to_numpy())


def _differential(patients, metabolomics) -> dict[str, pd.DataFrame]:
    """Per group: group-vs-rest log2FC, Wilcoxon + BH over all features, significance sign."""
    groups = patients.set_index("patient_id")["calcification_group"]
    out = {}
    for group in MAIN:
        parts = []
        for frame in metabolomics[:2]:
            in_group = (groups.loc[frame.columns] == group).to_numpy()
            log = np.log2(frame.to_numpy())
            fc = np.log2(frame.to_numpy()[:, in_group].mean(axis=1)
                         / frame.to_numpy()[:, ~in_group].mean(axis=1))
            p = mannwhitneyu(log[:, in_group], log[:, ~in_group], axis=1).pvalue
            parts.append(pd.DataFrame({"log2fc": fc, "p": p}, index=frame.index))
        res = pd.concat(parts)
        res["q"] = false_discovery_control(res["p"])
        res["sign"] = np.where((res["q"] < 0.05) & (res["log2fc"].abs() > 1),
                               np.sign(res["log2fc"]), 0.0)
        out[group] = res
    return out


def test_planted_metabolite_pathways(patients, metabolomics):
    annotation = metabolomics[2]
    table = kegg_compound_pathways()
    members = annotation[annotation["kegg_compound_id"] != ""].merge(
        table, left_on="kegg_compound_id", right_on="compound_id")
    counts = members.groupby("pathway_name").size()
    for pathway in PLANTED_PATHWAYS:
        assert counts.get(pathway, 0) > 3, pathway  # DA score defined (> 3 features)
    diff = _differential(patients, metabolomics)
    for group, res in diff.items():
        members["sign"] = res["sign"].reindex(members["feature_id"]).to_numpy()
        members["log2fc"] = res["log2fc"].reindex(members["feature_id"]).to_numpy()
        for scope, rows in (("all", members), ("polar", members[members["platform"] == "polar"])):
            da = rows.groupby("pathway_name")["sign"].mean()
            mean_fc = rows.groupby("pathway_name")["log2fc"].mean()
            for pathway, program in PLANTED_PATHWAYS.items():
                direction = PROGRAM_DIRECTIONS[program].get(group, 0.0)
                if direction == 0 or (rows["pathway_name"] == pathway).sum() <= 3:
                    continue
                # a minority of features is planted: the DA score has the program's sign
                assert da[pathway] * direction > 0, (group, scope, pathway, da[pathway])
                assert mean_fc[pathway] * direction > 0, (group, scope, pathway)
    # Headline results of the paper.
    for group, pathway, sign in (
        ("negative", "Vitamin B1 (thiamin) metabolism", 1),
        ("probably_benign", "Vitamin B1 (thiamin) metabolism", -1),
        ("high_suspicion", "Tryptophan metabolism", 1),
        ("probably_benign", "Glycerophospholipid metabolism", 1),
        ("negative", "Glycerophospholipid metabolism", -1),
    ):
        members["sign"] = diff[group]["sign"].reindex(members["feature_id"]).to_numpy()
        assert members.loc[members["pathway_name"] == pathway, "sign"].mean() * sign >= 0.2


def test_lipid_classes_follow_lipid_program(patients, metabolomics):
    annotation = metabolomics[2].set_index("feature_id")
    diff = _differential(patients, metabolomics)
    lipids = annotation[annotation["platform"] == "lipidomics"]
    for group, sign in (("probably_benign", 1), ("negative", -1)):
        da = diff[group]["sign"].reindex(lipids.index).groupby(lipids["lipid_subclass"]).mean()
        assert (da * sign > 0).all(), da  # 30 % of the species are planted
        fc = diff[group]["log2fc"].reindex(lipids.index)
        planted = feature_catalogue().set_index("feature_id")["planted"].reindex(lipids.index)
        assert 1.1 <= (fc[planted] * sign).median() <= 1.9
    hs = diff["high_suspicion"]["sign"].reindex(lipids.index)
    assert (hs != 0).mean() < 0.05
