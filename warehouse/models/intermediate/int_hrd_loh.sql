-- scarHRD calc.hrd (HRD-LOH, sizelimitLOH = 15e6) per sample: on each chromosome that is not
-- LOH from end to end (some segment has minor > 0), major is capped at 1, the segments are
-- re-merged, and LOH segments (minor = 0, major > 0: homozygous deletions are not LOH) longer
-- than 15 Mb (end - start > 15e6, strict) are counted. No chr17 exclusion.
with preprocessed_segments as (
    select * from {{ ref('int_hrd_segments_preprocessed') }}
),

chromosome_states as (
    select
        sample_id,
        chromosome,
        bool_and(minor_copy_number = 0) as is_whole_chromosome_loh
    from preprocessed_segments
    group by sample_id, chromosome
),

capped_segments as (
    select
        preprocessed_segments.sample_id,
        preprocessed_segments.chromosome,
        preprocessed_segments.segment_order,
        preprocessed_segments.start_position,
        preprocessed_segments.end_position,
        preprocessed_segments.total_copy_number,
        preprocessed_segments.allele_a_copy_number,
        least(preprocessed_segments.major_copy_number, 1) as major_copy_number,
        preprocessed_segments.minor_copy_number
    from preprocessed_segments
    inner join chromosome_states
        on
            preprocessed_segments.sample_id = chromosome_states.sample_id
            and preprocessed_segments.chromosome = chromosome_states.chromosome
    where not chromosome_states.is_whole_chromosome_loh
),

remerged_segments as (
    {{ shrink_segments(
        'capped_segments',
        ['sample_id', 'chromosome'],
        ['major_copy_number', 'minor_copy_number']
    ) }}
),

loh_counts as (
    select
        sample_id,
        count(*) as hrd_loh
    from remerged_segments
    where
        minor_copy_number = 0
        and major_copy_number != 0
        and end_position - start_position > 15000000
    group by sample_id
)

select * from loh_counts
