-- Figure 2A: tumour size (cm) across calcification groups (paper: high suspicion larger, P = 0.035
-- vs negative, 0.061 vs probably benign).
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
    and feature in ('tumor_size_cm')
order by feature asc, test desc, group_a asc, group_b asc
