-- Every patient with the reason they are in or out of the relapse-free survival analysis
-- (Figure 2F); computed in int_survival_cohort.
with survival_cohort as (
    select * from {{ ref('int_survival_cohort') }}
),

final as (
    select
        patient_id,
        group_key,
        group_label,
        cast(group_order as integer) as group_order,
        is_main_analysis_group,
        received_endocrine_therapy,
        rfs_months,
        cast(rfs_event as boolean) as has_relapse,
        exclusion_reason,
        is_included
    from survival_cohort
)

select * from final
