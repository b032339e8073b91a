"""The demo cohort's calcification groups (the paper's design; the generator plants them).

The warehouse reads groups from the ``comparison_groupings`` seed; only the generator (and
tests about it) name the paper's groups.
"""

# All four groups, in the generator's order of the published counts.
GROUPS: tuple[str, ...] = (
    "negative",
    "probably_benign",
    "low_moderate_suspicion",
    "high_suspicion",
)
# The three groups the paper analyses, in its display order.
MAIN_GROUPS: tuple[str, ...] = ("negative", "probably_benign", "high_suspicion")
