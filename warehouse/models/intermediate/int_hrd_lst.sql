-- scarHRD calc.lst (large-scale state transitions, chr.arm = 'no') per sample. Chromosomes
-- with at least two segments are split at the centromere: p arm = segments starting at or
-- before the centromere start, q arm = segments ending at or after the centromere end (a
-- segment spanning the centromere is in both); each arm is re-merged, its first q start set
-- to the centromere end and its last p end to the centromere start. scarHRD then removes the
-- first segment shorter than 3 Mb and re-merges, until none is left. That loop keeps exactly
-- the segments of at least 3 Mb plus the short ones with the (major, minor) state of the
-- nearest preceding segment of at least 3 Mb (they merge into it); the kept segments are
-- re-merged. A transition is a pair of neighbours both at least 10 Mb long whose gap
-- (start - previous end) is under 3 Mb.
with preprocessed_segments as (
    select * from {{ ref('int_hrd_segments_preprocessed') }}
),

chromosomes_with_two_segments as (
    select
        sample_id,
        chromosome
    from preprocessed_segments
    group by sample_id, chromosome
    having count(*) >= 2
),

scored_segments as (
    select preprocessed_segments.*
    from preprocessed_segments
    inner join chromosomes_with_two_segments
        on
            preprocessed_segments.sample_id = chromosomes_with_two_segments.sample_id
            and preprocessed_segments.chromosome = chromosomes_with_two_segments.chromosome
),

arm_segments as (
    select
        *,
        'p' as arm
    from scored_segments
    where start_position <= centromere_start_position
    union all
    select
        *,
        'q' as arm
    from scored_segments
    where end_position >= centromere_end_position
),

merged_arm_segments as (
    {{ shrink_segments(
        'arm_segments',
        ['sample_id', 'chromosome', 'arm', 'centromere_start_position',
         'centromere_end_position'],
        ['major_copy_number', 'minor_copy_number']
    ) }}
),

clipped_arm_segments as (
    select
        sample_id,
        chromosome,
        arm,
        segment_order,
        case
            when
                arm = 'q'
                and segment_order
                = min(segment_order) over (partition by sample_id, chromosome, arm)
                then centromere_end_position
            else start_position
        end as start_position,
        case
            when
                arm = 'p'
                and segment_order
                = max(segment_order) over (partition by sample_id, chromosome, arm)
                then centromere_start_position
            else end_position
        end as end_position,
        total_copy_number,
        allele_a_copy_number,
        major_copy_number,
        minor_copy_number
    from merged_arm_segments
),

nearest_long_states as (
    select
        *,
        end_position - start_position >= 3000000 as is_at_least_3mb,
        last_value(
            case
                when end_position - start_position >= 3000000 then major_copy_number
            end ignore nulls
        ) over preceding_segments as previous_long_major_copy_number,
        last_value(
            case
                when end_position - start_position >= 3000000 then minor_copy_number
            end ignore nulls
        ) over preceding_segments as previous_long_minor_copy_number
    from clipped_arm_segments
    window preceding_segments as (
        partition by sample_id, chromosome, arm
        order by segment_order
        rows between unbounded preceding and 1 preceding
    )
),

smoothing_survivors as (
    select * from nearest_long_states
    where
        is_at_least_3mb
        or (
            major_copy_number = previous_long_major_copy_number
            and minor_copy_number = previous_long_minor_copy_number
        )
),

smoothed_arm_segments as (
    {{ shrink_segments(
        'smoothing_survivors',
        ['sample_id', 'chromosome', 'arm'],
        ['major_copy_number', 'minor_copy_number']
    ) }}
),

neighbours as (
    select
        sample_id,
        end_position - start_position as length_bp,
        lag(end_position - start_position) over arm_order as previous_length_bp,
        start_position - lag(end_position) over arm_order as gap_bp
    from smoothed_arm_segments
    window arm_order as (partition by sample_id, chromosome, arm order by segment_order)
),

transition_counts as (
    select
        sample_id,
        count(*) as lst
    from neighbours
    where
        length_bp >= 10000000
        and previous_length_bp >= 10000000
        and gap_bp < 3000000
    group by sample_id
)

select * from transition_counts
