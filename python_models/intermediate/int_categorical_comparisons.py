"""PAM50/SNF subtype, LN, LVI and relapse status per main group, exact Fisher p over all groups."""

from calcomics.comparisons import compare_categories
from calcomics.dbt_io import relation_to_pandas
from calcomics.design import GroupDesign


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls, so the design is read
    # here rather than inside calcomics.dbt_io.read_group_design.
    design = GroupDesign.from_frame(relation_to_pandas(dbt.ref("int_comparison_groups")))
    return compare_categories(
        relation_to_pandas(dbt.ref("int_categorical_comparison_inputs")), design
    )
