-- Figure 3E / Table S2: the most frequently mutated genes (paper: PIK3CA 46 %, TP53 26 %,
-- GATA3 14 %, MAP3K1 15 %, AKT1 10 % of the sequenced cohort) with their mutated fraction per
-- group and the exact Fisher p over all main groups (paper: MAP3K1 higher in the negative
-- group, P = 0.080). One row per gene and main group, the oncoplot's gene order.
with frequencies as (
    select * from {{ ref('fct_mutated_gene_frequencies') }}
),

top_genes as (
    select
        frequency_rank,
        gene_symbol,
        n_mutated_all,
        n_sequenced_all,
        frequency_all,
        group_key,
        group_label,
        group_order,
        n_mutated,
        n_sequenced,
        frequency,
        p_value_all_main_groups,
        fisher_method
    from frequencies
    where frequency_rank <= 20 or gene_symbol = 'MAP3K1'
)

select * from top_genes
order by frequency_rank asc, group_order asc
