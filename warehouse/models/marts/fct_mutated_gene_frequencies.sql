-- Figure 3E / Table S2: mutated-sample frequency per gene and calcification group.
with frequencies as (
    select * from {{ ref('int_mutated_gene_frequencies') }}
),

final as (
    select
        gene_symbol,
        cast(n_mutated_all as integer) as n_mutated_all,
        cast(n_sequenced_all as integer) as n_sequenced_all,
        frequency_all,
        cast(n_mutated_negative as integer) as n_mutated_negative,
        cast(n_negative as integer) as n_negative,
        frequency_negative,
        cast(n_mutated_probably_benign as integer) as n_mutated_probably_benign,
        cast(n_probably_benign as integer) as n_probably_benign,
        frequency_probably_benign,
        cast(n_mutated_high_suspicion as integer) as n_mutated_high_suspicion,
        cast(n_high_suspicion as integer) as n_high_suspicion,
        frequency_high_suspicion,
        p_value_fisher,
        cast(row_number() over (
            order by n_mutated_all desc, gene_symbol asc
        ) as integer) as frequency_rank
    from frequencies
)

select * from final
