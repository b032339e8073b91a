"""ssGSEA (GSVA 1.42 semantics) of every gene set collection over the whole RNA-seq cohort.

ssGSEA normalises by the range over the whole set x sample matrix, so each collection is
scored in one call on all samples (ALGORITHMS.md §1b); size limits come from the
gene_set_collections seed.
"""

from calcomics.progress import ProgressBar
from calcomics.warehouse.dbt_io import relation_to_pandas
from calcomics.warehouse.transcriptomic_inputs import (
    gene_sets_by_collection,
    read_expression_matrix,
    score_collections,
)


def model(dbt, session):
    dbt.config(materialized="table")
    # samples-major: ssGSEA ranks the genes of one sample at a time
    expression = read_expression_matrix(dbt.ref("int_gene_expression_matrix"), layout="samples")
    members = relation_to_pandas(
        dbt.ref("int_gene_list_members_resolved").filter("list_kind = 'collection'")
    )
    limits = members.drop_duplicates("collection").set_index("collection")[
        ["min_size", "max_size"]
    ]
    # one log line per 25 % of the collections (dbt prints the node's start and end)
    progress = ProgressBar("    int_pathway_scores: ssGSEA", "collections", interactive=False)
    # an Arrow table with dictionary-encoded text: one row per sample and set without a
    # Python string per row (DuckDB stores the columns as VARCHAR)
    return score_collections(expression, gene_sets_by_collection(members), limits,
                             progress=progress)
