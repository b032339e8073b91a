-- Kaplan-Meier relapse-free survival of endocrine-treated patients by calcification group
-- (Figure 2F): one row per group and distinct time, starting at time 0.
with curves as (
    select * from {{ ref('int_km_curves') }}
),

final as (
    select
        calcification_group,
        time as time_months,
        survival,
        ci_lower,
        ci_upper,
        cast(at_risk as integer) as at_risk,
        cast(events as integer) as events,
        cast(censored as integer) as censored
    from curves
)

select * from final
