"""Glue for the metabolomic dbt Python models: long relations to the methods' matrices."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from calcomics.methods.metabolomics import spearman_network
from calcomics.warehouse.dbt_io import long_to_matrix


def polar_network_from_long(
    abundances: pd.DataFrame, parameters: Mapping[str, object]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`spearman_network` of long (sample_id, feature_id, abundance) polar rows.

    ``parameters`` holds :data:`NETWORK_PARAMETERS` as the dbt models' config gives them
    (strings rendered from project variables).
    """
    matrix = long_to_matrix(abundances, "feature_id", "sample_id", "abundance",
                            "polar_metabolomics")
    return spearman_network(
        matrix,
        rho_min=float(parameters["network_min_rho"]),
        fdr_max=float(parameters["network_fdr_max"]),
        min_core=int(parameters["network_min_core"]),
        community_seed=int(parameters["network_community_seed"]),
    )
