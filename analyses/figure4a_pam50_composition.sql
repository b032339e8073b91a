-- Figure 4A: PAM50 subtype composition per group (paper: 70.9 / 91.0 / 81.6 % luminal, P = 0.047).
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
where comparison = 'pam50_subtype'
order by category_level, calcification_group
