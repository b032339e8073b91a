with source as (
    select * from {{ source('reference', 'centromeres') }}
),

renamed as (
    select
        regexp_extract(filename, 'centromeres_(grch3[78])\.tsv$', 1) as genome_reference,
        chrom as chromosome,
        -- 1-22 for autosomes, null for chrX / chrY.
        try_cast(replace(chrom, 'chr', '') as integer) as chromosome_number,
        replace(chrom, 'chr', '') not in ('X', 'Y') as is_autosome,
        centstart as centromere_start_position,
        centend as centromere_end_position
    from source
)

select * from renamed
