-- Whether scarHRD can score a sample: it needs allele-specific copy number (A_cn and B_cn) on
-- every autosomal segment. Copy-number files with total copy number only (ChAS exports,
-- cBioPortal .seg files) leave A_cn/B_cn empty; those samples keep an HRD row with null
-- scores and the reason in hrd_status, while CIN and gene copy number use total copy number.
-- chrX/chrY segments do not count: scarHRD drops them before scoring.
with segments as (
    select * from {{ ref('stg_raw__copy_number_segments') }}
),

segment_alleles as (
    select
        sample_id,
        chromosome not in ('chrX', 'chrY') as is_autosomal,
        allele_a_copy_number is not null
        and allele_b_copy_number is not null as has_allele_copy_numbers
    from segments
),

sample_counts as (
    select
        sample_id,
        count(*) filter (where is_autosomal) as n_autosomal_segments,
        count(*) filter (
            where is_autosomal and not has_allele_copy_numbers
        ) as n_segments_without_alleles
    from segment_alleles
    group by sample_id
),

final as (
    select
        sample_id,
        cast(n_autosomal_segments as integer) as n_autosomal_segments,
        cast(n_segments_without_alleles as integer) as n_segments_without_alleles,
        n_segments_without_alleles = 0 as is_hrd_computable,
        case
            when n_segments_without_alleles = 0 then 'computed'
            when n_segments_without_alleles = n_autosomal_segments
                then 'not computable: total copy number only'
            else 'not computable: allele-specific copy number missing on some segments'
        end as hrd_status
    from sample_counts
)

select * from final
