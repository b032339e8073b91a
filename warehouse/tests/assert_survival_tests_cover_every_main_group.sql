-- rpt_survival_tests holds exactly one log-rank row across all main groups, one pairwise row
-- for every pair of main groups (in display order) and one two-stage row for every main
-- group, with the patient and relapse counts of fct_survival_cohort: a missing, extra or
-- miscounted row is a group silently left out of (or doubled in) Figure 2F. A main group
-- without included patients still has its rows (null p, test_note); a row has a null p
-- exactly when it has a test_note, except on the all-groups row, whose note may name the
-- groups left out of a test that ran.
with survival_cohort as (
    select * from {{ ref('fct_survival_cohort') }}
),

comparison_groups as (
    select * from {{ ref('dim_comparison_groups') }}
),

tests as (
    select * from {{ ref('rpt_survival_tests') }}
),

included_counts as (
    select
        group_key,
        count(*) as n_patients,
        count(*) filter (where has_relapse) as n_events
    from survival_cohort
    where is_included
    group by group_key
),

group_sizes as (
    select
        comparison_groups.group_key,
        comparison_groups.group_order,
        coalesce(included_counts.n_patients, 0) as n_patients,
        coalesce(included_counts.n_events, 0) as n_events
    from comparison_groups
    left join included_counts on comparison_groups.group_key = included_counts.group_key
    where comparison_groups.is_main_analysis_group
),

all_groups as (
    select
        coalesce(sum(n_patients), 0) as n_patients,
        coalesce(sum(n_events), 0) as n_events
    from group_sizes
),

expected as (
    select
        'logrank' as test,
        cast(null as varchar) as group_key,
        cast(null as varchar) as group_a_key,
        cast(null as varchar) as group_b_key,
        all_groups.n_patients,
        all_groups.n_events
    from all_groups
    union all
    select
        'logrank_pairwise' as test,
        null as group_key,
        group_a.group_key as group_a_key,
        group_b.group_key as group_b_key,
        group_a.n_patients + group_b.n_patients as n_patients,
        group_a.n_events + group_b.n_events as n_events
    from group_sizes as group_a
    inner join group_sizes as group_b
        on
            group_a.group_order < group_b.group_order
            or (
                group_a.group_order = group_b.group_order
                and group_a.group_key < group_b.group_key
            )
    union all
    select
        'two_stage' as test,
        group_sizes.group_key,
        null as group_a_key,
        null as group_b_key,
        all_groups.n_patients,
        all_groups.n_events
    from group_sizes
    cross join all_groups
)

select
    coalesce(expected.test, tests.test) as test,
    coalesce(expected.group_key, tests.group_key) as group_key,
    coalesce(expected.group_a_key, tests.group_a_key) as group_a_key,
    coalesce(expected.group_b_key, tests.group_b_key) as group_b_key,
    expected.n_patients as expected_n_patients,
    tests.n_patients,
    expected.n_events as expected_n_events,
    tests.n_events,
    tests.p_value,
    tests.test_note
from expected
full outer join tests
    on
        expected.test = tests.test
        and expected.group_key is not distinct from tests.group_key
        and expected.group_a_key is not distinct from tests.group_a_key
        and expected.group_b_key is not distinct from tests.group_b_key
where
    expected.n_patients is distinct from tests.n_patients
    or expected.n_events is distinct from tests.n_events
    or (tests.test != 'logrank' and (tests.p_value is null) != (tests.test_note is not null))
    or (tests.p_value is null and tests.test_note is null)
