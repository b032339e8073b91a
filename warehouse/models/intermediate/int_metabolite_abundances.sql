-- Lipid and polar metabolite abundances in one long table with their platform.
with lipid_abundances as (
    select * from {{ ref('stg_raw__lipid_abundances') }}
),

polar_abundances as (
    select * from {{ ref('stg_raw__polar_metabolite_abundances') }}
),

final as (
    select
        'lipidomics' as platform,
        sample_id,
        feature_id,
        abundance
    from lipid_abundances
    union all
    select
        'polar' as platform,
        sample_id,
        feature_id,
        abundance
    from polar_abundances
)

select * from final
