"""k-group log-rank test identical to R ``survival::survdiff(Surv(time, event) ~ group)``.

Reference behaviour (``therneau/survival``: ``R/survdiff.R``, ``src/survdiff2.c``, rho = 0):

* times first pass through ``aeqSurv`` (``timefix = TRUE``: near-equal floats are ties);
* at each distinct event time ``t_j``: ``n_gj`` = subjects of group g with time >= t_j (a
  subject censored at ``t_j`` is still at risk at ``t_j``), ``d_gj`` = events, ``d_j``,
  ``n_j`` the totals;
* observed ``O_g = sum_j d_gj``, expected ``E_g = sum_j d_j n_gj / n_j``;
* variance ``V_gh = sum_j f_j n_gj (delta_gh - n_hj / n_j)`` with
  ``f_j = d_j (n_j - d_j) / (n_j (n_j - 1))`` (times with ``n_j = 1`` add nothing);
* groups with ``E_g = 0`` are dropped, then the *first* remaining group:
  ``chisq = u' V^-1 u`` with ``u = (O - E)`` of the others, ``df`` = groups kept - 1, and
  ``p = P(chi2_df > chisq)`` (exact, ``pchisq(..., lower.tail = FALSE)``).

The statistic does not depend on which group is dropped; dropping the first keeps R's
floating-point path.  R's ``solve`` stops on a singular ``V``; here a singular ``V`` falls
back to the Moore-Penrose generalised inverse (as lifelines does).  Sums run in numpy order,
not survdiff's backwards loop, so results agree with R to rounding (~1e-15 relative).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from calcomics.methods.stats.rank_tests import p_adjust
from calcomics.methods.survival._common import aeq_times, group_codes
from calcomics.methods.survival.validation import SurvivalDataError, check_survival_arrays

__all__ = ["LogrankResult", "logrank_test", "pairwise_logrank"]


@dataclass(frozen=True, eq=False)
class LogrankResult:
    """survdiff's ``chisq``, df, p-value and per-group ``n``, ``obs``, ``exp`` and ``var``.

    ``groups`` gives the order of the per-group arrays (R factor order, see
    :func:`logrank_test`).  ``p_value`` is NaN when fewer than two groups have expected
    events (R reports ``chisq = 0`` with no test).
    """

    chisq: float
    df: int
    p_value: float
    groups: tuple[Any, ...]
    observed: np.ndarray
    expected: np.ndarray
    n: np.ndarray
    variance: np.ndarray


def _life_table(
    time: np.ndarray, event: np.ndarray, codes: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """At-risk and event counts, shape (distinct times, k), for the distinct times."""
    _, inverse = np.unique(time, return_inverse=True)
    m = int(inverse.max()) + 1
    cell = inverse * k + codes
    count = np.bincount(cell, minlength=m * k).reshape(m, k)
    deaths = np.bincount(cell, weights=event, minlength=m * k).reshape(m, k)
    at_risk = np.cumsum(count[::-1], axis=0)[::-1]
    return at_risk.astype(float), deaths


def _survdiff(
    time: np.ndarray, event: np.ndarray, codes: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed, expected and variance matrix of survdiff (rho = 0)."""
    at_risk, deaths = _life_table(time, event, codes, k)
    d = deaths.sum(axis=1)
    n = at_risk.sum(axis=1)
    keep = d > 0
    at_risk, deaths, d, n = at_risk[keep], deaths[keep], d[keep], n[keep]
    observed = deaths.sum(axis=0)
    expected = (at_risk * (d / n)[:, None]).sum(axis=0)
    several = n > 1
    f = np.zeros_like(d)
    f[several] = d[several] * (n[several] - d[several]) / (n[several] * (n[several] - 1.0))
    weighted = at_risk * f[:, None]
    variance = np.diag(weighted.sum(axis=0)) - (weighted / n[:, None]).T @ at_risk
    return observed, expected, variance


