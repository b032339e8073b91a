"""PAM50 nearest-centroid calls against the hoadley-lab pam50 0.2.0 test suite, and genefu
robust scaling against hand-computed values (tests/data/pam50/PROVENANCE_pam50.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from calcomics.methods.transcriptomics.pam50 import (
    PAM50_OUTPUT_COLUMNS,
    PAM50_SCALINGS,
    Pam50InputError,
    er_balanced_subset,
    genefu_robust_scale,
    pam50_calls,
    pam50_centroids,
    r_quantile_type7,
    r_sample,
    r_scale_columns,
    spearman_to_centroids,
)

DATA = Path(__file__).parent / "data" / "pam50"
REF_TO_LABEL = {
    "basal": "Basal",
    "her2": "Her2",
    "luminal_a": "LumA",
    "luminal_b": "LumB",
    "normal": "Normal",
}
REF_TO_COR = {
    "basal": "cor_basal",
    "her2": "cor_her2",
    "luminal_a": "cor_lum_a",
    "luminal_b": "cor_lum_b",
    "normal": "cor_normal",
}
COR_COLUMNS = list(REF_TO_COR.values())


@pytest.fixture(scope="module")
def testdata() -> pd.DataFrame:
    return pd.read_csv(DATA / "pam50_testdata.tsv", sep="\t", index_col=0)


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(DATA / "pam50_testdata_assignments.tsv", sep="\t", index_col=0)


@pytest.fixture(scope="module")
def calls(testdata) -> pd.DataFrame:
    return pam50_calls(testdata)


def _ref_cor(expected: pd.DataFrame) -> np.ndarray:
    return expected[list(REF_TO_COR)].to_numpy()


def test_shipped_centroids_equal_the_peer_suite_file():
    peer = pd.read_csv(DATA / "pam50_centroids.tsv", sep="\t", index_col=0)
    ours = pam50_centroids()
    assert list(ours.columns) == ["LumA", "LumB", "Her2", "Basal", "Normal"]
    assert list(ours.index) == list(peer.index)
    for col, label in REF_TO_LABEL.items():
        np.testing.assert_array_equal(ours[label].to_numpy(), peer[col].to_numpy())
    # a copy: changing it must not leak into the next call
    ours.iloc[0, 0] = 99.0
    assert pam50_centroids().iloc[0, 0] != 99.0


def test_median_centre_reproduces_reference_calls_and_correlations(calls, expected):
    assert list(calls["sample_id"]) == list(expected.index)
    identical = (calls["pam50_subtype"].to_numpy() == expected["assignment"].map(REF_TO_LABEL))
    assert identical.sum() == 200
    diff = np.abs(calls[COR_COLUMNS].to_numpy() - _ref_cor(expected))
    assert diff.max() <= 1e-9


def test_output_schema(calls, testdata):
    assert tuple(calls.columns) == PAM50_OUTPUT_COLUMNS
    assert set(calls["pam50_subtype"]) <= {"LumA", "LumB", "Her2", "Basal", "Normal"}
    assert (calls["scaling"] == "median_centre").all()
    assert calls["n_genes_used"].dtype == np.int64
    # n_genes_used counts the non-missing PAM50 genes of each sample (testdata has gaps)
    np.testing.assert_array_equal(calls["n_genes_used"], testdata.notna().sum().to_numpy())
    assert calls["n_genes_used"].min() < 50


def test_confidence_is_genefu_subtype_proba_of_the_winner(calls):
    cor = calls[COR_COLUMNS].to_numpy()
    positive = np.clip(cor, 0, None)
    total = positive.sum(axis=1)
    some = total > 0
    np.testing.assert_allclose(
        calls["confidence"][some], positive.max(axis=1)[some] / total[some], rtol=1e-12
    )
    assert (calls["confidence"][some] > 0.2).all() and (calls["confidence"][some] <= 1).all()
    # S119 correlates negatively with every centroid: genefu's 0/0 gives NaN
    assert list(calls.loc[~some, "sample_id"]) == ["S119"]
    assert calls.loc[~some, "confidence"].isna().all()


def test_row_shuffle_and_extra_genes_do_not_change_the_result(testdata, calls):
    rng = np.random.default_rng(3)
    extra = pd.DataFrame(
        rng.normal(size=(5, testdata.shape[1])),
        index=[f"OTHER{i}" for i in range(5)],
        columns=testdata.columns,
    )
    shuffled = pd.concat([testdata, extra]).sample(frac=1.0, random_state=11)
    assert list(shuffled.index) != list(testdata.index)
    pd.testing.assert_frame_equal(pam50_calls(shuffled), calls, check_exact=True)


def test_supplied_centring_medians(testdata, calls, expected):
    medians = testdata.median(axis=1, skipna=True)
    supplied = pam50_calls(testdata, centring_medians=medians.sample(frac=1.0, random_state=2))
    provenance = ["centring", "centring_reference_samples"]
    pd.testing.assert_frame_equal(
        supplied.drop(columns=provenance), calls.drop(columns=provenance), check_exact=True
    )
    assert (supplied["centring"] == "supplied_medians").all()
    # other medians (here from the first 40 samples only) must change the correlations
    other = testdata.iloc[:, :40].median(axis=1, skipna=True)
    moved = pam50_calls(testdata, centring_medians=other)
    assert np.abs(moved[COR_COLUMNS].to_numpy() - _ref_cor(expected)).max() > 1e-3


def test_sample_scaling_ties_are_reproduced(testdata, expected):
    """S66: CXXC5 and EGFR differ by one ulp after centring and tie after R's scale()."""
    centred = testdata.sub(testdata.median(axis=1), axis=0)
    s66 = centred["S66"].to_numpy()
    i, j = list(testdata.index).index("CXXC5"), list(testdata.index).index("EGFR")
    assert s66[i] != s66[j] and abs(s66[i] - s66[j]) < 1e-15
    scaled = r_scale_columns(centred.to_numpy())
    k = list(testdata.columns).index("S66")
    assert scaled[i, k] == scaled[j, k]
    centroids = pam50_centroids().loc[testdata.index, ["Basal", "Her2", "LumA", "LumB", "Normal"]]
    unscaled_cor = spearman_to_centroids(centred.to_numpy()[:, [k]], centroids.to_numpy())[0]
    scaled_cor = spearman_to_centroids(
        scaled[:, [k]], r_scale_columns(centroids.to_numpy())
    )[0]
    reference = _ref_cor(expected)[k]
    assert np.abs(unscaled_cor - reference).max() > 1e-4
    assert np.abs(scaled_cor - reference).max() <= 1e-12


