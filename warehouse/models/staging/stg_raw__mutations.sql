with source as (
    select * from {{ source('raw', 'mutations') }}
),

renamed as (
    select
        trim(Tumor_Sample_Barcode) as sample_id,
        trim(Hugo_Symbol) as gene_symbol,
        {{ normalise_chromosome('Chromosome') }} as chromosome,
        Start_Position as start_position,
        End_Position as end_position,
        Reference_Allele as reference_allele,
        Tumor_Seq_Allele2 as tumor_allele,
        Variant_Classification as variant_classification,
        Variant_Type as variant_type,
        t_ref_count as tumor_ref_reads,
        t_alt_count as tumor_alt_reads,
        nullif(HGVSp_Short, '') as protein_change,
        nullif(upper(Trinucleotide_Context), '') as trinucleotide_context
    from source
)

select * from renamed
