-- Every sample with copy-number segments has an HRD row (none lost in the HRD models).
with segment_samples as (
    select distinct sample_id from {{ ref('stg_raw__copy_number_segments') }}
),

hrd_scores as (
    select sample_id from {{ ref('fct_hrd_scores') }}
)

select segment_samples.sample_id
from segment_samples
left join hrd_scores on segment_samples.sample_id = hrd_scores.sample_id
where hrd_scores.sample_id is null
