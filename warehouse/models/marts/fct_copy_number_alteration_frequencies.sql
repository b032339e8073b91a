-- Figure 3F: gain and loss rates per group at gene, cytoband and arm level, with the
-- Fisher test of high suspicion vs the other two groups (Bonferroni within level and direction).
with frequencies as (
    select * from {{ ref('int_copy_number_alteration_frequencies') }}
),

final as (
    select
        level,
        feature,
        direction,
        cast(n_altered_negative as integer) as n_altered_negative,
        cast(n_negative as integer) as n_negative,
        rate_negative,
        cast(n_altered_probably_benign as integer) as n_altered_probably_benign,
        cast(n_probably_benign as integer) as n_probably_benign,
        rate_probably_benign,
        cast(n_altered_high_suspicion as integer) as n_altered_high_suspicion,
        cast(n_high_suspicion as integer) as n_high_suspicion,
        rate_high_suspicion,
        p_value_high_vs_others,
        p_adjusted_high_vs_others
    from frequencies
)

select * from final
