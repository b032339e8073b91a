-- scarHRD preprocess.hrd (ALGORITHMS.md section 2, sztup/scarHRD c98f8bc) for every sample:
-- autosomes only (chrX/chrY/23/24 dropped), alleles swapped so major >= minor, then
-- consecutive segments of a chromosome with equal (major, minor) merged (shrink).
-- Segments are taken in genomic order (chromosome 1-22, then start); scarHRD uses file order,
-- which is the same for a position-sorted file. segment_order numbers a sample's segments in
-- that order; it also fixes the first-appearance order of allele A copy numbers used by TAI.
-- Only samples with allele-specific copy number on every autosomal segment are scored
-- (int_hrd_computability); the others get null scores in int_hrd_scores.
{%- set reference = var('hrd_reference') %}
{%- if reference not in ['grch38', 'grch37'] %}
    {{ exceptions.raise_compiler_error(
        "var hrd_reference must be grch38 or grch37, not '" ~ reference ~ "'"
    ) }}
{%- endif %}

with segments as (
    select * from {{ ref('stg_raw__copy_number_segments') }}
),

computable_samples as (
    select sample_id from {{ ref('int_hrd_computability') }}
    where is_hrd_computable
),

centromeres as (
    select * from {{ ref('stg_reference__centromeres') }}
    where genome_reference = '{{ reference }}' and is_autosome
),

autosomal_segments as (
    select
        segments.sample_id,
        segments.chromosome,
        centromeres.chromosome_number,
        centromeres.centromere_start_position,
        centromeres.centromere_end_position,
        segments.start_position,
        segments.end_position,
        segments.total_copy_number,
        segments.allele_a_copy_number,
        segments.allele_b_copy_number
    from segments
    inner join computable_samples on segments.sample_id = computable_samples.sample_id
    inner join centromeres on segments.chromosome = centromeres.chromosome
),

ordered_segments as (
    select
        sample_id,
        chromosome,
        chromosome_number,
        centromere_start_position,
        centromere_end_position,
        row_number() over (
            partition by sample_id
            order by
                chromosome_number,
                start_position,
                end_position,
                allele_a_copy_number,
                allele_b_copy_number,
                total_copy_number
        ) as segment_order,
        start_position,
        end_position,
        total_copy_number,
        -- scarHRD's c6: allele A as read, before the swap (the TAI "ploidy" quirk).
        allele_a_copy_number,
        greatest(allele_a_copy_number, allele_b_copy_number) as major_copy_number,
        least(allele_a_copy_number, allele_b_copy_number) as minor_copy_number
    from autosomal_segments
),

merged_segments as (
    {{ shrink_segments(
        'ordered_segments',
        ['sample_id', 'chromosome', 'chromosome_number', 'centromere_start_position',
         'centromere_end_position'],
        ['major_copy_number', 'minor_copy_number']
    ) }}
),

final as (
    select
        sample_id,
        chromosome,
        chromosome_number,
        segment_order,
        start_position,
        end_position,
        total_copy_number,
        allele_a_copy_number,
        major_copy_number,
        minor_copy_number,
        centromere_start_position,
        centromere_end_position
    from merged_segments
)

select * from final
