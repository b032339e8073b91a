with source as (
    select * from {{ source('raw', 'metabolite_annotation') }}
),

renamed as (
    select
        trim(feature_id) as feature_id,
        feature_name,
        lower(trim(platform)) as platform,
        metabolite_class,
        nullif(trim(kegg_compound_id), '') as kegg_compound_id,
        nullif(trim(lipid_subclass), '') as lipid_subclass
    from source
)

select * from renamed
