"""SBS-96 (or SBS-6 without trinucleotide context) NNLS exposures to COSMIC v3.2 signatures
(calcomics.methods.signatures.signature_exposures_long)."""

from calcomics.methods.signatures import signature_exposures_long
from calcomics.warehouse.dbt_io import relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    variants = relation_to_pandas(
        dbt.ref("stg_raw__mutations").project(
            "sample_id, chromosome, start_position, reference_allele, tumor_allele,"
            " variant_type, trinucleotide_context"
        )
    )
    names = [name.strip() for name in dbt.config.get("signatures").split(",")]
    return signature_exposures_long(variants, names)
