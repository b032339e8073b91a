"""Kaplan-Meier relapse-free survival curves per main group (endocrine-treated patients)."""

from calcomics.methods.relapse_free_survival import km_curves
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    cohort = relation_to_pandas(dbt.ref("int_survival_cohort").filter("is_included"))
    return km_curves(cohort, design)
