-- Figure 2E: ER, PR and Ki-67 IHC scores (paper: Ki-67 medians 20 / 20 / 30 %, Kruskal-Wallis P =
-- 0.001; PR higher in probably benign, P < 0.001).
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
    and feature in ('er_ihc_pct', 'pr_ihc_pct', 'ki67_ihc_pct')
order by feature asc, test desc, group_a asc, group_b asc
