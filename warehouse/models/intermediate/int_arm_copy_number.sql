-- Arm-level value per sample: length-weighted mean of segment values over the arm.
with segments as (
    select * from {{ ref('int_segments_median_centred') }}
),

arms as (
    select * from {{ ref('int_chromosome_arms') }}
),

segment_arm_overlaps as (
    select
        segments.sample_id,
        arms.chromosome_arm,
        segments.copy_number_value,
        least(segments.end_position, arms.end_position)
        - greatest(segments.start_position, arms.start_position) + 1 as overlap_bp
    from segments
    inner join arms
        on
            segments.chromosome = arms.chromosome
            and segments.start_position <= arms.end_position
            and segments.end_position >= arms.start_position
),

final as (
    select
        sample_id,
        chromosome_arm,
        sum(copy_number_value * overlap_bp) / sum(overlap_bp) as arm_copy_number_value
    from segment_arm_overlaps
    group by sample_id, chromosome_arm
)

select * from final
