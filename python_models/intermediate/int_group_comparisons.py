"""Wilcoxon per pair of main groups (R semantics, Bonferroni over pairs) and Kruskal-Wallis."""

from calcomics.methods.comparisons import compare_groups
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    return compare_groups(relation_to_pandas(dbt.ref("int_group_comparison_inputs")), design)
