-- Figure 4H: CDK4/6-inhibitor sensitivity score (GSVA; paper: high suspicion highest, P = 0.007 vs
-- negative, P < 0.001 vs probably benign).
-- Medians per group, pairwise Wilcoxon (R semantics, Bonferroni over all pairs of main
-- groups) and Kruskal-Wallis, from the shared group-comparison table.
{{ continuous_feature_report('treatment_score', ['cdk46_sensitivity_score']) }}
