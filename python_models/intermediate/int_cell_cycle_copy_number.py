"""Cell-cycle gene panel: gain/loss rates per main group, all-groups and group-vs-rest Fisher."""

from calcomics.methods.alterations import copy_number_alteration_frequencies
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls.
    design = group_design(dbt.ref("int_comparison_groups"))
    panel = dbt.ref("cell_cycle_genes").project("gene_symbol")
    calls = relation_to_pandas(
        dbt.ref("int_gene_copy_number")
        .join(panel, "gene_symbol")
        .project("'gene' as level, gene_symbol as feature, sample_id, copy_number_call")
    )
    samples = relation_to_pandas(
        dbt.ref("int_patient_spine").filter("has_copy_number").project(
            "patient_id as sample_id, group_key"
        )
    )
    return copy_number_alteration_frequencies(calls, samples, design, all_groups_test=True)
