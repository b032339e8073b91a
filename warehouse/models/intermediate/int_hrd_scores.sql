-- scarHRD scores per sample with copy-number segments, in SQL: HRD-LOH, TAI and LST from
-- int_hrd_loh, int_hrd_tai and int_hrd_lst (0 for a sample with no event of a kind, e.g.
-- segments on chrX/chrY only). fct_hrd_scores publishes them; the cross-group comparisons
-- read them here, so no intermediate model depends on a mart.
with segments as (
    select * from {{ ref('stg_raw__copy_number_segments') }}
),

hrd_loh as (
    select * from {{ ref('int_hrd_loh') }}
),

telomeric_allelic_imbalances as (
    select * from {{ ref('int_hrd_tai') }}
),

large_scale_transitions as (
    select * from {{ ref('int_hrd_lst') }}
),

segmented_samples as (
    select distinct sample_id from segments
),

components as (
    select
        segmented_samples.sample_id,
        coalesce(hrd_loh.hrd_loh, 0) as hrd_loh,
        coalesce(telomeric_allelic_imbalances.tai, 0) as tai,
        coalesce(large_scale_transitions.lst, 0) as lst
    from segmented_samples
    left join hrd_loh on segmented_samples.sample_id = hrd_loh.sample_id
    left join telomeric_allelic_imbalances
        on segmented_samples.sample_id = telomeric_allelic_imbalances.sample_id
    left join large_scale_transitions
        on segmented_samples.sample_id = large_scale_transitions.sample_id
),

scores as (
    select
        sample_id,
        cast(hrd_loh as integer) as hrd_loh,
        cast(tai as integer) as tai,
        cast(lst as integer) as lst,
        cast(hrd_loh + tai + lst as integer) as hrd_sum
    from components
)

select * from scores
