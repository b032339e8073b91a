"""calcomics.methods.survival: R RNG, survdiff log-rank, survfit KM intervals, TSHRC, validation."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test as lifelines_logrank
from lifelines.statistics import multivariate_logrank_test

from calcomics.methods.stats.rank_tests import p_adjust
from calcomics.methods.survival import (
    NO_FOLLOW_UP,
    RRandom,
    SurvivalDataError,
    kaplan_meier,
    logrank_test,
    pairwise_logrank,
    two_stage_test,
    validate_survival_data,
)
from calcomics.synth.calcification import GROUPS

DATA = Path(__file__).parent / "data" / "survival"
Z975 = 1.959963984540054  # R qnorm(0.975)

# Tiny data set with ties: censorings tied with events (t = 2 in B, t = 4 in A), a tied
# event pair (t = 2) and a last event with a single subject at risk (t = 7).
TINY_TIME = [1, 2, 2, 2, 3, 4, 4, 5, 6, 7]
TINY_EVENT = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1]
TINY_GROUP = ["A", "A", "B", "B", "C", "A", "C", "B", "C", "A"]


@pytest.fixture(scope="module")
def rats() -> pd.DataFrame:
    return pd.read_csv(DATA / "tshrc_rats.tsv", sep="\t")


@pytest.fixture(scope="module")
def gbsg() -> pd.DataFrame:
    return pd.read_csv(DATA / "gbsg.tsv", sep="\t")


# --------------------------------------------------------------------------- R's RNG


def test_runif_matches_r_set_seed_42():
    # ALGORITHMS.md 7.6: set.seed(42); runif(3)
    got = RRandom(42).unif_rand(3)
    np.testing.assert_allclose(got, [0.9148060435, 0.9370754133, 0.2861395348], atol=5e-11)


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (1, [0.2655087, 0.3721239, 0.5728534, 0.9082078, 0.2016819]),
        (123, [0.2875775, 0.7883051, 0.4089769, 0.8830174, 0.9404673]),
        (42, [0.9148060, 0.9370754, 0.2861395, 0.8304476, 0.6417455]),
    ],
)
def test_runif_matches_r_printed_values(seed, expected):
    # R's printed runif(5) after set.seed(seed) (7 significant digits)
    np.testing.assert_allclose(RRandom(seed).unif_rand(5), expected, atol=5e-8)


def test_unif_rand_continues_the_stream_across_calls_and_twists():
    whole = RRandom(7).unif_rand(1500)  # crosses two MT19937 state regenerations
    rng = RRandom(7)
    parts = np.concatenate([rng.unif_rand(1), rng.unif_rand(700), rng.unif_rand(799)])
    np.testing.assert_array_equal(parts, whole)
    assert ((whole > 0) & (whole < 1)).all()
    # different seeds give different streams; multiples of 2^-32 as R's MT_genrand
    assert not np.array_equal(RRandom(8).unif_rand(5), whole[:5])
    np.testing.assert_array_equal(whole * 2.0**32, np.round(whole * 2.0**32))


def test_rrandom_rejects_bad_seed():
    with pytest.raises(ValueError, match=r"RRandom\(\): argument 'seed' must be an integer"):
        RRandom(1.5)
    with pytest.raises(ValueError, match=r"must lie in \[-2147483647, 2147483647\]"):
        RRandom(2**31)


# --------------------------------------------------------------------------- log-rank


def test_logrank_rats_matches_survdiff(rats):
    result = logrank_test(rats["time"], rats["delta"], rats["group"])
    assert result.chisq == pytest.approx(8.5944599843, rel=1e-9)
    assert result.p_value == pytest.approx(0.00337187185, rel=1e-8)
    assert result.df == 1
    assert result.groups == (0, 1)
    np.testing.assert_array_equal(result.observed, [19, 21])
    np.testing.assert_array_equal(result.n, [100, 50])
    assert result.expected.sum() == pytest.approx(40.0, rel=1e-14)
    other = lifelines_logrank(
        rats.loc[rats.group == 0, "time"], rats.loc[rats.group == 1, "time"],
        rats.loc[rats.group == 0, "delta"], rats.loc[rats.group == 1, "delta"],
    )
    assert result.chisq == pytest.approx(other.test_statistic, rel=1e-12)


def _hand_logrank(table: list[tuple[int, ...]]) -> tuple[list, list, Fraction]:
    """Exact survdiff from a hand-written risk table (nA, nB, nC, dA, dB, dC) per event time."""
    k = 3
    obs = [Fraction(0)] * k
    exp = [Fraction(0)] * k
    var = [[Fraction(0)] * k for _ in range(k)]
    for row in table:
        n_g, d_g = row[:k], row[k:]
        n, d = sum(n_g), sum(d_g)
        for g in range(k):
            obs[g] += d_g[g]
            exp[g] += Fraction(d * n_g[g], n)
        if n > 1:
            f = Fraction(d * (n - d), n * (n - 1))
            for g in range(k):
                for h in range(k):
                    var[g][h] += f * n_g[g] * ((1 if g == h else 0) - Fraction(n_g[h], n))
    # drop group A (the first), invert the 2x2 variance of B, C
    u = [obs[1] - exp[1], obs[2] - exp[2]]
    a, b, c, d = var[1][1], var[1][2], var[2][1], var[2][2]
    det = a * d - b * c
    chisq = (u[0] * (d * u[0] - b * u[1]) + u[1] * (-c * u[0] + a * u[1])) / det
    return obs, exp, chisq


def test_logrank_three_groups_matches_hand_computation_with_ties():
    # risk sets typed by hand: at-risk = time >= t (censored at t still at risk at t)
    table = [
        (4, 3, 3, 1, 0, 0),  # t = 1
        (3, 3, 3, 1, 1, 0),  # t = 2 (B censored at 2 is at risk)
        (2, 1, 3, 0, 0, 1),  # t = 3
        (2, 1, 2, 0, 0, 1),  # t = 4 (A censored at 4 is at risk)
        (1, 1, 1, 0, 1, 0),  # t = 5
        (1, 0, 0, 1, 0, 0),  # t = 7 (single subject: no variance)
    ]
    obs, exp, chisq = _hand_logrank(table)
    result = logrank_test(TINY_TIME, TINY_EVENT, TINY_GROUP)
    assert result.groups == ("A", "B", "C")
    assert result.df == 2
    np.testing.assert_allclose(result.observed, [float(x) for x in obs], rtol=1e-15)
    np.testing.assert_allclose(result.expected, [float(x) for x in exp], rtol=1e-14)
    assert result.chisq == pytest.approx(float(chisq), rel=1e-12)
    assert result.p_value == pytest.approx(math.exp(-float(chisq) / 2), rel=1e-12)  # chi2_2
    lifelines = multivariate_logrank_test(TINY_TIME, TINY_GROUP, TINY_EVENT)
    assert result.chisq == pytest.approx(lifelines.test_statistic, rel=1e-12)


def test_logrank_gbsg_grades_match_lifelines(gbsg):
    result = logrank_test(gbsg["rfstime"], gbsg["status"], gbsg["grade"])
    other = multivariate_logrank_test(gbsg["rfstime"], gbsg["grade"], gbsg["status"])
    assert result.groups == (1, 2, 3)
    assert result.df == 2
    assert result.chisq == pytest.approx(other.test_statistic, rel=1e-12)
    assert result.p_value == pytest.approx(other.p_value, rel=1e-10)
    assert result.observed.sum() == gbsg["status"].sum()
    np.testing.assert_allclose(result.variance.sum(axis=1), 0.0, atol=1e-9)


def test_logrank_group_order_and_dropped_group_do_not_change_statistic():
    forward = logrank_test(TINY_TIME, TINY_EVENT, TINY_GROUP)
    order = pd.Categorical(TINY_GROUP, categories=["C", "A", "B"])
    reordered = logrank_test(TINY_TIME, TINY_EVENT, pd.Series(order))
    assert reordered.groups == ("C", "A", "B")
    assert reordered.chisq == pytest.approx(forward.chisq, rel=1e-12)
    np.testing.assert_allclose(reordered.observed, [2, 3, 2])


def test_logrank_timefix_merges_float_noise_like_survdiff():
    exact = logrank_test([0.3, 0.3, 1.0, 2.0], [1, 1, 1, 0], ["a", "b", "a", "b"])
    noisy = logrank_test([0.1 + 0.2, 0.3, 1.0, 2.0], [1, 1, 1, 0], ["a", "b", "a", "b"])
    unfixed = logrank_test(
        [0.1 + 0.2, 0.3, 1.0, 2.0], [1, 1, 1, 0], ["a", "b", "a", "b"], timefix=False
    )
    assert noisy.chisq == exact.chisq
    assert unfixed.chisq != pytest.approx(exact.chisq, rel=1e-6)


def test_logrank_without_events_reports_no_test():
    result = logrank_test([1, 2, 3], [0, 0, 0], ["a", "b", "a"])
    assert result.chisq == 0.0 and result.df == 0 and math.isnan(result.p_value)


def test_pairwise_logrank_uses_pair_subsets_and_p_adjust():
    bonf = pairwise_logrank(TINY_TIME, TINY_EVENT, TINY_GROUP, p_adjust_method="bonferroni")
    assert list(bonf.columns) == ["group_a", "group_b", "chisq", "p_value", "p_adjusted"]
    pairs = list(zip(bonf.group_a, bonf.group_b, strict=True))
    assert pairs == [("A", "B"), ("A", "C"), ("B", "C")]
    frame = pd.DataFrame({"t": TINY_TIME, "e": TINY_EVENT, "g": TINY_GROUP})
    sub = frame[frame.g.isin(["B", "C"])]
    alone = logrank_test(sub.t, sub.e, sub.g)
    assert bonf.chisq.iloc[2] == pytest.approx(alone.chisq, rel=1e-14)
    assert bonf.p_value.iloc[2] == pytest.approx(alone.p_value, rel=1e-14)
    np.testing.assert_allclose(bonf.p_adjusted, np.minimum(1.0, 3 * bonf.p_value))
    bh = pairwise_logrank(TINY_TIME, TINY_EVENT, TINY_GROUP, p_adjust_method="BH")
    np.testing.assert_allclose(bh.p_adjusted, p_adjust(bh.p_value.to_numpy(), "BH"))
    none = pairwise_logrank(TINY_TIME, TINY_EVENT, TINY_GROUP)
    np.testing.assert_array_equal(none.p_adjusted, none.p_value)
    with pytest.raises(ValueError, match="'p_adjust_method' must be one of"):
        pairwise_logrank(TINY_TIME, TINY_EVENT, TINY_GROUP, p_adjust_method="holm")


# --------------------------------------------------------------------------- Kaplan-Meier


def test_kaplan_meier_matches_hand_greenwood_log_interval():
    km = kaplan_meier(TINY_TIME, TINY_EVENT)
    assert list(km.columns) == [
        "group", "time", "survival", "ci_lower", "ci_upper", "at_risk", "events", "censored",
    ]
    # hand computation: S = prod(1 - d/n); var(log S) = sum d / (n (n - d))
    survival = [1, 9 / 10, 7 / 10, 7 / 12, 7 / 15, 14 / 45, 14 / 45, 0]
    terms = [0, 1 / 90, 2 / 63, 1 / 30, 1 / 20, 1 / 6, 0]
    np.testing.assert_array_equal(km.time, [0, 1, 2, 3, 4, 5, 6, 7])
    np.testing.assert_array_equal(km.at_risk, [10, 10, 9, 6, 5, 3, 2, 1])
    np.testing.assert_array_equal(km.events, [0, 1, 2, 1, 1, 1, 0, 1])
    np.testing.assert_array_equal(km.censored, [0, 0, 1, 0, 1, 0, 1, 0])
    np.testing.assert_allclose(km.survival, survival, rtol=1e-13, atol=1e-15)
    se = np.sqrt(np.cumsum(terms))
    lower = [s * math.exp(-Z975 * v) for s, v in zip(survival[:7], se, strict=True)]
    upper = [min(1.0, s * math.exp(Z975 * v)) for s, v in zip(survival[:7], se, strict=True)]
    np.testing.assert_allclose(km.ci_lower.iloc[:7], lower, rtol=1e-12)
    np.testing.assert_allclose(km.ci_upper.iloc[:7], upper, rtol=1e-12)
    assert km.ci_upper.iloc[4] < 1.0  # a clipped and an unclipped upper limit are both tested
    # S = 0 at the last time: no interval (R gives NA)
    assert km.survival.iloc[7] == 0.0
    assert np.isnan(km.ci_lower.iloc[7]) and np.isnan(km.ci_upper.iloc[7])


def test_kaplan_meier_plain_interval_and_conf_level():
    km = kaplan_meier(TINY_TIME, TINY_EVENT, conf_type="plain", conf_level=0.9)
    z = 1.6448536269514722  # R qnorm(0.95)
    s, se = 7 / 15, math.sqrt(1 / 90 + 2 / 63 + 1 / 30 + 1 / 20)
    assert km.ci_lower.iloc[4] == pytest.approx(s - z * se * s, rel=1e-12)
    assert km.ci_upper.iloc[4] == pytest.approx(min(1.0, s + z * se * s), rel=1e-12)
    with pytest.raises(ValueError, match="'conf_type' must be one of"):
        kaplan_meier(TINY_TIME, TINY_EVENT, conf_type="arcsin")
    with pytest.raises(ValueError, match="'conf_level' must lie in"):
        kaplan_meier(TINY_TIME, TINY_EVENT, conf_level=95)


def test_kaplan_meier_by_group_start_rows_and_monotone(gbsg):
    km = kaplan_meier(gbsg["rfstime"], gbsg["status"], gbsg["grade"])
    assert list(pd.unique(km.group)) == [1, 2, 3]
    for grade, curve in km.groupby("group"):
        assert curve.time.iloc[0] == 0 and curve.survival.iloc[0] == 1.0
        assert curve.at_risk.iloc[0] == (gbsg.grade == grade).sum()
        assert curve.events.sum() == gbsg.loc[gbsg.grade == grade, "status"].sum()
        assert (np.diff(curve.survival) <= 0).all()
        assert (np.diff(curve.time) > 0).all()
        inside = curve.survival > 0
        assert (curve.ci_lower[inside] <= curve.survival[inside]).all()
        assert (curve.ci_upper[inside] >= curve.survival[inside]).all()


def test_kaplan_meier_log_log_interval_equals_lifelines(gbsg):
    sub = gbsg[gbsg.hormon == 1]
    km = kaplan_meier(sub["rfstime"], sub["status"], conf_type="log-log").iloc[1:]
    fitter = KaplanMeierFitter().fit(sub["rfstime"], sub["status"])
    ci = fitter.confidence_interval_.loc[km.time.to_numpy()]
    np.testing.assert_allclose(
        km.survival, fitter.survival_function_.loc[km.time.to_numpy()].iloc[:, 0], rtol=1e-12
    )
    inner = ((km.survival > 0) & (km.survival < 1)).to_numpy()
    assert inner.sum() > 50
    np.testing.assert_allclose(km.ci_lower[inner], ci.iloc[inner, 0], rtol=1e-9)
    np.testing.assert_allclose(km.ci_upper[inner], ci.iloc[inner, 1], rtol=1e-9)


def test_kaplan_meier_time_zero_is_one_row_as_survfit():
    """Events and censorings at 0 are survfit's row at 0; no extra start row (survfit0).

    Hand-computed R output, ``summary(survfit(Surv(time, event) ~ 1), censored = TRUE)``:
    time 0 2 3 5 7; n.risk 8 5 4 2 1; n.event 1 1 1 0 1; n.censor 2 0 1 1 0;
    surv 7/8, 7/10, 21/40, 21/40, 0; std.err^2 = cumsum(1/56, 1/20, 1/12, 0).
    """
    km = kaplan_meier([0, 0, 0, 2, 3, 3, 5, 7], [1, 0, 0, 1, 1, 0, 0, 1])
    np.testing.assert_array_equal(km.time, [0, 2, 3, 5, 7])
    np.testing.assert_array_equal(km.at_risk, [8, 5, 4, 2, 1])
    np.testing.assert_array_equal(km.events, [1, 1, 1, 0, 1])
    np.testing.assert_array_equal(km.censored, [2, 0, 1, 1, 0])
    np.testing.assert_allclose(km.survival, [7 / 8, 7 / 10, 21 / 40, 21 / 40, 0], rtol=1e-13)
    se = np.sqrt(np.cumsum([1 / 56, 1 / 20, 1 / 12, 0]))
    surv = np.array([7 / 8, 7 / 10, 21 / 40, 21 / 40])
    np.testing.assert_allclose(km.ci_lower.iloc[:4], surv * np.exp(-Z975 * se), rtol=1e-12)
    np.testing.assert_allclose(km.ci_upper.iloc[:4],
                               np.minimum(1.0, surv * np.exp(Z975 * se)), rtol=1e-12)


def test_kaplan_meier_start_row_only_where_no_subject_has_time_zero():
    km = kaplan_meier([0, 0, 4, 1, 2, 2], [0, 0, 1, 1, 0, 1], ["a", "a", "a", "b", "b", "b"])
    a, b = km[km.group == "a"], km[km.group == "b"]
    # a: all time-0 subjects censored: survfit's row at 0 (S = 1), then the event at 4
    np.testing.assert_array_equal(a.time, [0, 4])
    np.testing.assert_array_equal(a.at_risk, [3, 1])
    np.testing.assert_array_equal(a.censored, [2, 0])
    np.testing.assert_array_equal(a.survival, [1.0, 0.0])
    assert (a.ci_lower.iloc[0], a.ci_upper.iloc[0]) == (1.0, 1.0)
    # b: no subject at 0: survfit0's start row, then survfit's rows at 1 and 2
    np.testing.assert_array_equal(b.time, [0, 1, 2])
    np.testing.assert_array_equal(b.at_risk, [3, 3, 2])
    np.testing.assert_array_equal(b.events, [0, 1, 1])
    np.testing.assert_array_equal(b.censored, [0, 0, 1])
    np.testing.assert_allclose(b.survival, [1.0, 2 / 3, 1 / 3], rtol=1e-14)
    assert not km.duplicated(["group", "time"]).any()


def test_kaplan_meier_everyone_relapses_at_time_zero():
    km = kaplan_meier([0, 0], [1, 1])
    assert km.time.tolist() == [0.0] and km.survival.tolist() == [0.0]
    assert (km.at_risk.iloc[0], km.events.iloc[0], km.censored.iloc[0]) == (2, 2, 0)
    assert np.isnan(km.ci_lower.iloc[0]) and np.isnan(km.ci_upper.iloc[0])  # R: NA at S = 0


# --------------------------------------------------------------------------- TSHRC


def test_two_stage_rats_reference(rats):
    result = two_stage_test(rats["time"], rats["delta"], rats["group"], nboot=1000, seed=42)
    assert abs(result.lrpv - 0.00337166) < 1e-9
    assert result.mtpv == 0.058
    assert abs(result.tspv - 0.00337166) < 1e-9
    assert result.tspv == result.lrpv  # LRPV <= alpha1 = 0.025321
    assert result.alpha1 == pytest.approx(0.025321, abs=5e-7)
    assert (result.nboot, result.seed, result.n, result.n_group1) == (1000, 42, 150, 50)
    assert result.n_negative == 29
    # LRPV differs from survdiff's exact p only through TSHRC's PNORM polynomial
    assert result.lrpv != pytest.approx(0.00337187185, rel=1e-6)


def test_two_stage_continues_r_stream_like_successive_calls(rats):
    # TSHRC tests/bar.Rout.save: set.seed(42), then three twostage(..., nboot = 2500) calls
    rng = RRandom(42)
    mtpv = [
        two_stage_test(rats["time"], rats["delta"], rats["group"], nboot=2500, rng=rng).mtpv
        for _ in range(3)
    ]
    assert mtpv == [0.06, 0.0528, 0.0496]


def _r_exp_rand(rng: RRandom) -> float:
    """R's exp_rand() (Ahrens & Dieter 1972, algorithm SA) drawing from ``rng``."""
    q = np.cumsum([math.log(2.0) ** k / math.factorial(k) for k in range(1, 17)])
    shift = 0.0
    u = rng.unif_rand(1)[0]
    while True:
        u += u
        if u > 1.0:
            break
        shift += q[0]
    u -= 1.0
    if u <= q[0]:
        return shift + u
    i, smallest = 0, rng.unif_rand(1)[0]
    while True:
        smallest = min(smallest, rng.unif_rand(1)[0])
        i += 1
        if u <= q[i]:
            return shift + smallest * q[0]


