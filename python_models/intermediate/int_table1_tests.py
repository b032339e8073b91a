"""Table 1 p-values: Fisher's exact (R semantics, exact r×c), Pearson chi-square, Kruskal–Wallis."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.table1 import table1_tests


def model(dbt, session):
    dbt.config(materialized="table")
    counts = relation_to_pandas(dbt.ref("int_table1_category_counts"))
    patients = relation_to_pandas(dbt.ref("int_patient_spine"))
    return table1_tests(counts, patients)
