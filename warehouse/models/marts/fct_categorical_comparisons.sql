-- Categorical features across the main groups of the active grouping: one row per
-- comparison, level and main group with counts, percentages of the group and of the level,
-- and the exact Fisher p of the levels x all-main-groups table (repeated on its rows).
-- Unknown levels are left out of the table and counted (group_unknown, n_excluded_unknown);
-- a degenerate table has a null p and a test_note.
with comparisons as (
    select * from {{ ref('int_categorical_comparisons') }}
),

final as (
    select
        comparison,
        category_level,
        group_key,
        group_label,
        cast(group_order as integer) as group_order,
        cast(n as integer) as n,
        cast(group_total as integer) as group_total,
        cast(group_unknown as integer) as group_unknown,
        cast(level_total as integer) as level_total,
        pct_of_group,
        pct_of_level,
        fisher_p as p_value,
        fisher_method,
        cast(n_tested as integer) as n_tested,
        cast(n_excluded_unknown as integer) as n_excluded_unknown,
        test_note
    from comparisons
)

select * from final
