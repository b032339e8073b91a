-- Figure 2B: lymph-node status by calcification group (paper: 50.5 / 44.4 / 62.0 % positive).
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
where comparison = 'lymph_node_status'
order by category_level, calcification_group
