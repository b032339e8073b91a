-- No two segments of one sample and chromosome overlap (a shared end point is allowed), as
-- calcomics.methods.hrd requires: scarHRD's merge and arm rules assume a segmentation, and the HRD
-- models would score overlapping segments silently. Unknown chromosomes and end < start are
-- rejected by the raw source tests (_raw__sources.yml).
with segments as (
    select * from {{ ref('stg_raw__copy_number_segments') }}
    where end_position >= start_position
),

previous_reach as (
    select
        sample_id,
        chromosome,
        start_position,
        end_position,
        max(end_position) over (
            partition by sample_id, chromosome
            order by start_position, end_position
            rows between unbounded preceding and 1 preceding
        ) as previous_max_end_position
    from segments
)

select
    sample_id,
    chromosome,
    start_position,
    end_position,
    previous_max_end_position
from previous_reach
where start_position < previous_max_end_position