def test_r_scale_columns_is_column_standardisation():
    rng = np.random.default_rng(0)
    x = rng.normal(3, 2, size=(30, 6))
    x[[1, 5, 7], [0, 0, 4]] = np.nan
    z = r_scale_columns(x)
    expected = (x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0, ddof=1)
    np.testing.assert_allclose(z, expected, rtol=1e-13, atol=1e-13)
    assert np.isnan(z[1, 0]) and np.isnan(z[7, 4])


def test_spearman_matches_scipy_with_ties_and_missing_values():
    rng = np.random.default_rng(42)
    genes, samples = 20, 12
    x = np.round(rng.normal(size=(genes, samples)), 1)  # rounding creates ties
    x[rng.random(x.shape) < 0.15] = np.nan
    x[:, 0] = rng.normal(size=genes)  # one complete sample
    c = np.round(rng.normal(size=(genes, 3)), 1)
    got = spearman_to_centroids(x, c)
    for j in range(samples):
        ok = ~np.isnan(x[:, j])
        for k in range(3):
            want = spearmanr(x[ok, j], c[ok, k]).statistic
            assert got[j, k] == pytest.approx(want, abs=1e-12)


def test_missing_pam50_genes_are_dropped_and_counted(testdata):
    dropped = ["EGFR", "ESR1", "PGR", "ERBB2", "MKI67", "KRT5", "FOXA1", "BCL2", "MYC", "NAT1"]
    sub = testdata.drop(index=dropped)
    out = pam50_calls(sub)
    np.testing.assert_array_equal(out["n_genes_used"], sub.notna().sum().to_numpy())
    assert out["n_genes_used"].max() == 40
    # independent check: median-centre by hand, scipy Spearman per sample over present genes
    centred = sub.sub(sub.median(axis=1), axis=0)
    centroids = pam50_centroids().loc[sub.index]
    for col in ["S1", "S2", "S50", "S150"]:
        ok = centred[col].notna().to_numpy()
        row = out.set_index("sample_id").loc[col]
        for label, name in [("LumA", "cor_lum_a"), ("Basal", "cor_basal")]:
            want = spearmanr(centred[col].to_numpy()[ok], centroids[label].to_numpy()[ok])
            assert row[name] == pytest.approx(want.statistic, abs=1e-12)


