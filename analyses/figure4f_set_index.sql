-- Figure 4F: SET index (sensitivity to endocrine therapy; paper: probably benign highest, P =
-- 0.019 vs negative, P < 0.001 vs high suspicion).
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
    feature_family = 'treatment_score'
    and feature in ('set_index', 'endocrine_sensitivity_score')
order by feature asc, test desc, group_a asc, group_b asc
