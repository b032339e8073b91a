"""Polar metabolite Spearman network (rho > 0.4, FDR < 0.05, 3-core): its edges."""

from calcomics.warehouse.dbt_io import relation_to_pandas
from calcomics.warehouse.metabolomic_inputs import polar_network_from_long


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt passes only config keys read with literal dbt.config.get(...) calls.
    parameters = {
        "network_min_rho": dbt.config.get("network_min_rho"),
        "network_fdr_max": dbt.config.get("network_fdr_max"),
        "network_min_core": dbt.config.get("network_min_core"),
        "network_community_seed": dbt.config.get("network_community_seed"),
    }
    polar = dbt.ref("int_metabolite_abundances").filter("platform = 'polar'")
    _, edges = polar_network_from_long(relation_to_pandas(polar), parameters)
    return edges
