-- One tidy table of group comparisons for every continuous feature (see
-- int_group_comparisons): one row per feature and pair of main groups (Wilcoxon) and one per
-- feature across all main groups (Kruskal-Wallis). A comparison that cannot be tested is a
-- row with a null p-value and a test_note; patients without a value are counted
-- (n_excluded_unknown).
with comparisons as (
    select * from {{ ref('int_group_comparisons') }}
),

final as (
    select
        feature_family,
        feature,
        test,
        comparison_scope,
        group_a_key,
        group_a_label,
        group_b_key,
        group_b_label,
        cast(n_a as integer) as n_a,
        cast(n_b as integer) as n_b,
        cast(n_tested as integer) as n_tested,
        cast(n_excluded_unknown as integer) as n_excluded_unknown,
        median_a,
        median_b,
        statistic,
        p_value,
        p_adjusted,
        case comparison_scope when 'pairwise' then 'bonferroni' else 'none' end
            as adjustment_method,
        case comparison_scope
            when 'pairwise' then 'pairs of main groups'
            else 'none (one test)'
        end as adjustment_family,
        q_value,
        method,
        test_note
    from comparisons
)

select * from final
