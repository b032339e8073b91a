"""Why a test has no p-value: the ``test_note`` vocabulary shared by every statistics mart.

A degenerate comparison is a row with a null p-value and one of these notes, never a crash
and never a silently missing row. Where R's test still returns a number (for example
``fisher.test`` on a table with an empty column gives 1), we return R's number and no note;
the notes cover the cases where R stops with an error or returns ``NA``/``NaN``.
"""

from __future__ import annotations

__all__ = [
    "ALL_VALUES_EQUAL",
    "FEWER_THAN_MIN_OBSERVATIONS",
    "MIN_OBSERVATIONS",
    "NO_EVENTS",
    "NO_VALUES",
    "ONE_GROUP_ONLY",
    "TEST_NOTES",
    "groups_left_out",
]

#: No non-missing observation in any compared group.
NO_VALUES = "not tested: no values"
#: Fewer than two compared groups have a value (R: "all observations are in the same group").
ONE_GROUP_ONLY = "not tested: only one group has values"
#: Every observation is equal: rank statistics are 0/0 in R (NaN p-value).
ALL_VALUES_EQUAL = "not tested: all values are equal"
#: A survival comparison without a single event (R's survdiff gives chisq 0, df 0).
NO_EVENTS = "not tested: no events"
#: Below this many non-missing observations in total a test is not reported.
MIN_OBSERVATIONS = 3
FEWER_THAN_MIN_OBSERVATIONS = f"not tested: fewer than {MIN_OBSERVATIONS} observations"

TEST_NOTES: tuple[str, ...] = (
    NO_VALUES, ONE_GROUP_ONLY, ALL_VALUES_EQUAL, NO_EVENTS, FEWER_THAN_MIN_OBSERVATIONS,
)


def groups_left_out(labels: list[str]) -> str:
    """Note for a test that ran after dropping groups without values (as R drops empty levels).

    The p-value is reported; the note names the groups that took no part.
    """
    return "groups without values left out: " + ", ".join(labels)
