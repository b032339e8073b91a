with source as (
    select * from {{ source('raw', 'clinical') }}
),

renamed as (
    select
        trim(patient_id) as patient_id,
        age_years,
        -- canonical codes: 'none' lower case, BI-RADS categories upper case (4a -> 4A).
        case
            when lower(trim(calcification_birads)) = 'none' then 'none'
            else upper(trim(calcification_birads))
        end as calcification_birads,
        lower(trim(breast_density)) as breast_density_code,
        lower(trim(focal_asymmetry)) as focal_asymmetry,
        lower(trim(architectural_distortion)) as architectural_distortion,
        tumor_size_cm,
        lower(trim(lymph_node_status)) as lymph_node_status,
        lower(trim(lymphovascular_invasion)) as lymphovascular_invasion,
        trim(histological_grade) as histological_grade,
        er_ihc_pct,
        pr_ihc_pct,
        ki67_ihc_pct,
        trim(her2_ihc) as her2_ihc,
        trim(snf_subtype) as snf_subtype,
        lower(trim(endocrine_therapy)) = 'yes' as received_endocrine_therapy,
        rfs_months,
        rfs_event = 1 as had_relapse
    from source
)

select * from renamed
