-- Figure 4H: CDK4/6-inhibitor sensitivity score (GSVA; paper: high suspicion highest, P = 0.007 vs
-- negative, P < 0.001 vs probably benign).
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
    and feature in ('cdk46_sensitivity_score')
order by feature asc, test desc, group_a asc, group_b asc
