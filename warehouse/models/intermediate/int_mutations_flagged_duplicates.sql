-- maftools read.maf removes duplicated variants keyed on
-- Chromosome:Start_Position:Tumor_Sample_Barcode:Reference_Allele:Tumor_Seq_Allele2.
-- Duplicates are flagged here (kept visible and counted), not dropped.
with mutations as (
    select * from {{ ref('stg_raw__mutations') }}
),

flagged as (
    select
        *,
        row_number() over (
            partition by sample_id, chromosome, start_position, reference_allele, tumor_allele
            order by gene_symbol, variant_classification
        ) > 1 as is_duplicate
    from mutations
)

select * from flagged