def test_too_few_genes_names_the_missing_ones(testdata):
    with pytest.raises(Pam50InputError, match=r"only 3 of 50.*'ACTR3B'"):
        pam50_calls(testdata.loc[["ESR1", "PGR", "ERBB2"]])


def test_legacy_symbols_are_mapped(testdata, calls):
    legacy = testdata.rename(index={"NUF2": "CDCA1", "NDC80": "KNTC2", "ORC6": "ORC6L"})
    pd.testing.assert_frame_equal(pam50_calls(legacy), calls, check_exact=True)
    both = pd.concat([testdata, legacy.loc[["CDCA1"]]])
    with pytest.raises(Pam50InputError, match="CDCA1.*NUF2"):
        pam50_calls(both)


def test_first_maximum_wins_ties_in_reference_order(testdata):
    centroids = pam50_centroids()
    centroids["LumA"] = centroids["Basal"]  # LumA and Basal now always tie
    out = pam50_calls(testdata, centroids=centroids)
    np.testing.assert_array_equal(out["cor_lum_a"], out["cor_basal"])
    top = out[COR_COLUMNS].max(axis=1)
    assert (out["cor_basal"] == top).sum() > 10
    assert "LumA" not in set(out["pam50_subtype"])
    assert (out.loc[out["cor_basal"] == top, "pam50_subtype"] == "Basal").all()


def test_centroids_accept_file_column_names(testdata, calls):
    peer = pd.read_csv(DATA / "pam50_centroids.tsv", sep="\t", index_col=0)
    pd.testing.assert_frame_equal(pam50_calls(testdata, centroids=peer), calls, check_exact=True)


def test_include_normal_false(testdata, calls):
    out = pam50_calls(testdata, include_normal=False)
    assert "Normal" in set(calls["pam50_subtype"])
    assert "Normal" not in set(out["pam50_subtype"])
    pd.testing.assert_frame_equal(out[COR_COLUMNS], calls[COR_COLUMNS], check_exact=True)
    four = out[["cor_basal", "cor_her2", "cor_lum_a", "cor_lum_b"]].to_numpy()
    labels = np.array(["Basal", "Her2", "LumA", "LumB"])[four.argmax(axis=1)]
    np.testing.assert_array_equal(out["pam50_subtype"], labels)
    positive = np.clip(four, 0, None)
    with np.errstate(invalid="ignore"):
        want = positive.max(1) / positive.sum(1)
    np.testing.assert_allclose(out["confidence"], want, rtol=1e-12)
    was_normal = calls["pam50_subtype"] == "Normal"
    assert not out.loc[was_normal, "confidence"].equals(calls.loc[was_normal, "confidence"])


# --- genefu robust scaling ------------------------------------------------------------------


def test_r_quantile_type7_hand_example():
    values = np.array([[1.0, 2.0, np.nan, 4.0, 8.0]])
    # n = 4: index 1 + 3 * 0.025 = 1.075 -> 0.925*1 + 0.075*2; index 3.925 -> 0.075*4 + 0.925*8
    assert r_quantile_type7(values, 0.025)[0] == pytest.approx(1.075, abs=1e-15)
    assert r_quantile_type7(values, 0.975)[0] == pytest.approx(7.7, abs=1e-15)
    assert np.isnan(r_quantile_type7(np.full((1, 3), np.nan), 0.5)[0])


