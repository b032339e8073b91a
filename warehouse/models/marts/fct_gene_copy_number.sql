-- Gene-level copy-number values and calls per sample (computed in int_gene_copy_number).
with gene_copy_number as (
    select * from {{ ref('int_gene_copy_number') }}
),

final as (
    select
        sample_id,
        gene_symbol,
        chromosome,
        chromosome_arm,
        cytoband,
        copy_number_value,
        copy_number_call,
        value_source
    from gene_copy_number
)

select * from final
