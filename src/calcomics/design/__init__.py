"""The study design: which groups are compared, in which order (read from the warehouse)."""

from calcomics.design.groupings import GroupDesign, group_pairs

__all__ = ["GroupDesign", "group_pairs"]