def test_two_stage_continuous_data_reference():
    # TSHRC tests/foo.Rout.save: exponential vs Weibull(1.25) with exponential censoring
    rng = RRandom(42)
    n = 200
    x1 = np.array([_r_exp_rand(rng) for _ in range(n)])
    y1 = np.array([2.0 * _r_exp_rand(rng) for _ in range(n)])
    shape = 1.25
    x2 = (1.0 / math.gamma(1.0 + 1.0 / shape)) * (-np.log(rng.unif_rand(n))) ** (1.0 / shape)
    y2 = np.array([2.0 * _r_exp_rand(rng) for _ in range(n)])
    t1, t2 = np.minimum(x1, y1), np.minimum(x2, y2)
    time = np.concatenate([t1, t2])
    delta = np.concatenate([t1 == x1, t2 == x2]).astype(int)
    group = np.repeat([0, 1], n)
    printed = [(0.31888, 0.0152, 0.04014), (0.3189, 0.0168, 0.0417), (0.31888, 0.0256, 0.05027)]
    for lrpv, mtpv, tspv in printed:
        result = two_stage_test(time, delta, group, nboot=2500, rng=rng)
        assert float(f"{result.lrpv:.{len(str(lrpv)) - 2}f}") == lrpv
        assert result.mtpv == pytest.approx(mtpv, abs=1e-12)
        assert float(f"{result.tspv:.{len(str(tspv)) - 2}f}") == tspv
        assert result.seed is None


