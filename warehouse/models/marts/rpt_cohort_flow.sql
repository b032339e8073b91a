-- Figure 1 of the study as a table: patients per group of the active grouping, whether the
-- group is analysed, and how many patients have each omics layer. Patients outside the
-- main analysis stay visible here with the reason (one row per reason when they have no
-- group: an empty or unlisted value).
with patients as (
    select * from {{ ref('int_patient_spine') }}
),

by_group as (
    select
        group_key,
        group_label,
        group_order,
        is_main_analysis_group,
        analysis_exclusion_reason,
        count(*) as n_patients,
        count(*) filter (where has_wes) as n_wes,
        count(*) filter (where has_copy_number) as n_copy_number,
        count(*) filter (where has_rnaseq) as n_rnaseq,
        count(*) filter (where has_lipidomics) as n_lipidomics,
        count(*) filter (where has_polar_metabolomics) as n_polar_metabolomics
    from patients
    group by
        group_key,
        group_label,
        group_order,
        is_main_analysis_group,
        analysis_exclusion_reason
),

final as (
    select
        group_key,
        group_label,
        group_order,
        is_main_analysis_group,
        analysis_exclusion_reason as exclusion_reason,
        n_patients,
        n_wes,
        n_copy_number,
        n_rnaseq,
        n_lipidomics,
        n_polar_metabolomics
    from by_group
)

select * from final
