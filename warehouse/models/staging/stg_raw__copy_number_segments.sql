with source as (
    select * from {{ source('raw', 'segments') }}
),

renamed as (
    select
        trim(SampleID) as sample_id,
        {{ normalise_chromosome('Chromosome') }} as chromosome,
        Start_position as start_position,
        End_position as end_position,
        total_cn as total_copy_number,
        A_cn as allele_a_copy_number,
        B_cn as allele_b_copy_number,
        ploidy
    from source
)

select * from renamed
