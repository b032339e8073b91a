"""Comparison groups of the active grouping, as data.

The warehouse derives them in SQL (``int_comparison_groups`` from the ``comparison_groupings``
seed or from any clinical column); statistics functions take a :class:`GroupDesign` instead
of naming groups, so every mart works for any grouping of 2 to 8 main groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import pandas as pd

MAX_MAIN_GROUPS = 8


class GroupDesignError(ValueError):
    """A grouping that cannot be compared (no main group, too many, or duplicated keys)."""


@dataclass(frozen=True)
class GroupDesign:
    """The main groups of a grouping, in display order, with their labels.

    Parameters
    ----------
    keys
        Group keys of the main analysis groups, in display order.
    labels
        Display label per key.
    orders
        Display order per key (the grouping's ``group_order``); default 1..k.
    """

    keys: tuple[str, ...]
    labels: tuple[str, ...]
    orders: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.orders:
            object.__setattr__(self, "orders", tuple(range(1, len(self.keys) + 1)))
        if not len(self.keys) == len(self.labels) == len(self.orders):
            raise GroupDesignError("one label and one order per group key are needed")
        if len(set(self.keys)) != len(self.keys):
            raise GroupDesignError(f"group keys repeat: {list(self.keys)}")
        if len(self.keys) > MAX_MAIN_GROUPS:
            raise GroupDesignError(
                f"{len(self.keys)} main groups; at most {MAX_MAIN_GROUPS} can be compared "
                "(choose a grouping with fewer distinct values)"
            )

    @classmethod
    def from_frame(cls, groups: pd.DataFrame) -> GroupDesign:
        """The main groups of an ``int_comparison_groups`` frame.

        ``groups`` has columns group_key, group_label, group_order, is_main_analysis_group;
        groups outside the main analysis are left out, the rest sorted by group_order, key.
        """
        main = groups[groups["is_main_analysis_group"].astype(bool)]
        main = main.sort_values(["group_order", "group_key"], kind="stable")
        return cls(tuple(str(k) for k in main["group_key"]),
                   tuple(str(v) for v in main["group_label"]),
                   tuple(int(v) for v in main["group_order"]))

    def order(self, key: str) -> int:
        """The grouping's display order of ``key``."""
        return self.orders[self.keys.index(key)]

    def label(self, key: str) -> str:
        return self.labels[self.keys.index(key)]

    def frame(self) -> pd.DataFrame:
        """group_key, group_label, group_order of the main groups."""
        return pd.DataFrame({"group_key": list(self.keys), "group_label": list(self.labels),
                             "group_order": list(self.orders)})


def group_pairs(design: GroupDesign) -> list[tuple[str, str]]:
    """Every pair of main groups, in display order (k groups give k(k-1)/2 pairs)."""
    return list(combinations(design.keys, 2))
