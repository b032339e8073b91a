"""Statistical tests with R semantics (contingency tables, rank tests, p-value adjustment)."""

from calcomics.methods.stats.contingency import ChisqResult, FisherResult, chisq_test, fisher_exact
from calcomics.methods.stats.rank_tests import (
    KruskalResult,
    RankSumResult,
    kruskal_test,
    p_adjust,
    wilcoxon_rank_sum,
)

__all__ = [
    "ChisqResult",
    "FisherResult",
    "KruskalResult",
    "RankSumResult",
    "chisq_test",
    "fisher_exact",
    "kruskal_test",
    "p_adjust",
    "wilcoxon_rank_sum",
]
