"""PAM50/SNF subtype, LN, LVI and relapse status per main group, exact Fisher p over all groups."""

from calcomics.methods.comparisons import compare_categories
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    return compare_categories(
        relation_to_pandas(dbt.ref("int_categorical_comparison_inputs")), design
    )
