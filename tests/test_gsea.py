"""GSEA with phenotype permutations (calcomics.methods.transcriptomics.gsea).

Checks: ES against a plain running-sum walk (ties, negative ES, weights), the
Signal2Noise sigma floor on hand examples, the desktop NES/p/FDR/FWER rules against a loop
transcription, ES/leading edge identical to gseapy 1.3.1 (NES close; other RNG), the
planted Hallmark signals of the demo cohort, and seed reproducibility.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.design import GroupDesign
from calcomics.methods.stats.notes import FEWER_THAN_MIN_OBSERVATIONS, ONE_GROUP_ONLY
from calcomics.methods.transcriptomics.gsea import (
    GROUP_VS_REST_DTYPES,
    RESULT_COLUMNS,
    GseaInputError,
    enrichment_scores,
    gsea_group_vs_rest,
    gsea_phenotype,
    permutation_statistics,
    ranking_metric,
)
from calcomics.synth.expression import hallmark_gene_sets

# --------------------------------------------------------------------------- helpers


def _walk_es(metric: np.ndarray, members: np.ndarray, weight: float) -> float:
    """Reference ES: walk the whole ranked list one gene at a time (GSEA PNAS 2005)."""
    order = np.argsort(-metric, kind="stable")
    hit = np.isin(order, members)
    r = np.abs(metric[order])
    n_r = sum(r[i] ** weight for i in range(len(order)) if hit[i])
    miss = 1.0 / (len(order) - len(members))
    running, top, bottom = 0.0, -np.inf, np.inf
    for i in range(len(order)):
        running += (r[i] ** weight) / n_r if hit[i] else -miss
        top, bottom = max(top, running), min(bottom, running)
    # extremes equal in exact arithmetic (|min| == max) resolve to the maximum
    return bottom if abs(bottom) > top + 1e-12 else top


def _loop_statistics(es, null, pooled=False):
    """Loop transcription of the GSEA desktop NES / nominal p / FDR / FWER rules."""
    n_sets, n_perm = null.shape
    nes = np.empty(n_sets)
    nominal = np.empty(n_sets)
    null_nes = np.empty_like(null)
    for s in range(n_sets):
        pos = [v for v in null[s] if v >= 0]
        neg = [v for v in null[s] if v <= 0]
        mean_pos, mean_neg = np.mean(pos), abs(np.mean(neg))
        for c in range(n_perm):
            v = null[s, c]
            null_nes[s, c] = v / mean_pos if v >= 0 else v / mean_neg
        if es[s] >= 0:
            nes[s] = es[s] / mean_pos
            nominal[s] = sum(v > es[s] for v in pos) / len(pos)
        else:
            nes[s] = es[s] / mean_neg
            nominal[s] = sum(v < es[s] for v in neg) / len(neg)
    fdr = np.empty(n_sets)
    fwer = np.empty(n_sets)
    for s in range(n_sets):
        x = nes[s]
        up = x >= 0
        same = [v for v in nes if (v >= 0 if up else v <= 0)]
        share_obs = sum((v >= x) if up else (v <= x) for v in same) / len(same)
        if pooled:
            pool = [v for v in null_nes.ravel() if (v >= 0 if up else v <= 0)]
            share_null = sum((v >= x) if up else (v <= x) for v in pool) / len(pool)
        else:
            shares = []
            for c in range(n_perm):
                col = [v for v in null_nes[:, c] if (v >= 0 if up else v <= 0)]
                if col:
                    shares.append(sum((v >= x) if up else (v <= x) for v in col) / len(col))
            share_null = np.mean(shares)
        fdr[s] = min(share_null / share_obs, 1.0)
        extremes = null_nes.max(axis=0) if up else null_nes.min(axis=0)
        fwer[s] = np.mean(extremes > x) if up else np.mean(extremes < x)
    return nes, nominal, fdr, fwer


@pytest.fixture(scope="module")
def demo(default_cohort):
    """log2(FPKM + 1) of the demo cohort and the calcification group of every sample."""
    expr = np.log2(default_cohort.expression + 1.0)
    groups = default_cohort.patients.set_index("patient_id")["calcification_group"]
    return expr, groups.reindex(expr.columns)


@pytest.fixture(scope="module")
def small_demo(demo):
    """Hallmark genes plus 1,500 others, all 312 samples (fast enough for 200 permutations)."""
    expr, groups = demo
    hallmark = {g for genes in hallmark_gene_sets().values() for g in genes}
    in_sets = expr.index.isin(list(hallmark))
    keep = in_sets | (np.cumsum(~in_sets) <= 1500)
    return expr[keep], groups


# --------------------------------------------------------------------------- ES


def test_es_hand_examples():
    metric = np.array([2.0, 1.0, -1.0, -2.0])
    # hits at both ends: +0.5, 0, -0.5, 0 -> |min| == max, GSEA keeps the maximum
    # single member at rank 3: -1/3, -2/3, +1/3, 0 -> ES = -2/3
    got = enrichment_scores(metric, [np.array([0, 3]), np.array([2])])
    np.testing.assert_allclose(got, [0.5, -2.0 / 3.0], atol=1e-15)


@pytest.mark.parametrize("weight", [1.0, 0.0, 1.5])
def test_es_matches_running_sum_walk(weight):
    rng = np.random.default_rng(11)
    signs = []
    for trial in range(40):
        n_genes = int(rng.integers(30, 120))
        metric = rng.normal(0, 1, n_genes)
        if trial % 2:  # many ties: the input gene order breaks them
            metric = np.round(metric, 1)
        sets = [
            rng.choice(n_genes, size=int(rng.integers(1, n_genes // 2)), replace=False)
            for _ in range(5)
        ]
        if trial % 3 == 0:  # a set sitting at the bottom -> negative ES
            sets.append(np.argsort(metric)[:8])
        got = enrichment_scores(metric, sets, weight=weight)
        want = [_walk_es(metric, s, weight) for s in sets]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
        signs.extend(np.sign(want))
        # the same rows inside a (k, n_genes) batch give the same numbers
        batch = enrichment_scores(np.vstack([metric, metric[::-1]]), sets, weight=weight)
        np.testing.assert_allclose(batch[0], got, rtol=0, atol=0)
    assert min(signs) < 0 < max(signs)


def test_es_rejects_bad_members():
    with pytest.raises(GseaInputError, match=r"member_index\[0\]"):
        enrichment_scores(np.arange(5.0), [np.array([1, 1])])
    with pytest.raises(GseaInputError, match="outside"):
        enrichment_scores(np.arange(5.0), [np.array([7])])


# --------------------------------------------------------------------------- metric


def test_signal_to_noise_sigma_floor_and_sample_sd():
    values = np.array(
        [
            [1.0, 1.0, 1.0, 0.0, 0.0, 0.0],  # sd 0: sigma_A = 0.2|1|, mean_B = 0 -> 0.2
            [10.0, 12.0, 14.0, 0.0, 1.0, 2.0],  # sd_A 2 < 0.2*12; sd_B 1 (n - 1)
            [3.0, 3.0, 3.0, 3.0, 3.0, 3.0],  # constant: 0
        ]
    )
    labels = np.array([True, True, True, False, False, False])
    want = [1.0 / (0.2 + 0.2), 11.0 / (2.4 + 1.0), 0.0]
    np.testing.assert_allclose(ranking_metric(values, labels, "signal_to_noise"), want)
    batch = ranking_metric(values, np.vstack([labels, labels[::-1]]), "signal_to_noise")
    np.testing.assert_allclose(batch[0], want, atol=1e-14)
    np.testing.assert_allclose(batch[1], -np.array(want), atol=1e-14)
    t = ranking_metric(values[1:2], labels, "t_test")[0]
    np.testing.assert_allclose(t, 11.0 / np.sqrt(4.0 / 3 + 1.0 / 3))
    diff = ranking_metric(values[1:2], labels, "diff_of_classes")[0]
    assert diff == 11.0


def test_permuted_metric_matches_direct_metric():
    rng = np.random.default_rng(3)
    values = np.log2(np.maximum(rng.normal(3, 2, (300, 30)), 0) + 1)
    values[0, :] = 0.0
    values[1, :15] = 0.0  # an all-zero class keeps the exact-zero-mean floor of 0.2
    masks = rng.permuted(np.tile(np.arange(30) < 15, (20, 1)), axis=1)
    masks[0] = np.arange(30) < 15
    for metric in ("signal_to_noise", "t_test", "diff_of_classes"):
        batch = ranking_metric(values, masks, metric)
        direct = np.array([ranking_metric(values, m, metric) for m in masks])
        np.testing.assert_allclose(batch, direct, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- statistics


@pytest.mark.parametrize("pooled", [False, True])
def test_permutation_statistics_follow_desktop_rules(pooled):
    rng = np.random.default_rng(5)
    null = rng.normal(0, 0.3, (9, 40)) + rng.normal(0, 0.05, (9, 1))
    es = np.array([0.9, 0.5, 0.2, 0.05, -0.05, -0.3, -0.7, 0.4, -0.45])
    got = permutation_statistics(es, null, "pooled" if pooled else "desktop")
    want = _loop_statistics(es, null, pooled=pooled)
    for name, g, w in zip(("nes", "nominal", "fdr", "fwer"), got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14, err_msg=name)


# --------------------------------------------------------------------------- gseapy


def test_agrees_with_gseapy(small_demo):
    gseapy = pytest.importorskip("gseapy")
    expr, groups = small_demo
    positive = (groups == "probably_benign").to_numpy()
    # gseapy takes the first label it meets as the positive class and adds 1e-8 to the data
    expr = expr[list(expr.columns[positive]) + list(expr.columns[~positive])]
    labels = ["pb"] * int(positive.sum()) + ["rest"] * int((~positive).sum())
    sets = hallmark_gene_sets()
    theirs = gseapy.gsea(
        data=expr, gene_sets=sets, cls=labels, permutation_type="phenotype",
        permutation_num=200, method="signal_to_noise", min_size=15, max_size=500,
        weight=1.0, seed=1, threads=1, outdir=None, no_plot=True,
    ).res2d.set_index("Term")  # fmt: skip
    ours = gsea_phenotype(
        expr + 1e-08, pd.Series(labels, index=expr.columns), sets, "pb", n_perm=200, seed=1
    ).set_index("gene_set")
    theirs = theirs.loc[ours.index]
    assert len(ours) == 50
    # same ranking and walk: identical ES and leading edges
    assert np.abs(ours["es"] - theirs["ES"].astype(float)).max() < 1e-10
    same_edge = [
        set(a.split(";")) == set(b.split(";"))
        for a, b in zip(ours["leading_edge_genes"], theirs["Lead_genes"], strict=True)
    ]
    assert all(same_edge)
    # permutation nulls come from different RNGs: NES close, same sign
    their_nes = theirs["NES"].astype(float)
    assert (np.sign(ours["nes"]) == np.sign(their_nes)).all()
    assert ((ours["nes"] - their_nes).abs() / their_nes.abs()).max() < 0.15
    assert np.corrcoef(ours["nes"], their_nes)[0, 1] > 0.99


# --------------------------------------------------------------------------- demo cohort


def test_demo_cohort_planted_hallmarks(demo):
    expr, groups = demo
    design = GroupDesign(
        ("negative", "probably_benign", "high_suspicion", "low_moderate_suspicion"),
        ("Calcification-negative", "Probably benign", "High suspicion", "Low-moderate"),
    )
    result = gsea_group_vs_rest(expr, groups, hallmark_gene_sets(), n_perm=200, seed=0,
                                design=design)
    assert list(result.columns) == [
        "group_key", "n_group_samples", "n_rest_samples", *RESULT_COLUMNS, "test_note"]
    assert result["test_note"].isna().all()
    assert list(pd.unique(result["group_key"])) == list(design.keys)
    assert len(result) == 4 * 50
    sizes = groups.value_counts()
    first = result.drop_duplicates("group_key").set_index("group_key")
    assert first["n_group_samples"].to_dict() == sizes.to_dict()
    assert (first["n_rest_samples"] == sizes.sum() - first["n_group_samples"]).all()
    res = result.set_index(["group_key", "gene_set"])
    for group, gene_set in [
        ("probably_benign", "HALLMARK_ESTROGEN_RESPONSE_EARLY"),
        ("probably_benign", "HALLMARK_ESTROGEN_RESPONSE_LATE"),
        ("high_suspicion", "HALLMARK_E2F_TARGETS"),
        ("high_suspicion", "HALLMARK_G2M_CHECKPOINT"),
        ("negative", "HALLMARK_ALLOGRAFT_REJECTION"),
    ]:
        row = res.loc[(group, gene_set)]
        assert row["nes"] > 1.5 and row["fdr_q"] < 0.05, (group, gene_set, row.to_dict())
        assert row["leading_edge_size"] == len(row["leading_edge_genes"].split(";"))
    # the mirror image: ER sets go down in high_suspicion, proliferation in probably_benign
    # (weaker: the demo plants the paper's effect sizes, issue 14; NES ~ -1.45 here)
    assert res.loc[("high_suspicion", "HALLMARK_ESTROGEN_RESPONSE_EARLY"), "nes"] < -1.2
    assert res.loc[("probably_benign", "HALLMARK_E2F_TARGETS"), "nes"] < -1.2
    assert result["nominal_p"].between(0, 1).all() and result["fdr_q"].between(0, 1).all()
    assert (result["n_perm"] == 200).all() and (result["seed"] == 0).all()


def test_seed_reproducibility(small_demo):
    expr, groups = small_demo
    expr = expr.iloc[::3]
    sets = hallmark_gene_sets()
    kw = {"n_perm": 60, "min_size": 5}
    first = gsea_phenotype(expr, groups, sets, "high_suspicion", seed=4, **kw)
    again = gsea_phenotype(expr, groups, sets, "high_suspicion", seed=4, **kw)
    other = gsea_phenotype(expr, groups, sets, "high_suspicion", seed=5, **kw)
    pd.testing.assert_frame_equal(first, again)
    a = first.set_index("gene_set")
    b = other.set_index("gene_set").loc[a.index]
    np.testing.assert_array_equal(a["es"], b["es"])
    assert (a["nominal_p"] != b["nominal_p"]).any()
    assert (b["seed"] == 5).all()


def test_group_vs_rest_follows_the_design_and_equals_one_run_per_group():
    expr, labels, sets = _tiny()
    labels = pd.Series(["b"] * 3 + ["c"] * 3 + ["a"] * 4, index=labels.index)
    forward = GroupDesign(("c", "a", "b"), ("C", "A", "B"))
    backward = GroupDesign(("b", "a", "c"), ("B", "A", "C"))
    kw = {"n_perm": 30, "seed": 11}
    first = gsea_group_vs_rest(expr, labels, sets, design=forward, **kw)
    second = gsea_group_vs_rest(expr, labels, sets, design=backward, **kw)
    assert list(pd.unique(first["group_key"])) == ["c", "a", "b"]
    assert list(pd.unique(second["group_key"])) == ["b", "a", "c"]
    stacked = ["group_key", "n_group_samples", "n_rest_samples", "test_note"]
    for key in "abc":
        ours = first[first["group_key"] == key].drop(columns=stacked).reset_index(drop=True)
        pd.testing.assert_frame_equal(
            ours, second[second["group_key"] == key].drop(columns=stacked).reset_index(drop=True))
        single = gsea_phenotype(expr, labels, sets, key, **kw)
        pd.testing.assert_frame_equal(
            ours, single.astype({c: GROUP_VS_REST_DTYPES[c] for c in single.columns}))
    assert first["test_note"].isna().all()
    assert first.groupby("group_key")["n_group_samples"].first().to_dict() == {
        "a": 4, "b": 3, "c": 3}
    unordered = gsea_group_vs_rest(expr, labels, sets, **kw)
    assert list(pd.unique(unordered["group_key"])) == ["a", "b", "c"]


def test_group_vs_rest_rejects_a_label_outside_the_design():
    expr, labels, sets = _tiny()
    with pytest.raises(GseaInputError, match=r"label\(s\) \['b'\] are not groups of the design"):
        gsea_group_vs_rest(expr, labels, sets, n_perm=5,
                           design=GroupDesign(("a", "z"), ("A", "Z")))


def test_group_vs_rest_degenerate_groups_are_rows_with_a_note():
    expr, labels, sets = _tiny()
    kw = {"n_perm": 20, "seed": 3}
    # a: 7 samples, b: 2 (below GSEA's 3 per class), z: in the design but no sample
    labels = pd.Series(["a"] * 7 + ["b"] * 2 + [None], index=labels.index)
    design = GroupDesign(("a", "b", "z"), ("A", "B", "Z"))
    result = gsea_group_vs_rest(expr, labels, sets, design=design, **kw)
    assert list(result["group_key"]) == ["a", "b", "z"]
    rows = result.set_index("group_key")
    assert rows.loc["a", "test_note"] == FEWER_THAN_MIN_OBSERVATIONS  # rest = the 2 of b
    assert rows.loc["b", "test_note"] == FEWER_THAN_MIN_OBSERVATIONS
    assert rows.loc["z", "test_note"] == ONE_GROUP_ONLY
    assert rows["n_group_samples"].to_dict() == {"a": 7, "b": 2, "z": 0}
    assert rows["n_rest_samples"].to_dict() == {"a": 2, "b": 7, "z": 9}
    stats = ["es", "nes", "nominal_p", "fdr_q", "fwer_p", "leading_edge_size"]
    assert rows[stats].isna().all().all()
    assert (rows["size"] == 20).all() and (rows["gene_set"] == "SET").all()
    # with three labelled per class, the same call tests and leaves no note
    labels.iloc[6] = "b"
    tested = gsea_group_vs_rest(expr, labels, sets, design=design, **kw).set_index("group_key")
    assert tested.loc[["a", "b"], "test_note"].isna().all()
    assert tested.loc[["a", "b"], "nes"].notna().all()
    assert tested.loc["z", "test_note"] == ONE_GROUP_ONLY


def test_group_vs_rest_without_samples_gives_typed_zero_rows():
    expr, labels, sets = _tiny()
    design = GroupDesign(("a", "b"), ("A", "B"))
    for frame, groups in ((expr.iloc[:, :0], labels.iloc[:0]),
                          (expr, pd.Series(None, index=labels.index, dtype=object))):
        result = gsea_group_vs_rest(frame, groups, sets, design=design, n_perm=5)
        assert len(result) == 0
        assert result.dtypes.astype(str).to_dict() == GROUP_VS_REST_DTYPES


# --------------------------------------------------------------------------- bad input


def _tiny():
    rng = np.random.default_rng(0)
    genes = [f"G{i}" for i in range(40)]
    samples = [f"S{i}" for i in range(10)]
    expr = pd.DataFrame(rng.normal(5, 1, (40, 10)), index=genes, columns=samples)
    labels = pd.Series(["a"] * 5 + ["b"] * 5, index=samples)
    return expr, labels, {"SET": genes[:20]}


def test_bad_input_raises_clear_errors():
    expr, labels, sets = _tiny()
    gsea_phenotype(expr, labels, sets, "a", n_perm=5)  # the valid baseline runs
    few = labels.copy()
    few.iloc[:3] = "b"
    with pytest.raises(GseaInputError, match=r"'a' has 2 sample\(s\).*>= 3"):
        gsea_phenotype(expr, few, sets, "a", n_perm=5)
    with pytest.raises(GseaInputError, match="positive_label: 'c'"):
        gsea_phenotype(expr, labels, sets, "c", n_perm=5)
    bad = expr.copy()
    bad.iloc[3, 2] = np.nan
    with pytest.raises(GseaInputError, match="row 'G3', column 'S2'"):
        gsea_phenotype(bad, labels, sets, "a", n_perm=5)
    with pytest.raises(GseaInputError, match="no label for 1 expr column"):
        gsea_phenotype(expr, labels.iloc[1:], sets, "a", n_perm=5)
    with pytest.raises(GseaInputError, match="min_size=15"):
        gsea_phenotype(expr, labels, {"SMALL": ["G1", "G2"]}, "a", n_perm=5)
    with pytest.raises(GseaInputError, match="metric: 'snr'"):
        gsea_phenotype(expr, labels, sets, "a", n_perm=5, metric="snr")
    with pytest.raises(GseaInputError, match="n_perm"):
        gsea_phenotype(expr, labels, sets, "a", n_perm=0)
    with pytest.raises(GseaInputError, match="seed: must be"):
        gsea_phenotype(expr, labels, sets, "a", n_perm=5, seed=None)
    dup = expr.rename(index={"G1": "G0"})
    with pytest.raises(GseaInputError, match="unique"):
        gsea_phenotype(dup, labels, sets, "a", n_perm=5)
    with pytest.raises(GseaInputError, match="unknown option"):
        gsea_group_vs_rest(expr, labels, sets, n_perm=5, minsize=3)


# --------------------------------------------------------------------------- chunked memory


@pytest.mark.parametrize("layout", ["genes", "samples"])
def test_chunked_moments_give_the_bits_of_whole_matrix_passes(layout, monkeypatch):
    """The observed metric's class moments and the permutations' centred squares are made a
    few genes at a time (no matrix-sized copies). Moments: the bits of the whole-matrix
    formulas, for genes-major and samples-major storage alike. Permutation metric: BLAS may
    round a narrow product differently (here chunks of 5 genes), so to 1e-12 relative; at
    the build's sizes (2,048-gene chunks) the GSEA marts were compared bit for bit."""
    import calcomics.methods.transcriptomics.gsea as gsea_module

    monkeypatch.setattr(gsea_module, "_GENES_PER_CHUNK", 7)
    monkeypatch.setattr(gsea_module, "_SQUARES_CHUNK", 5)
    rng = np.random.default_rng(3)
    storage = rng.gamma(2.0, 2.0, size=(23, 40) if layout == "genes" else (40, 23))
    values = storage if layout == "genes" else storage.T  # genes x samples either way
    mask = np.zeros(40, dtype=bool)
    mask[rng.choice(40, 15, replace=False)] = True

    a, b = values[:, mask], values[:, ~mask]
    moments = gsea_module._class_moments(values, mask)
    for got, want in zip(moments, (a.mean(axis=1), b.mean(axis=1), a.var(axis=1, ddof=1),
                                   b.var(axis=1, ddof=1)), strict=True):
        np.testing.assert_array_equal(got, want)

    prepared = gsea_module._prepare(values)
    centred_sq = (values - values.mean(axis=1)[:, None]) ** 2
    np.testing.assert_array_equal(prepared.total_sq, centred_sq.sum(axis=1))
    labelings = rng.permuted(np.tile(mask, (6, 1)), axis=1)
    in_a = labelings.astype(np.float64)
    sum_a, sum_b = in_a @ prepared.values_t, (1.0 - in_a) @ prepared.values_t
    whole = np.empty_like(sum_a)
    gsea_module._metric_block_kernel(
        sum_a, sum_b, in_a @ np.ascontiguousarray(centred_sq.T), prepared.total_sq,
        prepared.centre, 15, 25, 0, whole)
    np.testing.assert_allclose(
        gsea_module._block_metric(prepared, labelings, "signal_to_noise"), whole,
        rtol=1e-12, atol=0)
