-- Figure 2D: age at diagnosis across calcification groups (paper: probably benign older than high
-- suspicion, P = 0.009).
-- Medians per group, pairwise Wilcoxon (R semantics, Bonferroni over the three pairs) and
-- Kruskal-Wallis, from the shared group-comparison table.
with comparisons as (
    select * from {{ ref('fct_group_comparisons') }}
)

select
    feature,
    test,
    group_a,
    group_b,
    n_a,
    n_b,
    median_a,
    median_b,
    p_value,
    p_adjusted
from comparisons
where
    feature_family = 'clinical'
    and feature in ('age_years')
order by feature asc, test desc, group_a asc, group_b asc
