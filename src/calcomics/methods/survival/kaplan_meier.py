"""Kaplan-Meier curves with R ``survfit`` confidence intervals (Greenwood variance).

The estimate and the per-time counts come from lifelines' ``KaplanMeierFitter`` (its
``survival_function_`` and ``event_table``).  The interval is computed here, because
lifelines only offers the "exponential Greenwood" interval, which is R's
``conf.type = "log-log"``, while R ``survfit``'s default is ``conf.type = "log"``:

* ``se`` = ``sqrt(sum_{t_i <= t} d_i / (n_i (n_i - d_i)))`` (Greenwood; survfit's
  ``std.err``, the standard error of the cumulative hazard / of ``log S``);
* ``"log"`` (default, = R default): ``S exp(-z se)`` .. ``min(1, S exp(z se))``;
* ``"log-log"`` (= R ``"log-log"`` = lifelines' interval):
  ``exp(-exp(log(-log S) -/+ z se / log S))``, NaN where ``S`` is 1 (as R);
* ``"plain"`` (= R ``"plain"``): ``max(0, S - z se S)`` .. ``min(1, S + z se S)``;

with ``z = qnorm(1 - (1 - conf_level) / 2)``; every interval is NaN where ``S = 0`` (as R).
Times pass through R's ``aeqSurv`` first (``timefix = TRUE``, as ``survfit.formula``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from calcomics.methods.survival._common import aeq_times, group_codes
from calcomics.methods.survival.validation import SurvivalDataError, check_survival_arrays

__all__ = ["CONF_TYPES", "kaplan_meier"]

CONF_TYPES = ("log", "log-log", "plain")
KM_COLUMNS = ["group", "time", "survival", "ci_lower", "ci_upper", "at_risk", "events", "censored"]
#: ``group`` value when no grouping is given.
ALL_SUBJECTS = "all"


def greenwood_se(at_risk: np.ndarray, events: np.ndarray) -> np.ndarray:
    """survfit ``std.err``: ``sqrt(cumsum(d / (n (n - d))))`` (Inf once ``n = d``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(events > 0, events / (at_risk * (at_risk - events)), 0.0)
    return np.sqrt(np.cumsum(terms))


def confidence_interval(
    survival: np.ndarray, se: np.ndarray, z: float, conf_type: str
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits as R ``survfit`` computes them for ``conf_type``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "log":
            log_s = np.log(np.where(survival > 0, survival, np.nan))
            return np.exp(log_s - z * se), np.minimum(np.exp(log_s + z * se), 1.0)
        if conf_type == "log-log":
            inner = (survival > 0) & (survival < 1)
            log_s = np.log(np.where(inner, survival, np.nan))
            shift = z * se / log_s
            log_minus_log = np.log(-log_s)
            return np.exp(-np.exp(log_minus_log - shift)), np.exp(-np.exp(log_minus_log + shift))
        half_width = z * se * survival
        return np.maximum(survival - half_width, 0.0), np.minimum(survival + half_width, 1.0)


def _one_group(label: Any, time: np.ndarray, event: np.ndarray, z: float, conf_type: str):
    """Rows of one curve: one row per distinct observed time, starting at time 0.

    As R ``survfit0`` (used by ``plot.survfit``): when no subject
    has time 0, a start row ``time = 0, survival = 1, ci = [1, 1], at_risk = n, events =
    censored = 0`` is added; when subjects have time 0, survfit's own row at 0 (``n.risk =
    n``, the events and censorings at 0, ``surv = 1 - d0 / n``) is the only row at 0.
    """
    from lifelines import KaplanMeierFitter  # heavy import, only when curves are drawn

    fitter = KaplanMeierFitter().fit(time, event_observed=event)
    table = fitter.event_table
    observed_times = (table["removed"] > 0).to_numpy()
    table = table.loc[observed_times]
    times = table.index.to_numpy(float)
    survival = fitter.survival_function_.to_numpy()[observed_times, 0]
    at_risk = table["at_risk"].to_numpy(np.int64)
    events = table["observed"].to_numpy(np.int64)
    censored = table["censored"].to_numpy(np.int64)
    lower, upper = confidence_interval(
        survival, greenwood_se(at_risk.astype(float), events.astype(float)), z, conf_type
    )
    if times[0] != 0.0:  # survfit0: the start row, unless survfit already has a row at 0
        times, survival = np.concatenate(([0.0], times)), np.concatenate(([1.0], survival))
        lower, upper = np.concatenate(([1.0], lower)), np.concatenate(([1.0], upper))
        at_risk = np.concatenate(([len(time)], at_risk))
        events, censored = np.concatenate(([0], events)), np.concatenate(([0], censored))
    return pd.DataFrame(
        {
            "group": [label] * len(times),
            "time": times,
            "survival": survival,
            "ci_lower": lower,
            "ci_upper": upper,
            "at_risk": at_risk,
            "events": events,
            "censored": censored,
        },
        columns=KM_COLUMNS,
    )


def kaplan_meier(
    time: Any,
    event: Any,
    group: Any = None,
    conf_level: float = 0.95,
    conf_type: str = "log",
    timefix: bool = True,
) -> pd.DataFrame:
    """Kaplan-Meier estimate per group, as R ``survfit(Surv(time, event) ~ group)``.

    Returns columns ``group, time, survival, ci_lower, ci_upper, at_risk, events,
    censored``: per group (R factor order; ``"all"`` without ``group``) one row per distinct
    time, the rows of ``summary(survfit(...), censored = TRUE)`` (every observed time, event
    or censoring; ``at_risk`` counts subjects with time >= t, so a subject censored at t is
    at risk at t) with the start row R's ``survfit0`` adds for ``plot.survfit``: when no
    subject has time 0, ``time = 0, survival = 1, ci = [1, 1], at_risk = n, events =
    censored = 0``; subjects with time 0 make survfit's own row at 0 the only one
    (``at_risk = n``, the events and censorings at 0, ``survival = 1 - d0 / n``).  Times
    are unique within a group and survival is non-increasing.  The interval is R survfit's
    ``conf.type`` (default ``"log"``, the R default; see the module docstring for
    ``"log-log"``, lifelines' interval, and ``"plain"``).  Bad input raises
    :class:`~calcomics.methods.survival.SurvivalDataError`.
    """
    if not isinstance(conf_level, (int, float)) or not 0.0 < float(conf_level) < 1.0:
        raise ValueError(
            f"kaplan_meier(): argument 'conf_level' must lie in (0, 1), got {conf_level!r}"
        )
    if conf_type not in CONF_TYPES:
        raise ValueError(
            f"kaplan_meier(): argument 'conf_type' must be one of {list(CONF_TYPES)}, "
            f"got {conf_type!r}"
        )
    t, e, g = check_survival_arrays("kaplan_meier", time, event, group)
    if t.size == 0:
        raise SurvivalDataError("kaplan_meier()", ["arguments hold no subjects"])
    if timefix:
        t = aeq_times(t)
    if g is None:
        codes, labels = np.zeros(len(t), dtype=np.int64), (ALL_SUBJECTS,)
    else:
        codes, labels = group_codes(group, g)
    z = float(stats.norm.ppf(1.0 - (1.0 - float(conf_level)) / 2.0))
    curves = [
        _one_group(label, t[codes == k], e[codes == k], z, conf_type)
        for k, label in enumerate(labels)
    ]
    return pd.concat(curves, ignore_index=True)
