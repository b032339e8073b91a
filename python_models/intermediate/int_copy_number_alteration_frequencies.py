"""Gain/loss rates per main group at gene, cytoband and arm level; each group vs the rest.

The counts come from SQL (int_copy_number_alteration_counts); the Fisher tests are row-wise.
q_value: BH over the features of one level and direction, per group (the Bonferroni family).
"""

from calcomics.methods.alterations import copy_number_alteration_frequencies_from_counts
from calcomics.methods.multiple_testing import bh_q_values
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls.
    design = group_design(dbt.ref("int_comparison_groups"))
    counts = relation_to_pandas(
        dbt.ref("int_copy_number_alteration_counts").project(
            "feature_level as level, feature, direction, group_key, n_altered"
        )
    )
    samples = relation_to_pandas(
        dbt.ref("int_patient_spine").filter("has_copy_number").project(
            "patient_id as sample_id, group_key"
        )
    )
    frequencies = copy_number_alteration_frequencies_from_counts(counts, samples, design)
    frequencies["q_value"] = bh_q_values(
        frequencies, "p_value_group_vs_rest", ["level", "direction", "group_key"]
    )
    return frequencies
