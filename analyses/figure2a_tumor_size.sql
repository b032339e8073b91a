-- Figure 2A: tumour size (cm) across calcification groups (paper: high suspicion larger, P = 0.035
-- vs negative, 0.061 vs probably benign).
-- Medians per group, Wilcoxon per pair of main groups (R semantics, Bonferroni over the pairs:
-- three for the paper's groups) and Kruskal-Wallis over all main groups (fct_group_comparisons).
{{ continuous_feature_report('clinical', ['tumor_size_cm']) }}
