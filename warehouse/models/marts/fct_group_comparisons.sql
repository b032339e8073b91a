-- One tidy table of group comparisons for every continuous feature (see int_group_comparisons).
with comparisons as (
    select * from {{ ref('int_group_comparisons') }}
),

final as (
    select
        feature_family,
        feature,
        test,
        group_a,
        group_b,
        cast(n_a as integer) as n_a,
        cast(n_b as integer) as n_b,
        median_a,
        median_b,
        statistic,
        p_value,
        p_adjusted,
        method
    from comparisons
)

select * from final
