"""Polar metabolite network nodes (degree, core number, community) from the pruned edges."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.metabolomics import network_nodes


def model(dbt, session):
    dbt.config(materialized="table")
    edges = relation_to_pandas(dbt.ref("int_metabolite_network_edges"))
    return network_nodes(edges, int(dbt.config.get("network_community_seed")))
