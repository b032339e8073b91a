"""Two-stage test for crossing hazards, replicating R ``TSHRC::twostage`` 0.1-6 exactly.

Qiu & Sheng (2008, JRSS-B 70:191-208); reference implementation ``cran/TSHRC`` 0.1-6
``src/two-stage.f`` (Fortran, called from ``R/twostage.R``).  Steps, each a function here:

1. :func:`sort_for_life_table` (``SORTBYT``): sort by time; at tied times events before
   censorings, group 0 before group 1.
2. :func:`_life_table` (``TLDN``): per distinct event time j: events ``d_kj`` and at-risk
   ``n_kj`` of group k (k = 1 is ``group == 1``); a censoring tied with an event time counts
   as at risk at that time.
3. Stage 1 (:func:`_weighted_z` with unit weights, ``STATCAL``): ``Z = U / sqrt(V)``;
   ``LRPV = 2 (1 - PNORM(|Z|))`` with TSHRC's polynomial ``PNORM`` (:func:`tshrc_pnorm`),
   which is why LRPV differs from ``survdiff``'s exact p in the 5th-6th digit.
4. Stage 2 (:func:`_stage2_statistic`, ``MMANTEL``) on each bootstrap sample: pooled KM ``S``
   and censoring estimate ``G``; for cut points ``I = lb..D-lb``
   (``lb = max(3, floor(D eps))``) weights -1 before ``I`` and
   ``c_I = sum_{j<=I} G_j dS_j / sum_{j>I} G_j dS_j`` from ``I`` on; the statistic is
   ``Z(I*)`` at the first maximiser of ``|Z(I)|``.  The observed data's stage-2 statistic is
   never computed (as in TSHRC).
5. Bootstrap (``RESAMPLE1``), quirk kept: draws index the *time-sorted pooled* data;
   draws ``1..N1`` (``N1 = #(group == 1)``) take position ``floor(U N1)``, draws
   ``N1+1..N`` take ``floor(N1 + U N2)``, each draw keeping its own time, event and group
   (so this is not a within-group bootstrap).  ``U`` is R's ``unif_rand()``
   (:class:`~calcomics.methods.survival.rng.RRandom`), consumed in that order, N per replicate.
6. ``MTPV = 2 min(#{W_b < 0}, #{W_b >= 0}) / nboot`` (a NaN ``W_b`` counts as ``>= 0``, as
   the Fortran comparison does), ``alpha1 = 1 - sqrt(1 - alpha)``,
   ``TSPV = LRPV if LRPV <= alpha1 else alpha1 + MTPV (1 - alpha1)``.

Floating-point operations follow the Fortran order (numba loops, no reassociation), and the
``PNORM`` coefficients are single-precision literals in the Fortran source, so they are
rounded to float32 here.  Deliberate difference: when no cut point exists (``D < 2 lb``)
TSHRC reads ``S(0)`` outside its array; here ``S(0) = 1``, which makes all weights equal
(the stage-2 statistic becomes the stage-1 ``Z``) and a ``RuntimeWarning`` is issued when
the observed data are in that case.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from calcomics.methods.survival.rng import RRandom
from calcomics.methods.survival.validation import SurvivalDataError, check_survival_arrays

__all__ = ["TwoStageResult", "sort_for_life_table", "tshrc_pnorm", "two_stage_test"]

#: PNORM coefficients as written in two-stage.f (default REAL literals, i.e. float32).
_PNORM_COEFFICIENTS = tuple(
    float(np.float32(text))
    for text in (".0000053830", ".0000488906", ".0000380036", ".0032776263", ".0211410061",
                 ".0498673470")
)
#: Uniform draws held in memory at once (replicates are processed in chunks).
_DRAWS_PER_CHUNK = 2_000_000


@dataclass(frozen=True)
class TwoStageResult:
    """TSHRC's ``LRPV``, ``MTPV``, ``TSPV`` and the settings that produced them.

    ``seed`` is the ``set.seed`` value used (drawn at random and recorded when none was
    given; None when an :class:`RRandom` stream was passed); ``n_group1`` = #(group == 1);
    ``alpha1 = 1 - sqrt(1 - alpha)``; ``n_negative`` = bootstrap statistics < 0.
    """

    lrpv: float
    mtpv: float
    tspv: float
    nboot: int
    seed: int | None
    alpha: float
    eps: float
    n: int
    n_group1: int
    alpha1: float
    n_negative: int


def tshrc_pnorm(z: float) -> float:
    """TSHRC's ``PNORM``: ``1 - 0.5 / x^16`` with a degree-6 polynomial ``x(|z|)``."""
    c6, c5, c4, c3, c2, c1 = _PNORM_COEFFICIENTS
    x = abs(z)
    x = (((((c6 * x + c5) * x + c4) * x + c3) * x + c2) * x + c1) * x + 1.0
    x = x * x
    x = x * x
    x = x * x
    x = x * x
    x = 1.0 - 0.5 / x
    return 1.0 - x if z < 0.0 else x


