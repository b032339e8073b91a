-- Every patient with the reason they are in or out of the relapse-free survival analysis
-- (Figure 2F: endocrine-treated patients of the main groups with follow-up). Read from the
-- patient spine, so the survival area depends on no other area. The var survival_population
-- says who is analysed: endocrine_therapy (the paper: endocrine-treated patients only) or
-- all (every main-group patient with follow-up; for cohorts without treatment records).
{%- set population = var('survival_population', 'endocrine_therapy') %}
{%- if population not in ['endocrine_therapy', 'all'] %}
    {{ exceptions.raise_compiler_error(
        "var survival_population must be 'endocrine_therapy' or 'all', not '" ~ population ~ "'"
    ) }}
{%- endif %}

with patients as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        patient_id,
        group_key,
        group_label,
        group_order,
        is_main_analysis_group,
        received_endocrine_therapy,
        rfs_months,
        cast(had_relapse as integer) as rfs_event,
        case
            when not is_main_analysis_group
                then
                    'not in a main analysis group'
                    || coalesce(': ' || analysis_exclusion_reason, '')
            when
                '{{ population }}' = 'endocrine_therapy'
                and not coalesce(received_endocrine_therapy, false)
                then 'no endocrine therapy recorded'
            when rfs_months is null or had_relapse is null then 'no follow-up recorded'
        end as exclusion_reason,
        coalesce(
            is_main_analysis_group
            and (
                '{{ population }}' = 'all'
                or received_endocrine_therapy
            )
            and rfs_months is not null
            and had_relapse is not null,
            false
        ) as is_included
    from patients
)

select * from final
