-- Figure 4B: SNF subtype composition per group (paper: SNF3 27.1 / 29.4 / 49.2 %, P = 0.064).
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
where comparison = 'snf_subtype'
order by category_level, calcification_group
