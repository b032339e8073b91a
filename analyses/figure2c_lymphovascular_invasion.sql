-- Figure 2C: lympho-vascular invasion by calcification group (paper: 45.5 / 34.9 / 58.6 %).
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
where comparison = 'lymphovascular_invasion'
order by category_level, calcification_group
