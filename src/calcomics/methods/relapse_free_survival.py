"""Relapse-free survival by comparison group (the paper's Figure 2F) from warehouse rows.

Input: the included rows of ``int_survival_cohort`` (patient_id, group_key, rfs_months,
rfs_event) and the :class:`~calcomics.design.GroupDesign` of the active grouping (main
group keys in display order). Curves: Kaplan-Meier per main group. Tests: the log-rank test
across all main groups (R ``survdiff``), every pair of main groups (Bonferroni over the
pairs, as the paper's pairwise tests), and the two-stage test for crossing hazards (Qiu &
Sheng 2008, TSHRC semantics) of each main group against the rest of the main groups (the
paper runs it for one group against the others; TSHRC is a two-sample test, so a group
against the rest is the form that keeps the paper's comparison for every group).

Every test of the design is a row, also when it cannot be computed: a group without
patients, a single group, fewer than three patients or no relapse give a null p-value and a
``test_note`` from :mod:`calcomics.methods.stats.notes` (see :func:`survival_tests`).
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd

from calcomics.design import GroupDesign
from calcomics.methods.stats.notes import (
    FEWER_THAN_MIN_OBSERVATIONS,
    MIN_OBSERVATIONS,
    NO_EVENTS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    groups_left_out,
)
from calcomics.methods.stats.rank_tests import p_adjust
from calcomics.methods.survival import (
    SurvivalDataError,
    kaplan_meier,
    logrank_test,
    two_stage_test,
    validate_survival_data,
)

#: Columns of :func:`survival_tests`, in order.
SURVIVAL_TEST_COLUMNS: list[str] = [
    "test", "comparison_scope", "group_key", "group_a_key", "group_b_key", "n_patients",
    "n_events", "statistic", "df", "p_value", "p_adjusted", "stage1_p_value",
    "stage2_p_value", "nboot", "seed", "method", "test_note",
]
#: Column dtypes of :func:`survival_tests` (typed also when a column holds only nulls).
SURVIVAL_TEST_DTYPES: dict[str, str] = {
    "test": "string", "comparison_scope": "string", "group_key": "string",
    "group_a_key": "string", "group_b_key": "string", "n_patients": "Int64",
    "n_events": "Int64", "statistic": "float64", "df": "Int64", "p_value": "float64",
    "p_adjusted": "float64", "stage1_p_value": "float64", "stage2_p_value": "float64",
    "nboot": "Int64", "seed": "Int64", "method": "string", "test_note": "string",
}
#: Columns and dtypes of :func:`km_curves`.
KM_CURVE_DTYPES: dict[str, str] = {
    "group_key": "string", "time": "float64", "survival": "float64", "ci_lower": "float64",
    "ci_upper": "float64", "at_risk": "Int64", "events": "Int64", "censored": "Int64",
}
#: ``comparison_scope`` values of :func:`survival_tests`.
ALL_MAIN_GROUPS, PAIRWISE, GROUP_VS_REST = "all_main_groups", "pairwise", "group_vs_rest"
SOURCE = "int_survival_cohort"
LOGRANK_METHOD = "survdiff (rho = 0), chi-square"
TWO_STAGE_METHOD = ("Qiu & Sheng 2008 two-stage test (TSHRC 0.1-6 semantics, R RNG), "
                    "group vs the rest of the main groups")


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

    One block of rows per main group with patients, in the design's display order, one row
    per distinct time starting at time 0 (see
    :func:`~calcomics.methods.survival.kaplan_meier` for the rows at time 0); columns and
    dtypes :data:`KM_CURVE_DTYPES`. A group without patients has no curve; a cohort without
    patients gives an empty, typed frame.
    """
    data = _checked(cohort, design)
    if data.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in KM_CURVE_DTYPES.items()})
    curves = kaplan_meier(data["rfs_months"], data["rfs_event"], data["group_key"])
    curves = curves.rename(columns={"group": "group_key"})
    return curves.astype({"group_key": str}).astype(KM_CURVE_DTYPES)


def _r_factor(data: pd.DataFrame) -> np.ndarray:
    """Group keys as plain strings: R's default ``factor`` levels (sorted keys).

    ``survdiff`` drops its first factor level before inverting the variance; the statistic
    does not depend on which level that is, but the last bits of the floating-point result
    do. Computing with R's default level order reproduces ``survdiff(Surv(rfs_months,
    rfs_event) ~ group_key)`` on the published table exactly; rows are then reported in the
    design's display order.
    """
    return data["group_key"].astype(str).to_numpy()


def untested_note(n_patients: int, n_groups: int, n_events: int) -> str | None:
    """Why a survival comparison is not computed, or None when it is.

    Checked in this order: no patients (``NO_VALUES``), fewer than two compared groups with
    patients (``ONE_GROUP_ONLY``; R ``survdiff`` stops: "There is only 1 group"), fewer than
    ``MIN_OBSERVATIONS`` patients, no relapse (``NO_EVENTS``; ``survdiff`` has no expected
    events, TSHRC no event time).
    """
    if n_patients == 0:
        return NO_VALUES
    if n_groups < 2:
        return ONE_GROUP_ONLY
    if n_patients < MIN_OBSERVATIONS:
        return FEWER_THAN_MIN_OBSERVATIONS
    if n_events == 0:
        return NO_EVENTS
    return None


