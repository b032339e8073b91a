"""Log-rank (all main groups, every pair) and two-stage test of each main group vs the rest."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.design import GroupDesign
from calcomics.relapse_free_survival import survival_tests


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls, so the design is read
    # here rather than inside calcomics.dbt_io.read_group_design.
    design = GroupDesign.from_frame(relation_to_pandas(dbt.ref("int_comparison_groups")))
    cohort = relation_to_pandas(dbt.ref("int_survival_cohort").filter("is_included"))
    return survival_tests(
        cohort,
        design,
        nboot=int(dbt.config.get("two_stage_nboot")),
        seed=int(dbt.config.get("two_stage_seed")),
    )
