"""Composition of PAM50/SNF subtypes, LN, LVI and relapse status per group, exact Fisher p."""

from calcomics.comparisons import compare_categories
from calcomics.dbt_io import relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    return compare_categories(relation_to_pandas(dbt.ref("int_categorical_comparison_inputs")))
