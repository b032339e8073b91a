-- Figure 3F: arm-level gains and losses per group, and the genes the paper names (TP53 on
-- 17p, ATM on 11q), with the exact Fisher test of each group vs the rest of the main groups
-- (Bonferroni over the features of the level and direction). The paper compares high
-- suspicion with the others: its rows carry that test (17p and 11q losses enriched).
with frequencies as (
    select * from {{ ref('fct_copy_number_alteration_frequencies') }}
),

paper_features as (
    select
        level,
        feature,
        direction,
        group_key,
        group_label,
        group_order,
        n_altered,
        n_samples,
        fraction_altered,
        n_altered_rest,
        n_samples_rest,
        p_value,
        p_adjusted,
        q_value
    from frequencies
    where level = 'arm' or (level = 'gene' and feature in ('TP53', 'ATM'))
)

select * from paper_features
order by level asc, feature asc, direction asc, group_order asc
