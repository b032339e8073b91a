-- Each patient's group in the active grouping. Every patient is kept: one whose value is
-- empty or not part of the grouping has no group and a reason, and is left out of the
-- comparisons (counted in rpt_cohort_flow).
{%- set grouping_column = var('grouping_column', '') | trim | lower %}
with patients as (
    select patient_id from {{ ref('stg_raw__patients') }}
),

attributes as (
    select * from {{ ref('stg_raw__clinical_attributes') }}
),

comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

{% if grouping_column %}
    grouping_column as (
        select
            '{{ grouping_column | replace("'", "''") }}' as grouping_name,
            '{{ grouping_column | replace("'", "''") }}' as clinical_column
    ),

    -- int_comparison_groups keys an ad-hoc group by its lower-case value
    value_to_group as (
        select
            group_key,
            group_key as match_value
        from comparison_groups
    ),
{% else %}
    groupings as (
        select * from {{ ref('comparison_groupings') }}
    ),

    grouping_column as (
        select distinct
            grouping_name,
            lower(trim(clinical_column)) as clinical_column
        from groupings
        where grouping_name = '{{ var('grouping', 'calcification') | trim | replace("'", "''") }}'
    ),

    value_to_group as (
        select
            groupings.group_key,
            lower(trim(groupings.source_value)) as match_value
        from groupings
        inner join grouping_column
            on groupings.grouping_name = grouping_column.grouping_name
    ),
{% endif %}

patient_values as (
    select
        patients.patient_id,
        grouping_column.grouping_name,
        grouping_column.clinical_column,
        attributes.attribute_value as grouping_value
    from patients
    cross join grouping_column
    left join attributes
        on
            patients.patient_id = attributes.patient_id
            and grouping_column.clinical_column = attributes.clinical_column
),

final as (
    select
        patient_values.patient_id,
        patient_values.grouping_name,
        patient_values.clinical_column,
        patient_values.grouping_value,
        comparison_groups.group_key,
        comparison_groups.group_label,
        comparison_groups.group_order,
        coalesce(comparison_groups.is_main_analysis_group, false) as is_main_analysis_group,
        case
            when patient_values.grouping_value is null
                then 'no ' || patient_values.clinical_column || ' value'
            when comparison_groups.group_key is null
                then concat(
                    'value ''', patient_values.grouping_value, ''' is not part of grouping ',
                    patient_values.grouping_name
                )
            when not comparison_groups.is_main_analysis_group
                then comparison_groups.analysis_exclusion_reason
        end as analysis_exclusion_reason
    from patient_values
    left join value_to_group
        on lower(patient_values.grouping_value) = value_to_group.match_value
    left join comparison_groups
        on value_to_group.group_key = comparison_groups.group_key
)

select * from final
