"""Cell-cycle gene panel: gain/loss rates per main group, all-groups and group-vs-rest Fisher.

The counts are the panel genes' rows of int_copy_number_alteration_counts (gene level).
"""

from calcomics.methods.alterations import copy_number_alteration_frequencies_from_counts
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls.
    design = group_design(dbt.ref("int_comparison_groups"))
    panel = dbt.ref("cell_cycle_genes").project("gene_symbol as feature")
    counts = relation_to_pandas(
        dbt.ref("int_copy_number_alteration_counts")
        .filter("feature_level = 'gene'")
        .join(panel, "feature")
        .project("feature_level as level, feature, direction, group_key, n_altered")
    )
    samples = relation_to_pandas(
        dbt.ref("int_patient_spine").filter("has_copy_number").project(
            "patient_id as sample_id, group_key"
        )
    )
    return copy_number_alteration_frequencies_from_counts(
        counts, samples, design, all_groups_test=True
    )