def test_two_stage_ignores_input_row_order(rats):
    shuffled = rats.sample(frac=1.0, random_state=3)
    a = two_stage_test(rats["time"], rats["delta"], rats["group"], nboot=300, seed=5)
    b = two_stage_test(shuffled["time"], shuffled["delta"], shuffled["group"], nboot=300, seed=5)
    assert a == b


def test_two_stage_second_stage_branch_and_random_seed(rats):
    result = two_stage_test(rats["time"], rats["delta"], rats["group"], nboot=500, alpha=0.005)
    assert isinstance(result.seed, int)
    alpha1 = 1 - math.sqrt(1 - 0.005)
    assert result.lrpv > alpha1
    assert result.tspv == pytest.approx(alpha1 + result.mtpv * (1 - alpha1), rel=1e-15)
    again = two_stage_test(
        rats["time"], rats["delta"], rats["group"], nboot=500, alpha=0.005, seed=result.seed
    )
    assert again == result


def test_two_stage_warns_without_cut_points():
    with pytest.warns(RuntimeWarning, match="too few for a stage-2 cut point"):
        result = two_stage_test([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1],
                                nboot=50, seed=1)
    assert 0.0 <= result.mtpv <= 1.0


def test_two_stage_input_errors(rats):
    with pytest.raises(
        SurvivalDataError,
        match=r"^two_stage_test\(\): argument 'group' must be one of 0, 1: element 2 \(2\)$",
    ):
        two_stage_test([1, 2, 3], [1, 1, 0], [0, 2, 1], nboot=10)
    with pytest.raises(SurvivalDataError, match="argument 'nboot' must be a positive integer"):
        two_stage_test(rats["time"], rats["delta"], rats["group"], nboot=0)
    with pytest.raises(SurvivalDataError, match="must contain both 0 and 1"):
        two_stage_test([1, 2, 3], [1, 1, 0], [1, 1, 1], nboot=10)
    with pytest.raises(ValueError, match="at most one of 'seed' and 'rng'"):
        two_stage_test(rats["time"], rats["delta"], rats["group"], 10, seed=1, rng=RRandom(1))


