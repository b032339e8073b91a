"""Table 1 p-values over all main groups: Fisher exact (R semantics), chi-square, Kruskal-Wallis."""

from calcomics.methods.table1 import table1_tests
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    counts = relation_to_pandas(dbt.ref("int_table1_category_counts"))
    patients = relation_to_pandas(dbt.ref("int_patient_spine"))
    return table1_tests(counts, patients, design)
