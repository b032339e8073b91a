-- Relapse-free survival tests (Figure 2F): log-rank across all main groups and per pair
-- (R survdiff), and the two-stage test for crossing hazards of each main group vs the rest.
with tests as (
    select * from {{ ref('int_survival_tests') }}
),

comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

final as (
    select
        tests.test,
        tests.comparison_scope,
        tests.group_key,
        tested_group.group_label,
        cast(tested_group.group_order as integer) as group_order,
        tests.group_a_key,
        group_a.group_label as group_a_label,
        tests.group_b_key,
        group_b.group_label as group_b_label,
        cast(tests.n_patients as integer) as n_patients,
        cast(tests.n_events as integer) as n_events,
        tests.statistic,
        cast(tests.df as integer) as df,
        tests.p_value,
        tests.p_adjusted,
        tests.stage1_p_value,
        tests.stage2_p_value,
        cast(tests.nboot as integer) as nboot,
        cast(tests.seed as bigint) as seed,
        tests.method
    from tests
    left join comparison_groups as tested_group
        on tests.group_key = tested_group.group_key
    left join comparison_groups as group_a
        on tests.group_a_key = group_a.group_key
    left join comparison_groups as group_b
        on tests.group_b_key = group_b.group_key
)

select * from final
