"""Calcification groups (BI-RADS seed `calcification_birads_groups`), one definition for all."""

# All four groups, in the generator's order of the published counts.
GROUPS: tuple[str, ...] = (
    "negative",
    "probably_benign",
    "low_moderate_suspicion",
    "high_suspicion",
)
# The three groups the paper analyses, in its display order.
MAIN_GROUPS: tuple[str, ...] = ("negative", "probably_benign", "high_suspicion")
