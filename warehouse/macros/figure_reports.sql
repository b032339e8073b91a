{% macro continuous_feature_report(feature_family, features) -%}
    {#- Medians, Wilcoxon per pair of main groups (Bonferroni over the pairs) and
        Kruskal-Wallis over all main groups of some features from the shared
        group-comparison table, the shape of every box-plot panel of the paper. Pairs follow
        the groups' display order. -#}
    with comparisons as (
        select * from {{ ref('fct_group_comparisons') }}
    ),

    comparison_groups as (
        select * from {{ ref('dim_comparison_groups') }}
    )

    select
        comparisons.feature,
        comparisons.test,
        comparisons.comparison_scope,
        comparisons.group_a_key,
        comparisons.group_a_label,
        comparisons.group_b_key,
        comparisons.group_b_label,
        comparisons.n_a,
        comparisons.n_b,
        comparisons.n_tested,
        comparisons.median_a,
        comparisons.median_b,
        comparisons.p_value,
        comparisons.p_adjusted
    from comparisons
    left join comparison_groups as group_a
        on comparisons.group_a_key = group_a.group_key
    left join comparison_groups as group_b
        on comparisons.group_b_key = group_b.group_key
    where
        comparisons.feature_family = '{{ feature_family }}'
        and comparisons.feature in ('{{ features | join("', '") }}')
    order by
        comparisons.feature asc,
        comparisons.test desc,
        group_a.group_order asc,
        group_b.group_order asc
{%- endmacro %}

{% macro categorical_feature_report(comparison) -%}
    {#- Counts and percentages per main group with the exact Fisher p of the whole levels x
        groups table, the shape of every stacked-bar panel of the paper. -#}
    with comparisons as (
        select * from {{ ref('fct_categorical_comparisons') }}
    )

    select
        category_level,
        group_key,
        group_label,
        group_order,
        n,
        group_total,
        pct_of_group,
        pct_of_level,
        p_value,
        fisher_method
    from comparisons
    where comparison = '{{ comparison }}'
    order by category_level asc, group_order asc
{%- endmacro %}
