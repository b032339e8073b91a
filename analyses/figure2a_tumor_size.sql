-- Figure 2A: tumour size (cm) across calcification groups (paper: high suspicion larger, P = 0.035
-- vs negative, 0.061 vs probably benign).
-- Medians per group, pairwise Wilcoxon (R semantics, Bonferroni over the three pairs) and
-- Kruskal-Wallis, from the shared group-comparison table.
{{ continuous_feature_report('clinical', ['tumor_size_cm']) }}
