-- Every main-analysis patient is counted exactly once in each Table 1 characteristic:
-- category counts must add up to the group size (nothing dropped by an unknown code).
with counts as (
    select * from {{ ref('int_table1_category_counts') }}
),

per_characteristic as (
    select
        characteristic,
        calcification_group,
        sum(n_patients) as n_counted,
        max(n_group) as n_group
    from counts
    group by characteristic, calcification_group
)

select *
from per_characteristic
where n_counted != n_group
