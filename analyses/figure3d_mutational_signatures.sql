-- Figure 3D: share of each fitted COSMIC signature (var mutational_signatures) per sample
-- across groups (paper: no significant difference).
-- Medians per group, Wilcoxon per pair of main groups (R semantics, Bonferroni over the pairs)
-- and Kruskal-Wallis over all main groups (fct_group_comparisons).
{%- set features = [] %}
{%- for signature in var('mutational_signatures').split(',') %}
    {%- do features.append(signature | trim ~ '_proportion') %}
{%- endfor %}
{{ continuous_feature_report('mutational_signature', features) }}
