"""Figure 4: transcriptomic features per group (PAM50 / SNF composition, immune cell
infiltration, GSEA and ssGSEA pathways, SET index, CDK4/6 and endocrine sensitivity).

Each function takes a read-only warehouse connection and the main groups (display order)
and returns a matplotlib Figure; an empty mart raises
:class:`~calcomics.report.plots.EmptyMartError`.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from calcomics.report import marts
from calcomics.report.figures_clinical import _box_figure, categorical_figure
from calcomics.report.plots import EmptyMartError, box_panel, new_figure, p_text

__all__ = [
    "CELL_CYCLE_SETS",
    "ER_SETS",
    "figure4_cdk46_sensitivity",
    "figure4_cell_cycle_pathways",
    "figure4_er_pathways",
    "figure4_gsea",
    "figure4_immune_heatmap",
    "figure4_pam50",
    "figure4_set_index",
    "figure4_snf",
]

ER_SETS = ("HALLMARK_ESTROGEN_RESPONSE_EARLY", "HALLMARK_ESTROGEN_RESPONSE_LATE")
CELL_CYCLE_SETS = ("HALLMARK_E2F_TARGETS", "HALLMARK_G2M_CHECKPOINT",
                   "HALLMARK_MITOTIC_SPINDLE")
GSEA_SETS_PER_GROUP = 10
GSEA_Q_MAX = 0.25


def figure4_pam50(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 4A: PAM50 subtype composition per group."""
    return categorical_figure(connection, groups, "pam50_subtype", "PAM50 subtype",
                              "pam50_calls")


