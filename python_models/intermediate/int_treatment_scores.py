"""SET index, CDK4/6-inhibitor sensitivity (GSVA) and endocrine sensitivity per sample."""

from calcomics.methods.transcriptomics.treatment import treatment_scores
from calcomics.warehouse.dbt_io import relation_to_pandas
from calcomics.warehouse.transcriptomic_inputs import wide_expression_matrix


def model(dbt, session):
    dbt.config(materialized="table")
    expression = wide_expression_matrix(relation_to_pandas(dbt.ref("int_gene_expression_matrix")))
    panels = relation_to_pandas(
        dbt.ref("int_gene_list_members_resolved").filter("list_kind = 'panel'")
    )
    return treatment_scores(expression, panels)
