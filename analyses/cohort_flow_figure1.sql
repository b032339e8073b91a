-- Figure 1: patients and omics layers per calcification group, with exclusions visible.
with cohort_flow as (
    select * from {{ ref('rpt_cohort_flow') }}
)

select
    calcification_group_label,
    is_main_analysis_group,
    exclusion_reason,
    n_patients,
    n_wes,
    n_copy_number,
    n_rnaseq,
    n_lipidomics,
    n_polar_metabolomics
from cohort_flow
order by calcification_group_order