def test_r_quantile_type7_agrees_with_numpy_linear():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 37))
    x[rng.random(x.shape) < 0.1] = np.nan
    for prob in (0.0, 0.025, 0.3, 0.5, 0.975, 1.0):
        np.testing.assert_allclose(
            r_quantile_type7(x, prob),
            np.nanquantile(x, prob, axis=1, method="linear"),
            rtol=0,
            atol=1e-12,
        )


def test_genefu_robust_scale_hand_example():
    frame = pd.DataFrame(
        [np.arange(11.0), [1.0, 2.0, np.nan, 4.0, 8.0, 1, 1, 1, 1, 1, 1]],
        index=["G1", "G2"],
        columns=[f"S{i}" for i in range(11)],
    )
    scaled = genefu_robust_scale(frame)
    # G1: n = 11, q_0.025 = 0.25, q_0.975 = 9.75 -> x' = ((x - 0.25) / 9.5 - 0.5) * 2
    np.testing.assert_allclose(
        scaled.loc["G1"], ((np.arange(11.0) - 0.25) / 9.5 - 0.5) * 2, rtol=0, atol=1e-14
    )
    assert scaled.loc["G1", "S0"] == pytest.approx(-20 / 19, abs=1e-14)  # no clipping
    assert scaled.loc["G1", "S10"] == pytest.approx(20 / 19, abs=1e-14)
    # G2: sorted non-missing 1 x7, 2, 4, 8 (n = 10); index 1.225 -> 1, index 9.775 -> 7.1
    q_hi = 0.225 * 4 + 0.775 * 8
    assert scaled.loc["G2", "S4"] == pytest.approx(((8 - 1) / (q_hi - 1) - 0.5) * 2, abs=1e-14)
    assert np.isnan(scaled.loc["G2", "S2"])


def test_genefu_robust_calls_are_spearman_on_robust_scaled_data(testdata):
    out = pam50_calls(testdata, scaling="genefu_robust")
    assert (out["scaling"] == "genefu_robust").all()
    scaled = genefu_robust_scale(testdata)
    assert np.nanmax(np.abs(scaled.to_numpy())) > 1.0  # no clipping
    centroids = pam50_centroids().loc[testdata.index]
    for col in ["S1", "S4", "S66", "S120", "S200"]:
        ok = scaled[col].notna().to_numpy()
        row = out.set_index("sample_id").loc[col]
        cors = {
            label: spearmanr(scaled[col].to_numpy()[ok], centroids[label].to_numpy()[ok]).statistic
            for label in ["Basal", "Her2", "LumA", "LumB", "Normal"]
        }
        assert row["pam50_subtype"] == max(cors, key=cors.get)
        assert row["cor_her2"] == pytest.approx(cors["Her2"], abs=1e-12)
        assert row["cor_normal"] == pytest.approx(cors["Normal"], abs=1e-12)


def test_genefu_robust_is_invariant_to_per_gene_affine_maps(testdata):
    rng = np.random.default_rng(9)
    slope = rng.uniform(0.5, 3.0, size=(testdata.shape[0], 1))
    shift = rng.normal(0, 5, size=(testdata.shape[0], 1))
    base = pam50_calls(testdata, scaling="genefu_robust")
    moved = pam50_calls(testdata * slope + shift, scaling="genefu_robust")
    assert (base["pam50_subtype"] == moved["pam50_subtype"]).all()
    np.testing.assert_allclose(moved[COR_COLUMNS], base[COR_COLUMNS], atol=1e-12)
    # and it is a different preprocessing from median centring
    assert (base["pam50_subtype"] != pam50_calls(testdata)["pam50_subtype"]).any()


# --- bad input --------------------------------------------------------------------------------


