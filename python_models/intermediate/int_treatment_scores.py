"""SET index, CDK4/6-inhibitor sensitivity (GSVA) and endocrine sensitivity per sample."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.transcriptomics.inputs import expression_matrix
from calcomics.transcriptomics.treatment import treatment_scores


def model(dbt, session):
    dbt.config(materialized="table")
    expression = expression_matrix(
        relation_to_pandas(dbt.ref("int_gene_expression_log2"), strings_to_categorical=True)
    )
    panels = relation_to_pandas(
        dbt.ref("int_gene_list_members_resolved").filter("list_kind = 'panel'")
    )
    return treatment_scores(expression, panels)
