"""SET index, CDK4/6-inhibitor sensitivity (GSVA) and endocrine sensitivity per sample.

The CDK4/6 score's GSVA kernel follows var cdk46_gsva_mode (size_dependent: R-exact up to
var gsva_exact_max_samples samples, the binned approximation above); a mode other than the
exact kernel is announced in the build log and named in fct_treatment_scores.cdk46_method.
"""

import sys

from calcomics.methods.transcriptomics.treatment import cdk46_gsva_mode, treatment_scores
from calcomics.warehouse.dbt_io import relation_to_pandas
from calcomics.warehouse.transcriptomic_inputs import read_expression_matrix


def model(dbt, session):
    dbt.config(materialized="table")
    # genes-major: GSVA's kernel reads one gene's samples at a time
    expression = read_expression_matrix(dbt.ref("int_gene_expression_matrix"), layout="genes")
    panels = relation_to_pandas(
        dbt.ref("int_gene_list_members_resolved").filter("list_kind = 'panel'")
    )
    mode, reason = cdk46_gsva_mode(str(dbt.config.get("cdk46_gsva_mode")),
                                   expression.shape[1],
                                   int(dbt.config.get("gsva_exact_max_samples")))
    if mode != "exact":
        print(f"    int_treatment_scores: WARNING CDK4/6 score uses GSVA mode {mode!r} "
              f"({reason}), not R GSVA 1.42's exact kernel", file=sys.stderr, flush=True)
    return treatment_scores(expression, panels, gsva_mode=mode)
