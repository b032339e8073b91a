"""Figure 5: metabolic pathway DA scores per group and the polar metabolite network.

Each function takes a read-only warehouse connection and the main groups (display order)
and returns a matplotlib Figure; an empty mart raises
:class:`~calcomics.report.plots.EmptyMartError`.
"""

from __future__ import annotations

import duckdb
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from calcomics.report import marts
from calcomics.report.plots import EmptyMartError, level_palette, new_figure

__all__ = ["LAYOUT_SEED", "figure5_da_scores", "figure5_network", "network_layout"]

DA_PATHWAYS_PER_GROUP = 15
LAYOUT_SEED = 0
HUBS_PER_COMMUNITY = 2


def _category_palette(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, ...]]:
    """One colour per pathway category, the same in Figures 5A and 5B."""
    return level_palette([*marts.metabolite_pathway_categories(connection), "other",
                          "unannotated"])


def figure5_da_scores(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 5A: DA scores ((up - down) / tested) of the metabolic pathways with the largest
    |DA| of each group vs the rest of the main groups."""
    scores = marts.pathway_da_scores(connection)
    if scores.empty:
        raise EmptyMartError("fct_pathway_da_scores", "pathway_da_scores")
    present = groups[groups["group_key"].isin(scores["group_key"])]
    palette = _category_palette(connection)
    categories = [c for c in palette if c in set(scores["pathway_category"].fillna("other"))]
    figure = new_figure(4.6 * len(present), 1.4 + 0.28 * DA_PATHWAYS_PER_GROUP)
    axes = figure.subplots(1, len(present), squeeze=False)[0]
    for ax, key, label in zip(axes, present["group_key"], present["group_label"],
                              strict=True):
        part = scores[scores["group_key"] == key]
        part = part.reindex(part["da_score"].abs().sort_values(ascending=False,
                                                               kind="stable").index)
        part = part.head(DA_PATHWAYS_PER_GROUP).sort_values("da_score", kind="stable")
        ax.barh(np.arange(len(part)), part["da_score"],
                color=[palette[c] for c in part["pathway_category"].fillna("other")])
        ax.set_yticks(np.arange(len(part)), [f"{name} ({n})" for name, n in
                                             zip(part["pathway_name"], part["n_tested"],
                                                 strict=True)], fontsize=7)
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("DA score")
        ax.set_title(f"{label} vs rest", fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    figure.legend(handles=[Line2D([], [], color=palette[c], linewidth=6, label=c)
                           for c in categories], loc="outside lower center",
                  ncols=min(len(categories), 5), fontsize=7, frameon=False)
    return figure


def network_layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> dict[str, np.ndarray]:
    """Node positions: networkx spring layout weighted by |rho|, fixed seed."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes["feature_id"].astype(str))
    graph.add_weighted_edges_from(zip(edges["source"].astype(str), edges["target"].astype(str),
                                      edges["rho"].abs(), strict=True))
    positions: dict[str, np.ndarray] = {}
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    columns = max(1, int(np.ceil(np.sqrt(len(components)))))
    for i, component in enumerate(components):
        # one component per cell of a grid, so dense modules do not fly apart
        centre = (2.5 * (i % columns), -2.5 * (i // columns))
        sub = graph.subgraph(component)
        spread = 3.0 / max(len(component), 1) ** 0.5
        positions.update(nx.spring_layout(sub, seed=LAYOUT_SEED, weight="weight", k=spread,
                                          iterations=200, center=centre, scale=1.0)
                         if len(component) > 1 else {next(iter(component)):
                                                     np.array(centre, dtype=float)})
    return positions


def figure5_network(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 5B: polar metabolite Spearman network (nodes coloured by pathway category,
    sized by degree; red edges positive, blue negative correlation)."""
    nodes, edges = marts.metabolite_network(connection)
    if nodes.empty:
        raise EmptyMartError("fct_metabolite_network_nodes", "metabolite_network")
    positions = network_layout(nodes, edges)
    palette = _category_palette(connection)
    categories = [c for c in palette
                  if c in set(nodes["pathway_category"].fillna("unannotated"))]
    figure = new_figure(8, 7)
    ax = figure.add_subplot()
    segments = [(positions[s], positions[t]) for s, t in
                zip(edges["source"].astype(str), edges["target"].astype(str), strict=True)]
    rho = edges["rho"].to_numpy(dtype=float)
    colours = np.where(rho[:, None] > 0, to_rgba_array("#b2182b"), to_rgba_array("#2166ac"))
    colours[:, 3] = 0.04 + 0.2 * np.minimum(np.abs(rho), 1.0)
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=0.5, zorder=1))
    xy = np.array([positions[str(n)] for n in nodes["feature_id"]])
    degree = nodes["degree"].fillna(0).to_numpy(dtype=float)
    ax.scatter(xy[:, 0], xy[:, 1], s=8 + 60 * degree / max(degree.max(), 1), zorder=2,
               edgecolors="white",
               linewidths=0.5,
               c=[palette[c] for c in nodes["pathway_category"].fillna("unannotated")])
    placed = nodes.assign(x=xy[:, 0], y=xy[:, 1], community=nodes["community"].fillna(-1))
    hubs = placed.sort_values(["degree", "feature_id"], ascending=[False, True],
                              kind="stable").groupby("community").head(HUBS_PER_COMMUNITY)
    for row in hubs.itertuples():
        ax.annotate(str(row.feature_name or row.feature_id), (row.x, row.y), fontsize=6,
                    xytext=(3, 3), textcoords="offset points",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "alpha": 0.75,
                          "linewidth": 0})
    ax.legend(handles=[Line2D([], [], marker="o", linestyle="", color=palette[c], label=c)
                       for c in categories], fontsize=7, frameon=False, loc="upper left",
              bbox_to_anchor=(1.0, 1.0))
    ax.set_title(f"Polar metabolite network: {len(nodes)} metabolites, {len(edges)} "
                 f"correlations\n(labels: the {HUBS_PER_COMMUNITY} best-connected "
                 "metabolites of each community)", fontsize=10)
    ax.set_axis_off()
    return figure
