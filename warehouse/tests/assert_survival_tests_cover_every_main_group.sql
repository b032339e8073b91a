-- rpt_survival_tests holds exactly one log-rank row across all main groups, one pairwise row
-- for every pair of main groups with included patients (in display order) and one two-stage
-- row for every such group, with the patient counts of fct_survival_cohort: a missing,
-- extra or miscounted row is a group silently left out of (or doubled in) Figure 2F.
with survival_cohort as (
    select * from {{ ref('fct_survival_cohort') }}
),

tests as (
    select * from {{ ref('rpt_survival_tests') }}
),

group_sizes as (
    select
        group_key,
        group_order,
        count(*) as n_patients
    from survival_cohort
    where is_included
    group by group_key, group_order
),

all_groups as (
    select sum(n_patients) as n_patients from group_sizes
),

expected as (
    select
        'logrank' as test,
        cast(null as varchar) as group_key,
        cast(null as varchar) as group_a_key,
        cast(null as varchar) as group_b_key,
        all_groups.n_patients
    from all_groups
    union all
    select
        'logrank_pairwise' as test,
        null as group_key,
        group_a.group_key as group_a_key,
        group_b.group_key as group_b_key,
        group_a.n_patients + group_b.n_patients as n_patients
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
        all_groups.n_patients
    from group_sizes
    cross join all_groups
)

select
    coalesce(expected.test, tests.test) as test,
    coalesce(expected.group_key, tests.group_key) as group_key,
    coalesce(expected.group_a_key, tests.group_a_key) as group_a_key,
    coalesce(expected.group_b_key, tests.group_b_key) as group_b_key,
    expected.n_patients as expected_n_patients,
    tests.n_patients
from expected
full outer join tests
    on
        expected.test = tests.test
        and expected.group_key is not distinct from tests.group_key
        and expected.group_a_key is not distinct from tests.group_a_key
        and expected.group_b_key is not distinct from tests.group_b_key
where expected.n_patients is distinct from tests.n_patients
