-- Figure 2E: ER, PR and Ki-67 IHC scores (paper: Ki-67 medians 20 / 20 / 30 %, Kruskal-Wallis P =
-- 0.001; PR higher in probably benign, P < 0.001).
-- Medians per group, Wilcoxon per pair of main groups (R semantics, Bonferroni over the pairs:
-- three for the paper's groups) and Kruskal-Wallis over all main groups (fct_group_comparisons).
{{ continuous_feature_report('clinical', ['er_ihc_pct', 'pr_ihc_pct', 'ki67_ihc_pct']) }}
