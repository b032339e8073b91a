"""Table 1 p-values over all main groups: Fisher exact (R semantics), chi-square, Kruskal-Wallis."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.design import GroupDesign
from calcomics.table1 import table1_tests


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls, so the design is read
    # here rather than inside calcomics.dbt_io.read_group_design.
    design = GroupDesign.from_frame(relation_to_pandas(dbt.ref("int_comparison_groups")))
    counts = relation_to_pandas(dbt.ref("int_table1_category_counts"))
    patients = relation_to_pandas(dbt.ref("int_patient_spine"))
    return table1_tests(counts, patients, design)
