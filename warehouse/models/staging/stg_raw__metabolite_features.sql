-- Codes read through raw_column() (normalisation from _raw__sources.yml meta).
with source as (
    select * from {{ source('raw', 'metabolite_annotation') }}
),

renamed as (
    select
        {{ raw_column('metabolite_annotation', 'feature_id') }} as feature_id,
        feature_name,
        {{ raw_column('metabolite_annotation', 'platform') }} as platform,
        metabolite_class,
        nullif(
            {{ raw_column('metabolite_annotation', 'kegg_compound_id') }}, ''
        ) as kegg_compound_id,
        nullif(
            {{ raw_column('metabolite_annotation', 'lipid_subclass') }}, ''
        ) as lipid_subclass
    from source
)

select * from renamed