def test_bad_arguments_raise_clear_errors(testdata):
    assert PAM50_SCALINGS == ("median_centre", "genefu_robust")
    with pytest.raises(Pam50InputError, match="scaling: 'zscore'"):
        pam50_calls(testdata, scaling="zscore")
    with pytest.raises(Pam50InputError, match="centring_medians: only used"):
        pam50_calls(testdata, scaling="genefu_robust", centring_medians=testdata.median(axis=1))
    with pytest.raises(Pam50InputError, match=r"centring_medians: no median .*'ESR1'"):
        pam50_calls(testdata, centring_medians=testdata.median(axis=1).drop("ESR1"))
    with pytest.raises(Pam50InputError, match="log_expr: expected a pandas DataFrame"):
        pam50_calls(testdata.to_numpy())
    with pytest.raises(Pam50InputError, match=r"centroids: columns \['Normal'\] missing"):
        pam50_calls(testdata, centroids=pam50_centroids().drop(columns="Normal"))


def test_bad_matrices_raise_clear_errors(testdata):
    dup = pd.concat([testdata, testdata.loc[["ESR1"]]])
    with pytest.raises(Pam50InputError, match=r"PAM50 genes \['ESR1'\] have more than one row"):
        pam50_calls(dup)
    text = testdata.copy()
    text["S3"] = text["S3"].astype(object)
    text.loc["ESR1", "S3"] = "high"
    with pytest.raises(Pam50InputError, match="sample column 'S3' is not numeric"):
        pam50_calls(text)
    inf = testdata.copy()
    inf.loc["PGR", "S7"] = np.inf
    with pytest.raises(Pam50InputError, match="gene 'PGR', sample 'S7' is infinite"):
        pam50_calls(inf)
    sparse = testdata.copy()
    sparse.iloc[3:, 4] = np.nan
    with pytest.raises(Pam50InputError, match=r"samples \['S5'\] have fewer than 4"):
        pam50_calls(sparse)
    medians = testdata.median(axis=1)
    flat = testdata.copy()
    flat["S9"] = medians  # all zero after centring on these medians
    with pytest.raises(Pam50InputError, match=r"samples \['S9'\] have the same value"):
        pam50_calls(flat, centring_medians=medians)
    constant_gene = testdata.copy()
    constant_gene.loc["MIA"] = 1.5
    with pytest.raises(Pam50InputError, match=r"genes \['MIA'\] have equal 0.025 and 0.975"):
        pam50_calls(constant_gene, scaling="genefu_robust")


# --------------------------------------------------------------------------- centring


def test_r_sample_matches_r():
    # R >= 3.6: set.seed(42); sample(10) and set.seed(123); sample(10)
    np.testing.assert_array_equal(r_sample(10, 10, 42), [1, 5, 10, 8, 2, 4, 6, 9, 7, 3])
    np.testing.assert_array_equal(r_sample(10, 10, 123), [3, 10, 2, 8, 6, 9, 1, 7, 5, 4])
    assert len(set(r_sample(1000, 40, 118))) == 40
    with pytest.raises(Pam50InputError, match="size 11"):
        r_sample(10, 11, 1)


def test_er_balanced_subset_keeps_the_smaller_class_and_draws_the_larger():
    ids = [f"S{i:02d}" for i in range(20)]
    status = pd.Series([True] * 14 + [False] * 6, index=ids, dtype=object)
    status.iloc[0] = None  # unknown ER: never in the subset
    subset = er_balanced_subset(status, seed=118)
    negatives = ids[14:]
    positives = [s for s in ids[1:14]]
    assert subset[6:] == negatives
    assert subset[:6] == [positives[i - 1] for i in r_sample(13, 6, 118)]
    flipped = er_balanced_subset(~status.dropna().astype(bool), seed=118)
    assert sorted(flipped) != sorted(subset) or len(flipped) == 12
    with pytest.raises(Pam50InputError, match=r"hold 19 ER\+ and 0 ER-.*all-HR\+ cohort"):
        er_balanced_subset(pd.Series(True, index=ids[1:], dtype=object))


