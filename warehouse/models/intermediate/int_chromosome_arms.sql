-- Chromosome arm extents (1-based inclusive) from the cytobands.
with cytobands as (
    select * from {{ ref('stg_reference__cytobands') }}
),

arms as (
    select
        chromosome,
        arm,
        chromosome_arm,
        min(start_position) as start_position,
        max(end_position) as end_position
    from cytobands
    group by chromosome, arm, chromosome_arm
)

select * from arms
