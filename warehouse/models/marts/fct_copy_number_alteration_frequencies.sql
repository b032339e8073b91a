-- Figure 3F: gain and loss rates per main group at gene, cytoband and arm level (one row per
-- feature, direction and group), with the Fisher test of the group vs the rest of the main
-- groups (Bonferroni within level, direction and group).
with frequencies as (
    select * from {{ ref('int_copy_number_alteration_frequencies') }}
),

final as (
    select
        level,
        feature,
        direction,
        group_key,
        group_label,
        cast(group_order as integer) as group_order,
        cast(n_altered as integer) as n_altered,
        cast(n_samples as integer) as n_samples,
        rate as fraction_altered,
        cast(n_altered_rest as integer) as n_altered_rest,
        cast(n_samples_rest as integer) as n_samples_rest,
        p_value_group_vs_rest as p_value,
        p_adjusted_group_vs_rest as p_adjusted,
        'bonferroni' as adjustment_method,
        'features of the level and direction, per group' as adjustment_family,
        q_value,
        cast(test_note as varchar) as test_note
    from frequencies
)

select * from final
