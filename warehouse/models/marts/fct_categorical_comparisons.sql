-- Categorical features across the three main calcification groups: counts, percentages of
-- the group and of the level, and the exact Fisher p of the levels x groups table.
with comparisons as (
    select * from {{ ref('int_categorical_comparisons') }}
),

final as (
    select
        comparison,
        category_level,
        calcification_group,
        cast(n as integer) as n,
        cast(group_total as integer) as group_total,
        cast(level_total as integer) as level_total,
        pct_of_group,
        pct_of_level,
        fisher_p,
        fisher_method,
        cast(n_tested as integer) as n_tested
    from comparisons
)

select * from final
