"""Drawing helpers shared by the report's figures (matplotlib object API, no pyplot state).

Every helper draws on an :class:`matplotlib.axes.Axes` it is given; colours follow the
groups' display order, so any grouping gets the same treatment.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "EmptyMartError",
    "wrap",
    "box_panel",
    "group_palette",
    "level_palette",
    "new_figure",
    "p_text",
    "stacked_bar_panel",
]

JITTER_SEED = 0


class EmptyMartError(LookupError):
    """A figure's mart has no rows to draw (its omics layer is absent or was not computed).

    ``analysis`` names the row of ``rpt_analysis_coverage`` that says why; ``reason``, when
    given, says it instead (e.g. a clinical column without any value).
    """

    def __init__(self, mart: str, analysis: str, reason: str | None = None) -> None:
        super().__init__(reason or f"{mart} has no rows")
        self.mart = mart
        self.analysis = analysis
        self.reason = reason


def new_figure(width: float, height: float) -> Figure:
    """A figure with the report's style (no pyplot: safe headless, nothing global)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    figure.set_facecolor("white")
    return figure


def wrap(label: object, width: int = 14) -> str:
    """A tick label broken into lines of at most ``width`` characters (at spaces/hyphens)."""
    return "\n".join(textwrap.wrap(str(label), width, break_on_hyphens=True)) or str(label)


def group_palette(group_keys: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """One colour per group, in display order (tab10; cycles past ten groups)."""
    colours = colormaps["tab10"].colors
    return {key: colours[i % len(colours)] for i, key in enumerate(group_keys)}


def level_palette(levels: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """Colours of the levels of a categorical variable (Set2, then tab20)."""
    base = colormaps["Set2"].colors if len(levels) <= 8 else colormaps["tab20"].colors
    return {level: base[i % len(base)] for i, level in enumerate(levels)}


def p_text(p: float | None, name: str = "p") -> str:
    """A p-value as printed in the report: 'p = 0.035', 'p < 0.001', 'p: not tested'."""
    if p is None or (isinstance(p, float) and math.isnan(p)) or pd.isna(p):
        return f"{name}: not tested"
    if p < 0.001:
        return f"{name} < 0.001"
    return f"{name} = {p:.3f}" if p < 0.1 else f"{name} = {p:.2f}"


def box_panel(ax: Axes, values: pd.DataFrame, groups: pd.DataFrame,
              pairs: pd.DataFrame, overall_p: float | None, title: str,
              ylabel: str) -> None:
    """Box plot of one feature per group, jittered points and pairwise p brackets.

    ``values``: group_key, value; ``groups``: group_key, group_label (display order);
    ``pairs``: group_a_key, group_b_key, p_value (Wilcoxon of the pair).
    """
    present = groups[groups["group_key"].isin(values["group_key"])].reset_index(drop=True)
    palette = group_palette(list(groups["group_key"]))
    data = [values.loc[values["group_key"] == key, "value"].to_numpy(dtype=float)
            for key in present["group_key"]]
    if not data:
        ax.text(0.5, 0.5, "no values", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    positions = np.arange(len(data))
    boxes = ax.boxplot(data, positions=positions, widths=0.55, showfliers=False,
                       patch_artist=True, medianprops={"color": "black"})
    rng = np.random.default_rng(JITTER_SEED)
    for i, (box, key, points) in enumerate(zip(boxes["boxes"], present["group_key"], data,
                                               strict=True)):
        box.set_facecolor((*palette[key][:3], 0.35))
        box.set_edgecolor(palette[key])
        ax.scatter(i + rng.uniform(-0.17, 0.17, len(points)), points, s=6,
                   color=palette[key], alpha=0.6, linewidths=0, zorder=3)
    ax.set_xticks(positions, [f"{wrap(label)}\n(n = {len(points)})" for label, points in
                              zip(present["group_label"], data, strict=True)], fontsize=8)
    _p_brackets(ax, data, list(present["group_key"]), pairs)
    ax.set_ylabel(ylabel)
    ax.set_title(f"{title}\nKruskal–Wallis {p_text(overall_p)}", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)


def _p_brackets(ax: Axes, data: list[np.ndarray], keys: list[str],
                pairs: pd.DataFrame) -> None:
    finite = np.concatenate([d for d in data if len(d)]) if data else np.array([0.0])
    top, bottom = float(np.nanmax(finite)), float(np.nanmin(finite))
    step = (top - bottom or 1.0) * 0.09
    index = {key: i for i, key in enumerate(keys)}
    usable = pairs[pairs["group_a_key"].isin(index) & pairs["group_b_key"].isin(index)]
    spans = sorted(((index[a], index[b], p) for a, b, p in
                    zip(usable["group_a_key"], usable["group_b_key"], usable["p_value"],
                        strict=True)), key=lambda s: (abs(s[1] - s[0]), min(s[0], s[1])))
    for level, (a, b, p) in enumerate(spans, start=1):
        y = top + step * level
        left, right = min(a, b), max(a, b)
        ax.plot([left, left, right, right], [y - step * 0.3, y, y, y - step * 0.3],
                color="0.3", linewidth=0.8)
        ax.text((left + right) / 2, y, p_text(p), ha="center", va="bottom", fontsize=7)
    ax.set_ylim(bottom - step * 0.5, top + step * (len(spans) + 1))


def stacked_bar_panel(ax: Axes, counts: pd.DataFrame, bars: pd.DataFrame,
                      segments: pd.DataFrame, palette: dict[str, tuple[float, ...]],
                      title: str, p: float | None, test: str = "Fisher's exact",
                      ylabel: str = "% of group") -> None:
    """Percent stacked bars: one bar per ``bars`` key, one segment per ``segments`` key.

    ``counts``: bar, segment, n; ``bars`` / ``segments``: key, label in display order;
    ``palette``: segment key -> colour.  Bars without any count are left out.
    """
    table = counts.pivot_table(index="bar", columns="segment", values="n", aggfunc="sum",
                               fill_value=0)
    present = bars[bars["key"].isin(table.index)]
    table = table.reindex(index=list(present["key"]), columns=list(segments["key"]),
                          fill_value=0)
    totals = table.sum(axis=1)
    shares = table.div(totals.replace(0, np.nan), axis=0).fillna(0.0) * 100
    positions = np.arange(len(table))
    bottom = np.zeros(len(table))
    for key, label in zip(segments["key"], segments["label"], strict=True):
        heights = shares[key].to_numpy(dtype=float)
        ax.bar(positions, heights, bottom=bottom, color=palette[key], width=0.65,
               label=str(label), edgecolor="white", linewidth=0.5)
        for x, h, b in zip(positions, heights, bottom, strict=True):
            if h >= 7:
                ax.text(x, b + h / 2, f"{h:.0f}%", ha="center", va="center", fontsize=7)
        bottom += heights
    ax.set_xticks(positions, [f"{wrap(label)}\n(n = {int(total)})" for label, total in
                              zip(present["label"], totals, strict=True)], fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_ylabel(ylabel)
    ax.set_title(f"{title}\n{test} {p_text(p)}", fontsize=10)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