# --------------------------------------------------------------------------- validation


def _clinical(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "patient_id": ["P1", "P2", "P3", "P4"],
            "os_days": [100.0, 250.0, 30.0, 400.0],
            "os_event": [1, 0, 1, 0],
            "group": ["negative", "high_suspicion", "probably_benign", "negative"],
        }
    )
    for column, values in overrides.items():
        frame[column] = values
    return frame


def _message(frame: pd.DataFrame, **kwargs) -> str:
    with pytest.raises(SurvivalDataError) as info:
        validate_survival_data(
            frame, "os_days", "os_event", "group", allowed_groups=GROUPS,
            source="clinical.tsv", **kwargs,
        )
    return str(info.value)


def test_validation_negative_time():
    frame = _clinical(os_days=[100.0, -5.0, 30.0, 400.0])
    assert _message(frame) == "clinical.tsv: column 'os_days' must be >= 0: row 2 (-5.0)"
    assert _message(frame, id_col="patient_id") == (
        "clinical.tsv: column 'os_days' must be >= 0: patient_id 'P2' (-5.0)"
    )


def test_validation_event_two():
    frame = _clinical(os_event=[1, 0, 2, 0])
    assert _message(frame) == (
        "clinical.tsv: column 'os_event' must be 0 or 1 (or boolean): row 3 (2)"
    )


