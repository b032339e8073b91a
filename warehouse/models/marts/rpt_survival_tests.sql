-- Relapse-free survival tests (Figure 2F): log-rank across all main groups and per pair
-- (R survdiff), and the two-stage test for crossing hazards of each main group vs the rest.
-- Every test is a row; one that cannot be computed has a null p and a test_note. Patients
-- of the compared groups left out for missing follow-up are counted on each row.
with tests as (
    select * from {{ ref('int_survival_tests') }}
),

comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

survival_cohort as (
    select * from {{ ref('int_survival_cohort') }}
),

without_follow_up as (
    select
        patient_id,
        group_key
    from survival_cohort
    where
        is_main_analysis_group
        and coalesce(received_endocrine_therapy, false)
        and not is_included
),

follow_up_counts as (
    select
        tests.test,
        tests.group_key,
        tests.group_a_key,
        tests.group_b_key,
        count(without_follow_up.patient_id) as n_without_follow_up
    from tests
    left join without_follow_up
        on
            tests.comparison_scope != 'pairwise'
            or without_follow_up.group_key in (tests.group_a_key, tests.group_b_key)
    group by tests.test, tests.group_key, tests.group_a_key, tests.group_b_key
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
        cast(follow_up_counts.n_without_follow_up as integer) as n_without_follow_up,
        tests.statistic,
        cast(tests.df as integer) as df,
        tests.p_value,
        tests.p_adjusted,
        case tests.comparison_scope when 'pairwise' then 'bonferroni' else 'none' end
            as adjustment_method,
        case tests.comparison_scope
            when 'pairwise' then 'pairs of main groups'
            else 'none (one test)'
        end as adjustment_family,
        tests.stage1_p_value as p_value_stage1,
        tests.stage2_p_value as p_value_stage2,
        cast(tests.nboot as integer) as nboot,
        cast(tests.seed as bigint) as seed,
        tests.method,
        cast(tests.test_note as varchar) as test_note
    from tests
    inner join follow_up_counts
        on
            tests.test = follow_up_counts.test
            and tests.group_key is not distinct from follow_up_counts.group_key
            and tests.group_a_key is not distinct from follow_up_counts.group_a_key
            and tests.group_b_key is not distinct from follow_up_counts.group_b_key
    left join comparison_groups as tested_group
        on tests.group_key = tested_group.group_key
    left join comparison_groups as group_a
        on tests.group_a_key = group_a.group_key
    left join comparison_groups as group_b
        on tests.group_b_key = group_b.group_key
)

select * from final
