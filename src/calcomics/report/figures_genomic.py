"""Figure 3: genomic features per group (TMB, HRD, CIN, signatures, mutated genes,
arm-level copy number, cell-cycle regulators).

Each function takes a read-only warehouse connection and the main groups (display order)
and returns a matplotlib Figure; an empty mart raises
:class:`~calcomics.report.plots.EmptyMartError`.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from calcomics.report import marts
from calcomics.report.figures_clinical import _box_figure
from calcomics.report.plots import EmptyMartError, group_palette, new_figure, p_text

__all__ = [
    "arm_sort_key",
    "figure3_cell_cycle_copy_number",
    "figure3_cin",
    "figure3_copy_number_arms",
    "figure3_hrd",
    "figure3_mutated_genes",
    "figure3_signatures",
    "figure3_tmb",
]

TOP_MUTATED_GENES = 15
# the alteration that activates the cell cycle, by the regulator's role
ACTIVATING_DIRECTION = {"positive": "gain", "negative": "loss"}


def figure3_tmb(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 3A: tumour mutational burden per group."""
    return _box_figure(connection, groups, "tmb", "genomic",
                       {"tmb_per_mb": ("tmb_per_mb", "TMB (mutations / Mb)")},
                       "tumor_mutational_burden", 4.6)


def figure3_hrd(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 3B: scarHRD HRD-LOH, TAI, LST and HRD-sum per group."""
    return _box_figure(connection, groups, "hrd", "genomic", {
        "hrd_sum": ("hrd_sum", "HRD-sum (score)"),
        "hrd_loh": ("hrd_loh", "HRD-LOH (score)"),
        "tai": ("tai", "TAI (score)"),
        "lst": ("lst", "LST (score)"),
    }, "hrd_scores", 3.2)


def figure3_cin(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 3C: chromosomal instability score per group."""
    return _box_figure(connection, groups, "cin", "genomic",
                       {"cin_score": ("cin_score", "CIN score (sum of squares)")},
                       "cin_scores", 4.6)


def figure3_signatures(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 3D: mean share of each fitted COSMIC signature per group (stacked), with the
    Kruskal-Wallis p of each signature's per-sample share in the legend."""
    values = marts.signature_proportions(connection)
    if values.empty:
        raise EmptyMartError("fct_mutational_signatures", "mutational_signatures")
    tests = marts.group_comparisons(connection, "mutational_signature")
    overall = tests[tests["scope"] == "all_main_groups"].set_index("feature")["p_value"]
    means = values.pivot_table(index="group_key", columns="feature", values="value",
                               aggfunc="mean")
    counts = values.groupby("group_key")["patient_id"].nunique()
    present = groups[groups["group_key"].isin(means.index)]
    means = means.reindex(list(present["group_key"]))
    signatures = sorted(means.columns, key=lambda name: [
        int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(name))])
    colours = colormaps["tab20"].colors
    figure = new_figure(3.4 + 1.1 * len(present), 4.4)
    ax = figure.add_subplot()
    bottom = np.zeros(len(means))
    positions = np.arange(len(means))
    for i, signature in enumerate(signatures):
        heights = means[signature].fillna(0).to_numpy() * 100
        p = overall.get(f"{signature}{marts.SIGNATURE_FEATURE_SUFFIX}")
        ax.bar(positions, heights, bottom=bottom, width=0.65, color=colours[i % 20],
               label=f"{signature} (Kruskal–Wallis {p_text(p)})", edgecolor="white",
               linewidth=0.5)
        bottom += heights
    ax.set_xticks(positions, [f"{label}\n(n = {counts[key]})" for key, label in
                              zip(present["group_key"], present["group_label"], strict=True)],
                  fontsize=8)
    ax.set_ylabel("mean share of SNVs (%)")
    ax.set_title("Mutational signatures (NNLS, COSMIC v3.2)", fontsize=10)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def figure3_mutated_genes(connection: duckdb.DuckDBPyConnection,
                          groups: pd.DataFrame) -> Figure:
    """Figure 3E: mutated-sample frequency of the most frequently mutated genes per group,
    with the exact Fisher p over all main groups above each gene."""
    frequencies = marts.mutated_gene_frequencies(connection, TOP_MUTATED_GENES)
    if frequencies.empty:
        raise EmptyMartError("fct_mutated_gene_frequencies", "mutated_gene_frequencies")
    genes = list(dict.fromkeys(frequencies["gene_symbol"]))
    present = groups[groups["group_key"].isin(frequencies["group_key"])]
    palette = group_palette(list(groups["group_key"]))
    width = 0.8 / max(len(present), 1)
    figure = new_figure(1.5 + 0.75 * len(genes), 4.4)
    ax = figure.add_subplot()
    table = frequencies.pivot_table(index="gene_symbol", columns="group_key",
                                    values="fraction", aggfunc="first").reindex(genes)
    for i, (key, label) in enumerate(zip(present["group_key"], present["group_label"],
                                         strict=True)):
        ax.bar(np.arange(len(genes)) - 0.4 + width * (i + 0.5), table[key] * 100, width,
               color=palette[key], label=label)
    p_values = frequencies.groupby("gene_symbol", sort=False)["p_value"].first()
    tops = table.max(axis=1) * 100
    for x, gene in enumerate(genes):
        ax.text(x, tops[gene] + 1, p_text(p_values[gene]).replace("p ", "p\n"),
                ha="center", va="bottom", fontsize=6)
    ax.set_xticks(np.arange(len(genes)), genes, rotation=45, ha="right", fontsize=8,
                  style="italic")
    ax.set_ylim(0, float(tops.max()) * 1.25 + 2)
    ax.set_ylabel("mutated samples (%)")
    ax.set_title(f"{len(genes)} most frequently mutated genes (exact Fisher test over all "
                 "groups)", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def arm_sort_key(arm: str) -> tuple[int, str]:
    """Genome order of a chromosome arm name ('1p', '17q', 'Xq', 'chr3p')."""
    match = re.match(r"(?:chr)?([0-9]+|X|Y)([pq]?)", str(arm))
    if not match:
        return (99, str(arm))
    chromosome = {"X": 23, "Y": 24}.get(match.group(1)) or int(match.group(1))
    return (chromosome, match.group(2))


def figure3_copy_number_arms(connection: duckdb.DuckDBPyConnection,
                             groups: pd.DataFrame) -> Figure:
    """Figure 3F: arm-level gain and loss rates per group as a heatmap; '*' marks a group
    whose rate differs from the rest of the main groups (exact Fisher, Bonferroni over the
    arms of the direction, p < 0.05)."""
    rates = marts.copy_number_arm_rates(connection)
    if rates.empty:
        raise EmptyMartError("fct_copy_number_alteration_frequencies",
                             "copy_number_alterations")
    arms = sorted(rates["feature"].unique(), key=arm_sort_key)
    present = groups[groups["group_key"].isin(rates["group_key"])]
    directions = [d for d in ("gain", "loss") if d in set(rates["direction"])] or sorted(
        rates["direction"].unique())
    figure = new_figure(2.2 + 1.6 * len(directions) * max(len(present), 1) / 2,
                        1.2 + 0.2 * len(arms))
    axes = figure.subplots(1, len(directions), squeeze=False)[0]
    for ax, direction in zip(axes, directions, strict=True):
        part = rates[rates["direction"] == direction]
        table = part.pivot_table(index="feature", columns="group_key", values="fraction",
                                 aggfunc="first").reindex(index=arms,
                                                          columns=list(present["group_key"]))
        flags = part.pivot_table(index="feature", columns="group_key",
                                 values="p_adjusted_vs_rest", aggfunc="first").reindex(
            index=arms, columns=list(present["group_key"]))
        cmap = "Reds" if direction == "gain" else "Blues"
        image = ax.imshow(table.to_numpy(dtype=float) * 100, cmap=cmap, aspect="auto",
                          vmin=0)
        for (i, j), flag in np.ndenumerate(flags.to_numpy(dtype=float)):
            if flag < 0.05:
                ax.text(j, i, "*", ha="center", va="center", fontsize=9)
        ax.set_yticks(np.arange(len(arms)), arms, fontsize=7)
        ax.set_xticks(np.arange(len(present)), list(present["group_label"]), rotation=30,
                      ha="right", fontsize=8)
        ax.set_title(f"arm {direction} (% of samples)", fontsize=10)
        figure.colorbar(image, ax=ax, shrink=0.5)
    return figure


def figure3_cell_cycle_copy_number(connection: duckdb.DuckDBPyConnection,
                                   groups: pd.DataFrame) -> Figure:
    """Figure 3G: gain rates of positive and loss rates of negative cell-cycle regulators per
    group (the alterations that activate the cell cycle, as the paper's panel), with the
    exact Fisher p over all main groups."""
    rates = marts.cell_cycle_copy_number(connection)
    if rates.empty:
        raise EmptyMartError("rpt_cell_cycle_copy_number", "cell_cycle_copy_number")
    # as the paper's panel: gains of positive and losses of negative regulators
    rates = rates[rates["direction"] == rates["regulation"].map(ACTIVATING_DIRECTION)]
    present = groups[groups["group_key"].isin(rates["group_key"])]
    palette = group_palette(list(groups["group_key"]))
    rates = rates.assign(row=rates["gene_symbol"] + " " + rates["direction"])
    rows = list(dict.fromkeys(rates.sort_values(["regulation", "direction", "gene_symbol"])
                              ["row"]))
    table = rates.pivot_table(index="row", columns="group_key", values="fraction",
                              aggfunc="first").reindex(index=rows,
                                                       columns=list(present["group_key"]))
    p_values = rates.groupby("row")["p_value"].first()
    regulation = rates.groupby("row")["regulation"].first()
    height = 0.8 / max(len(present), 1)
    figure = new_figure(7.5, 1.6 + 0.34 * len(rows))
    ax = figure.add_subplot()
    for i, (key, label) in enumerate(zip(present["group_key"], present["group_label"],
                                         strict=True)):
        ax.barh(np.arange(len(rows)) - 0.4 + height * (i + 0.5), table[key] * 100, height,
                color=palette[key], label=label)
    ax.set_yticks(np.arange(len(rows)),
                  [f"{row} ({regulation[row]}) — {p_text(p_values[row])}" for row in rows],
                  fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("altered samples (%)")
    ax.set_title("Cell-cycle regulators: gains of positive, losses of negative "
                 "regulators\n(exact Fisher test over all groups)", fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return figure
