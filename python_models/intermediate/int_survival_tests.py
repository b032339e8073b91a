"""Log-rank (all main groups, every pair) and two-stage test of each main group vs the rest."""

from calcomics.methods.relapse_free_survival import survival_tests
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    cohort = relation_to_pandas(dbt.ref("int_survival_cohort").filter("is_included"))
    return survival_tests(
        cohort,
        design,
        nboot=int(dbt.config.get("two_stage_nboot")),
        seed=int(dbt.config.get("two_stage_seed")),
    )
