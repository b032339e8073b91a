"""GSEA (Broad GSEA desktop defaults, phenotype permutations) of each main group vs the rest."""

import pandas as pd

from calcomics.progress import ProgressBar
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas
from calcomics.warehouse.transcriptomic_inputs import (
    gene_sets_by_collection,
    read_expression_matrix,
)


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    from calcomics.methods.transcriptomics.gsea import gsea_group_vs_rest

    collection = dbt.config.get("gsea_collection")
    members = relation_to_pandas(
        dbt.ref("int_gene_list_members_resolved").filter(f"collection = '{collection}'")
    )
    groups = relation_to_pandas(
        dbt.ref("int_patient_spine").filter("is_main_analysis_group and has_rnaseq")
        .project("patient_id, group_key")
    ).set_index("patient_id")["group_key"]
    # only the main-group samples are read (columns selected in SQL), samples-major: the
    # permutations' matrix products read samples x genes without a copy
    expression = read_expression_matrix(dbt.ref("int_gene_expression_matrix"),
                                        samples=groups.index, layout="samples")
    result = gsea_group_vs_rest(
        expression,
        groups.reindex(expression.columns),
        gene_sets_by_collection(members).get(collection, {}),
        n_perm=int(dbt.config.get("gsea_permutations")),
        seed=int(dbt.config.get("gsea_seed")),
        design=design,
        progress=ProgressBar("    int_gsea_group_vs_rest: GSEA", "permutations",
                             interactive=False),
    )
    result.insert(3, "collection", pd.Series(collection, index=result.index, dtype="string"))
    return result
