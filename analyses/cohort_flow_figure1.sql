-- Figure 1: patients and omics layers per group of the active grouping (for the paper: the
-- calcification groups), with exclusions from the main analysis visible.
with cohort_flow as (
    select * from {{ ref('rpt_cohort_flow') }}
)

select
    group_key,
    group_label,
    is_main_analysis_group,
    exclusion_reason,
    n_patients,
    n_wes,
    n_copy_number,
    n_rnaseq,
    n_lipidomics,
    n_polar_metabolomics
from cohort_flow
order by group_order asc nulls last, exclusion_reason asc
