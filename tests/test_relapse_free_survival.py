"""Figure 2F helpers on hand-made cohorts: errors for rows the mart should have excluded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.relapse_free_survival import km_curves, survival_tests
from calcomics.survival import SurvivalDataError


def _cohort(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(4)
    groups = np.array(["negative", "probably_benign", "high_suspicion"])[np.arange(n) % 3]
    return pd.DataFrame({
        "patient_id": [f"P{i:03d}" for i in range(n)],
        "calcification_group": groups,
        "rfs_months": rng.uniform(1, 100, n).round(1),
        "rfs_event": (rng.uniform(size=n) < 0.3).astype(int),
    })


def test_curves_and_tests_cover_every_group():
    cohort = _cohort()
    curves = km_curves(cohort)
    assert set(curves["calcification_group"]) == set(cohort["calcification_group"])
    tests = survival_tests(cohort, nboot=50, seed=1)
    assert list(tests["test"]) == ["logrank"] + ["logrank_pairwise"] * 3 + ["two_stage"]
    assert tests["n_patients"].iloc[0] == len(cohort)


def test_row_without_follow_up_is_an_error_not_a_silent_drop():
    cohort = _cohort()
    cohort.loc[4, ["rfs_months", "rfs_event"]] = np.nan
    with pytest.raises(SurvivalDataError, match=r"1 included patient\(s\) without follow-up, "
                       r"e.g. patient_id 'P004'"):
        km_curves(cohort)


def test_negative_time_names_the_patient():
    cohort = _cohort()
    cohort.loc[2, "rfs_months"] = -1.0
    with pytest.raises(SurvivalDataError, match="P002"):
        survival_tests(cohort, nboot=50, seed=1)