def sort_for_life_table(
    time: np.ndarray, delta: np.ndarray, group: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``SORTBYT``: by time, then events before censorings, then group 0 before 1."""
    order = np.lexsort((group, -delta, time))
    return time[order], delta[order], group[order]


@numba.njit(cache=True, error_model="numpy")
def _life_table(t, d, g):  # pragma: no cover - compiled
    """``TLDN`` on sorted data: (D, d1, d2, n1, n2, l1, l2); index j = event time j+1."""
    size = t.size
    n_one = 0
    for i in range(size):
        if g[i] == 1:
            n_one += 1
    d1 = np.zeros(size + 1, np.int64)
    d2 = np.zeros(size + 1, np.int64)
    l1 = np.zeros(size + 1, np.int64)
    l2 = np.zeros(size + 1, np.int64)
    p = 0
    for i in range(size):
        if d[i] == 0:
            if g[i] == 1:
                l1[p] += 1
            else:
                l2[p] += 1
        else:
            if g[i] == 1:
                d1[p] += 1
            else:
                d2[p] += 1
            if i != size - 1:
                if t[i] != t[i + 1] or d[i + 1] == 0:
                    p += 1
    n_times = p if (d1[p] == 0 and d2[p] == 0) else p + 1
    r1 = np.zeros(size + 1, np.int64)
    r2 = np.zeros(size + 1, np.int64)
    r1[0] = n_one - l1[0]
    r2[0] = (size - n_one) - l2[0]
    for j in range(1, n_times):
        r1[j] = r1[j - 1] - d1[j - 1] - l1[j]
        r2[j] = r2[j - 1] - d2[j - 1] - l2[j]
    return n_times, d1, d2, r1, r2, l1, l2


@numba.njit(cache=True, error_model="numpy")
def _weighted_z(n_times, d1, d2, r1, r2, weight):  # pragma: no cover - compiled
    """``STATCAL``: ``sum w (d1 - n1 d / n) / sqrt(sum w^2 v)``, Fortran operation order."""
    num = 0.0
    den = 0.0
    for j in range(n_times):
        dsum = d1[j] + d2[j]
        nsum = r1[j] + r2[j]
        num = num + weight[j] * (float(d1[j]) - float(r1[j]) * float(dsum) / float(nsum))
        share = float(r1[j]) / float(nsum)
        if nsum != 1:
            var = share * (1.0 - share) * float(nsum - dsum) / float(nsum - 1) * float(dsum)
        else:
            var = share * (1.0 - share) * float(dsum)
        den = den + weight[j] * weight[j] * var
    return num / np.sqrt(den)


@numba.njit(cache=True, error_model="numpy")
def _cut_point_count(n_times, eps):  # pragma: no cover - compiled
    """``LB = max(3, floor(D eps))``."""
    return max(3, int(np.floor(float(n_times) * eps)))


@numba.njit(cache=True, error_model="numpy")
def _stage2_statistic(n_times, d1, d2, r1, r2, l1, l2, size, eps):  # pragma: no cover
    """``MMANTEL`` + ``STATCAL``: the stage-2 statistic ``Z(I*)`` of one sample."""
    if n_times == 0:
        return np.nan
    s = np.empty(n_times)
    gc = np.empty(n_times)
    s[0] = 1.0 - float(d1[0] + d2[0]) / float(r1[0] + r2[0])
    gc[0] = 1.0 - float(l1[0] + l2[0]) / float(size)
    for i in range(1, n_times):
        s[i] = s[i - 1] * (1.0 - float(d1[i] + d2[i]) / float(r1[i] + r2[i]))
        gc[i] = gc[i - 1] * (1.0 - float(l1[i] + l2[i]) / float(r1[i - 1] + r2[i - 1]))
    lb = _cut_point_count(n_times, eps)
    weight = np.empty(n_times)
    best_abs = 0.0
    best = np.nan
    found = False
    for cut in range(lb, n_times - lb + 1):  # 1-based cut point I
        num = gc[0] * (s[0] - 1.0)
        for j in range(1, cut):
            num = num + gc[j] * (s[j] - s[j - 1])
        den = 0.0
        for j in range(cut, n_times):
            den = den + gc[j] * (s[j] - s[j - 1])
        ratio = num / den
        for j in range(n_times):
            weight[j] = -1.0 if j < cut - 1 else ratio
        w = _weighted_z(n_times, d1, d2, r1, r2, weight)
        if abs(w) > best_abs:
            best_abs = abs(w)
            best = w
            found = True
    if found:
        return best
    # No cut point (or all |Z| NaN/0): TSHRC uses CHP = 0, all weights NUM/DENOM with
    # NUM = G1 (S1 - 1) and DENOM = sum_j G_j (S_j - S_{j-1}); S_0 := 1 here.
    num = gc[0] * (s[0] - 1.0)
    den = gc[0] * (s[0] - 1.0)
    for j in range(1, n_times):
        den = den + gc[j] * (s[j] - s[j - 1])
    ratio = num / den
    for j in range(n_times):
        weight[j] = ratio
    return _weighted_z(n_times, d1, d2, r1, r2, weight)


@numba.njit(cache=True, error_model="numpy")
def _bootstrap_statistics(t, d, g, n_one, uniforms, eps):  # pragma: no cover - compiled
    """``RESAMPLE1`` + ``ARRANGEDATA`` + stage 2 for each row of ``uniforms`` (N draws)."""
    n_boot, size = uniforms.shape
    n_two = size - n_one
    out = np.empty(n_boot)
    index = np.empty(size, np.int64)
    for b in range(n_boot):
        for i in range(n_one):
            index[i] = int(uniforms[b, i] * n_one)
        for i in range(n_one, size):
            index[i] = int(float(n_one) + uniforms[b, i] * n_two)
        # The base data are sorted, so sorting positions sorts the sample (SORTBYT).
        order = np.sort(index)
        n_times, d1, d2, r1, r2, l1, l2 = _life_table(t[order], d[order], g[order])
        out[b] = _stage2_statistic(n_times, d1, d2, r1, r2, l1, l2, size, eps)
    return out


def _check_settings(nboot: Any, alpha: Any, eps: Any) -> None:
    problems = []
    if isinstance(nboot, bool) or not isinstance(nboot, (int, np.integer)) or nboot < 1:
        problems.append(f"argument 'nboot' must be a positive integer, got {nboot!r}")
    for name, value in (("alpha", alpha), ("eps", eps)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not (
            0.0 < float(value) < 1.0
        ):
            problems.append(f"argument {name!r} must lie in (0, 1), got {value!r}")
    if problems:
        raise SurvivalDataError("two_stage_test()", problems)


def two_stage_test(
    time: Any,
    delta: Any,
    group: Any,
    nboot: int,
    seed: int | None = None,
    alpha: float = 0.05,
    eps: float = 0.1,
    *,
    rng: RRandom | None = None,
) -> TwoStageResult:
    """``TSHRC::twostage(time, delta, group, nboot, alpha, eps)`` after ``set.seed(seed)``.

    ``time``: non-negative finite; ``delta``: 1 = event, 0 = censored; ``group``: 0 or 1
    (1 = "treatment", TSHRC's group 1).  With ``seed`` the result equals R's
    ``set.seed(seed); twostage(...)``.  ``rng`` instead continues an existing
    :class:`RRandom` stream (R: several ``twostage`` calls after one ``set.seed``); give at
    most one of them.  With neither, a seed is drawn at random and recorded in the result.
    Bad input raises :class:`~calcomics.methods.survival.SurvivalDataError`.
    """
    _check_settings(nboot, alpha, eps)
    if seed is not None and rng is not None:
        raise ValueError("two_stage_test(): give at most one of 'seed' and 'rng'")
    t, e, g = check_survival_arrays(
        "two_stage_test", time, delta, group, event_name="delta", allowed_groups=(0, 1)
    )
    g = g.astype(np.int64)
    size = t.size
    n_one = int(np.count_nonzero(g == 1))
    problems = []
    if n_one == 0 or n_one == size:
        problems.append("argument 'group' must contain both 0 and 1")
    if not e.any():
        problems.append("argument 'delta' has no events (all 0)")
    if problems:
        raise SurvivalDataError("two_stage_test()", problems)

    ts, ds, gs = sort_for_life_table(t, e, g)
    n_times, d1, d2, r1, r2, _, _ = _life_table(ts, ds, gs)
    z1 = _weighted_z(n_times, d1, d2, r1, r2, np.ones(n_times))
    lrpv = 2.0 * (1.0 - tshrc_pnorm(abs(z1)))
    if n_times < 2 * _cut_point_count(n_times, float(eps)):
        warnings.warn(
            f"two_stage_test(): only {n_times} distinct event times, too few for a stage-2 "
            "cut point; the stage-2 statistic degenerates to the log-rank Z",
            RuntimeWarning,
            stacklevel=2,
        )

    if rng is None:
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**31 - 1))
        rng = RRandom(seed)
    per_chunk = max(1, _DRAWS_PER_CHUNK // size)
    n_negative = 0
    for start in range(0, int(nboot), per_chunk):
        reps = min(per_chunk, int(nboot) - start)
        uniforms = rng.unif_rand(reps * size).reshape(reps, size)
        stats = _bootstrap_statistics(ts, ds, gs, n_one, uniforms, float(eps))
        n_negative += int(np.count_nonzero(stats < 0.0))
    n_plus = int(nboot) - n_negative
    mtpv = float(min(n_negative, n_plus)) / float(nboot) * 2.0
    alpha1 = 1.0 - math.sqrt(1.0 - float(alpha))
    tspv = lrpv if lrpv <= alpha1 else alpha1 + mtpv * (1.0 - alpha1)
    return TwoStageResult(
        lrpv=float(lrpv),
        mtpv=mtpv,
        tspv=float(tspv),
        nboot=int(nboot),
        seed=seed,
        alpha=float(alpha),
        eps=float(eps),
        n=size,
        n_group1=n_one,
        alpha1=alpha1,
        n_negative=n_negative,
    )
