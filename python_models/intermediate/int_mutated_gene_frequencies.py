"""Mutated-sample frequency per gene and main group, exact Fisher p across the main groups.

The counts come from SQL (int_mutated_gene_counts); the Fisher tests are row-wise.
q_value: BH over the tested genes (the p is repeated on a gene's rows; each gene counts once).
"""

from calcomics.methods.alterations import mutated_gene_frequencies_from_counts
from calcomics.methods.multiple_testing import bh_q_values
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls.
    design = group_design(dbt.ref("int_comparison_groups"))
    counts = relation_to_pandas(
        dbt.ref("int_mutated_gene_counts").project(
            "gene_symbol, group_key, n_mutated, n_mutated_all"
        )
    )
    samples = relation_to_pandas(
        dbt.ref("int_patient_spine").filter("has_wes").project(
            "patient_id as sample_id, group_key"
        )
    )
    frequencies = mutated_gene_frequencies_from_counts(
        counts, samples, design,
        min_mutated_samples=dbt.config.get("min_mutated_samples", 5),
    )
    frequencies["q_value"] = bh_q_values(
        frequencies, "p_value_all_main_groups", family=[], unit=["gene_symbol"]
    )
    return frequencies
