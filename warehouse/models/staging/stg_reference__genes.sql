-- Protein-coding genes with a unique approved symbol (Ensembl-id placeholders and the second
-- copy of PAR genes listed on both X and Y are left out), chrM excluded.
with source as (
    select * from {{ source('reference', 'genes') }}
),

renamed as (
    select
        gene_symbol,
        chrom as chromosome,
        start as start_position,
        "end" as end_position,
        strand
    from source
    where
        chrom != 'chrM'
        and not starts_with(gene_symbol, 'ENSG')
    qualify row_number() over (partition by gene_symbol order by chrom, start) = 1
)

select * from renamed
