"""Gain/loss rates per group at gene, cytoband and arm level; Fisher high suspicion vs others."""

from calcomics.alterations import copy_number_alteration_frequencies
from calcomics.dbt_io import relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    calls = relation_to_pandas(
        dbt.ref("int_copy_number_calls").project(
            "feature_level as level, feature, sample_id, copy_number_call"
        )
    )
    samples = relation_to_pandas(
        dbt.ref("dim_patients").filter("has_copy_number").project(
            "patient_id as sample_id, calcification_group"
        )
    )
    return copy_number_alteration_frequencies(calls, samples)
