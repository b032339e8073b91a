-- Every main-analysis patient is counted exactly once in each Table 1 characteristic, for
-- every main group: the category counts of a characteristic add up to the group's N row and
-- to the group's patients in the spine (nothing dropped by an unknown code), and every main
-- group has its N row.
with table1 as (
    select * from {{ ref('rpt_table1_clinicopathology') }}
),

patients as (
    select * from {{ ref('int_patient_spine') }}
    where is_main_analysis_group
),

main_groups as (
    select group_key from {{ ref('int_comparison_groups') }}
    where is_main_analysis_group
),

spine_sizes as (
    select
        main_groups.group_key,
        count(patients.patient_id) as n_spine
    from main_groups
    left join patients on main_groups.group_key = patients.group_key
    group by main_groups.group_key
),

group_size_rows as (
    select
        group_key,
        n as n_group_row
    from table1
    where row_kind = 'group_size'
),

counted as (
    select
        characteristic,
        group_key,
        sum(n) as n_counted
    from table1
    where row_kind = 'count'
    group by characteristic, group_key
),

checks as (
    select
        coalesce(counted.characteristic, 'n_patients') as characteristic,
        spine_sizes.group_key,
        spine_sizes.n_spine,
        group_size_rows.n_group_row,
        counted.n_counted
    from spine_sizes
    left join group_size_rows on spine_sizes.group_key = group_size_rows.group_key
    left join counted on spine_sizes.group_key = counted.group_key
)

select *
from checks
where
    n_group_row is null
    or n_counted is null
    or n_counted != n_spine
    or n_group_row != n_spine
