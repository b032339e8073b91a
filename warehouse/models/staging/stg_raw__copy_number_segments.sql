-- Codes read through raw_column() (normalisation from _raw__sources.yml meta).
with source as (
    select * from {{ source('raw', 'segments') }}
),

renamed as (
    select
        {{ raw_column('segments', 'SampleID') }} as sample_id,
        {{ raw_column('segments', 'Chromosome') }} as chromosome,
        Start_position as start_position,
        End_position as end_position,
        total_cn as total_copy_number,
        A_cn as allele_a_copy_number,
        B_cn as allele_b_copy_number,
        ploidy
    from source
)

select * from renamed
