-- The groups of the active grouping, one row each. A named grouping (var `grouping`) comes
-- from the comparison_groupings seed; an ad-hoc grouping (var `grouping_column`) takes the
-- distinct non-empty values of that clinical.csv column, every group in the main analysis.
{%- set grouping_column = var('grouping_column', '') | trim | lower %}
{%- set grouping_name = var('grouping', 'calcification') | trim %}

{% if grouping_column %}
    with attributes as (
        select * from {{ ref('stg_raw__clinical_attributes') }}
    ),

    column_values as (
        select
            lower(attribute_value) as group_key,
            min(attribute_value) as group_label
        from attributes
        where
            clinical_column = '{{ grouping_column | replace("'", "''") }}'
            and attribute_value is not null
        group by 1
    ),

    final as (
        select
            '{{ grouping_column | replace("'", "''") }}' as grouping_name,
            '{{ grouping_column | replace("'", "''") }}' as clinical_column,
            group_key,
            group_label,
            cast(row_number() over (
                order by try_cast(group_label as double) nulls last, group_key
            ) as integer) as group_order,
            true as is_main_analysis_group,
            'Patients whose {{ grouping_column | replace("'", "''") }} is ' || group_label
                as group_description,
            cast(null as varchar) as analysis_exclusion_reason
        from column_values
    )
{% else %}
    with groupings as (
        select * from {{ ref('comparison_groupings') }}
    ),

    final as (
        select distinct
            grouping_name,
            lower(trim(clinical_column)) as clinical_column,
            group_key,
            group_label,
            group_order,
            is_main_analysis_group,
            group_description,
            analysis_exclusion_reason
        from groupings
        where grouping_name = '{{ grouping_name | replace("'", "''") }}'
    )
{% endif %}

select * from final