def figure4_snf(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 4B: SNF subtype composition per group."""
    return categorical_figure(connection, groups, "snf_subtype", "SNF subtype",
                              "clinical_categorical_comparisons")


def immune_heatmap_values(scores: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Mean per group of each cell type's cohort z-score (cell type x group key)."""
    by_type = scores.groupby("feature")["value"]
    z = (scores["value"] - by_type.transform("mean")) / by_type.transform("std").replace(0, 1)
    table = scores.assign(z=z).pivot_table(index="feature", columns="group_key", values="z",
                                           aggfunc="mean")
    return table.reindex(columns=[k for k in groups["group_key"] if k in table.columns])


def figure4_immune_heatmap(connection: duckdb.DuckDBPyConnection,
                           groups: pd.DataFrame) -> Figure:
    """Figure 4D: ssGSEA immune cell-type scores (Bindea 2013) as a heatmap of group means of
    cohort z-scores, with the Kruskal-Wallis p of each cell type."""
    scores = marts.immune_scores(connection)
    if scores.empty:
        raise EmptyMartError("fct_immune_infiltration", "immune_infiltration")
    table = immune_heatmap_values(scores, groups)
    tests = marts.group_comparisons(connection, "immune_infiltration")
    overall = tests[tests["scope"] == "all_main_groups"].set_index("feature")["p_value"]
    labels = dict(zip(groups["group_key"], groups["group_label"], strict=True))
    figure = new_figure(3.6 + 1.0 * len(table.columns), 1.2 + 0.26 * len(table))
    ax = figure.add_subplot()
    limit = float(np.nanmax(np.abs(table.to_numpy(dtype=float)))) or 1.0
    image = ax.imshow(table.to_numpy(dtype=float), cmap="RdBu_r", vmin=-limit, vmax=limit,
                      aspect="auto")
    ax.set_yticks(np.arange(len(table)),
                  [f"{cell} ({p_text(overall.get(cell))})" for cell in table.index],
                  fontsize=7)
    ax.set_xticks(np.arange(len(table.columns)), [labels[k] for k in table.columns],
                  rotation=30, ha="right", fontsize=8)
    ax.set_title("Immune cell infiltration (ssGSEA, mean z-score)\n"
                 "Kruskal–Wallis p per cell type", fontsize=10)
    figure.colorbar(image, ax=ax, shrink=0.5, label="mean z-score")
    return figure


def figure4_gsea(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 4E (GSEA): each group vs the rest on Hallmark, the sets with the largest |NES|
    (dark bars: FDR q < 0.25)."""
    results = marts.gsea_results(connection)
    if results.empty:
        raise EmptyMartError("fct_gsea_group_vs_rest", "gsea_group_vs_rest")
    present = groups[groups["group_key"].isin(results["group_key"])]
    figure = new_figure(4.2 * len(present), 1.2 + 0.3 * GSEA_SETS_PER_GROUP)
    axes = figure.subplots(1, len(present), squeeze=False)[0]
    for ax, key, label in zip(axes, present["group_key"], present["group_label"],
                              strict=True):
        part = results[results["group_key"] == key]
        part = part.reindex(part["nes"].abs().sort_values(ascending=False).index)
        part = part.head(GSEA_SETS_PER_GROUP).sort_values("nes")
        colours = ["#b2182b" if n > 0 else "#2166ac" for n in part["nes"]]
        alphas = [1.0 if q < GSEA_Q_MAX else 0.35 for q in part["q_value"].fillna(1)]
        bars = ax.barh(np.arange(len(part)), part["nes"], color=colours)
        for bar, alpha in zip(bars, alphas, strict=True):
            bar.set_alpha(alpha)
        ax.set_yticks(np.arange(len(part)),
                      [s.removeprefix("HALLMARK_").replace("_", " ").lower()
                       for s in part["gene_set"]], fontsize=7)
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.set_xlabel("NES")
        ax.set_title(f"{label} vs rest", fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    return figure


def _pathway_boxes(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame,
                   gene_sets: tuple[str, ...]) -> Figure:
    scores = marts.pathway_scores(connection, gene_sets)
    if scores.empty:
        raise EmptyMartError("fct_pathway_scores", "pathway_scores")
    present = [s for s in gene_sets if s in set(scores["feature"])]
    tests = marts.group_comparisons(connection, "pathway_hallmark", present)
    figure = new_figure(3.6 * len(present) + 0.4, 4.2)
    axes = figure.subplots(1, len(present), squeeze=False)[0]
    for ax, gene_set in zip(axes, present, strict=True):
        rows = tests[tests["feature"] == gene_set]
        overall = rows.loc[rows["scope"] == "all_main_groups", "p_value"]
        box_panel(ax, scores[scores["feature"] == gene_set], groups,
                  rows[rows["scope"] == "pairwise"],
                  overall.iloc[0] if len(overall) else None,
                  gene_set.removeprefix("HALLMARK_").replace("_", " ").lower(),
                  "ssGSEA score")
    return figure


def figure4_er_pathways(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 4E (ssGSEA): Hallmark estrogen-response scores per group."""
    return _pathway_boxes(connection, groups, ER_SETS)


def figure4_cell_cycle_pathways(connection: duckdb.DuckDBPyConnection,
                                groups: pd.DataFrame) -> Figure:
    """Figure 4G: Hallmark cell-cycle pathway scores (E2F, G2M, mitotic spindle) per group."""
    return _pathway_boxes(connection, groups, CELL_CYCLE_SETS)


def figure4_set_index(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 4F: SET index (endocrine sensitivity) and endocrine sensitivity score."""
    return _box_figure(connection, groups, "treatment", "treatment_score", {
        "set_index": ("set_index", "SET index"),
        "endocrine_sensitivity_score": ("endocrine_sensitivity_score",
                                        "endocrine sensitivity (score)"),
    }, "treatment_scores", 4.2)


def figure4_cdk46_sensitivity(connection: duckdb.DuckDBPyConnection,
                              groups: pd.DataFrame) -> Figure:
    """Figure 4H: CDK4/6-inhibitor sensitivity score per group."""
    return _box_figure(connection, groups, "treatment", "treatment_score", {
        "cdk46_sensitivity_score": ("cdk46_sensitivity_score", "CDK4/6 sensitivity (GSVA)"),
    }, "treatment_scores", 4.6)
