-- Figure 2F: relapse-free survival of endocrine-treated patients by calcification group.
-- The curves (survival at each event time, CI, numbers at risk) and the tests: log-rank of
-- the three groups and per pair, and the two-stage test of probably benign vs the others
-- (paper: P = 0.142, two-stage test).
with curves as (
    select * from {{ ref('fct_km_curves') }}
),

tests as (
    select * from {{ ref('rpt_survival_tests') }}
),

curve_summary as (
    select
        calcification_group,
        max(at_risk) as n_patients,
        sum(events) as n_relapses,
        min(survival) as survival_at_last_time,
        max(time_months) as last_time_months
    from curves
    group by calcification_group
),

at_60_months as (
    select
        calcification_group,
        survival as survival_at_60_months
    from curves
    where time_months <= 60
    qualify row_number() over (
        partition by calcification_group order by time_months desc
    ) = 1
)

select
    'curve' as row_kind,
    curve_summary.calcification_group as row_label,
    curve_summary.n_patients,
    curve_summary.n_relapses,
    at_60_months.survival_at_60_months as estimate,
    cast(null as double) as p_value,
    cast(null as varchar) as detail
from curve_summary
left join at_60_months on curve_summary.calcification_group = at_60_months.calcification_group
union all
select
    'test' as row_kind,
    tests.test || ': ' || tests.group_a || coalesce(' vs ' || tests.group_b, '') as row_label,
    tests.n_patients,
    tests.n_events as n_relapses,
    tests.statistic as estimate,
    tests.p_value,
    tests.method as detail
from tests
