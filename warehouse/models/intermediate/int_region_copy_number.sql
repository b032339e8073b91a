-- Region-level values per sample (arm and cytoband): length-weighted mean of segment values
-- over the region, and a -1/0/1 call with threshold var cn_call_threshold.
with segments as (
    select * from {{ ref('int_segments_median_centred') }}
),

arms as (
    select * from {{ ref('int_chromosome_arms') }}
),

cytobands as (
    select * from {{ ref('stg_reference__cytobands') }}
),

regions as (
    select
        'arm' as region_level,
        chromosome_arm as region,
        chromosome,
        start_position,
        end_position
    from arms
    union all
    select
        'cytoband' as region_level,
        cytoband as region,
        chromosome,
        start_position,
        end_position
    from cytobands
),

segment_region_overlaps as (
    select
        segments.sample_id,
        regions.region_level,
        regions.region,
        segments.copy_number_value,
        least(segments.end_position, regions.end_position)
        - greatest(segments.start_position, regions.start_position) + 1 as overlap_bp
    from segments
    inner join regions
        on
            segments.chromosome = regions.chromosome
            and segments.start_position <= regions.end_position
            and segments.end_position >= regions.start_position
),

region_values as (
    select
        sample_id,
        region_level,
        region,
        sum(copy_number_value * overlap_bp) / sum(overlap_bp) as region_copy_number_value
    from segment_region_overlaps
    group by sample_id, region_level, region
),

final as (
    select
        sample_id,
        region_level,
        region,
        region_copy_number_value,
        cast(
            case
                when region_copy_number_value > {{ var('cn_call_threshold') }} then 1
                when region_copy_number_value < -{{ var('cn_call_threshold') }} then -1
                else 0
            end as integer
        ) as region_copy_number_call
    from region_values
)

select * from final