def test_validation_unknown_group():
    frame = _clinical(group=["negative", "suspicious", "negative", "negative"])
    assert _message(frame) == (
        "clinical.tsv: column 'group' must be one of 'negative', 'probably_benign', "
        "'low_moderate_suspicion', 'high_suspicion': row 2 ('suspicious')"
    )


def test_validation_non_numeric_and_several_problems():
    frame = _clinical(os_days=[100.0, "ten", np.inf, 400.0], group=["negative", None, "x", "y"])
    assert _message(frame) == (
        "clinical.tsv: 4 problems:\n"
        "  - column 'os_days' must be numeric: row 2 ('ten')\n"
        "  - column 'os_days' must be finite: row 3 (inf)\n"
        "  - column 'group' must not be missing: row 2\n"
        "  - column 'group' must be one of 'negative', 'probably_benign', "
        "'low_moderate_suspicion', 'high_suspicion': row 3 ('x'), row 4 ('y')"
    )


def test_validation_partial_records_missing_columns_and_ids():
    frame = _clinical(os_days=[100.0, np.nan, 30.0, 400.0], os_event=[1, 1, np.nan, 0])
    assert _message(frame) == (
        "clinical.tsv: 2 problems:\n"
        "  - column 'os_days' is missing while column 'os_event' is recorded: row 2 (1.0)\n"
        "  - column 'os_event' is missing while column 'os_days' is recorded: row 3 (30.0)"
    )
    assert _message(_clinical().drop(columns="os_event")) == (
        "clinical.tsv: missing column(s) 'os_event' (columns present: "
        "['patient_id', 'os_days', 'group'])"
    )
    duplicated = _clinical(patient_id=["P1", "P2", "P1", "P4"])
    assert _message(duplicated, id_col="patient_id") == (
        "clinical.tsv: column 'patient_id' must be unique: "
        "patient_id 'P1' ('P1'), patient_id 'P1' ('P1')"
    )


