-- Every gene list a transcriptomic score uses, in one shape: the gene set collections (GMT
-- files) and the literature panels (SET index, CDK4/6, endocrine score, PAM50 seed).
with gene_set_members as (
    select * from {{ ref('stg_reference__gene_set_members') }}
),

collections as (
    select * from {{ ref('gene_set_collections') }}
),

panels as (
    select * from {{ ref('gene_panels') }}
),

collection_members as (
    select
        'collection' as list_kind,
        collections.collection,
        gene_set_members.gene_set,
        gene_set_members.gene_set_description,
        gene_set_members.line_number as gene_set_order,
        gene_set_members.member_order,
        gene_set_members.gene_symbol as listed_symbol,
        1.0 as weight,
        collections.scored_in,
        collections.min_size,
        collections.max_size
    from gene_set_members
    inner join collections on gene_set_members.file_name = collections.file_name
),

panel_members as (
    select
        'panel' as list_kind,
        'panels' as collection,
        panel as gene_set,
        'Literature gene panel (seed gene_panels)' as gene_set_description,
        dense_rank() over (order by panel) as gene_set_order,
        member_order,
        panel_gene as listed_symbol,
        weight,
        case
            when panel = 'pam50' then 'fct_pam50_calls' else 'fct_treatment_scores'
        end as scored_in,
        1 as min_size,
        cast(null as integer) as max_size
    from panels
),

final as (
    select * from collection_members
    union all
    select * from panel_members
)

select * from final
