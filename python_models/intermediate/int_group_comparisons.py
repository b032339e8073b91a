"""Pairwise Wilcoxon (R semantics, Bonferroni) and Kruskal-Wallis for every continuous feature."""

from calcomics.comparisons import compare_groups
from calcomics.dbt_io import relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    return compare_groups(relation_to_pandas(dbt.ref("int_group_comparison_inputs")))
