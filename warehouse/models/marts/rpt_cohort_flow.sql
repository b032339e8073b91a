-- Figure 1 of the study as a table: patients per calcification group, whether the group is
-- analysed, and how many patients have each omics layer. Excluded patients stay visible here.
with patients as (
    select * from {{ ref('dim_patients') }}
),

by_group as (
    select
        calcification_group,
        calcification_group_label,
        calcification_group_order,
        is_main_analysis_group,
        count(*) as n_patients,
        count(*) filter (where has_wes) as n_wes,
        count(*) filter (where has_copy_number) as n_copy_number,
        count(*) filter (where has_rnaseq) as n_rnaseq,
        count(*) filter (where has_lipidomics) as n_lipidomics,
        count(*) filter (where has_polar_metabolomics) as n_polar_metabolomics
    from patients
    group by
        calcification_group,
        calcification_group_label,
        calcification_group_order,
        is_main_analysis_group
),

final as (
    select
        calcification_group,
        calcification_group_label,
        calcification_group_order,
        is_main_analysis_group,
        case
            when is_main_analysis_group then null
            else 'group too small for the main analyses (paper, Results)'
        end as exclusion_reason,
        n_patients,
        n_wes,
        n_copy_number,
        n_rnaseq,
        n_lipidomics,
        n_polar_metabolomics
    from by_group
)

select * from final
