-- Autosomal genes (GISTIC -rx 1) with the cytoband and arm holding their start.
with genes as (
    select * from {{ ref('stg_reference__genes') }}
    where chromosome not in ('chrX', 'chrY')
),

cytobands as (
    select * from {{ ref('stg_reference__cytobands') }}
),

joined as (
    select
        genes.gene_symbol,
        genes.chromosome,
        genes.start_position,
        genes.end_position,
        cytobands.cytoband,
        cytobands.chromosome_arm
    from genes
    left join cytobands
        on
            genes.chromosome = cytobands.chromosome
            and genes.start_position between cytobands.start_position and cytobands.end_position
)

select * from joined
