"""Figure 2F helpers on hand-made cohorts: groups from a GroupDesign, errors for bad rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines.statistics import logrank_test as lifelines_logrank
from lifelines.statistics import multivariate_logrank_test

from calcomics.design import GroupDesign, group_pairs
from calcomics.methods.relapse_free_survival import km_curves, survival_tests
from calcomics.methods.survival import SurvivalDataError, two_stage_test

DESIGN = GroupDesign(("negative", "probably_benign", "high_suspicion"),
                     ("Calcification-negative", "Probably benign", "High suspicion"))


def _cohort(n: int = 30, keys: tuple[str, ...] = DESIGN.keys, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    groups = np.array(keys)[np.arange(n) % len(keys)]
    return pd.DataFrame({
        "patient_id": [f"P{i:03d}" for i in range(n)],
        "group_key": groups,
        "rfs_months": rng.uniform(1, 100, n).round(1),
        "rfs_event": (rng.uniform(size=n) < 0.3).astype(int),
    })


def test_curves_and_tests_cover_every_group_in_design_order():
    cohort = _cohort()
    curves = km_curves(cohort, DESIGN)
    assert list(pd.unique(curves["group_key"])) == list(DESIGN.keys)
    start = curves[curves["time"] == 0].set_index("group_key")["at_risk"]
    assert start.to_dict() == cohort.groupby("group_key").size().to_dict()
    tests = survival_tests(cohort, DESIGN, nboot=50, seed=1)
    assert list(tests["test"]) == ["logrank"] + ["logrank_pairwise"] * 3 + ["two_stage"] * 3
    assert list(tests["comparison_scope"]) == (
        ["all_main_groups"] + ["pairwise"] * 3 + ["group_vs_rest"] * 3)
    pairs = tests[tests["test"] == "logrank_pairwise"]
    assert list(zip(pairs["group_a_key"], pairs["group_b_key"], strict=True)) == group_pairs(DESIGN)
    assert list(tests.loc[tests["test"] == "two_stage", "group_key"]) == list(DESIGN.keys)
    assert tests["n_patients"].iloc[0] == len(cohort)


def test_five_groups_give_ten_pairs_matching_lifelines():
    keys = ("g1", "g2", "g3", "g4", "g5")
    design = GroupDesign(keys, tuple(k.upper() for k in keys))
    cohort = _cohort(100, keys, seed=9)
    tests = survival_tests(cohort, design, nboot=20, seed=3)
    overall = tests[tests["comparison_scope"] == "all_main_groups"].iloc[0]
    theirs = multivariate_logrank_test(cohort["rfs_months"], cohort["group_key"],
                                       cohort["rfs_event"])
    assert overall["statistic"] == pytest.approx(theirs.test_statistic, rel=1e-10)
    assert overall["df"] == 4
    pairs = tests[tests["comparison_scope"] == "pairwise"]
    assert len(pairs) == 10
    for row in pairs.itertuples():
        a = cohort[cohort["group_key"] == row.group_a_key]
        b = cohort[cohort["group_key"] == row.group_b_key]
        their = lifelines_logrank(a["rfs_months"], b["rfs_months"], a["rfs_event"], b["rfs_event"])
        assert row.p_value == pytest.approx(their.p_value, rel=1e-9)
        assert row.p_adjusted == pytest.approx(min(1.0, 10 * their.p_value), rel=1e-9)
        assert row.n_patients == len(a) + len(b)


def test_two_stage_of_each_group_starts_from_the_same_seed():
    cohort = _cohort(60)
    tests = survival_tests(cohort, DESIGN, nboot=40, seed=7).set_index("group_key")
    for key in DESIGN.keys:
        direct = two_stage_test(cohort["rfs_months"], cohort["rfs_event"],
                                (cohort["group_key"] == key).astype(int), nboot=40, seed=7)
        assert tests.loc[key, "p_value"] == direct.tspv
        assert tests.loc[key, "stage2_p_value"] == direct.mtpv


def test_group_without_patients_is_left_out_and_unknown_group_is_an_error():
    cohort = _cohort(30, ("negative", "high_suspicion"))
    tests = survival_tests(cohort, DESIGN, nboot=20, seed=1)
    assert (tests["comparison_scope"] == "pairwise").sum() == 1
    assert set(tests["group_key"].dropna()) == {"negative", "high_suspicion"}
    cohort.loc[3, "group_key"] = "elsewhere"
    with pytest.raises(SurvivalDataError,
                       match=r"group_key' must be one of .*patient_id 'P003' \('elsewhere'\)"):
        km_curves(cohort, DESIGN)


def test_row_without_follow_up_is_an_error_not_a_silent_drop():
    cohort = _cohort()
    cohort.loc[4, ["rfs_months", "rfs_event"]] = np.nan
    with pytest.raises(SurvivalDataError, match=r"1 included patient\(s\) without follow-up, "
                       r"e.g. patient_id 'P004'"):
        km_curves(cohort, DESIGN)


def test_negative_time_names_the_patient():
    cohort = _cohort()
    cohort.loc[2, "rfs_months"] = -1.0
    with pytest.raises(SurvivalDataError, match="P002"):
        survival_tests(cohort, DESIGN, nboot=50, seed=1)
