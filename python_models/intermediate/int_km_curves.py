"""Kaplan-Meier relapse-free survival curves per main group (endocrine-treated patients)."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.design import GroupDesign
from calcomics.relapse_free_survival import km_curves


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls, so the design is read
    # here rather than inside calcomics.dbt_io.read_group_design.
    design = GroupDesign.from_frame(relation_to_pandas(dbt.ref("int_comparison_groups")))
    cohort = relation_to_pandas(dbt.ref("int_survival_cohort").filter("is_included"))
    return km_curves(cohort, design)
