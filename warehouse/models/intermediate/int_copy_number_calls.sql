-- Copy-number calls of every sample at gene, cytoband and arm level, in one long table.
with gene_copy_number as (
    select * from {{ ref('int_gene_copy_number') }}
),

region_copy_number as (
    select * from {{ ref('int_region_copy_number') }}
),

calls as (
    select
        'gene' as feature_level,
        gene_symbol as feature,
        sample_id,
        copy_number_call
    from gene_copy_number
    union all
    select
        region_level as feature_level,
        region as feature,
        sample_id,
        region_copy_number_call as copy_number_call
    from region_copy_number
)

select * from calls
