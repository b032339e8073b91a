-- Figure 3E / Table S2: mutated-sample frequency per gene and main group of the active
-- grouping (one row per gene and group), with the gene's overall frequency and rank and the
-- exact Fisher p across all main groups (repeated on the gene's rows) and why a gene is not
-- tested (test_note). Sequenced = present in the MAF; other patients are in no denominator.
with frequencies as (
    select * from {{ ref('int_mutated_gene_frequencies') }}
),

final as (
    select
        gene_symbol,
        group_key,
        group_label,
        cast(group_order as integer) as group_order,
        cast(n_mutated as integer) as n_mutated,
        cast(n_sequenced as integer) as n_sequenced,
        frequency as fraction_mutated,
        cast(n_mutated_all as integer) as n_mutated_all,
        cast(n_sequenced_all as integer) as n_sequenced_all,
        frequency_all as fraction_mutated_all,
        cast(frequency_rank as integer) as mutation_rank,
        p_value_all_main_groups as p_value,
        q_value,
        fisher_method,
        test_note
    from frequencies
)

select * from final
