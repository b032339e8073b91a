-- Figure 2D: age at diagnosis across calcification groups (paper: probably benign older than high
-- suspicion, P = 0.009).
-- Medians per group, pairwise Wilcoxon (R semantics, Bonferroni over the three pairs) and
-- Kruskal-Wallis, from the shared group-comparison table.
{{ continuous_feature_report('clinical', ['age_years']) }}
