"""The demo cohort reproduces the published marginals exactly at the default size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.synth.clinical import (
    PUBLISHED_GROUP_SIZES,
    TABLE1_COUNTS,
    group_sizes,
    largest_remainder,
    simulate_clinical,
    values_around_median,
)

MAIN = ["negative", "probably_benign", "high_suspicion"]
GROUP_INDEX = {"negative": 0, "probably_benign": 1, "low_moderate_suspicion": 2,
               "high_suspicion": 3}


@pytest.fixture(scope="module")
def patients() -> pd.DataFrame:
    return simulate_clinical(316, np.random.default_rng(0))


def test_group_sizes_match_the_paper(patients):
    assert patients["calcification_group"].value_counts().to_dict() == PUBLISHED_GROUP_SIZES


@pytest.mark.parametrize("characteristic", list(TABLE1_COUNTS))
def test_every_table1_count_is_reproduced(patients, characteristic):
    table = pd.crosstab(patients[characteristic], patients["calcification_group"])
    for category, counts in TABLE1_COUNTS[characteristic].items():
        for group in MAIN:
            assert table.loc[category, group] == counts[GROUP_INDEX[group]], (category, group)


def test_table1_literal_values_from_the_paper(patients):
    # A few cells typed from the printed Table 1, independent of TABLE1_COUNTS.
    density = pd.crosstab(patients["breast_density"], patients["calcification_group"])
    assert density.loc["b", "high_suspicion"] == 66
    assert density.loc["d", "negative"] == 7
    lvi = pd.crosstab(patients["lymphovascular_invasion"], patients["calcification_group"])
    assert lvi.loc["unknown", "probably_benign"] == 4
    grade = pd.crosstab(patients["histological_grade"], patients["calcification_group"])
    assert grade.loc["III", "high_suspicion"] == 32


def test_omics_availability_matches_the_paper(patients):
    assert patients["has_wes"].sum() == 271
    assert patients["has_rnaseq"].sum() == 312
    assert patients["has_lipidomics"].sum() == 196
    assert patients["has_polar_metabolomics"].sum() == 196
    wes = patients[patients["has_wes"]].groupby("calcification_group").size()
    assert [wes[g] for g in MAIN] == [93, 83, 88]
    rna = patients[patients["has_rnaseq"]].groupby("calcification_group").size()
    assert [rna[g] for g in MAIN] == [103, 89, 98]


def test_published_medians_and_rates(patients):
    medians = patients.groupby("calcification_group")[["age_years", "ki67_ihc_pct"]].median()
    assert [medians.loc[g, "age_years"] for g in MAIN] == [55, 58, 52.5]
    assert [medians.loc[g, "ki67_ihc_pct"] for g in MAIN] == [20, 20, 30]
    main = patients[patients["calcification_group"].isin(MAIN)]
    node_rate = main.groupby("calcification_group")["lymph_node_status"].apply(
        lambda s: round(100 * (s == "positive").mean(), 1)
    )
    assert [node_rate[g] for g in MAIN] == [50.5, 44.4, 62.0]
    known = main[main["lymphovascular_invasion"] != "unknown"]
    lvi_rate = known.groupby("calcification_group")["lymphovascular_invasion"].apply(
        lambda s: round(100 * (s == "present").mean(), 1)
    )
    assert [lvi_rate[g] for g in MAIN] == [45.5, 34.9, 58.6]


def test_relapse_rates_of_figure_2g(patients):
    main = patients[patients["calcification_group"].isin(MAIN) & patients["rfs_event"].notna()]
    relapsed = main[main["rfs_event"] == 1]
    free = main[main["rfs_event"] == 0]
    assert round(100 * (relapsed["calcification_group"] == "high_suspicion").mean(), 1) == 46.2
    assert round(100 * (free["calcification_group"] == "high_suspicion").mean(), 1) == 33.5


def test_directional_clinical_effects(patients):
    med = patients.groupby("calcification_group")[["tumor_size_cm", "pr_ihc_pct"]].median()
    assert med.loc["high_suspicion", "tumor_size_cm"] > med.loc["negative", "tumor_size_cm"]
    assert med.loc["probably_benign", "pr_ihc_pct"] > med.loc["high_suspicion", "pr_ihc_pct"]


def test_deterministic_and_seed_sensitive():
    a = simulate_clinical(120, np.random.default_rng(3))
    b = simulate_clinical(120, np.random.default_rng(3))
    c = simulate_clinical(120, np.random.default_rng(4))
    pd.testing.assert_frame_equal(a, b)
    assert not a["age_years"].equals(c["age_years"])


def test_marginals_scale_linearly():
    sizes = group_sizes(10_000)
    assert sum(sizes.values()) == 10_000
    assert abs(sizes["negative"] / 10_000 - 103 / 316) < 1e-3
    big = simulate_clinical(3160, np.random.default_rng(1))
    hs = big[big["calcification_group"] == "high_suspicion"]
    assert (hs["lymph_node_status"] == "positive").sum() == 620


def test_largest_remainder_sums_to_total():
    counts = largest_remainder(7, np.array([1.0, 1.0, 1.0]))
    assert counts.sum() == 7 and counts.tolist() == [3, 2, 2]


def test_values_around_median_hits_target_and_keeps_rank_order():
    rng = np.random.default_rng(0)
    for n, target, step in [(9, 5.0, 1.0), (10, 52.5, 1.0), (100, 30.0, 5.0), (1, 20.0, 5.0)]:
        z = rng.standard_normal(n)
        values = values_around_median(z, target, (6.0, 20.0), step, (0.0, 100.0))
        assert np.median(values) == target and len(values) == n
        order = np.argsort(z)
        assert np.all(np.diff(values[order]) >= 0)
