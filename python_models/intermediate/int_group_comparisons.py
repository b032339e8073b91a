"""Wilcoxon per pair of main groups (R semantics, Bonferroni over pairs) and Kruskal-Wallis."""

from calcomics.comparisons import compare_groups
from calcomics.dbt_io import relation_to_pandas
from calcomics.design import GroupDesign


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls, so the design is read
    # here rather than inside calcomics.dbt_io.read_group_design.
    design = GroupDesign.from_frame(relation_to_pandas(dbt.ref("int_comparison_groups")))
    return compare_groups(relation_to_pandas(dbt.ref("int_group_comparison_inputs")), design)
