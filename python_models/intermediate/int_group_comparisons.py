"""Wilcoxon per pair of main groups (R semantics, Bonferroni over pairs) and Kruskal-Wallis.

q_value: BH over the features of a feature_family tested in the same comparison (test and
pair of groups).
"""

from calcomics.methods.comparisons import compare_groups
from calcomics.methods.multiple_testing import bh_q_values
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    comparisons = compare_groups(relation_to_pandas(dbt.ref("int_group_comparison_inputs")), design)
    comparisons["q_value"] = bh_q_values(
        comparisons, "p_value", ["feature_family", "test", "group_a_key", "group_b_key"]
    )
    return comparisons
