-- Segments the HRD models would score silently but calcomics.hrd rejects: a chromosome other
-- than 1-22, X, Y (with or without chr; 23/24 are X/Y), end before start, or overlapping
-- another segment of the same sample and chromosome (a shared end point is allowed).
with segments as (
    select * from {{ ref('stg_raw__copy_number_segments') }}
),

centromeres as (
    select * from {{ ref('stg_reference__centromeres') }}
    where genome_reference = '{{ var('hrd_reference') }}'
),

unknown_chromosomes as (
    select
        segments.sample_id,
        segments.chromosome,
        segments.start_position,
        segments.end_position,
        'unknown chromosome' as problem
    from segments
    left join centromeres on upper(segments.chromosome) = upper(centromeres.chromosome)
    where centromeres.chromosome is null
),

reversed_segments as (
    select
        sample_id,
        chromosome,
        start_position,
        end_position,
        'end_position < start_position' as problem
    from segments
    where end_position < start_position
),

previous_reach as (
    select
        sample_id,
        chromosome,
        start_position,
        end_position,
        max(end_position) over (
            partition by sample_id, upper(chromosome)
            order by start_position, end_position
            rows between unbounded preceding and 1 preceding
        ) as previous_max_end_position
    from segments
    where end_position >= start_position
),

overlapping_segments as (
    select
        sample_id,
        chromosome,
        start_position,
        end_position,
        'overlaps a previous segment of the sample' as problem
    from previous_reach
    where start_position < previous_max_end_position
)

select * from unknown_chromosomes
union all
select * from reversed_segments
union all
select * from overlapping_segments
