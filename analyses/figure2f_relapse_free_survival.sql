-- Figure 2F: relapse-free survival of endocrine-treated patients by group. The curves
-- (survival at each event time, CI, numbers at risk) and the tests: log-rank across all
-- main groups and per pair, and the two-stage test of each group vs the rest (paper:
-- probably benign vs the others, P = 0.142, two-stage test). One kind of value per column:
-- survival_at_60_months (Kaplan-Meier estimate, curve rows) and chisq_statistic with its df
-- (log-rank tests; null for the two-stage test, which has only a p) are separate columns.
with curves as (
    select * from {{ ref('fct_km_curves') }}
),

tests as (
    select * from {{ ref('rpt_survival_tests') }}
),

curve_summary as (
    select
        group_key,
        group_label,
        group_order,
        max(at_risk) as n_patients,
        cast(sum(events) as integer) as n_relapses,
        min(survival) as survival_at_last_time,
        max(time_months) as last_time_months
    from curves
    group by group_key, group_label, group_order
),

at_60_months as (
    select
        group_key,
        survival as survival_at_60_months
    from curves
    where time_months <= 60
    qualify row_number() over (
        partition by group_key order by time_months desc
    ) = 1
),

curve_rows as (
    select
        'curve' as row_kind,
        curve_summary.group_order as row_order,
        curve_summary.group_label as row_label,
        curve_summary.n_patients,
        curve_summary.n_relapses,
        at_60_months.survival_at_60_months,
        cast(null as double) as chisq_statistic,
        cast(null as integer) as df,
        cast(null as double) as p_value,
        cast(null as double) as p_adjusted,
        cast(null as varchar) as detail
    from curve_summary
    left join at_60_months on curve_summary.group_key = at_60_months.group_key
),

test_rows as (
    select
        'test' as row_kind,
        row_number() over (
            order by
                case tests.comparison_scope
                    when 'all_main_groups' then 1 when 'pairwise' then 2 else 3
                end,
                tests.group_order,
                group_a.group_order,
                group_b.group_order
        ) as row_order,
        tests.test || ': '
        || case tests.comparison_scope
            when 'all_main_groups' then 'all main groups'
            when 'pairwise' then tests.group_a_label || ' vs ' || tests.group_b_label
            else tests.group_label || ' vs the rest'
        end as row_label,
        tests.n_patients,
        tests.n_events as n_relapses,
        cast(null as double) as survival_at_60_months,
        tests.statistic as chisq_statistic,
        tests.df,
        tests.p_value,
        tests.p_adjusted,
        tests.method as detail
    from tests
    left join curve_summary as group_a on tests.group_a_key = group_a.group_key
    left join curve_summary as group_b on tests.group_b_key = group_b.group_key
)

select * from curve_rows
union all
select * from test_rows
order by row_kind, row_order
