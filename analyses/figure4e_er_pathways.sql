-- Figure 4E: ER-associated pathways in probably benign tumours. GSEA of probably benign vs
-- the rest of the main groups on Hallmark (NES, FDR) next to the ssGSEA Kruskal-Wallis p of
-- the same sets across all main groups. The mart holds every main group vs the rest.
with gsea as (
    select * from {{ ref('fct_gsea_group_vs_rest') }}
),

comparisons as (
    select * from {{ ref('fct_group_comparisons') }}
),

kruskal as (
    select
        feature,
        p_value
    from comparisons
    where
        feature_family = 'pathway_hallmark'
        and test = 'kruskal_wallis'
        and comparison_scope = 'all_main_groups'
)

select
    gsea.group_label,
    gsea.gene_set,
    gsea.nes,
    gsea.q_value as gsea_q_value,
    gsea.p_value as gsea_p_value,
    kruskal.p_value as ssgsea_kruskal_wallis_p
from gsea
left join kruskal on gsea.gene_set = kruskal.feature
where gsea.group_key = 'probably_benign'
order by gsea.nes desc
