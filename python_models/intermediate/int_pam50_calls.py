"""PAM50 nearest-centroid calls (Spearman) with the scaling of var pam50_scaling and the
centring of var pam50_centring (ER status from er_ihc_pct >= 1, else an optional clinical
column er_status, for the ER-balanced subset)."""

from calcomics.warehouse.dbt_io import relation_to_pandas
from calcomics.warehouse.transcriptomic_inputs import (
    er_status,
    pam50_input,
    read_expression_matrix,
)


def model(dbt, session):
    dbt.config(materialized="table")
    from calcomics.methods.transcriptomics.pam50 import pam50_calls

    panel = relation_to_pandas(
        dbt.ref("int_gene_list_members_resolved").filter("gene_set = 'pam50'")
    )
    # only the panel's genes are read (rows filtered in SQL)
    expression = read_expression_matrix(dbt.ref("int_gene_expression_matrix"),
                                        genes=panel["symbol_used"].dropna())
    patients = relation_to_pandas(
        dbt.ref("int_patient_spine").filter("has_rnaseq").project("patient_id, er_ihc_pct")
    )
    reported_er = relation_to_pandas(
        dbt.ref("stg_raw__clinical_attributes").filter("clinical_column = 'er_status'")
        .project("patient_id, attribute_value")
    )
    pam50_expression, centroids = pam50_input(expression, panel)
    return pam50_calls(
        pam50_expression,
        centroids,
        scaling=dbt.config.get("pam50_scaling"),
        centring=dbt.config.get("pam50_centring"),
        er_positive=er_status(patients, reported_er),
        centring_seed=int(dbt.config.get("pam50_centring_seed")),
    )
