-- The groups of the active grouping (one row each, patients counted), for BI joins and for
-- the group order of every figure. Groups defined but without patients are kept (n = 0).
with comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

patients as (
    select * from {{ ref('int_patient_spine') }}
),

group_sizes as (
    select
        group_key,
        count(*) as n_patients
    from patients
    where group_key is not null
    group by group_key
),

final as (
    select
        comparison_groups.grouping_name,
        comparison_groups.clinical_column,
        comparison_groups.group_key,
        comparison_groups.group_label,
        comparison_groups.group_order,
        comparison_groups.is_main_analysis_group,
        comparison_groups.group_description,
        comparison_groups.analysis_exclusion_reason,
        coalesce(group_sizes.n_patients, 0) as n_patients
    from comparison_groups
    left join group_sizes on comparison_groups.group_key = group_sizes.group_key
)

select * from final