def test_er_balanced_centring_is_the_subsets_median(testdata):
    er = pd.Series(
        testdata.loc["ESR1"] > testdata.loc["ESR1"].median(), index=testdata.columns, dtype=object
    )
    er.iloc[:30] = True  # skew the cohort: more ER+ than ER-
    subset = er_balanced_subset(er, seed=118)
    calls = pam50_calls(testdata, centring="er_balanced", er_positive=er)
    medians = testdata[subset].median(axis=1, skipna=True)
    expected = pam50_calls(testdata, centring_medians=medians)
    columns = [c for c in PAM50_OUTPUT_COLUMNS if not c.startswith("centring")]
    pd.testing.assert_frame_equal(calls[columns], expected[columns], check_exact=True)
    assert (calls["centring"] == "er_balanced").all()
    assert (calls["centring_reference_samples"] == len(subset)).all()
    assert (expected["centring"] == "supplied_medians").all()
    cohort = pam50_calls(testdata)
    assert (cohort["centring"] == "cohort_median").all()
    assert (cohort["centring_reference_samples"] == testdata.shape[1]).all()
    robust = pam50_calls(testdata, scaling="genefu_robust")
    assert robust["centring"].isna().all() and robust["centring_reference_samples"].isna().all()
    with pytest.raises(Pam50InputError, match="er_positive: needed"):
        pam50_calls(testdata, centring="er_balanced")
    with pytest.raises(Pam50InputError, match="only used with scaling='median_centre'"):
        pam50_calls(testdata, scaling="genefu_robust", centring="er_balanced", er_positive=er)
    with pytest.raises(Pam50InputError, match="centring: 'median'"):
        pam50_calls(testdata, centring="median")


def test_no_sample_gives_typed_zero_rows():
    empty = pam50_calls(pd.DataFrame(index=pam50_centroids().index, columns=[], dtype=float))
    assert len(empty) == 0 and tuple(empty.columns) == PAM50_OUTPUT_COLUMNS
    assert empty["n_genes_used"].dtype == np.int64 and empty["cor_lum_a"].dtype == np.float64
    assert str(empty["sample_id"].dtype) == "string"


def test_tcga_er_balanced_centring_calls_hr_positive_tumours_luminal():
    """Real TCGA tumours: centring a cohort skewed to ER+ on its own medians moves luminal
    tumours out of the luminal classes; the ER-balanced median keeps them luminal."""
    data = Path(__file__).parent / "data" / "tcga_brca"
    counts = pd.read_csv(data / "expression_counts_er.tsv.gz", sep="\t", index_col=0)
    labels = pd.read_csv(data / "expression_sample_labels_subset.tsv", sep="\t").set_index("sample")
    log_cpm = np.log2(counts / counts.sum() * 1e6 + 1)
    hr_pos = labels.index[(labels["ER"] == "Positive") & (labels["HER2"] == "Negative")]
    assert len(hr_pos) == 25

    def luminal(calls: pd.DataFrame) -> int:
        subtypes = calls.set_index("sample_id").loc[hr_pos, "pam50_subtype"]
        return int(subtypes.isin(["LumA", "LumB"]).sum())

    # an all-HR+/HER2- cohort centred on itself: 13 of 25 luminal
    assert luminal(pam50_calls(log_cpm[hr_pos])) == 13
    # 30 ER+ and the first 10 ER- tumours: ER-balanced subset of 10 + 10
    skewed = list(labels.index[labels["ER"] == "Positive"]) + list(
        labels.index[labels["ER"] == "Negative"][:10])
    er = (labels["ER"] == "Positive").reindex(skewed).astype(object)
    balanced = pam50_calls(log_cpm[skewed], centring="er_balanced", er_positive=er)
    assert (balanced["centring_reference_samples"] == 20).all()
    assert luminal(balanced) == 23
    assert luminal(pam50_calls(log_cpm[skewed])) == 17


def test_er_status_uses_the_reported_call_only_where_the_percentage_is_missing():
    from calcomics.warehouse.transcriptomic_inputs import er_status

    patients = pd.DataFrame({"patient_id": ["a", "b", "c", "d"],
                             "er_ihc_pct": [50.0, None, None, 0.0]})
    reported = pd.DataFrame({"patient_id": ["b", "c", "d", "z"],
                             "attribute_value": ["Negative", "equivocal", "positive", "negative"]})
    assert er_status(patients, reported).to_dict() == {"a": True, "b": False, "c": None,
                                                       "d": False}
    assert er_status(patients).to_dict() == {"a": True, "b": None, "c": None, "d": False}
