"""Relapse-free survival by comparison group (the paper's Figure 2F) from warehouse rows.

Input: the included rows of ``int_survival_cohort`` (patient_id, group_key, rfs_months,
rfs_event) and the :class:`~calcomics.design.GroupDesign` of the active grouping (main
group keys in display order). Curves: Kaplan-Meier per main group. Tests: the log-rank test
across all main groups (R ``survdiff``), every pair of main groups (Bonferroni over the
pairs, as the paper's pairwise tests), and the two-stage test for crossing hazards (Qiu &
Sheng 2008, TSHRC semantics) of each main group against the rest of the main groups (the
paper runs it for one group against the others; TSHRC is a two-sample test, so a group
against the rest is the form that keeps the paper's comparison for every group).
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd

from calcomics.design import GroupDesign
from calcomics.methods.survival import (
    SurvivalDataError,
    kaplan_meier,
    logrank_test,
    pairwise_logrank,
    two_stage_test,
    validate_survival_data,
)

#: Columns of :func:`survival_tests`, in order.
SURVIVAL_TEST_COLUMNS: list[str] = [
    "test", "comparison_scope", "group_key", "group_a_key", "group_b_key", "n_patients",
    "n_events", "statistic", "df", "p_value", "p_adjusted", "stage1_p_value",
    "stage2_p_value", "nboot", "seed", "method",
]
#: ``comparison_scope`` values of :func:`survival_tests`.
ALL_MAIN_GROUPS, PAIRWISE, GROUP_VS_REST = "all_main_groups", "pairwise", "group_vs_rest"
SOURCE = "int_survival_cohort"


def _checked(cohort: pd.DataFrame, design: GroupDesign) -> pd.DataFrame:
    """Survival rows checked (time >= 0, event 0/1, a main group); errors name the patient.

    ``int_survival_cohort`` already excludes patients without follow-up and says why, so a
    row without follow-up here means a broken upstream filter: an error, not a silent drop.
    The group becomes a categorical in the design's display order.
    """
    usable, excluded = validate_survival_data(
        cohort, "rfs_months", "rfs_event", "group_key",
        allowed_groups=list(design.keys), source=SOURCE, id_col="patient_id",
    )
    if len(excluded):
        raise SurvivalDataError(SOURCE, [
            f"{len(excluded)} included patient(s) without follow-up, e.g. patient_id "
            f"{excluded['patient_id'].iloc[0]!r}; they must be excluded with a reason"
        ])
    usable = usable.copy()
    usable["group_key"] = pd.Categorical(usable["group_key"], categories=list(design.keys))
    return usable


def km_curves(cohort: pd.DataFrame, design: GroupDesign) -> pd.DataFrame:
    """Kaplan-Meier curve of each main group with CI and numbers at risk (long form).

    One block of rows per main group with patients, in the design's display order; columns
    ``group_key, time, survival, ci_lower, ci_upper, at_risk, events, censored``.
    """
    data = _checked(cohort, design)
    curves = kaplan_meier(data["rfs_months"], data["rfs_event"], data["group_key"])
    return curves.rename(columns={"group": "group_key"}).astype({"group_key": str})


def _r_factor(data: pd.DataFrame) -> np.ndarray:
    """Group keys as plain strings: R's default ``factor`` levels (sorted keys).

    ``survdiff`` drops its first factor level before inverting the variance; the statistic
    does not depend on which level that is, but the last bits of the floating-point result
    do. Computing with R's default level order reproduces ``survdiff(Surv(rfs_months,
    rfs_event) ~ group_key)`` on the published table exactly; rows are then reported in the
    design's display order.
    """
    return data["group_key"].astype(str).to_numpy()


def _overall_row(data: pd.DataFrame) -> dict:
    """Log-rank (survdiff) across all main groups with patients."""
    overall = logrank_test(data["rfs_months"], data["rfs_event"], _r_factor(data))
    return {
        "test": "logrank", "comparison_scope": ALL_MAIN_GROUPS,
        "n_patients": len(data), "n_events": int(data["rfs_event"].sum()),
        "statistic": overall.chisq, "df": overall.df, "p_value": overall.p_value,
        "p_adjusted": overall.p_value, "method": "survdiff (rho = 0), chi-square",
    }


def _pairwise_rows(data: pd.DataFrame, keys: list[str]) -> list[dict]:
    """Log-rank of every pair of main groups (``keys`` order), Bonferroni over the pairs."""
    event = data["rfs_event"].to_numpy(int)
    group = _r_factor(data)
    pairs = pairwise_logrank(data["rfs_months"], event, group, p_adjust_method="bonferroni")
    by_pair = {frozenset((p.group_a, p.group_b)): p for p in pairs.itertuples(index=False)}
    rows = []
    for a, b in combinations(keys, 2):
        pair = by_pair[frozenset((a, b))]
        in_pair = np.isin(group, [a, b])
        rows.append({
            "test": "logrank_pairwise", "comparison_scope": PAIRWISE,
            "group_a_key": a, "group_b_key": b,
            "n_patients": int(in_pair.sum()), "n_events": int(event[in_pair].sum()),
            "statistic": pair.chisq, "df": 1, "p_value": pair.p_value,
            "p_adjusted": pair.p_adjusted,
            "method": f"survdiff (rho = 0), Bonferroni over the {len(pairs)} pairs",
        })
    return rows


def _two_stage_rows(data: pd.DataFrame, keys: list[str], nboot: int, seed: int) -> list[dict]:
    """TSHRC two-stage test of each main group (group 1) against the rest (group 0).

    Every group's test starts from ``set.seed(seed)``, so a group's result does not depend
    on which other groups the grouping has or on their order.
    """
    time = data["rfs_months"].to_numpy(float)
    event = data["rfs_event"].to_numpy(int)
    rows = []
    for key in keys:
        result = two_stage_test(
            time, event, (data["group_key"] == key).to_numpy(int), nboot=nboot, seed=seed
        )
        rows.append({
            "test": "two_stage", "comparison_scope": GROUP_VS_REST, "group_key": key,
            "n_patients": len(data), "n_events": int(event.sum()),
            "statistic": math.nan, "df": None, "p_value": result.tspv,
            "p_adjusted": result.tspv, "stage1_p_value": result.lrpv,
            "stage2_p_value": result.mtpv, "nboot": nboot, "seed": seed,
            "method": "Qiu & Sheng 2008 two-stage test (TSHRC 0.1-6 semantics, R RNG), "
                      "group vs the rest of the main groups",
        })
    return rows


def survival_tests(
    cohort: pd.DataFrame, design: GroupDesign, nboot: int, seed: int
) -> pd.DataFrame:
    """Log-rank across all main groups and per pair, two-stage test of each group vs rest.

    Groups are the design's main groups that have patients in ``cohort``, in display
    order; pairs are every pair of those groups in that order (as
    :func:`~calcomics.design.group_pairs`). Columns:
    :data:`SURVIVAL_TEST_COLUMNS` (``group_key`` on group-vs-rest rows, ``group_a_key`` /
    ``group_b_key`` on pairwise rows, neither on the all-groups row).
    """
    data = _checked(cohort, design)
    present = set(data["group_key"].dropna())
    keys = [key for key in design.keys if key in present]
    rows = [_overall_row(data), *_pairwise_rows(data, keys)]
    rows += _two_stage_rows(data, keys, nboot, seed)
    frame = pd.DataFrame(rows).reindex(columns=SURVIVAL_TEST_COLUMNS)
    return frame.astype({"df": "Int64", "nboot": "Int64", "seed": "Int64"})
