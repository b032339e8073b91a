"""Figure 2F helpers on hand-made cohorts: groups from a GroupDesign, errors for bad rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines.statistics import logrank_test as lifelines_logrank
from lifelines.statistics import multivariate_logrank_test

from calcomics.design import GroupDesign, group_pairs
from calcomics.methods.relapse_free_survival import (
    KM_CURVE_DTYPES,
    SURVIVAL_TEST_COLUMNS,
    SURVIVAL_TEST_DTYPES,
    km_curves,
    survival_tests,
)
from calcomics.methods.stats.notes import (
    FEWER_THAN_MIN_OBSERVATIONS,
    NO_EVENTS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    groups_left_out,
)
from calcomics.methods.survival import SurvivalDataError, logrank_test, two_stage_test

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
    overall = tests.iloc[0]
    direct = logrank_test(cohort["rfs_months"], cohort["rfs_event"], cohort["group_key"])
    assert overall["statistic"] == pytest.approx(direct.chisq, rel=1e-12)
    assert overall["df"] == 1
    assert overall["test_note"] == groups_left_out(["Probably benign"])
    pairs = tests[tests["comparison_scope"] == "pairwise"].set_index(["group_a_key",
                                                                       "group_b_key"])
    assert len(pairs) == 3
    tested = pairs.loc[("negative", "high_suspicion")]
    assert pd.isna(tested["test_note"]) and tested["df"] == 1
    # one tested pair: no Bonferroni factor from the two untested ones (R p.adjust with NA)
    assert tested["p_adjusted"] == tested["p_value"] == pytest.approx(direct.p_value, rel=1e-12)
    for pair in (("negative", "probably_benign"), ("probably_benign", "high_suspicion")):
        row = pairs.loc[pair]
        assert row["test_note"] == ONE_GROUP_ONLY
        assert pd.isna(row["p_value"]) and pd.isna(row["p_adjusted"]) and pd.isna(row["df"])
        assert pd.isna(row["statistic"]) and row["n_patients"] == 15
    two_stage = tests[tests["test"] == "two_stage"].set_index("group_key")
    assert list(two_stage.index) == list(DESIGN.keys)
    assert two_stage.loc["probably_benign", "test_note"] == ONE_GROUP_ONLY
    assert pd.isna(two_stage.loc["probably_benign", "p_value"])
    assert two_stage.loc[["negative", "high_suspicion"], "test_note"].isna().all()
    assert two_stage.loc[["negative", "high_suspicion"], "p_value"].between(0, 1).all()
    cohort.loc[3, "group_key"] = "elsewhere"
    with pytest.raises(SurvivalDataError,
                       match=r"group_key' must be one of .*patient_id 'P003' \('elsewhere'\)"):
        km_curves(cohort, DESIGN)


def test_no_events_give_rows_with_notes_and_curves_at_survival_one():
    cohort = _cohort(12).assign(rfs_event=0)
    cohort.loc[[0, 3], "rfs_months"] = 0.0  # censored at time 0 (both negative)
    tests = survival_tests(cohort, DESIGN, nboot=20, seed=1)
    assert len(tests) == 7
    assert (tests["test_note"] == NO_EVENTS).all()
    assert tests[["statistic", "df", "p_value", "p_adjusted", "stage1_p_value",
                  "stage2_p_value"]].isna().all().all()
    assert (tests["n_events"] == 0).all()
    assert tests["n_patients"].tolist() == [12, 8, 8, 8, 12, 12, 12]
    curves = km_curves(cohort, DESIGN)
    assert (curves["survival"] == 1.0).all() and (curves["events"] == 0).all()
    negative = curves[curves["group_key"] == "negative"]
    first = negative.iloc[0]
    # survfit's own row at 0: n.risk 4, n.event 0, n.censor 2; no separate start row
    assert (negative["time"] == 0).sum() == 1
    assert (first["time"], first["at_risk"], first["events"], first["censored"]) == (0, 4, 0, 2)
    assert negative["at_risk"].iloc[1] == 2


@pytest.mark.parametrize(("n", "keys", "note"), [
    (0, DESIGN.keys, NO_VALUES),
    (5, ("negative",), ONE_GROUP_ONLY),
    (2, ("negative", "high_suspicion"), FEWER_THAN_MIN_OBSERVATIONS),
])
def test_degenerate_cohorts_give_every_row_with_a_note(n, keys, note):
    cohort = _cohort(n, keys).assign(rfs_event=1)
    tests = survival_tests(cohort, DESIGN, nboot=20, seed=1)
    assert len(tests) == 7
    assert tests["test_note"].iloc[0] == note and pd.isna(tests["p_value"].iloc[0])
    assert tests["p_value"].isna().all()
    assert tests["test_note"].notna().all()
    assert set(tests["test_note"]) <= {NO_VALUES, ONE_GROUP_ONLY, FEWER_THAN_MIN_OBSERVATIONS}
    assert tests["n_patients"].iloc[0] == n


def test_empty_cohort_gives_typed_frames():
    cohort = _cohort(0)
    curves = km_curves(cohort, DESIGN)
    assert curves.empty
    assert curves.dtypes.astype(str).to_dict() == KM_CURVE_DTYPES
    tests = survival_tests(cohort, DESIGN, nboot=20, seed=1)
    assert tests.dtypes.astype(str).to_dict() == SURVIVAL_TEST_DTYPES
    assert list(tests.columns) == SURVIVAL_TEST_COLUMNS
    assert (tests["test_note"] == NO_VALUES).all() and (tests["n_patients"] == 0).all()


def test_only_one_group_at_risk_at_the_event_times_has_no_p():
    """survdiff gives chisq 0 on 0 df when one group has no one at risk at any event."""
    cohort = pd.DataFrame({
        "patient_id": [f"P{i}" for i in range(6)],
        "group_key": ["negative"] * 3 + ["high_suspicion"] * 3,
        "rfs_months": [1.0, 2.0, 3.0, 5.0, 6.0, 7.0],
        "rfs_event": [0, 0, 0, 1, 0, 1],
    })
    direct = logrank_test(cohort["rfs_months"], cohort["rfs_event"], cohort["group_key"])
    assert direct.df == 0 and np.isnan(direct.p_value)
    tests = survival_tests(cohort, DESIGN, nboot=20, seed=1)
    pair = tests[(tests["group_a_key"] == "negative") & (tests["group_b_key"] ==
                                                         "high_suspicion")].iloc[0]
    assert pair["test_note"] == ONE_GROUP_ONLY and pd.isna(pair["p_value"])
    assert tests.iloc[0]["test_note"] == ONE_GROUP_ONLY


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