def _logrank(
    data: pd.DataFrame, present: list[str]
) -> tuple[float, int | None, float, str | None]:
    """survdiff of ``data`` over its groups: ``(chisq, df, p, note)``, null values if untested.

    ``present`` are the groups with patients. When fewer than two groups have expected
    events (every patient of the other groups censored before the first relapse) survdiff
    gives chisq 0 on 0 df (its p, ``pchisq(0, 0, lower.tail = FALSE)``, is 0 and not a
    test): null p with ``ONE_GROUP_ONLY``.
    """
    event = data["rfs_event"].to_numpy(int)
    note = untested_note(len(data), len(present), int(event.sum()))
    if note is not None:
        return math.nan, None, math.nan, note
    result = logrank_test(data["rfs_months"], event, _r_factor(data))
    if math.isnan(result.p_value):
        return math.nan, None, math.nan, ONE_GROUP_ONLY
    return result.chisq, result.df, result.p_value, None


def _overall_row(data: pd.DataFrame, design: GroupDesign, present: list[str]) -> dict:
    """Log-rank (survdiff) across all main groups; groups without patients are left out."""
    chisq, df, p_value, note = _logrank(data, present)
    absent = [design.label(k) for k in design.keys if k not in present]
    if note is None and absent:
        note = groups_left_out(absent)
    return {
        "test": "logrank", "comparison_scope": ALL_MAIN_GROUPS,
        "n_patients": len(data), "n_events": int(data["rfs_event"].sum()),
        "statistic": chisq, "df": df, "p_value": p_value, "p_adjusted": p_value,
        "method": LOGRANK_METHOD, "test_note": note,
    }


def _pairwise_rows(data: pd.DataFrame, keys: list[str], present: list[str]) -> list[dict]:
    """Log-rank of every pair of main groups (``keys`` order), Bonferroni over tested pairs.

    As R ``p.adjust``, untested pairs (null p) do not count in the Bonferroni factor.
    """
    group = _r_factor(data)
    rows = []
    for a, b in combinations(keys, 2):
        pair = data.loc[np.isin(group, [a, b])]
        chisq, _, p_value, note = _logrank(pair, [k for k in (a, b) if k in present])
        rows.append({
            "test": "logrank_pairwise", "comparison_scope": PAIRWISE,
            "group_a_key": a, "group_b_key": b,
            "n_patients": len(pair), "n_events": int(pair["rfs_event"].sum()),
            "statistic": chisq, "df": None if note else 1, "p_value": p_value,
            "test_note": note,
        })
    adjusted = p_adjust(np.array([r["p_value"] for r in rows], dtype=float), "bonferroni")
    n_tested = sum(not math.isnan(r["p_value"]) for r in rows)
    for row, p_adj in zip(rows, adjusted, strict=True):
        row["p_adjusted"] = p_adj
        row["method"] = f"survdiff (rho = 0), Bonferroni over the {n_tested} tested pairs"
    return rows


def _two_stage_rows(data: pd.DataFrame, keys: list[str], nboot: int, seed: int) -> list[dict]:
    """TSHRC two-stage test of each main group (group 1) against the rest (group 0).

    Every group's test starts from ``set.seed(seed)``, so a group's result does not depend
    on which other groups the grouping has or on their order. A group without patients, a
    rest without patients, fewer than 3 patients or no relapse give a null p and a note, as
    does a split whose log-rank has no p-value (see :func:`_logrank`).
    """
    time = data["rfs_months"].to_numpy(float)
    event = data["rfs_event"].to_numpy(int)
    rows = []
    for key in keys:
        in_group = (data["group_key"] == key).to_numpy()
        n_sides = int(in_group.any()) + int((~in_group).any())
        row = {
            "test": "two_stage", "comparison_scope": GROUP_VS_REST, "group_key": key,
            "n_patients": len(data), "n_events": int(event.sum()), "statistic": math.nan,
            "p_value": math.nan, "nboot": nboot, "seed": seed, "method": TWO_STAGE_METHOD,
        }
        split = data.assign(group_key=np.where(in_group, "group", "rest"))
        note = untested_note(len(data), n_sides, int(event.sum()))
        if note is None:
            note = _logrank(split, ["group", "rest"])[3]
        if note is None:
            result = two_stage_test(time, event, in_group.astype(int), nboot=nboot, seed=seed)
            row.update(p_value=result.tspv, stage1_p_value=result.lrpv,
                       stage2_p_value=result.mtpv)
        row.update(p_adjusted=row["p_value"], test_note=note)
        rows.append(row)
    return rows


def survival_tests(
    cohort: pd.DataFrame, design: GroupDesign, nboot: int, seed: int
) -> pd.DataFrame:
    """Log-rank across all main groups and per pair, two-stage test of each group vs rest.

    One row per test of the design, whatever the data: the log-rank test across all main
    groups, every pair of main groups in display order (as
    :func:`~calcomics.design.group_pairs`) and the two-stage test of every main group
    against the rest. Columns :data:`SURVIVAL_TEST_COLUMNS` (dtypes
    :data:`SURVIVAL_TEST_DTYPES`; ``group_key`` on group-vs-rest rows, ``group_a_key`` /
    ``group_b_key`` on pairwise rows, neither on the all-groups row).

    A test that cannot be computed has null statistic, df and p-values and a ``test_note``
    (:func:`untested_note`): no patients, one compared group only (a group without patients
    with follow-up, as R's survdiff stops), fewer than 3 patients, or no relapse. The
    all-groups test leaves out main groups without patients, as survdiff drops empty factor
    levels, and names them in its note (:func:`~calcomics.methods.stats.notes.groups_left_out`).
    """
    data = _checked(cohort, design)
    present = [key for key in design.keys if (data["group_key"] == key).any()]
    keys = list(design.keys)
    rows = [_overall_row(data, design, present), *_pairwise_rows(data, keys, present)]
    rows += _two_stage_rows(data, keys, nboot, seed)
    frame = pd.DataFrame(rows).reindex(columns=SURVIVAL_TEST_COLUMNS)
    return frame.astype(SURVIVAL_TEST_DTYPES)
