-- Figure 2G: calcification status among relapsed and relapse-free patients (pct_of_level; paper:
-- 46.2 % vs 33.5 % high suspicion).
-- Counts and percentages per group with the exact Fisher p of the whole table.
with comparisons as (
    select * from {{ ref('fct_categorical_comparisons') }}
)

select
    category_level,
    calcification_group,
    n,
    group_total,
    pct_of_group,
    pct_of_level,
    fisher_p,
    fisher_method
from comparisons
where comparison = 'relapse_status'
order by category_level, calcification_group
