"""Polar metabolite network nodes (degree, core number, community) from the pruned edges."""

from calcomics.methods.metabolomics import network_nodes
from calcomics.warehouse.dbt_io import relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    edges = relation_to_pandas(dbt.ref("int_metabolite_network_edges"))
    return network_nodes(edges, int(dbt.config.get("network_community_seed")))
