-- GSEA of each main group against the rest of the main groups (Broad GSEA desktop
-- defaults: signal-to-noise, weighted statistic, phenotype permutations, fixed seed).
with gsea as (
    select * from {{ ref('int_gsea_group_vs_rest') }}
),

comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

final as (
    select
        gsea.group_key,
        comparison_groups.group_label,
        cast(comparison_groups.group_order as integer) as group_order,
        cast(gsea.n_group_samples as integer) as n_group_samples,
        cast(gsea.n_rest_samples as integer) as n_rest_samples,
        gsea.collection,
        gsea.gene_set,
        cast(gsea.size as integer) as set_size,
        gsea.es,
        gsea.nes,
        gsea.nominal_p as p_value,
        gsea.fdr_q as q_value,
        gsea.fwer_p as p_adjusted,
        'GSEA FWER (max NES over the permutations)' as adjustment_method,
        'gene sets of the collection, per group' as adjustment_family,
        cast(gsea.leading_edge_size as integer) as leading_edge_size,
        gsea.leading_edge_genes,
        cast(gsea.n_perm as integer) as n_permutations,
        cast(gsea.seed as bigint) as seed,
        cast(gsea.test_note as varchar) as test_note,
        '{{ var("expression_scale") }}' as expression_scale
    from gsea
    inner join comparison_groups on gsea.group_key = comparison_groups.group_key
)

select * from final
