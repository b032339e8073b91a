"""Kaplan-Meier relapse-free survival curves per calcification group (endocrine-treated)."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.relapse_free_survival import km_curves


def model(dbt, session):
    dbt.config(materialized="table")
    cohort = relation_to_pandas(dbt.ref("fct_survival_cohort").filter("is_included"))
    return km_curves(cohort)
