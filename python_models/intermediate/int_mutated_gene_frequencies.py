"""Mutated-sample frequency per gene and main group, exact Fisher p across the main groups.

q_value: BH over the tested genes (the p is repeated on a gene's rows; each gene counts once).
"""

from calcomics.methods.alterations import mutated_gene_frequencies
from calcomics.methods.multiple_testing import bh_q_values
from calcomics.warehouse.dbt_io import group_design, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by its literal dbt.ref calls.
    design = group_design(dbt.ref("int_comparison_groups"))
    classes = dbt.ref("variant_classifications").filter("is_nonsynonymous").project(
        "variant_classification"
    )
    mutated = relation_to_pandas(
        dbt.ref("int_mutations_flagged_duplicates")
        .filter("not is_duplicate and variant_type != 'CNV'")
        .join(classes, "variant_classification")
        .project("sample_id, gene_symbol")
    )
    samples = relation_to_pandas(
        dbt.ref("int_patient_spine").filter("has_wes").project(
            "patient_id as sample_id, group_key"
        )
    )
    frequencies = mutated_gene_frequencies(
        mutated, samples, design,
        min_mutated_samples=dbt.config.get("min_mutated_samples", 5),
    )
    frequencies["q_value"] = bh_q_values(
        frequencies, "p_value_all_main_groups", family=[], unit=["gene_symbol"]
    )
    return frequencies
