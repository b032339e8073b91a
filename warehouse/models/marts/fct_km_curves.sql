-- Kaplan-Meier relapse-free survival of endocrine-treated patients by main group (Figure
-- 2F): one row per group and distinct time, starting at time 0.
with curves as (
    select * from {{ ref('int_km_curves') }}
),

comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

final as (
    select
        curves.group_key,
        comparison_groups.group_label,
        cast(comparison_groups.group_order as integer) as group_order,
        curves.time as time_months,
        curves.survival,
        curves.ci_lower,
        curves.ci_upper,
        cast(curves.at_risk as integer) as at_risk,
        cast(curves.events as integer) as events,
        cast(curves.censored as integer) as censored
    from curves
    inner join comparison_groups on curves.group_key = comparison_groups.group_key
)

select * from final
