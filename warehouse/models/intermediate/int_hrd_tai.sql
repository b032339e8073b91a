-- scarHRD calc.ai_new (Telomeric AI; min.size = 1e6, ploidyByChromosome = TRUE) per sample.
-- Segments shorter than 1 Mb (end - start < 1e6) are dropped and the rest re-merged. Each
-- chromosome's "ploidy" is the non-zero allele A copy number (scarHRD's c6, the txt-route
-- quirk) covering most of the chromosome, over all such values of the sample; ties go to the
-- value seen first in the sample. With ploidy 1 or even (2-200) a segment is balanced when
-- major = minor; otherwise when major + minor = ploidy and minor > 0; with no ploidy (no
-- non-zero allele A in the sample) every segment is imbalanced. On a chromosome of two or
-- more segments, an imbalanced first segment ending before the centromere and an imbalanced
-- last segment starting after it are telomeric AI; TAI counts them. No 11 Mb rule.
with preprocessed_segments as (
    select * from {{ ref('int_hrd_segments_preprocessed') }}
),

segments_of_at_least_1mb as (
    select * from preprocessed_segments
    where end_position - start_position >= 1000000
),

merged_segments as (
    {{ shrink_segments(
        'segments_of_at_least_1mb',
        ['sample_id', 'chromosome', 'centromere_start_position', 'centromere_end_position'],
        ['major_copy_number', 'minor_copy_number']
    ) }}
),

sample_allele_a_values as (
    select
        sample_id,
        allele_a_copy_number,
        min(segment_order) as first_segment_order
    from merged_segments
    where allele_a_copy_number != 0
    group by sample_id, allele_a_copy_number
),

sample_chromosomes as (
    select distinct
        sample_id,
        chromosome
    from merged_segments
),

allele_a_lengths as (
    select
        sample_chromosomes.sample_id,
        sample_chromosomes.chromosome,
        sample_allele_a_values.allele_a_copy_number,
        sample_allele_a_values.first_segment_order,
        coalesce(
            sum(merged_segments.end_position - merged_segments.start_position), 0
        ) as covered_length_bp
    from sample_chromosomes
    inner join sample_allele_a_values
        on sample_chromosomes.sample_id = sample_allele_a_values.sample_id
    left join merged_segments
        on
            sample_chromosomes.sample_id = merged_segments.sample_id
            and sample_chromosomes.chromosome = merged_segments.chromosome
            and sample_allele_a_values.allele_a_copy_number
            = merged_segments.allele_a_copy_number
    group by
        sample_chromosomes.sample_id,
        sample_chromosomes.chromosome,
        sample_allele_a_values.allele_a_copy_number,
        sample_allele_a_values.first_segment_order
),

chromosome_ploidies as (
    select
        sample_id,
        chromosome,
        allele_a_copy_number as chromosome_ploidy
    from allele_a_lengths
    qualify row_number() over (
        partition by sample_id, chromosome
        order by covered_length_bp desc, first_segment_order asc
    ) = 1
),

imbalance_codes as (
    select
        merged_segments.sample_id,
        merged_segments.chromosome,
        merged_segments.start_position,
        merged_segments.end_position,
        merged_segments.centromere_start_position,
        merged_segments.centromere_end_position,
        case
            when
                chromosome_ploidies.chromosome_ploidy = 1
                or (
                    chromosome_ploidies.chromosome_ploidy between 2 and 200
                    and chromosome_ploidies.chromosome_ploidy % 2 = 0
                )
                then merged_segments.major_copy_number != merged_segments.minor_copy_number
            else not coalesce(
                merged_segments.major_copy_number + merged_segments.minor_copy_number
                = chromosome_ploidies.chromosome_ploidy
                and merged_segments.minor_copy_number != 0,
                false
            )
        end as is_imbalanced,
        row_number() over (
            partition by merged_segments.sample_id, merged_segments.chromosome
            order by merged_segments.segment_order
        ) as position_from_first,
        row_number() over (
            partition by merged_segments.sample_id, merged_segments.chromosome
            order by merged_segments.segment_order desc
        ) as position_from_last,
        count(*) over (
            partition by merged_segments.sample_id, merged_segments.chromosome
        ) as n_chromosome_segments
    from merged_segments
    left join chromosome_ploidies
        on
            merged_segments.sample_id = chromosome_ploidies.sample_id
            and merged_segments.chromosome = chromosome_ploidies.chromosome
),

telomeric_imbalances as (
    select
        sample_id,
        count(*) as tai
    from imbalance_codes
    where
        is_imbalanced
        and n_chromosome_segments > 1
        and (
            (position_from_first = 1 and end_position < centromere_start_position)
            or (position_from_last = 1 and start_position > centromere_end_position)
        )
    group by sample_id
)

select * from telomeric_imbalances
