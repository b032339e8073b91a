-- Figure 3B: scarHRD scores (HRD-sum and its HRD-LOH, TAI and LST parts) across groups
-- (paper: high suspicion higher than the other groups).
-- Medians per group, Wilcoxon per pair of main groups (R semantics, Bonferroni over the pairs)
-- and Kruskal-Wallis over all main groups (fct_group_comparisons).
{{ continuous_feature_report('genomic', ['hrd_sum', 'hrd_loh', 'tai', 'lst']) }}