def test_validation_splits_usable_and_excluded():
    frame = _clinical(
        os_days=[100.0, np.nan, 30.0, 400.0], os_event=[True, None, False, True]
    )
    usable, excluded = validate_survival_data(
        frame, "os_days", "os_event", "group", allowed_groups=GROUPS, id_col="patient_id"
    )
    assert list(usable.patient_id) == ["P1", "P3", "P4"]
    assert usable.os_event.tolist() == [1, 0, 1]
    assert usable.os_event.dtype == np.int64 and usable.os_days.dtype == np.float64
    assert list(excluded.patient_id) == ["P2"]
    assert excluded.exclusion_reason.tolist() == [NO_FOLLOW_UP] == ["no follow-up recorded"]
    assert len(usable) + len(excluded) == len(frame)


def test_estimator_arguments_are_validated():
    with pytest.raises(
        SurvivalDataError, match=r"^logrank_test\(\): argument 'time' must be >= 0: element 2"
    ):
        logrank_test([1, -2, 3], [1, 1, 0], ["a", "b", "a"])
    with pytest.raises(SurvivalDataError, match=r"arguments differ in length \(time=3, event=2"):
        kaplan_meier([1, 2, 3], [1, 1])
    with pytest.raises(SurvivalDataError, match="needs at least 2 groups"):
        logrank_test([1, 2], [1, 1], ["a", "a"])
    with pytest.raises(SurvivalDataError, match=r"'event' must be 0 or 1.*element 1 \('yes'\)"):
        kaplan_meier([1, 2], ["yes", 1])
    with pytest.raises(SurvivalDataError, match="must not be missing: element 2"):
        kaplan_meier([1, None], [1, None])
