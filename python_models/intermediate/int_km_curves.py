"""Kaplan-Meier relapse-free survival curves per main group (endocrine-treated patients)."""

from calcomics.dbt_io import group_design, relation_to_pandas
from calcomics.relapse_free_survival import km_curves


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    cohort = relation_to_pandas(dbt.ref("int_survival_cohort").filter("is_included"))
    return km_curves(cohort, design)
