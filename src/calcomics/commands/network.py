"""``calcomics network``: the polar metabolite network of a built warehouse as GEXF / GraphML
(Gephi, Cytoscape)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from calcomics.methods.metabolomics import (
    EDGES_TABLE,
    NETWORK_FORMATS,
    NODES_TABLE,
    MetaboliteDataError,
    _check_network_frames,
)

__all__ = ["network_from_warehouse", "write_network"]


def _attribute_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts of plain Python scalars (GEXF/GraphML writers need native types).

    Missing text becomes ""; missing numbers stay NaN.
    """
    clean = frame.copy()
    for column in clean.columns:
        series = clean[column]
        if not (pd.api.types.is_numeric_dtype(series.dtype)
                or pd.api.types.is_bool_dtype(series.dtype)):
            clean[column] = series.astype(object).where(series.notna(), "").map(str)
    return clean.to_dict("records")


def write_network(
    nodes: pd.DataFrame, edges: pd.DataFrame, path: Path, fmt: str | None = None
) -> Path:
    """Write the network as GEXF (Gephi) or GraphML; ``fmt`` defaults to the file suffix.

    Node id = ``feature_id``; every other nodes column (``degree``, ``core_number``,
    ``community``, ``weighted_degree`` and annotation such as ``feature_name``,
    ``metabolite_class``, ``kegg_compound_id``, ``pathway`` when present) becomes a node
    attribute, and the node ``label`` is ``feature_name`` when present, else the id.  Edge
    ``weight`` = ``spearman_rho``; every edges column is also kept as an edge attribute.
    Parent folders are created.  Returns the path written.
    """
    path = Path(path)
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in NETWORK_FORMATS:
        raise MetaboliteDataError(
            f"{path}: unknown network format {chosen!r}: name the output file .gexf (Gephi) "
            "or .graphml (Cytoscape, yEd); as tables, query the marts "
            "fct_metabolite_network_nodes and fct_metabolite_network_edges"
        )
    _check_network_frames(nodes, edges)
    graph = nx.Graph()
    node_attrs = _attribute_records(nodes.drop(columns="feature_id"))
    for node_id, attrs in zip(nodes["feature_id"].astype(str), node_attrs, strict=True):
        label = attrs.get("feature_name") or node_id
        graph.add_node(node_id, **{"label": str(label), **attrs})
    edge_attrs = _attribute_records(edges.drop(columns=["source_feature_id",
                                                        "target_feature_id"]))
    for source, target, attrs in zip(edges["source_feature_id"].astype(str),
                                     edges["target_feature_id"].astype(str), edge_attrs,
                                     strict=True):
        graph.add_edge(source, target, **{**attrs, "weight": float(attrs["spearman_rho"])})
    path.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "gexf":
        nx.write_gexf(graph, path)
    else:
        nx.write_graphml(graph, path)
    return path


def network_from_warehouse(warehouse: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the network marts ``main.fct_metabolite_network_nodes`` / ``..._edges``.

    The DuckDB file is opened read-only.  Missing file, unreadable file, missing tables or
    missing key columns raise :class:`MetaboliteDataError` (the message says to run
    ``calcomics build`` first).  Returns ``(nodes, edges)`` sorted by feature id(s).
    """
    import duckdb

    path = Path(warehouse)
    if not path.is_file():
        raise MetaboliteDataError(
            f"{path}: DuckDB warehouse not found; run `calcomics build` first"
        )
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise MetaboliteDataError(
            f"{path}: cannot open as a DuckDB warehouse (read-only): {exc}"
        ) from exc
    try:
        present = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' and table_name in (?, ?)",
                [NODES_TABLE, EDGES_TABLE],
            ).fetchall()
        }
        missing = [t for t in (NODES_TABLE, EDGES_TABLE) if t not in present]
        if missing:
            raise MetaboliteDataError(
                f"{path}: table(s) {', '.join('main.' + t for t in missing)} not found; "
                "run `calcomics build` first"
            )
        nodes = connection.execute(f"select * from main.{NODES_TABLE}").df()
        edges = connection.execute(f"select * from main.{EDGES_TABLE}").df()
    except duckdb.Error as exc:
        raise MetaboliteDataError(f"{path}: cannot read the network tables: {exc}") from exc
    finally:
        connection.close()
    for frame, table, required in (
        (nodes, NODES_TABLE, ("feature_id",)),
        (edges, EDGES_TABLE, ("source_feature_id", "target_feature_id", "spearman_rho")),
    ):
        absent = [c for c in required if c not in frame.columns]
        if absent:
            raise MetaboliteDataError(
                f"{path}: main.{table} lacks column(s) {', '.join(absent)}; "
                "run `calcomics build` first"
            )
    nodes = nodes.sort_values("feature_id", kind="stable").reset_index(drop=True)
    edges = edges.sort_values(["source_feature_id", "target_feature_id"],
                              kind="stable").reset_index(drop=True)
    return nodes, edges
