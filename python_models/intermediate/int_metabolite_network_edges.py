"""Polar metabolite Spearman network (rho > 0.4, FDR < 0.05, 3-core): its edges."""

from calcomics.dbt_io import long_to_matrix, relation_to_pandas
from calcomics.metabolomics import spearman_network


def model(dbt, session):
    dbt.config(materialized="table")
    abundances = relation_to_pandas(
        dbt.ref("int_metabolite_abundances").filter("platform = 'polar'")
    )
    _, edges = spearman_network(
        long_to_matrix(abundances, "feature_id", "sample_id", "abundance", "polar_metabolomics"),
        rho_min=float(dbt.config.get("network_min_rho")),
        fdr_max=float(dbt.config.get("network_fdr_max")),
        min_core=int(dbt.config.get("network_min_core")),
        community_seed=int(dbt.config.get("network_community_seed")),
    )
    return edges
