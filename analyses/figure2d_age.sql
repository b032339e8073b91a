-- Figure 2D: age at diagnosis across calcification groups (paper: probably benign older than high
-- suspicion, P = 0.009).
-- Medians per group, Wilcoxon per pair of main groups (R semantics, Bonferroni over the pairs:
-- three for the paper's groups) and Kruskal-Wallis over all main groups (fct_group_comparisons).
{{ continuous_feature_report('clinical', ['age_years']) }}
