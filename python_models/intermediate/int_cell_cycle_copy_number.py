"""Cell-cycle gene panel: gain/loss rates per group with exact 3-group and HS-vs-others Fisher."""

from calcomics.alterations import copy_number_alteration_frequencies
from calcomics.dbt_io import relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    panel = dbt.ref("cell_cycle_genes").project("gene_symbol")
    calls = relation_to_pandas(
        dbt.ref("fct_gene_copy_number")
        .join(panel, "gene_symbol")
        .project("'gene' as level, gene_symbol as feature, sample_id, copy_number_call")
    )
    samples = relation_to_pandas(
        dbt.ref("dim_patients").filter("has_copy_number").project(
            "patient_id as sample_id, calcification_group"
        )
    )
    return copy_number_alteration_frequencies(calls, samples, three_group_test=True)
