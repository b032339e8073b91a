"""Survival analysis with R semantics for comparisons between groups of patients.

* :func:`validate_survival_data` - check a survival table, split usable / excluded rows.
* :func:`kaplan_meier` - Kaplan-Meier curves with R ``survfit`` confidence intervals.
* :func:`logrank_test`, :func:`pairwise_logrank` - R ``survdiff`` (rho = 0), k groups.
* :func:`two_stage_test` - R ``TSHRC::twostage`` 0.1-6 (crossing hazards), bit-for-bit with
  R's random stream (:class:`RRandom`, ``set.seed`` + Mersenne-Twister).
"""

from calcomics.methods.survival.kaplan_meier import kaplan_meier
from calcomics.methods.survival.logrank import LogrankResult, logrank_test, pairwise_logrank
from calcomics.methods.survival.rng import RRandom
from calcomics.methods.survival.two_stage import TwoStageResult, two_stage_test
from calcomics.methods.survival.validation import (
    NO_FOLLOW_UP,
    SurvivalDataError,
    ValidatedSurvival,
    validate_survival_data,
)

__all__ = [
    "NO_FOLLOW_UP",
    "LogrankResult",
    "RRandom",
    "SurvivalDataError",
    "TwoStageResult",
    "ValidatedSurvival",
    "kaplan_meier",
    "logrank_test",
    "pairwise_logrank",
    "two_stage_test",
    "validate_survival_data",
]
