-- Raw codes are read through raw_column(): trimmed and case-normalised as the column's
-- `normalise` meta in _raw__sources.yml says, the same normalisation the raw tests and
-- `calcomics validate` apply before judging a value (BI-RADS: 'none' lower case, categories
-- upper case, 4a -> 4A).
with source as (
    select * from {{ source('raw', 'clinical') }}
),

renamed as (
    select
        {{ raw_column('clinical', 'patient_id') }} as patient_id,
        age_years,
        {{ raw_column('clinical', 'calcification_birads') }} as calcification_birads,
        {{ raw_column('clinical', 'breast_density') }} as breast_density_code,
        {{ raw_column('clinical', 'focal_asymmetry') }} as focal_asymmetry,
        {{ raw_column('clinical', 'architectural_distortion') }} as architectural_distortion,
        tumor_size_cm,
        {{ raw_column('clinical', 'lymph_node_status') }} as lymph_node_status,
        {{ raw_column('clinical', 'lymphovascular_invasion') }} as lymphovascular_invasion,
        {{ raw_column('clinical', 'histological_grade') }} as histological_grade,
        er_ihc_pct,
        pr_ihc_pct,
        ki67_ihc_pct,
        {{ raw_column('clinical', 'her2_ihc') }} as her2_ihc,
        {{ raw_column('clinical', 'snf_subtype') }} as snf_subtype,
        {{ raw_column('clinical', 'endocrine_therapy') }} = 'yes' as received_endocrine_therapy,
        rfs_months,
        rfs_event = 1 as had_relapse
    from source
)

select * from renamed
