"""Tests that turn degenerate input into a null p-value with a ``test_note``, never an error.

The plain tests (:func:`~calcomics.methods.stats.rank_tests.kruskal_test`,
:func:`~calcomics.methods.stats.rank_tests.wilcoxon_rank_sum`,
:func:`~calcomics.methods.stats.contingency.fisher_exact`,
:func:`~calcomics.methods.stats.contingency.chisq_test`) keep R's behaviour, errors
included. The functions here wrap them for marts, where one degenerate feature must not
abort a whole table. Checks, in this order (the first that applies gives the note):

1. no observation at all: :data:`~calcomics.methods.stats.notes.NO_VALUES`;
2. fewer than two groups with an observation:
   :data:`~calcomics.methods.stats.notes.ONE_GROUP_ONLY` (R: "all observations are in the same
   group" / "not enough observations"; ``fisher.test`` would print 1);
3. fewer than :data:`~calcomics.methods.stats.notes.MIN_OBSERVATIONS` observations:
   :data:`~calcomics.methods.stats.notes.FEWER_THAN_MIN_OBSERVATIONS` (R would still test;
   a deliberate difference);
4. every observation equal (rank tests) or in one category (contingency tables):
   :data:`~calcomics.methods.stats.notes.ALL_VALUES_EQUAL` (R: NaN for the rank tests and
   chi-square; ``fisher.test`` would print 1);
5. otherwise R's test runs on the groups with observations; when some groups had none, the
   p-value is R's (``kruskal.test(value ~ group)`` and ``fisher.test`` drop empty groups)
   and the note is :func:`~calcomics.methods.stats.notes.groups_left_out`.

A result that was not tested has NaN statistic and p-value and ``method = "not_testable"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from calcomics.methods.stats.contingency import _as_count_table, chisq_test, fisher_exact
from calcomics.methods.stats.notes import (
    ALL_VALUES_EQUAL,
    FEWER_THAN_MIN_OBSERVATIONS,
    MIN_OBSERVATIONS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    groups_left_out,
)
from calcomics.methods.stats.rank_tests import kruskal_test, wilcoxon_rank_sum

__all__ = [
    "NOT_TESTABLE",
    "NotedResult",
    "chisq_test_noted",
    "degenerate_note",
    "fisher_exact_noted",
    "kruskal_test_noted",
    "wilcoxon_rank_sum_noted",
]

#: ``method`` of a result that was not tested.
NOT_TESTABLE = "not_testable"


@dataclass(frozen=True)
class NotedResult:
    """A test result or the reason there is none.

    Attributes
    ----------
    statistic, p_value
        R's values; NaN when not tested (and ``statistic`` NaN for Fisher's exact test).
    df
        Degrees of freedom (chi-square, Kruskal-Wallis) or None.
    method
        The plain test's method (``exact``, ``normal_approximation``, ``asymptotic``,
        ``monte_carlo``) or ``not_testable``.
    test_note
        None when the test ran on every group, else a note of
        :mod:`calcomics.methods.stats.notes`.
    n_tested
        Observations in the test (those available when it was not tested).
    """

    statistic: float
    df: int | None
    p_value: float
    method: str
    test_note: str | None
    n_tested: int

    @property
    def is_tested(self) -> bool:
        """True when a p-value was computed."""
        return self.method != NOT_TESTABLE


def _not_tested(note: str, n_tested: int) -> NotedResult:
    return NotedResult(float("nan"), None, float("nan"), NOT_TESTABLE, note, n_tested)


def degenerate_note(group_sizes: Sequence[int], n_distinct: int) -> str | None:
    """The note that stops a test, or None when it can run (checks 1-4 of the module doc).

    Parameters
    ----------
    group_sizes
        Observations per compared group.
    n_distinct
        Distinct values (rank tests) or non-empty categories (contingency tables) observed.
    """
    sizes = np.asarray(group_sizes, dtype=np.int64)
    n = int(sizes.sum())
    if n == 0:
        return NO_VALUES
    if int((sizes > 0).sum()) < 2:
        return ONE_GROUP_ONLY
    if n < MIN_OBSERVATIONS:
        return FEWER_THAN_MIN_OBSERVATIONS
    if n_distinct < 2:
        return ALL_VALUES_EQUAL
    return None


def _left_out_note(labels: Sequence[str], sizes: Sequence[int]) -> str | None:
    empty = [str(label) for label, size in zip(labels, sizes, strict=True) if size == 0]
    return groups_left_out(empty) if empty else None


def _finite(values: Any, *, keep_infinite: bool) -> np.ndarray:
    arr = np.asarray(values, dtype=float).reshape(-1)
    return arr[~np.isnan(arr)] if keep_infinite else arr[np.isfinite(arr)]


def kruskal_test_noted(groups: Mapping[str, Any]) -> NotedResult:
    """R ``kruskal.test(value ~ group)`` over labelled groups, degenerate cases as notes.

    NaN values are dropped (R's ``complete.cases``; infinite values are ranked, as in R).
    Groups left without a value are dropped as R's formula interface drops empty factor
    levels; with at least two groups left the test runs on them and the note names the
    groups left out.

    Parameters
    ----------
    groups
        Group label -> values, in display order.
    """
    labels = list(groups)
    samples = [_finite(groups[label], keep_infinite=True) for label in labels]
    sizes = [len(s) for s in samples]
    pooled = np.concatenate(samples) if samples else np.empty(0)
    note = degenerate_note(sizes, len(np.unique(pooled)))
    if note is not None:
        return _not_tested(note, len(pooled))
    result = kruskal_test(*[s for s in samples if len(s)])
    return NotedResult(result.statistic, result.df, result.p_value, "asymptotic",
                       _left_out_note(labels, sizes), len(pooled))


def wilcoxon_rank_sum_noted(x: Any, y: Any) -> NotedResult:
    """R ``wilcox.test(x, y)`` (two-sided), degenerate cases as notes.

    Non-finite values are dropped as in R. A sample without values, fewer than
    :data:`~calcomics.methods.stats.notes.MIN_OBSERVATIONS` values in all or all values
    tied (R: error, or NaN) give a null p-value and the note.
    """
    xs = _finite(x, keep_infinite=False)
    ys = _finite(y, keep_infinite=False)
    note = degenerate_note([len(xs), len(ys)], len(np.unique(np.concatenate([xs, ys]))))
    if note is not None:
        return _not_tested(note, len(xs) + len(ys))
    result = wilcoxon_rank_sum(xs, ys)
    return NotedResult(result.statistic, None, result.p_value, result.method, None,
                       len(xs) + len(ys))


def _table_note(table: np.ndarray) -> str | None:
    return degenerate_note(table.sum(axis=0).tolist(), int((table.sum(axis=1) > 0).sum()))


def fisher_exact_noted(table: Any, group_labels: Sequence[str]) -> NotedResult:
    """R ``fisher.test`` on a categories x groups table, degenerate cases as notes.

    Parameters
    ----------
    table
        Counts, rows = categories, columns = the compared groups.
    group_labels
        Labels of the columns (named in the ``groups_left_out`` note).

    Notes
    -----
    All-zero rows and columns are dropped as R does (an empty group is named in the note).
    Deliberate differences from R: a table with a single non-empty row or column (R prints
    1) and tables with fewer than 3 observations are not tested.
    """
    x = _as_count_table(table)
    note = _table_note(x)
    if note is not None:
        return _not_tested(note, int(x.sum()))
    result = fisher_exact(x)
    return NotedResult(float("nan"), None, result.p_value, result.method,
                       _left_out_note(group_labels, x.sum(axis=0).tolist()), int(x.sum()))


def chisq_test_noted(
    table: Any, group_labels: Sequence[str], correct: bool = False
) -> NotedResult:
    """Pearson's chi-square (R ``chisq.test``) on a categories x groups table, with notes.

    All-zero rows and columns are left out first (R would return NaN: an expected count of
    0); an empty group is named in the note. ``correct`` is R's Yates correction (2 x 2
    only; Table 1 uses ``False``). Degenerate tables as :func:`fisher_exact_noted`.
    """
    x = _as_count_table(table)
    note = _table_note(x)
    if note is not None:
        return _not_tested(note, int(x.sum()))
    kept = x[x.sum(axis=1) > 0][:, x.sum(axis=0) > 0]
    result = chisq_test(kept, correct=correct)
    return NotedResult(result.statistic, result.df, result.p_value, "asymptotic",
                       _left_out_note(group_labels, x.sum(axis=0).tolist()), int(x.sum()))
