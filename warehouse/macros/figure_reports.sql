{% macro continuous_feature_report(feature_family, features) -%}
    {#- Medians, pairwise Wilcoxon (Bonferroni) and Kruskal-Wallis of some features from the
        shared group-comparison table, the shape of every box-plot panel of the paper. -#}
    with comparisons as (
        select * from {{ ref('fct_group_comparisons') }}
    )

    select
        feature,
        test,
        group_a,
        group_b,
        n_a,
        n_b,
        median_a,
        median_b,
        p_value,
        p_adjusted
    from comparisons
    where
        feature_family = '{{ feature_family }}'
        and feature in ('{{ features | join("', '") }}')
    order by feature asc, test desc, group_a asc, group_b asc
{%- endmacro %}

{% macro categorical_feature_report(comparison) -%}
    {#- Counts and percentages per group with the exact Fisher p of the whole table, the
        shape of every stacked-bar panel of the paper. -#}
    with comparisons as (
        select * from {{ ref('fct_categorical_comparisons') }}
    )

    select
        category_level,
        calcification_group,
        n,
        group_total,
        pct_of_group,
        pct_of_level,
        fisher_p,
        fisher_method
    from comparisons
    where comparison = '{{ comparison }}'
    order by category_level, calcification_group
{%- endmacro %}
