-- scarHRD scores per sample with copy-number segments, in SQL: HRD-LOH, TAI and LST from
-- int_hrd_loh, int_hrd_tai and int_hrd_lst (0 for a sample with no event of a kind, e.g.
-- segments on chrX/chrY only). fct_hrd_scores publishes them; the cross-group comparisons
-- read them here, so no intermediate model depends on a mart. A sample without allele-specific
-- copy number on every autosomal segment (int_hrd_computability) keeps its row with null
-- scores and the reason in hrd_status.
with computability as (
    select * from {{ ref('int_hrd_computability') }}
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

components as (
    select
        computability.sample_id,
        computability.hrd_status,
        case
            when computability.is_hrd_computable then coalesce(hrd_loh.hrd_loh, 0)
        end as hrd_loh,
        case
            when computability.is_hrd_computable
                then coalesce(telomeric_allelic_imbalances.tai, 0)
        end as tai,
        case
            when computability.is_hrd_computable then coalesce(large_scale_transitions.lst, 0)
        end as lst
    from computability
    left join hrd_loh on computability.sample_id = hrd_loh.sample_id
    left join telomeric_allelic_imbalances
        on computability.sample_id = telomeric_allelic_imbalances.sample_id
    left join large_scale_transitions
        on computability.sample_id = large_scale_transitions.sample_id
),

scores as (
    select
        sample_id,
        cast(hrd_loh as integer) as hrd_loh,
        cast(tai as integer) as tai,
        cast(lst as integer) as lst,
        cast(hrd_loh + tai + lst as integer) as hrd_sum,
        hrd_status
    from components
)

select * from scores
