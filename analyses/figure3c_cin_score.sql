-- Figure 3C: chromosomal instability score (sum of squared gene-level GISTIC2-style values)
-- across groups (paper: high suspicion higher than the other groups).
-- Medians per group, Wilcoxon per pair of main groups (R semantics, Bonferroni over the pairs)
-- and Kruskal-Wallis over all main groups (fct_group_comparisons).
{{ continuous_feature_report('genomic', ['cin_score']) }}
