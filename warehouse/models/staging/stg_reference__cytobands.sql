with source as (
    select * from {{ source('reference', 'cytobands') }}
),

renamed as (
    select
        chrom as chromosome,
        -- UCSC starts are 0-based: +1 gives the 1-based inclusive start used everywhere else.
        chromStart + 1 as start_position,
        chromEnd as end_position,
        name as band_name,
        replace(chrom, 'chr', '') || name as cytoband,
        replace(chrom, 'chr', '') || left(name, 1) as chromosome_arm,
        left(name, 1) as arm,
        gieStain as giemsa_stain
    from source
)

select * from renamed
