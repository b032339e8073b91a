-- Figure 4F: SET index (sensitivity to endocrine therapy; paper: probably benign highest, P =
-- 0.019 vs negative, P < 0.001 vs high suspicion).
-- Medians per group, pairwise Wilcoxon (R semantics, Bonferroni over all pairs of main
-- groups) and Kruskal-Wallis, from the shared group-comparison table.
{{ continuous_feature_report('treatment_score', ['set_index', 'endocrine_sensitivity_score']) }}