def _quadratic_form(u: np.ndarray, v: np.ndarray) -> float:
    """``u' V^-1 u`` via ``solve`` (R), generalised inverse if ``V`` is singular."""
    try:
        return float(np.sum(np.linalg.solve(v, u) * u))
    except np.linalg.LinAlgError:
        return float(u @ np.linalg.pinv(v) @ u)


def logrank_test(time: Any, event: Any, group: Any, timefix: bool = True) -> LogrankResult:
    """Log-rank test of k >= 2 groups, identical to R ``survdiff(Surv(time, event) ~ group)``.

    ``time``: non-negative finite numbers; ``event``: 0/1 (or boolean); ``group``: labels
    (a pandas Categorical keeps its category order, other labels are sorted).  Bad input
    raises :class:`SurvivalDataError` naming the argument and elements.  ``timefix=False``
    skips R's ``aeqSurv`` tie merging (survdiff's ``timefix`` argument).
    """
    t, e, g = check_survival_arrays("logrank_test", time, event, group)
    codes, labels = group_codes(group, g)
    if len(labels) < 2:
        raise SurvivalDataError(
            "logrank_test()", [f"argument 'group' needs at least 2 groups, got {list(labels)}"]
        )
    if timefix:
        t = aeq_times(t)
    k = len(labels)
    observed, expected, variance = _survdiff(t, e.astype(float), codes, k)
    counts = np.bincount(codes, minlength=k)
    kept = np.flatnonzero(expected > 0)
    if kept.size < 2:
        chisq, df, p_value = 0.0, 0, float("nan")
    else:
        rest = kept[1:]
        u = (observed - expected)[rest]
        chisq = _quadratic_form(u, variance[np.ix_(rest, rest)])
        df = int(kept.size - 1)
        p_value = float(stats.chi2.sf(chisq, df))
    return LogrankResult(
        chisq=chisq,
        df=df,
        p_value=p_value,
        groups=labels,
        observed=observed,
        expected=expected,
        n=counts,
        variance=variance,
    )


_ADJUST_METHODS = ("none", "bonferroni", "BH")


def pairwise_logrank(
    time: Any, event: Any, group: Any, p_adjust_method: str = "none", timefix: bool = True
) -> pd.DataFrame:
    """Log-rank test for every pair of groups (survminer ``pairwise_survdiff`` semantics).

    Each pair is tested by :func:`logrank_test` on the subjects of those two groups only
    (``timefix`` applied within the pair, as survdiff on the subset would).  Columns:
    ``group_a``, ``group_b`` (pairs in group order, ``a`` before ``b``), ``chisq``,
    ``p_value``, ``p_adjusted`` (R ``p.adjust`` over all pairs with ``p_adjust_method`` in
    ``"none"``, ``"bonferroni"``, ``"BH"``; NaN p-values stay NaN and are not counted).
    """
    if p_adjust_method not in _ADJUST_METHODS:
        raise ValueError(
            f"pairwise_logrank(): argument 'p_adjust_method' must be one of "
            f"{list(_ADJUST_METHODS)}, got {p_adjust_method!r}"
        )
    t, e, g = check_survival_arrays("pairwise_logrank", time, event, group)
    codes, labels = group_codes(group, g)
    if len(labels) < 2:
        raise SurvivalDataError(
            "pairwise_logrank()",
            [f"argument 'group' needs at least 2 groups, got {list(labels)}"],
        )
    rows = []
    for a, b in combinations(range(len(labels)), 2):
        pair = (codes == a) | (codes == b)
        pair_group = pd.Categorical.from_codes(codes[pair], categories=list(labels))
        result = logrank_test(t[pair], e[pair], pd.Series(pair_group), timefix=timefix)
        rows.append((labels[a], labels[b], result.chisq, result.p_value))
    out = pd.DataFrame(rows, columns=["group_a", "group_b", "chisq", "p_value"])
    if p_adjust_method == "none":
        out["p_adjusted"] = out["p_value"]
    else:
        out["p_adjusted"] = p_adjust(out["p_value"].to_numpy(), p_adjust_method)
    return out
