"""Relapse-free survival by calcification group (the paper's Figure 2F) from warehouse rows.

Input: the included rows of ``fct_survival_cohort`` (patient_id, calcification_group,
rfs_months, rfs_event). Curves: Kaplan-Meier per main group. Tests: the log-rank test of the
three groups (R ``survdiff``), every pair (Bonferroni over the three pairs, as the paper's
pairwise tests), and the two-stage test for crossing hazards (Qiu & Sheng 2008, TSHRC
semantics) of one group against all others (the paper: probably benign vs the others).
"""

from __future__ import annotations

import math

import pandas as pd

from calcomics.groups import MAIN_GROUPS
from calcomics.survival import (
    SurvivalDataError,
    kaplan_meier,
    logrank_test,
    pairwise_logrank,
    two_stage_test,
    validate_survival_data,
)

SURVIVAL_TEST_COLUMNS: list[str] = [
    "test", "group_a", "group_b", "n_patients", "n_events", "statistic", "df", "p_value",
    "p_adjusted", "stage1_p_value", "stage2_p_value", "nboot", "seed", "method",
]
ALL_GROUPS = "all_main_groups"


def _checked(cohort: pd.DataFrame) -> pd.DataFrame:
    """Survival rows checked (time >= 0, event 0/1, known group); errors name the patient.

    ``fct_survival_cohort`` already excludes patients without follow-up and says why, so a
    row without follow-up here means a broken upstream filter: an error, not a silent drop.
    """
    usable, excluded = validate_survival_data(
        cohort, "rfs_months", "rfs_event", "calcification_group",
        allowed_groups=list(MAIN_GROUPS), source="fct_survival_cohort", id_col="patient_id",
    )
    if len(excluded):
        raise SurvivalDataError("fct_survival_cohort", [
            f"{len(excluded)} included patient(s) without follow-up, e.g. patient_id "
            f"{excluded['patient_id'].iloc[0]!r}; they must be excluded with a reason"
        ])
    return usable


def km_curves(cohort: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier curve of each main group with CI and numbers at risk (long form)."""
    data = _checked(cohort)
    curves = kaplan_meier(data["rfs_months"], data["rfs_event"], data["calcification_group"])
    return curves.rename(columns={"group": "calcification_group"})


def survival_tests(
    cohort: pd.DataFrame, nboot: int, seed: int, two_stage_group: str = "probably_benign"
) -> pd.DataFrame:
    """Multi-group and pairwise log-rank tests and the two-stage test of one group vs rest."""
    data = _checked(cohort)
    time, event, group = data["rfs_months"], data["rfs_event"], data["calcification_group"]
    rows = []
    overall = logrank_test(time, event, group)
    rows.append({
        "test": "logrank", "group_a": ALL_GROUPS, "group_b": None,
        "n_patients": len(data), "n_events": int(event.sum()),
        "statistic": overall.chisq, "df": overall.df, "p_value": overall.p_value,
        "p_adjusted": overall.p_value, "method": "survdiff (rho = 0), chi-square",
    })
    pairs = pairwise_logrank(time, event, group, p_adjust_method="bonferroni")
    for pair in pairs.itertuples(index=False):
        in_pair = group.isin([pair.group_a, pair.group_b])
        rows.append({
            "test": "logrank_pairwise", "group_a": pair.group_a, "group_b": pair.group_b,
            "n_patients": int(in_pair.sum()), "n_events": int(event[in_pair].sum()),
            "statistic": pair.chisq, "df": 1, "p_value": pair.p_value,
            "p_adjusted": pair.p_adjusted,
            "method": "survdiff (rho = 0), Bonferroni over the pairs",
        })
    two_stage = two_stage_test(
        time.to_numpy(float), event.to_numpy(int),
        (group == two_stage_group).to_numpy(int), nboot=nboot, seed=seed,
    )
    rows.append({
        "test": "two_stage", "group_a": two_stage_group, "group_b": "others",
        "n_patients": len(data), "n_events": int(event.sum()),
        "statistic": math.nan, "df": None, "p_value": two_stage.tspv,
        "p_adjusted": two_stage.tspv, "stage1_p_value": two_stage.lrpv,
        "stage2_p_value": two_stage.mtpv, "nboot": nboot, "seed": seed,
        "method": "Qiu & Sheng 2008 two-stage test (TSHRC 0.1-6 semantics, R RNG)",
    })
    frame = pd.DataFrame(rows).reindex(columns=SURVIVAL_TEST_COLUMNS)
    return frame.astype({"df": "Int64", "nboot": "Int64", "seed": "Int64"})
