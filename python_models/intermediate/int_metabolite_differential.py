"""Per-feature group-vs-rest tests (R wilcox.test, log2 fold change, BH FDR) per platform.

Each main group of the active grouping is tested against the samples of the other main
groups; the FDR is taken over the features of one platform and one group comparison, as the
paper family does. Patients and groups come from the spine, the design from
int_comparison_groups. A platform without rows (an absent layer) gives no rows; a group
without samples on a platform gives rows with a null p-value and a test_note.
"""

import pandas as pd

from calcomics.methods.metabolomics import DIFFERENTIAL_DTYPES, differential_abundance
from calcomics.warehouse.dbt_io import group_design, long_to_matrix, relation_to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    design = group_design(dbt.ref("int_comparison_groups"))
    abundances = relation_to_pandas(dbt.ref("int_metabolite_abundances"))
    groups = relation_to_pandas(
        dbt.ref("int_patient_spine").filter("is_main_analysis_group")
        .project("patient_id, group_key")
    ).set_index("patient_id")["group_key"]
    frames = [
        pd.DataFrame({c: pd.Series(dtype=t) for c, t in DIFFERENTIAL_DTYPES.items()})
        .assign(platform=pd.Series(dtype="string"))
    ]
    for platform, platform_rows in abundances.groupby("platform", sort=True):
        matrix = long_to_matrix(platform_rows, "feature_id", "sample_id", "abundance", platform)
        matrix = matrix.loc[:, matrix.columns.isin(groups.index)]
        result = differential_abundance(matrix, groups.reindex(matrix.columns), design)
        frames.append(result.assign(platform=platform).astype({"platform": "string"}))
    return pd.concat(frames, ignore_index=True)
