"""Mutated-sample frequency per gene and group, exact Fisher p across the three groups."""

from calcomics.alterations import mutated_gene_frequencies
from calcomics.dbt_io import relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
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
        dbt.ref("dim_patients").filter("has_wes").project(
            "patient_id as sample_id, calcification_group"
        )
    )
    return mutated_gene_frequencies(
        mutated, samples, min_mutated_samples=dbt.config.get("min_mutated_samples", 5)
    )
