"""Log-rank (all groups, pairwise) and two-stage test of probably benign vs the others."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.relapse_free_survival import survival_tests


def model(dbt, session):
    dbt.config(materialized="table")
    cohort = relation_to_pandas(dbt.ref("fct_survival_cohort").filter("is_included"))
    return survival_tests(
        cohort,
        nboot=int(dbt.config.get("two_stage_nboot")),
        seed=int(dbt.config.get("two_stage_seed")),
    )
