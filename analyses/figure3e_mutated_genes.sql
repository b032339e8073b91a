-- Figure 3E / Table S2: the most frequently mutated genes (paper: PIK3CA 46 %, TP53 26 %,
-- GATA3 14 %, MAP3K1 15 %, AKT1 10 % of the sequenced cohort) with their mutated fraction per
-- group and the exact Fisher p over all main groups (paper: MAP3K1 higher in the negative
-- group, P = 0.080). One row per gene and main group, the oncoplot's gene order.
with frequencies as (
    select * from {{ ref('fct_mutated_gene_frequencies') }}
),

top_genes as (
    select
        mutation_rank,
        gene_symbol,
        n_mutated_all,
        n_sequenced_all,
        fraction_mutated_all,
        group_key,
        group_label,
        group_order,
        n_mutated,
        n_sequenced,
        fraction_mutated,
        p_value,
        q_value,
        fisher_method
    from frequencies
    where mutation_rank <= 20 or gene_symbol = 'MAP3K1'
)

select * from top_genes
order by mutation_rank asc, group_order asc
