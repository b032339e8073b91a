-- GSEA of each main calcification group against the other two (Broad GSEA desktop
-- defaults: signal-to-noise, weighted statistic, phenotype permutations, fixed seed).
with gsea as (
    select * from {{ ref('int_gsea_group_vs_rest') }}
),

final as (
    select
        calcification_group,
        collection,
        gene_set,
        cast(size as integer) as set_size,
        es,
        nes,
        nominal_p,
        fdr_q,
        fwer_p,
        cast(leading_edge_size as integer) as leading_edge_size,
        leading_edge_genes,
        cast(n_perm as integer) as n_permutations,
        cast(seed as bigint) as seed
    from gsea
)

select * from final
