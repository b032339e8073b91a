"""Statistical tests with R semantics (contingency tables, rank tests, p-value adjustment)."""

from calcomics.methods.stats.contingency import ChisqResult, FisherResult, chisq_test, fisher_exact
from calcomics.methods.stats.noted import (
    NOT_TESTABLE,
    NotedResult,
    chisq_test_noted,
    fisher_exact_noted,
    kruskal_test_noted,
    wilcoxon_rank_sum_noted,
)
from calcomics.methods.stats.rank_tests import (
    KruskalResult,
    RankSumResult,
    kruskal_test,
    p_adjust,
    wilcoxon_rank_sum,
)

__all__ = [
    "NOT_TESTABLE",
    "ChisqResult",
    "FisherResult",
    "KruskalResult",
    "NotedResult",
    "RankSumResult",
    "chisq_test",
    "chisq_test_noted",
    "fisher_exact",
    "fisher_exact_noted",
    "kruskal_test",
    "kruskal_test_noted",
    "p_adjust",
    "wilcoxon_rank_sum",
    "wilcoxon_rank_sum_noted",
]
