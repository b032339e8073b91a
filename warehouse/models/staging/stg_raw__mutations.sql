-- Codes read through raw_column() (normalisation from _raw__sources.yml meta).
with source as (
    select * from {{ source('raw', 'mutations') }}
),

renamed as (
    select
        {{ raw_column('mutations', 'Tumor_Sample_Barcode') }} as sample_id,
        {{ raw_column('mutations', 'Hugo_Symbol') }} as gene_symbol,
        {{ raw_column('mutations', 'Chromosome') }} as chromosome,
        Start_Position as start_position,
        End_Position as end_position,
        Reference_Allele as reference_allele,
        Tumor_Seq_Allele2 as tumor_allele,
        Variant_Classification as variant_classification,
        Variant_Type as variant_type,
        t_ref_count as tumor_ref_reads,
        t_alt_count as tumor_alt_reads,
        nullif(HGVSp_Short, '') as protein_change,
        nullif({{ raw_column('mutations', 'Trinucleotide_Context') }}, '') as trinucleotide_context
    from source
)

select * from renamed
