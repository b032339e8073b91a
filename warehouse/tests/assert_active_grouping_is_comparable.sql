-- The active grouping must exist and have 1 to 8 main groups (pairwise comparisons of more
-- than 8 groups are not offered). Each returned row says what is wrong.
{%- set grouping_column = var('grouping_column', '') | trim | lower %}
with comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

groupings as (
    select * from {{ ref('comparison_groupings') }}
),

counted as (
    select count(*) filter (where is_main_analysis_group) as n_main_groups
    from comparison_groups
),

defined_groupings as (
    select string_agg(distinct grouping_name, ', ') as grouping_names
    from groupings
),

problems as (
    select
        {% if grouping_column -%}
            'clinical.csv has no column ''{{ grouping_column | replace("'", "''") }}'' '
            || 'with a non-empty value (var grouping_column)'
        {%- else -%}
            'grouping ''{{ var('grouping', 'calcification') | replace("'", "''") }}'' is not '
            || 'defined in the comparison_groupings seed (defined: '
            || defined_groupings.grouping_names || ')'
        {%- endif %} as problem
    from counted
    cross join defined_groupings
    where counted.n_main_groups = 0
    union all
    select
        'the active grouping has ' || n_main_groups
        || ' main groups; at most 8 can be compared (choose a column with fewer values)'
            as problem
    from counted
    where n_main_groups > 8
)

select * from problems
